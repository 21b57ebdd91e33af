-- Per claimant, subject, unit, scope and day where the claimant stated exactly one killed and exactly
-- one wounded figure: the two events and their sums, and whether it stated a casualties figure that day.
-- Exactly one of each keeps it unambiguous which figures add up, and keeps the model linear (no
-- killed x wounded pairs).

with events as (

    select * from int_stated_events
    where metric in ('killed', 'wounded', 'casualties')
        and stated_on is not null

),

by_day as (

    select
        claimant,
        subject,
        unit,
        scope,
        stated_on,
        count(*) filter (where metric = 'killed') as killed_events,
        count(*) filter (where metric = 'wounded') as wounded_events,
        count(*) filter (where metric = 'casualties') as casualties_events,
        any_value({'event_id': event_id, 'value_low': value_low, 'value_high': value_high,
                   'value_best': value_best, 'qualifier': qualifier, 'forms': forms,
                   'stated_on_basis': stated_on_basis})
            filter (where metric = 'killed') as killed,
        any_value({'event_id': event_id, 'value_low': value_low, 'value_high': value_high,
                   'value_best': value_best, 'qualifier': qualifier, 'forms': forms})
            filter (where metric = 'wounded') as wounded

    from events
    group by claimant, subject, unit, scope, stated_on

),

final as (

    select
        claimant,
        subject,
        unit,
        scope,
        stated_on,
        casualties_events,
        killed.stated_on_basis,
        killed.event_id as killed_event_id,
        wounded.event_id as wounded_event_id,
        killed.value_low + wounded.value_low as value_low,
        killed.value_high + wounded.value_high as value_high,
        killed.value_best + wounded.value_best as value_best,
        case
            when killed.qualifier = wounded.qualifier
                and killed.qualifier not in ('range', 'vague') then killed.qualifier
            when killed.value_low + wounded.value_low = killed.value_high + wounded.value_high then 'approx'
            when killed.value_low is not null and wounded.value_low is not null
                and killed.value_high is not null and wounded.value_high is not null then 'range'
            when killed.value_low is not null and wounded.value_low is not null then 'at_least'
            when killed.value_high is not null and wounded.value_high is not null then 'at_most'
            else 'vague'
        end as qualifier,
        list_concat(killed.forms, wounded.forms) as forms,
        md5(concat_ws('|', 'derived', killed.event_id, wounded.event_id)) as derived_event_id

    from by_day
    where killed_events = 1 and wounded_events = 1

)

select * from final
