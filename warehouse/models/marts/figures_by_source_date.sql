-- Figures per reported date, source, metric, subject, unit and scope. A source is a claimant code (a claim
-- with several claimants counts once for each) or, for figures an outlet gives in its own voice, the outlet.
-- reported_date: publication date of the documents (null for undated documents)
-- source_kind: claimant when the figure is attributed, outlet when the outlet says it in its own voice
-- source: the claimant code, or the outlet's name ('unknown outlet' when the document names none)
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- scope: total, increment, part or planned (never mixed in one row)
-- mentions: figure mentions
-- documents: distinct documents with a mention
-- outlets: distinct outlets with a mention
-- lowest_low: lowest stated lower bound (null when no mention states one)
-- highest_high: highest stated upper bound (null when no mention states one)
-- median_best: median of the mentions' best values
-- example_claim_id: one mention to read (the first by doc_id and position)

with claims as (

    select * from int_mart_claims

),

attributed as (

    select
        reported_date,
        'claimant' as source_kind,
        claimant as source,
        metric, subject, unit, scope, doc_id, outlet, claim_id, span_start,
        value_low, value_high, value_best

    from claims
    where claims.claimant != 'unattributed'

),

own_voice as (

    select
        reported_date,
        'outlet' as source_kind,
        outlet as source,
        metric, subject, unit, scope, doc_id, outlet, claim_id, span_start,
        value_low, value_high, value_best

    from claims
    where claims.claimant = 'unattributed'

),

sourced as (

    select * from attributed
    union all
    select * from own_voice

),

final as (

    select
        reported_date,
        source_kind,
        source,
        metric,
        subject,
        unit,
        scope,
        count(*) as mentions,
        count(distinct doc_id) as documents,
        count(distinct outlet) as outlets,
        min(value_low) as lowest_low,
        max(value_high) as highest_high,
        median(value_best) as median_best,
        arg_min(claim_id, (doc_id, span_start, claim_id)) as example_claim_id

    from sourced
    group by reported_date, source_kind, source, metric, subject, unit, scope

)

select * from final
order by reported_date nulls last, metric, subject nulls last, unit, scope, source_kind, source
