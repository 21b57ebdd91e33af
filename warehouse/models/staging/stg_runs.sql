-- One row per pipeline run, as the flow recorded it.
-- run_id: id of the run
-- started_at: when the run started (UTC)
-- finished_at: when the run finished (UTC)
-- input_dir: the folder the run read
-- inputs_seen: input files found
-- inputs_new_or_changed: input files that were new or had changed since the previous run
-- inputs_deleted: input files that had disappeared since the previous run
-- documents: documents written by the run
-- document_errors: documents that could not be read or parsed
-- claims: claims written by the run
-- code_version: version of troopledger that ran

with source as (

    select * from raw_runs

),

renamed as (

    select
        cast(run_id as varchar) as run_id,
        cast(started_at as timestamptz) as started_at,
        cast(finished_at as timestamptz) as finished_at,
        input_dir,
        cast(inputs_seen as bigint) as inputs_seen,
        cast(inputs_new_or_changed as bigint) as inputs_new_or_changed,
        cast(inputs_deleted as bigint) as inputs_deleted,
        cast(documents as bigint) as documents,
        cast(document_errors as bigint) as document_errors,
        cast(claims as bigint) as claims,
        code_version

    from source

),

final as (

    select * from renamed

)

select * from final
