-- Claim columns the contract requires are filled.
select claim_id, doc_id
from stg_claims
where claim_id is null or doc_id is null or section is null or metric is null
    or unit is null or value_best is null or qualifier is null or number_text is null
    or claimants is null or sentence is null or span_start is null or span_end is null
    or run_id is null
