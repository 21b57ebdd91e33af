-- The claims the marts count: only sections listed in the `mart_sections` variable (comments and
-- related links are left out by default), only documents that are not duplicates of an earlier one,
-- each with its document's outlet and the id of the estimate it states.

with claims as (

    select * from stg_claims

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

    select
        *,
        -- one estimate = one claimant set, metric, subject, unit and value as stated
        md5(concat_ws('|',
            claimant_key, metric, coalesce(subject, '-'), unit,
            coalesce(cast(value_low as varchar), '-'),
            coalesce(cast(value_high as varchar), '-'),
            qualifier
        )) as estimate_id,
        case when claimant_key = '' then 'unattributed' else claimant_key end as estimate_source

    from with_documents

)

select * from final
