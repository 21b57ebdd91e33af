-- Two different claimants whose total-scope claim events for the same metric, subject and unit, stated in
-- the same month, do not overlap. Each side is the claimant's latest figure that month, so there is
-- one row per pair of claimants, metric, subject, unit and month: the size grows with claimants x
-- metrics x months, never with the mentions. A missing bound is open ("more than 6,000" is
-- [6000, +inf)), so only two stated bounds can fail to overlap. A claimant never disagrees with itself;
-- figures in an outlet's own voice, increments, parts and plans are left out.
-- month: first day of the month the figures were stated in
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- lower_source: the claimant whose figure lies lower
-- lower_event_id: its claim event (see claim_events)
-- lower_value_low: its lower bound as stated
-- lower_value_high: its upper bound as stated
-- lower_qualifier: how it is stated
-- lower_value_best: its best value
-- lower_stated_on: the day it was stated (see claim_events)
-- lower_example_claim_id: a mention of it
-- higher_source: the claimant whose figure lies higher
-- higher_event_id: its claim event (see claim_events)
-- higher_value_low: its lower bound as stated
-- higher_value_high: its upper bound as stated
-- higher_qualifier: how it is stated
-- higher_value_best: its best value
-- higher_stated_on: when it was stated
-- higher_example_claim_id: a mention of it
-- gap: higher_value_low minus lower_value_high

with monthly as (

    select * from int_claimant_monthly_totals

),

pairs as (

    select
        lower_side.month,
        lower_side.metric,
        lower_side.subject,
        lower_side.unit,
        lower_side.claimant as lower_source,
        lower_side.event_id as lower_event_id,
        lower_side.value_low as lower_value_low,
        lower_side.value_high as lower_value_high,
        lower_side.qualifier as lower_qualifier,
        lower_side.value_best as lower_value_best,
        lower_side.stated_on as lower_stated_on,
        lower_side.example_claim_id as lower_example_claim_id,
        higher_side.claimant as higher_source,
        higher_side.event_id as higher_event_id,
        higher_side.value_low as higher_value_low,
        higher_side.value_high as higher_value_high,
        higher_side.qualifier as higher_qualifier,
        higher_side.value_best as higher_value_best,
        higher_side.stated_on as higher_stated_on,
        higher_side.example_claim_id as higher_example_claim_id,
        higher_side.value_low - lower_side.value_high as gap

    -- at most one row per claimant, metric, subject, unit and month on each side: the join is
    -- claimants x claimants within a month, never mentions x mentions
    from monthly as lower_side
    join monthly as higher_side
        on lower_side.month = higher_side.month
        and lower_side.metric = higher_side.metric
        and lower_side.subject is not distinct from higher_side.subject
        and lower_side.unit = higher_side.unit
        and lower_side.claimant <> higher_side.claimant
        -- both bounds must be stated: an open bound reaches every value on its side
        and lower_side.value_high < higher_side.value_low

)

select * from pairs
order by month, metric, subject nulls last, unit, lower_source, higher_source
