-- Each claimant's latest total-scope figure per metric, subject, unit and month it was stated in:
-- one row per claimant, metric, subject, unit and month, so it grows with claimants x metrics x months,
-- never with how often the figure is repeated. Figures in the outlets' own voice ('unattributed') and
-- figures that cannot be dated are left out: a disagreement is between named claimants.

with claims as (

    select * from int_mart_claims
    where scope = 'total'
        and claimant <> 'unattributed'
        and coalesce(stated_to, reported_date) is not null

),

dated as (

    select
        *,
        coalesce(stated_to, reported_date) as stated_date

    from claims

),

final as (

    select
        claimant,
        metric,
        subject,
        unit,
        cast(date_trunc('month', stated_date) as date) as month,
        arg_max(
            {'value_low': value_low, 'value_high': value_high, 'qualifier': qualifier,
             'value_best': value_best, 'stated_date': stated_date, 'claim_id': claim_id},
            (stated_date, reported_date, claim_id)
        ) as latest

    from dated
    group by all

)

select
    claimant, metric, subject, unit, month,
    latest.value_low, latest.value_high, latest.qualifier, latest.value_best,
    latest.stated_date, latest.claim_id as example_claim_id

from final
