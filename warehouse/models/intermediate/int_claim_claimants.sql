-- One row per claim and claimant: a claim "according to KR, UA and WEST" is three rows, one in an
-- outlet's own voice is one row under 'unattributed'. Every section and document is kept; the marts
-- choose what they count.
-- materialized: view

with claims as (

    select * from stg_claims

),

final as (

    select
        * exclude (claimants),
        len(claimants) as claimant_count,
        unnest(case when len(claimants) = 0 then ['unattributed'] else claimants end) as claimant

    from claims

)

select * from final
