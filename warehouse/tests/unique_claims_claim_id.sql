-- Every claim_id appears once in the lake.
select claim_id, count(*) as copies
from stg_claims
group by claim_id
having count(*) > 1
