-- For each claimant, metric, subject, unit and scope, the most recently stated claim event: the latest
-- total beside the latest increment ("3,000 more in January"), part ("1,000 sappers") and plan ("will
-- send 6,000"), each in its own row so that none passes for the claimant's running total.
-- claimant: a claimant code, or 'unattributed'
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- scope: total, increment, part or planned
-- event_id: the claim event (see claim_events)
-- stated_on: the day the claimant stated it
-- value_low: lower number as stated (null: no lower bound)
-- value_high: upper number as stated (null: no upper bound)
-- qualifier: how the number is stated
-- value_best: one point value for charts
-- number_text: the most precise form as written
-- derived: true when the figure is the sum of the day's killed and wounded (casualties only)
-- first_reported_date: earliest publication date of a report of it
-- last_reported_date: latest publication date of a report of it
-- documents: distinct documents reporting it
-- mentions: mentions of it
-- example_claim_id: the mention quoted
-- example_doc_id: document of the example mention
-- example_sentence: the sentence of the example mention

with latest as (

    select * from int_latest_events

),

final as (

    select
        claimant, metric, subject, unit, scope, event_id, stated_on,
        value_low, value_high, qualifier, value_best, number_text, derived,
        first_reported_date, last_reported_date, documents, mentions,
        example_claim_id, example_doc_id, example_sentence

    from latest

)

select * from final
order by metric, subject nulls last, unit, claimant, scope
