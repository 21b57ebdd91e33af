-- One row per distinct estimate: one claimant, metric, subject, unit, scope and value as stated
-- (value_low, value_high, qualifier). The same figure from the same sources in twenty articles is
-- one estimate with twenty documents; a figure "according to KR, UA and WEST" is one estimate of each.
-- estimate_id: stable id of the estimate (hash of the columns that define it)
-- claimant: the claimant code, or 'unattributed' for figures in the outlets' own voice
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- scope: total, increment, part or planned
-- value_low: lower number as stated (null: no lower bound)
-- value_high: upper number as stated (null: no upper bound)
-- qualifier: how the number is stated (exact, approx, more_than, at_least, less_than, at_most, range, vague)
-- value_best: one point value for charts
-- first_reported_date: earliest publication date of a document stating it
-- last_reported_date: latest publication date of a document stating it
-- first_period_start: earliest period_start of its mentions
-- last_period_end: latest date a mention says the figure stands as of
-- documents: distinct documents stating it
-- outlets: distinct outlets stating it
-- mentions: mentions of it
-- example_claim_id: the mention quoted (earliest reported, then by doc_id and position)
-- example_doc_id: document of the example mention
-- example_number_text: the number phrase as the example mention writes it
-- example_sentence: the sentence of the example mention

with claims as (

    select
        *,
        -- a fast 64-bit key of the estimate's columns, to group the mentions by
        hash(claimant, metric, subject, unit, scope, value_low, value_high, qualifier) as estimate_key

    from int_mart_claims

),

grouped as (

    select
        -- one estimate = one claimant, metric, subject, unit, scope and value as stated; its id is
        -- hashed once per estimate, after grouping, not once per mention
        md5(concat_ws('|',
            claimant, metric, coalesce(subject, '-'), unit, scope,
            coalesce(cast(value_low as varchar), '-'),
            coalesce(cast(value_high as varchar), '-'),
            qualifier
        )) as estimate_id,
        estimate_key,
        claimant,
        metric,
        subject,
        unit,
        scope,
        value_low,
        value_high,
        qualifier,
        min(value_best) as value_best,
        min(reported_date) as first_reported_date,
        max(reported_date) as last_reported_date,
        min(period_start) as first_period_start,
        max(period_end) as last_period_end,
        count(*) as mentions,
        arg_min(claim_id, (coalesce(reported_date, date '9999-12-31'), doc_id, span_start, claim_id))
            as example_claim_id

    from claims
    group by estimate_key, claimant, metric, subject, unit, scope, value_low, value_high, qualifier

),

-- distinct documents and outlets, counted by grouping twice (cheaper than count(distinct) beside
-- the other aggregates on a big lake)
estimate_documents as (

    select estimate_key, doc_id, any_value(outlet) as outlet
    from claims
    group by estimate_key, doc_id

),

reach as (

    select estimate_key, count(*) as documents, count(distinct outlet) as outlets
    from estimate_documents
    group by estimate_key

),

examples as (

    select claim_id, doc_id, number_text, sentence from stg_claims

),

final as (

    select
        estimate_id, claimant, metric, subject, unit, scope,
        value_low, value_high, qualifier, value_best,
        first_reported_date, last_reported_date, first_period_start, last_period_end,
        documents, outlets, mentions,
        example_claim_id,
        examples.doc_id as example_doc_id,
        examples.number_text as example_number_text,
        examples.sentence as example_sentence

    from grouped
    join reach using (estimate_key)
    left join examples on examples.claim_id = grouped.example_claim_id

)

select * from final
order by metric, subject nulls last, unit, claimant, value_best, estimate_id
