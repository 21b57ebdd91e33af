-- Each claimant's total-scope claim events in the order it stated them, with the change since its
-- previous figure for the same metric, subject and unit. Increments, parts and plans are left out
-- (they do not continue a running total); so are events that cannot be dated.
-- claimant: a claimant code, or 'unattributed'
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- stated_on: the day the claimant stated it
-- sequence: 1 for the claimant's first figure of this metric, subject and unit, then 2, 3, ...
-- event_id: the claim event (see claim_events)
-- value_low: lower number as stated (null: no lower bound)
-- value_high: upper number as stated (null: no upper bound)
-- qualifier: how the number is stated
-- value_best: one point value for charts
-- number_text: the most precise form as written
-- derived: true when the figure is the sum of the day's killed and wounded (casualties only)
-- previous_event_id: the claimant's previous figure (null for the first)
-- previous_stated_on: when it stated the previous figure
-- previous_value_best: the previous figure's best value
-- change: value_best minus previous_value_best (null for the first)
-- documents: distinct documents reporting it
-- example_claim_id: the mention quoted

with events as (

    select * from claim_events
    where scope = 'total' and stated_on is not null

),

ordered as (

    select
        *,
        row_number() over claimant_series as sequence,
        lag(event_id) over claimant_series as previous_event_id,
        lag(stated_on) over claimant_series as previous_stated_on,
        lag(value_best) over claimant_series as previous_value_best

    from events
    window claimant_series as (
        partition by claimant, metric, subject, unit
        order by stated_on, last_period_end nulls first, value_best, event_id
    )

),

final as (

    select
        claimant, metric, subject, unit, stated_on, sequence, event_id,
        value_low, value_high, qualifier, value_best, number_text, derived,
        previous_event_id, previous_stated_on, previous_value_best,
        value_best - previous_value_best as change,
        documents, example_claim_id

    from ordered

)

select * from final
order by claimant, metric, subject nulls last, unit, sequence
