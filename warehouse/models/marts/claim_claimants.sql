-- One row per claim and claimant, flat for BI tools (no lists to UNNEST): a claim "according to KR, UA
-- and WEST" is three rows, one in an outlet's own voice one row under 'unattributed'. Every claim of
-- every section is here, with its document's outlet and title; the other marts count only the
-- sections headline, body and caption and each article once. The sentence stays in claims (join on
-- claim_id), so that this table stays narrow.
-- claim_id: the claim (see claims)
-- claimant: one claimant code of the claim, or 'unattributed' for a figure in the outlet's own voice
-- claimant_count: how many claimants the claim names (0 for the outlet's own voice)
-- doc_id: the document the mention is in
-- outlet: the document's outlet (null when it names none)
-- title: the document's headline
-- section: headline, body, caption, related or comment
-- metric: troops_deployed, killed, wounded, casualties, captured or missing
-- subject: whose personnel, ISO 3166 alpha-2 (KP is North Korea)
-- unit: persons or percent
-- value_low: lower number as stated (null: no lower bound)
-- value_high: upper number as stated (null: no upper bound)
-- value_best: one point value for charts
-- qualifier: how the number is stated
-- number_text: the number phrase as written
-- scope: total, increment, part or planned
-- claimant_text: the attribution phrase as written
-- reported_date: publication date of the document
-- period_start: first day the figure covers, where the text says
-- period_end: the date the figure stands as of
-- stated_from: first day the claimant may have stated it, where the text dates the statement
-- stated_to: last day the claimant may have stated it, where the text dates the statement

with claim_claimants as (

    select * from int_claim_claimants

),

documents as (

    select * from stg_documents

),

final as (

    select
        claim_claimants.claim_id,
        claim_claimants.claimant,
        claim_claimants.claimant_count,
        claim_claimants.doc_id,
        documents.outlet,
        documents.title,
        claim_claimants.section,
        claim_claimants.metric,
        claim_claimants.subject,
        claim_claimants.unit,
        claim_claimants.value_low,
        claim_claimants.value_high,
        claim_claimants.value_best,
        claim_claimants.qualifier,
        claim_claimants.number_text,
        claim_claimants.scope,
        claim_claimants.claimant_text,
        claim_claimants.reported_date,
        claim_claimants.period_start,
        claim_claimants.period_end,
        claim_claimants.stated_from,
        claim_claimants.stated_to

    from claim_claimants
    left join documents using (doc_id)

)

select * from final
