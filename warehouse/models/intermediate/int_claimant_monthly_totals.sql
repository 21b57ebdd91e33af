-- Each claimant's latest stated total per metric, subject, unit and month of stated_on: one row per
-- claimant, metric, subject, unit and month, so it grows with claimants x metrics x months, never with
-- how often a figure is repeated. Built on claim_events of scope total; figures in the outlets' own
-- voice ('unattributed'), derived casualties and undated events are left out: a disagreement is between
-- figures named claimants stated.

with events as (

    select * from claim_events
    where scope = 'total'
        and claimant <> 'unattributed'
        and not derived
        and stated_on is not null

),

final as (

    select
        claimant,
        metric,
        subject,
        unit,
        cast(date_trunc('month', stated_on) as date) as month,
        arg_max(
            {'event_id': event_id, 'value_low': value_low, 'value_high': value_high, 'qualifier': qualifier,
             'value_best': value_best, 'stated_on': stated_on, 'example_claim_id': example_claim_id},
            (stated_on, last_reported_date, last_period_end, documents, event_id)
        ) as latest

    from events
    group by all

)

select
    claimant, metric, subject, unit, month,
    latest.event_id, latest.value_low, latest.value_high, latest.qualifier, latest.value_best,
    latest.stated_on, latest.example_claim_id

from final
