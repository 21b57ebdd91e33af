-- Each counted mention (one per claimant, see int_mart_claims) with the claim event it belongs to.
-- Mentions are one event when claimant, metric, subject, unit and scope agree, their figures are the
-- same up to a reporter's rounding and hedging, and they were stated within a few days of each other.
--
-- Figures: the value key is value_best rounded to two significant digits, whatever the qualifier
-- ("about 4,700", "4,700", "some 4,700", "at least 4,700" share 4,700; 3,000 and 4,000 differ); a range
-- or vague amount keys on both of its bounds, rounded the same way.
-- Dates: a mention's statement window is [stated_from, stated_to] where the text dates the statement
-- ("told lawmakers on Wednesday", "said last week"), else its report date. Within one (claimant,
-- metric, subject, unit, scope, value key), mentions sorted by window start form runs (gaps and
-- islands): a mention starts a new event when its window starts more than `event_gap_days` (dated
-- statements) or `repeat_gap_days` (undated reports, which repeat an earlier statement for a while)
-- after every earlier window of the run has ended. A span joins the event stated within it.
-- One sort and two window passes per key: linear in the mentions (n log n for the sort), never pairs.

with claims as (

    select * from int_mart_claims

),

keyed as (

    select
        *,
        case when qualifier in ('range', 'vague')
            then 'r' || coalesce(cast(cast(round(value_low / pow(10, floor(log10(greatest(abs(value_low), 1))) - 1))
                                          * pow(10, floor(log10(greatest(abs(value_low), 1))) - 1) as bigint) as varchar), '-')
                 || '-' || coalesce(cast(cast(round(value_high / pow(10, floor(log10(greatest(abs(value_high), 1))) - 1))
                                          * pow(10, floor(log10(greatest(abs(value_high), 1))) - 1) as bigint) as varchar), '-')
            else 'p' || cast(cast(round(value_best / pow(10, floor(log10(greatest(abs(value_best), 1))) - 1))
                                  * pow(10, floor(log10(greatest(abs(value_best), 1))) - 1) as bigint) as varchar)
        end as value_key,
        coalesce(stated_from, reported_date) as window_start,
        coalesce(stated_to, stated_from, reported_date) as window_end,
        case when stated_from is not null
            then getvariable('event_gap_days') else getvariable('repeat_gap_days')
        end as gap_days,
        -- how precise the form is: the event shows its most precise one
        case qualifier
            when 'exact' then 0 when 'approx' then 1 when 'range' then 3 when 'vague' then 4 else 2
        end as precision_rank

    from claims

),

with_previous as (

    select
        *,
        max(window_end) over (
            partition by claimant, metric, subject, unit, scope, value_key, window_start is null
            order by window_start, window_end, claim_id
            rows between unbounded preceding and 1 preceding
        ) as previous_window_end

    from keyed

),

with_run as (

    select
        *,
        sum(case
                when previous_window_end is null then 1
                when window_start > previous_window_end + cast(gap_days as integer) then 1
                else 0
            end) over (
            partition by claimant, metric, subject, unit, scope, value_key, window_start is null
            order by window_start, window_end, claim_id
            rows between unbounded preceding and current row
        ) as run_number

    from with_previous

),

final as (

    select
        *,
        md5(concat_ws('|',
            claimant, metric, coalesce(subject, '-'), unit, scope, value_key,
            coalesce(cast(min(window_start) over event_mentions as varchar), 'undated')
        )) as event_id

    from with_run
    window event_mentions as (
        partition by claimant, metric, subject, unit, scope, value_key, window_start is null, run_number
    )

)

select * from final
