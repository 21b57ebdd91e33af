-- Each claimant's latest claim event per metric, subject, unit and scope: latest stated_on, then latest
-- report, then latest as-of date (period_end), then most documents, then a stated figure before a derived one, then event_id. Undated events
-- count only where a claimant has no dated one.

with events as (

    select * from claim_events

),

claims as (

    select claim_id, doc_id, sentence from stg_claims

),

ranked as (

    select
        *,
        row_number() over (
            partition by claimant, metric, subject, unit, scope
            order by stated_on desc nulls last, last_reported_date desc nulls last, last_period_end desc nulls last,
                     documents desc, derived, event_id
        ) as recency_rank

    from events

),

final as (

    select
        ranked.* exclude (recency_rank),
        claims.doc_id as example_doc_id,
        claims.sentence as example_sentence

    from ranked
    left join claims on claims.claim_id = ranked.example_claim_id
    where recency_rank = 1

)

select * from final
