-- Every counted mention belongs to exactly one stated claim event, and the events' mention counts add
-- up to the mentions: nothing is dropped or counted twice by the grouping.
with counted as (
    select count(*) as mentions from int_mart_claims
),
grouped as (
    select coalesce(sum(mentions), 0) as mentions from claim_events where not derived
),
assigned as (
    select count(*) as mentions from int_claim_event_mentions
)
select counted.mentions as counted, grouped.mentions as in_events, assigned.mentions as assigned
from counted, grouped, assigned
where counted.mentions <> grouped.mentions or counted.mentions <> assigned.mentions
