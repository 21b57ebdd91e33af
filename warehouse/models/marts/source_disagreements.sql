-- Pairs of estimates of one metric, subject and unit in one month whose [low, high] ranges do not
-- overlap. A missing bound is open: "more than 6,000" is [6000, +inf). Each pair appears once, with
-- the estimate whose range lies lower on the left. Undated figures are left out.
-- month: first day of the month (of period_end, else of the reported date)
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- lower_estimate_id: the estimate whose range lies lower
-- lower_source: its claimant, or 'unattributed'
-- lower_value_low: its lower bound as stated
-- lower_value_high: its upper bound as stated
-- lower_qualifier: how it is stated
-- lower_value_best: its best value
-- lower_example_claim_id: a mention of it in that month
-- higher_estimate_id: the estimate whose range lies higher
-- higher_source: its claimant, or 'unattributed'
-- higher_value_low: its lower bound as stated
-- higher_value_high: its upper bound as stated
-- higher_qualifier: how it is stated
-- higher_value_best: its best value
-- higher_example_claim_id: a mention of it in that month
-- gap: higher_value_low minus lower_value_high
-- same_source: true when both estimates come from the same claimant

with monthly as (

    select * from int_monthly_estimates

),

pairs as (

    select
        lower_side.month,
        lower_side.metric,
        lower_side.subject,
        lower_side.unit,
        lower_side.estimate_id as lower_estimate_id,
        lower_side.claimant as lower_source,
        lower_side.value_low as lower_value_low,
        lower_side.value_high as lower_value_high,
        lower_side.qualifier as lower_qualifier,
        lower_side.value_best as lower_value_best,
        lower_side.example_claim_id as lower_example_claim_id,
        higher_side.estimate_id as higher_estimate_id,
        higher_side.claimant as higher_source,
        higher_side.value_low as higher_value_low,
        higher_side.value_high as higher_value_high,
        higher_side.qualifier as higher_qualifier,
        higher_side.value_best as higher_value_best,
        higher_side.example_claim_id as higher_example_claim_id,
        higher_side.value_low - lower_side.value_high as gap,
        lower_side.claimant = higher_side.claimant as same_source

    from monthly as lower_side
    join monthly as higher_side
        on lower_side.month = higher_side.month
        and lower_side.metric = higher_side.metric
        and lower_side.subject is not distinct from higher_side.subject
        and lower_side.unit = higher_side.unit
        -- both bounds must be stated: an open bound reaches every value on its side
        and lower_side.value_high < higher_side.value_low

)

select * from pairs
order by month, metric, subject nulls last, unit, lower_estimate_id, higher_estimate_id
