-- A stated lower bound is not above the stated upper bound, and the best value lies between them.
select claim_id, value_low, value_best, value_high
from stg_claims
where value_low > value_high
    or value_best < value_low
    or value_best > value_high
