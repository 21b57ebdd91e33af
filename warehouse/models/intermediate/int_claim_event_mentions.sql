-- Each counted mention (one per claimant, see int_mart_claims) with the claim event it belongs to.
-- Mentions are one event when claimant, metric, subject, unit and scope agree, their figures are the
-- same up to a reporter's rounding and hedging, and they were stated within a few days of each other.
--
-- Figures: the key is value_best rounded to two significant digits, whatever the qualifier
-- ("about 4,700", "4,700", "some 4,700", "at least 4,700" share 4,700; 3,000 and 4,000 differ); a range
-- or vague amount keys on both of its bounds, rounded the same way.
-- Dates: a mention's statement window is [stated_from, stated_to] where the text dates the statement
-- ("told lawmakers on Wednesday", "said last week"), else its report date. Within one (claimant,
-- metric, subject, unit, scope, value key), mentions sorted by window start form runs (gaps and
-- islands): a mention starts a new event when its window starts more than `event_gap_days` (dated
-- statements) or `repeat_gap_days` (undated reports, which repeat an earlier statement for a while)
-- after every earlier window of the run has ended. A span joins the event stated within it. A mention
-- with no date at all joins the latest dated event of its figure, or else the one undated event.
-- One sort and running windows per key: linear in the mentions (n log n for the sort), never pairs.
-- The event id hashes the key and the window start of the event's first mention.

with claims as (

    select * from int_mart_claims

),

rounded as (

    -- only what grouping and the event's columns need: the window sorts carry every column they keep
    select
        claim_id, doc_id, outlet, claimant, metric, subject, unit, scope,
        value_low, value_high, value_best, qualifier, number_text,
        reported_date, period_end, stated_from, stated_to, span_start,
        -- two significant digits: 4,650 and 4,700 are both 4,700; 3,000 and 4,000 stay apart
        cast(round(value_best / pow(10, floor(log10(greatest(abs(value_best), 1))) - 1))
             * pow(10, floor(log10(greatest(abs(value_best), 1))) - 1) as bigint) as rounded_best,
        cast(round(value_low / pow(10, floor(log10(greatest(abs(value_low), 1))) - 1))
             * pow(10, floor(log10(greatest(abs(value_low), 1))) - 1) as bigint) as rounded_low,
        cast(round(value_high / pow(10, floor(log10(greatest(abs(value_high), 1))) - 1))
             * pow(10, floor(log10(greatest(abs(value_high), 1))) - 1) as bigint) as rounded_high

    from claims

),

keyed as (

    select
        * exclude (rounded_best, rounded_low, rounded_high),
        -- a point figure keys on its rounded best value whatever the qualifier; a range or vague
        -- amount on both of its rounded bounds (-1 for a missing one)
        qualifier in ('range', 'vague') as is_range,
        case when qualifier in ('range', 'vague') then coalesce(rounded_low, -1) else rounded_best end
            as key_low,
        case when qualifier in ('range', 'vague') then coalesce(rounded_high, -1) else rounded_best end
            as key_high,
        coalesce(stated_from, reported_date) as window_start,
        coalesce(stated_to, stated_from, reported_date) as window_end,
        case when stated_from is not null
            then getvariable('event_gap_days') else getvariable('repeat_gap_days')
        end as gap_days,
        -- how precise the form is: the event shows its most precise one
        case qualifier
            when 'exact' then 0 when 'approx' then 1 when 'range' then 3 when 'vague' then 4 else 2
        end as precision_rank

    from rounded

),

with_previous as (

    select
        *,
        max(window_end) over (
            partition by claimant, metric, subject, unit, scope, is_range, key_low, key_high
            order by window_start nulls last, window_end, claim_id
            rows between unbounded preceding and 1 preceding
        ) as previous_window_end,
        row_number() over (
            partition by claimant, metric, subject, unit, scope, is_range, key_low, key_high
            order by window_start nulls last, window_end, claim_id
        ) as position

    from keyed

),

with_start as (

    select
        *,
        -- the first mention, or one stated more than gap_days after every earlier one ended, starts an
        -- event. Undated mentions (no report date, no statement date) sort last and join the latest
        -- dated event of their figure; with none, they are one undated event.
        position = 1
            or coalesce(window_start > previous_window_end + cast(gap_days as integer), false) as starts_event

    from with_previous

),

with_event_start as (

    select
        *,
        -- the window start of the mention that started this mention's event (the same sort as
        -- above): starts only grow along the sort, so the running max is the current event's start
        max(case when starts_event then window_start end) over (
            partition by claimant, metric, subject, unit, scope, is_range, key_low, key_high
            order by window_start nulls last, window_end, claim_id
            rows between unbounded preceding and current row
        ) as event_start

    from with_start

),

final as (

    select
        * exclude (previous_window_end, position, starts_event, event_start),
        md5(concat_ws('|',
            claimant, metric, coalesce(subject, '-'), unit, scope,
            cast(is_range as varchar), cast(key_low as varchar), cast(key_high as varchar),
            coalesce(cast(event_start as varchar), 'undated')
        )) as event_id

    from with_event_start

)

select * from final
