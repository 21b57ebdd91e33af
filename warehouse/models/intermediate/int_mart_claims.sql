-- The claims the marts count: only sections listed in the `mart_sections` variable (comments and
-- related links are left out by default), only documents that are not duplicates of an earlier one,
-- each with its document's outlet, once per claimant (a claim by KR, UA and WEST is three rows;
-- one in the outlet's own voice is one row under 'unattributed').

with claims as (

    select * from int_claim_claimants

),

documents as (

    select * from stg_documents

),

in_mart_sections as (

    select * from claims
    where list_contains(getvariable('mart_sections'), section)

),

with_documents as (

    select
        in_mart_sections.*,
        coalesce(documents.outlet, 'unknown outlet') as outlet

    from in_mart_sections
    join documents using (doc_id)
    where documents.duplicate_of is null

),

final as (

    select * from with_documents

)

select * from final
