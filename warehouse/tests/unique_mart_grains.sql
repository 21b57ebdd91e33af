-- Each mart has one row per value of its grain.
select 'figures_by_source_date' as mart, count(*) as copies
from figures_by_source_date
group by reported_date, source_kind, source, metric, subject, unit
having count(*) > 1

union all

select 'estimates', count(*)
from estimates
group by estimate_id
having count(*) > 1

union all

select 'latest_estimates', count(*)
from latest_estimates
group by claimant, metric, subject, unit
having count(*) > 1

union all

select 'estimate_ranges', count(*)
from estimate_ranges
group by month, metric, subject, unit
having count(*) > 1

union all

select 'source_disagreements', count(*)
from source_disagreements
group by month, metric, subject, unit, lower_source, higher_source
having count(*) > 1

union all

select 'runs', count(*)
from runs
group by run_id
having count(*) > 1
