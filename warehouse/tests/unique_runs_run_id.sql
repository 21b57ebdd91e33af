-- Every run_id appears once in the lake.
select run_id, count(*) as copies
from stg_runs
group by run_id
having count(*) > 1
