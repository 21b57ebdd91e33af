-- Every claim's document is in the lake.
select claims.claim_id, claims.doc_id
from stg_claims as claims
anti join stg_documents as documents using (doc_id)
