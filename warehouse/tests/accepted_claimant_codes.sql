-- Claimant codes are a country (ISO 3166 alpha-2) or WEST, optionally followed by -ORG; the marts
-- add only 'unattributed' for figures in the outlets' own voice.
with claim_codes as (

    select claim_id as row_id, unnest(claimants) as code from stg_claims

),

mart_codes as (

    select event_id as row_id, claimant as code from claim_events
    union all
    select cast(month as varchar), unnest(claimants) from estimate_ranges

)

select row_id, code from claim_codes
where not regexp_full_match(code, '(WEST|[A-Z]{2})(-[A-Z]+)?')

union all

select row_id, code from mart_codes
where code <> 'unattributed' and not regexp_full_match(code, '(WEST|[A-Z]{2})(-[A-Z]+)?')
