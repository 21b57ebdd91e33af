-- Run columns the schema requires are filled.
select run_id
from stg_runs
where run_id is null or started_at is null or finished_at is null or input_dir is null
    or inputs_seen is null or inputs_new_or_changed is null or inputs_deleted is null
    or documents is null or document_errors is null or claims is null or code_version is null
