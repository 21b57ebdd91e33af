-- Each mart has one row per value of its grain.
select 'figures_by_source_date' as mart, count(*) as copies
from figures_by_source_date
group by reported_date, source_kind, source, metric, subject, unit, scope
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

select 'latest_by_scope', count(*)
from latest_by_scope
group by claimant, metric, subject, unit, scope
having count(*) > 1

union all

select 'timeline', count(*)
from timeline
group by claimant, metric, subject, unit, sequence
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

select 'claim_events', count(*)
from claim_events
group by event_id
having count(*) > 1

union all

select 'claim_claimants', count(*)
from claim_claimants
group by claim_id, claimant
having count(*) > 1

union all

select 'runs', count(*)
from runs
group by run_id
having count(*) > 1
