-- For each claimant, metric, subject and unit, the most recent estimate: latest last reported date,
-- then latest period_end, then most documents, then estimate_id. Figures in the outlets' own voice
-- count under the claimant 'unattributed'.
-- claimant: a claimant code, or 'unattributed'
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- estimate_id: the estimate (see estimates)
-- value_low: lower number as stated (null: no lower bound)
-- value_high: upper number as stated (null: no upper bound)
-- qualifier: how the number is stated
-- value_best: one point value for charts
-- first_reported_date: earliest publication date of a document stating it
-- last_reported_date: latest publication date of a document stating it
-- last_period_end: latest date a mention says the figure stands as of
-- documents: distinct documents stating it
-- mentions: mentions of it
-- example_claim_id: the mention quoted
-- example_doc_id: document of the example mention
-- example_number_text: the number phrase as the example mention writes it
-- example_sentence: the sentence of the example mention

with estimates as (

    select * from estimates

),

ranked as (

    select
        *,
        row_number() over (
            partition by claimant, metric, subject, unit
            order by last_reported_date desc nulls last, last_period_end desc nulls last,
                     documents desc, estimate_id
        ) as recency_rank

    from estimates

),

final as (

    select
        claimant, metric, subject, unit, estimate_id,
        value_low, value_high, qualifier, value_best,
        first_reported_date, last_reported_date, last_period_end, documents, mentions,
        example_claim_id, example_doc_id, example_number_text, example_sentence

    from ranked
    where recency_rank = 1

)

select * from final
order by metric, subject nulls last, unit, claimant
