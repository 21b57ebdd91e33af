-- One row per claim a source made, however many outlets reported it and in whatever form: one claimant,
-- metric, subject, unit and scope, a figure, and the day the claimant stated it. Mentions are one event
-- when their claimant, metric, subject, unit and scope agree, their figures are equal once rounded to
-- two significant digits (the rounding and hedging a reporter adds: "about 4,700", "4,700", "at least
-- 4,700"; a range keys on both bounds), and their statements fall within a few days of each other: a
-- dated statement ("told lawmakers on Wednesday") within 3 days of the event's statements, an undated
-- report within 14 days of its previous report, and a statement dated by a span ("said in January")
-- joins the event stated within it. A claim naming several claimants is one event of each. Where a
-- claimant states exactly one killed and one wounded figure on a day and they add up to a casualties
-- figure of that day (within 3%), the events are linked (components, component_of); where it states
-- no casualties figure that day, a casualties event is derived from them (derived), never replacing a
-- stated one.
-- event_id: stable id of the event
-- claimant: the claimant code, or 'unattributed' for figures in the outlets' own voice
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- scope: total, increment (a window's addition), part (a subset of the force) or planned
-- stated_on: the day the claimant stated it: the statement's date where the text gives one, else the earliest report (moved into a stated span)
-- stated_on_basis: what stated_on rests on: statement, statement span or report
-- value_low: lower number of the most precise form (null: no lower bound)
-- value_high: upper number of the most precise form (null: no upper bound)
-- qualifier: how the most precise form states it
-- value_best: one point value for charts, from the most precise form
-- number_text: the most precise form as written
-- forms: the number phrases as written, distinct and sorted
-- documents: distinct documents reporting it
-- outlets: distinct outlets reporting it
-- mentions: mentions of it
-- first_reported_date: earliest publication date of a report
-- last_reported_date: latest publication date of a report
-- last_period_end: latest date a mention says the figure stands as of
-- example_claim_id: the mention of the most precise form (earliest report)
-- components: for a casualties event, the killed and wounded events that add up to it; else empty
-- component_of: for a killed or wounded event, the casualties event it adds up to; else null
-- derived: true for a casualties event added from a claimant's killed and wounded figures of a day

with stated as (

    select * from int_stated_events

),

components as (

    select * from int_casualty_components

),

mentions as (

    select * from int_claim_event_mentions

),

-- a stated casualties figure that the day's killed and wounded add up to
linked as (

    select
        casualties.event_id as casualties_event_id,
        components.killed_event_id,
        components.wounded_event_id

    from stated as casualties
    join components
        on casualties.claimant = components.claimant
        and casualties.subject is not distinct from components.subject
        and casualties.unit = components.unit
        and casualties.scope = components.scope
        and casualties.stated_on = components.stated_on
    where casualties.metric = 'casualties'
        and abs(casualties.value_best - components.value_best) <= 0.03 * casualties.value_best
    -- one killed and wounded pair adds up to one casualties figure: the closest
    qualify row_number() over (
        partition by components.killed_event_id
        order by abs(casualties.value_best - components.value_best), casualties.event_id
    ) = 1

),

to_derive as (

    select * from components
    where casualties_events = 0

),

derived_components as (

    select derived_event_id, killed_event_id as event_id from to_derive
    union all
    select derived_event_id, wounded_event_id from to_derive

),

derived_reports as (

    select
        derived_components.derived_event_id,
        count(distinct mentions.doc_id) as documents,
        count(distinct mentions.outlet) as outlets,
        count(*) as mentions,
        min(mentions.reported_date) as first_reported_date,
        max(mentions.reported_date) as last_reported_date,
        max(mentions.period_end) as last_period_end,
        arg_min(mentions.claim_id, (coalesce(mentions.reported_date, date '9999-12-31'),
                                    mentions.doc_id, mentions.span_start, mentions.claim_id)) as example_claim_id

    from derived_components
    join mentions using (event_id)
    group by derived_components.derived_event_id

),

derived as (

    select
        to_derive.derived_event_id as event_id,
        to_derive.claimant,
        'casualties' as metric,
        to_derive.subject,
        to_derive.unit,
        to_derive.scope,
        to_derive.stated_on,
        to_derive.stated_on_basis,
        to_derive.value_low,
        to_derive.value_high,
        to_derive.qualifier,
        to_derive.value_best,
        null as number_text,
        to_derive.forms,
        derived_reports.documents,
        derived_reports.outlets,
        derived_reports.mentions,
        derived_reports.first_reported_date,
        derived_reports.last_reported_date,
        derived_reports.last_period_end,
        derived_reports.example_claim_id,
        [to_derive.killed_event_id, to_derive.wounded_event_id] as components,
        cast(null as varchar) as component_of,
        true as derived

    from to_derive
    join derived_reports using (derived_event_id)

),

component_links as (

    select casualties_event_id, killed_event_id as event_id from linked
    union all
    select casualties_event_id, wounded_event_id from linked
    union all
    select derived_event_id, event_id from derived_components

),

stated_linked as (

    select
        stated.*,
        coalesce(
            case when linked.casualties_event_id is not null
                then [linked.killed_event_id, linked.wounded_event_id] end,
            cast([] as varchar[])
        ) as components,
        component_links.casualties_event_id as component_of,
        false as derived

    from stated
    left join linked on stated.event_id = linked.casualties_event_id
    left join component_links on stated.event_id = component_links.event_id

),

final as (

    select * from stated_linked
    union all by name
    select * from derived

)

select
    event_id, claimant, metric, subject, unit, scope, stated_on, stated_on_basis,
    value_low, value_high, qualifier, value_best, number_text, forms,
    documents, outlets, mentions, first_reported_date, last_reported_date, last_period_end,
    example_claim_id, components, component_of, derived

from final
order by claimant, metric, subject nulls last, unit, stated_on nulls last, value_best, event_id
