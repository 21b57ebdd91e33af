-- One row per claim event stated in the text (see int_claim_event_mentions for the grouping rules).
-- stated_on: the statement's own date where a mention gives one day; else the earliest report, moved
-- into the statement span where mentions give one ("said in January" reported in April: 31 January);
-- else the earliest report. Value, qualifier and number text come from the most precise form (exact,
-- then approximate, then bounded, then range, then vague), the earliest reported on a tie.

with mentions as (

    select * from int_claim_event_mentions

),

grouped as (

    select
        event_id,
        claimant,
        metric,
        subject,
        unit,
        scope,
        min(stated_from) filter (where stated_from = stated_to) as statement_day,
        max(stated_from) filter (where stated_from < stated_to) as span_from,
        min(stated_to) filter (where stated_from < stated_to) as span_to,
        min(reported_date) as first_reported_date,
        max(reported_date) as last_reported_date,
        max(period_end) as last_period_end,
        arg_min(
            {'value_low': value_low, 'value_high': value_high, 'qualifier': qualifier,
             'value_best': value_best, 'number_text': number_text, 'claim_id': claim_id},
            (precision_rank, coalesce(reported_date, date '9999-12-31'), doc_id, span_start, claim_id)
        ) as precise,
        list_sort(list_distinct(list(number_text))) as forms,
        count(*) as mentions

    from mentions
    group by event_id, claimant, metric, subject, unit, scope

),

-- distinct documents and outlets per event, counted by grouping twice (cheaper than count(distinct)
-- beside the other aggregates)
event_documents as (

    select event_id, doc_id, any_value(outlet) as outlet
    from mentions
    group by event_id, doc_id

),

reach as (

    select event_id, count(*) as documents, count(distinct outlet) as outlets
    from event_documents
    group by event_id

),

final as (

    select
        event_id,
        claimant,
        metric,
        subject,
        unit,
        scope,
        coalesce(
            statement_day,
            least(greatest(coalesce(first_reported_date, span_to), span_from), span_to),
            first_reported_date
        ) as stated_on,
        case
            when statement_day is not null then 'statement'
            when span_to is not null then 'statement span'
            when first_reported_date is not null then 'report'
        end as stated_on_basis,
        precise.value_low,
        precise.value_high,
        precise.qualifier,
        precise.value_best,
        precise.number_text,
        forms,
        documents,
        outlets,
        mentions,
        first_reported_date,
        last_reported_date,
        last_period_end,
        precise.claim_id as example_claim_id

    from grouped
    join reach using (event_id)

)

select * from final
