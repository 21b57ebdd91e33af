-- One row per estimate and month in which it was reported (month of period_end, else of the
-- reported date). Only total-scope figures: increments, parts and plans are not estimates of the
-- whole. Figures with neither date cannot be placed in a month and are left out.

with claims as (

    select * from int_mart_claims
    where as_of_date is not null and scope = 'total'

),

final as (

    select
        cast(date_trunc('month', as_of_date) as date) as month,
        claimant,
        metric,
        subject,
        unit,
        value_low,
        value_high,
        qualifier,
        min(value_best) as value_best,
        count(*) as mentions,
        arg_min(claim_id, (doc_id, span_start, claim_id)) as example_claim_id

    from claims
    group by month, claimant, metric, subject, unit, value_low, value_high, qualifier

)

select * from final
