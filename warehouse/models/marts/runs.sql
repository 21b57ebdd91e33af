-- One row per pipeline run.
-- run_id: id of the run
-- started_at: when the run started (UTC)
-- finished_at: when the run finished (UTC)
-- duration_seconds: finished_at minus started_at, in seconds
-- input_dir: the folder the run read
-- inputs_seen: input files found
-- inputs_new_or_changed: input files that were new or had changed since the previous run
-- inputs_deleted: input files that had disappeared since the previous run
-- documents: documents written by the run
-- document_errors: documents that could not be read or parsed
-- claims: claims written by the run
-- code_version: version of troopledger that ran

with runs as (

    select * from stg_runs

),

final as (

    select
        run_id,
        started_at,
        finished_at,
        epoch(finished_at) - epoch(started_at) as duration_seconds,
        input_dir,
        inputs_seen,
        inputs_new_or_changed,
        inputs_deleted,
        documents,
        document_errors,
        claims,
        code_version

    from runs

)

select * from final
order by started_at, run_id
