"""The ingest flow: raw articles in, Parquet tables and DuckDB marts out.

It reads only inputs that are new or changed since the last run (the lake's manifest says
which), replaces their rows, keeps the rows of inputs no longer there (or prunes them when asked),
and rebuilds the marts; with nothing new, it rebuilds the marts only if the SQL models changed (or the marts are
missing).
"""

from __future__ import annotations

import math
import os
import time
import uuid
from contextlib import contextmanager
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.task_runners import ProcessPoolTaskRunner
from prefect.utilities.annotations import quote

from inputs.discovery import SAMPLES_DIR, InputFile, discover_inputs
from inputs.extract import StagedBatch, batch_fingerprint, restamped_file, stage_batch
from inputs.plan import RunPlan, code_version, models_version, plan_run
from schemas.tables import MANIFEST, RUNS
from storage import lake as lakefs
from storage import manifest as lake_manifest
from storage import object_store
from storage.ledger import StagedRows, companions, merge_run
from storage.manifest import marts_current, write_models_version
from warehouse.runner import build_warehouse

# Inputs a task. Each task costs Prefect a few tenths of a second in its worker (state changes,
# cache lookup, result), so a large run takes large batches; a few batches a worker keep every
# worker busy to the end.
MIN_BATCH_SIZE = 250
MAX_BATCH_SIZE = 2500
BATCHES_PER_WORKER = 4


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def batches(items: list[InputFile], size: int) -> list[list[InputFile]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def batch_size_for(count: int, workers: int | None = None) -> int:
    """The batch size for `count` inputs on `workers` processes (default: one per core)."""
    per_worker = math.ceil(count / (BATCHES_PER_WORKER * (workers or os.cpu_count() or 1)))
    return max(MIN_BATCH_SIZE, min(MAX_BATCH_SIZE, per_worker))


# Only extraction is cached (its key: batch_cache_key). The other tasks read or write the lake,
# and Prefect's default policy would hash their inputs, 100,000 input files among them, for a
# key never used.
@task(name="discover-inputs", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover(input_dir: Path) -> list[InputFile]:
    return discover_inputs(input_dir)


@task(name="read-manifest", cache_policy=NO_CACHE)
def read_manifest(lake: Path, version: str) -> tuple[dict[str, tuple[int, int, str]], bool]:
    return lake_manifest.read_manifest(lake, version)


def batch_cache_key(context, parameters: dict) -> str:
    """What a batch's extraction depends on: the code, every file's name and content, and the
    staging folder it is written to. A staged batch is reused by the run that follows one that
    died before committing; a commit removes the folder, and the next one has another generation."""
    generation = lakefs.staging_generation(Path(parameters["staging"]))
    return f"extract-{code_version()}-{batch_fingerprint(parameters['items'])}-{generation}"


@task(name="read-and-extract", retries=1, retry_delay_seconds=1, cache_key_fn=batch_cache_key,
      cache_expiration=timedelta(days=7), persist_result=True)
def read_and_extract(items: list[InputFile], staging: Path, run_id: str) -> StagedBatch:
    """Read and extract a batch, writing its rows to a folder of its own under the lake's staging
    folder; returns a summary."""
    return stage_batch(items, staging / uuid.uuid4().hex, run_id)


# Who hears of a run's progress: the CLI's progress bar or lines (cli/progress.py). A listener is
# called with an event name and its data: "extracting" (files, batches), "batch" (files, claims),
# "phase" (name, seconds: extraction, commit, models). The flow runs in the caller's process, so a
# plain list is enough; a deployment's run has no listener.
PROGRESS_LISTENERS: list = []


def report(event: str, **data) -> None:
    for listener in PROGRESS_LISTENERS:
        listener(event, data)


@contextmanager
def phase(name: str, timings: dict):
    """Time one step of the run, for the summary and the listeners."""
    started = time.monotonic()
    yield
    timings[name] = round(time.monotonic() - started, 2)
    report("phase", name=name, seconds=timings[name])


def extract_all(work: list[list[InputFile]], staging: Path, run_id: str) -> list[StagedBatch]:
    lakefs.staging_generation(staging)  # made here, once, before the tasks read it
    if work:
        report("extracting", files=sum(map(len, work)), batches=len(work))
    staged = run_batches(read_and_extract, work, staging, run_id)
    stale = [items for batch, items in zip(staged, work) if not batch.is_present()]
    if stale:  # cached summaries whose files are gone (a later run committed them, or the lake was removed)
        fresh = iter(run_batches(read_and_extract.with_options(refresh_cache=True), stale, staging, run_id))
        staged = [batch if batch.is_present() else next(fresh) for batch in staged]
    return staged


def run_batches(extract, work: list[list[InputFile]], staging: Path, run_id: str) -> list[StagedBatch]:
    """The batches in parallel on the flow's task runner (a process per core by default); a lone
    batch runs in this process, which spares starting the pool for a small inbox."""
    if len(work) == 1:
        staged = [extract(work[0], staging, run_id)]
        report_batch(staged[0], work[0])
        return staged
    futures = [extract.submit(items, staging, run_id) for items in work]
    sizes = {future: len(items) for future, items in zip(futures, work)}
    for future in as_completed(futures):  # progress as batches finish, in whatever order
        report_batch(future.result(), sizes[future])
    return [future.result() for future in futures]


def report_batch(batch: StagedBatch, items) -> None:
    if batch.is_present():  # a cached batch whose files are gone is extracted again, and reported then
        report("batch", files=items if isinstance(items, int) else len(items),
               claims=sum(batch.claims_by_metric.values()))


@task(name="commit-tables", cache_policy=NO_CACHE)
def commit_tables(lake: Path, plan: RunPlan, staged: list[StagedBatch], run_row: dict,
                  inputs: list[InputFile]) -> dict:
    """Publish the new versions of documents, claims and runs, then the manifest. Returns the rows
    the pruned inputs took with them."""
    run_id = run_row["run_id"]
    rows = [StagedRows(run_file(batch, "documents", run_id), run_file(batch, "claims", run_id)) for batch in staged]
    merge = merge_run(lake, plan.replaced, rows, lakefs.staging_dir(lake) / f"merged-{run_id}")
    lakefs.publish_version(lake, "documents", merge.keep_documents, merge.new_documents, run_id)
    lakefs.publish_version(lake, "claims", merge.keep_claims, merge.new_claims, run_id)
    lakefs.publish_version(lake, "runs", lakefs.current_parts(lake, "runs"), [pa.Table.from_pylist([run_row], schema=RUNS)], run_id)
    lakefs.write_state(lake, "manifest", next_manifest(lake, inputs, plan, staged, run_id))
    lakefs.remove_staging(lake)
    documents, claims = merge.removed_by(set(plan.pruned))
    return {"pruned_documents": documents, "pruned_claims": claims}


def run_file(batch: StagedBatch, table: str, run_id: str) -> Path:
    """The staged file of `table`, its rows stamped with the run that publishes them."""
    path = getattr(batch, table)
    if batch.run_id == run_id:
        return path
    return restamped_file(path, run_id, path.with_name(f"{table}-{run_id}.parquet"))


def next_manifest(lake: Path, inputs: list[InputFile], plan: RunPlan, results: list[StagedBatch],
                  run_id: str) -> pa.Table:
    """Every input read and not pruned, present or not, with its size, mtime and hash; the run that
    last read it."""
    read = {name: digest for result in results for name, digest in result.hashes.items()}
    old = {row["source_file"]: row for row in lakefs.read_state(lake, "manifest").to_pylist()}
    rows = []
    for item in inputs:
        if item.source_file in read:
            digest, last_run = read[item.source_file], run_id
        else:
            digest, last_run = old[item.source_file]["content_sha256"], old[item.source_file]["run_id"]
        rows.append({"source_file": item.source_file, "size": item.size, "mtime_ns": item.mtime_ns,
                     "content_sha256": digest, "run_id": last_run})
    pruned = set(plan.pruned)
    rows += [old[name] for name in plan.vanished if name not in pruned]
    return pa.Table.from_pylist(sorted(rows, key=lambda row: row["source_file"]), schema=MANIFEST)


@task(name="build-models", cache_policy=NO_CACHE)
def build_models(lake: Path) -> dict:
    """The marts and warehouse.duckdb, and the record of the models that built them."""
    result = build_warehouse(lake)
    lakefs.remove_other_marts(lake, set(result.get("marts", {})))
    write_models_version(lake, models_version())
    return result


def task_runner_for(workers: int = 0, dask_address: str | None = None):
    """The flow's own process pool, a local Dask cluster of `workers` processes, or an existing cluster."""
    if not workers and not dask_address:
        return None
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def run_ingest(workers: int = 0, dask_address: str | None = None, **parameters) -> dict:
    """Run the ingest flow, on Dask when asked; the result is the same either way."""
    runner = task_runner_for(workers, dask_address)
    chosen = ingest if runner is None else ingest.with_options(task_runner=runner)
    return chosen(**parameters)


# Extraction is CPU-bound pure Python: one process per core (Prefect's
# PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS sets how many).
@flow(name="troopledger-ingest", log_prints=False, task_runner=ProcessPoolTaskRunner())
def ingest(input_dir: str = str(SAMPLES_DIR), lake: str = "lake", full_refresh: bool = False,
           batch_size: int | None = None, lock_wait_seconds: float = 60.0, prune: bool = False) -> dict:
    """Ingest new and changed articles from input_dir into the lake and rebuild the marts.

    Inputs read by an earlier run and no longer in input_dir keep their rows; `prune` removes them.

    `batch_size` is the number of inputs a task reads; by default it grows with the run
    (`batch_size_for`).

    `lake` is a folder, or an object-store URL: then the run works in a local copy of what the URL
    holds (storage/object_store.py) and publishes the result back."""
    logger = get_run_logger()
    source = Path(input_dir)
    if not source.is_dir():
        raise lakefs.LakeError(f"input folder {source} does not exist or is not a folder")
    started = datetime.now(timezone.utc)
    with held_lake(lake, lock_wait_seconds) as (lake_dir, publication):
        version = code_version()
        lakefs.verify_tables(lake_dir)
        inputs = discover(source)
        manifest, code_changed = read_manifest(lake_dir, version)
        plan = plan_run(inputs, manifest, full_refresh or code_changed, prune)
        plan.read_also(inputs, companions(lake_dir, plan.replaced, {item.source_file for item in inputs}))
        logger.info("%d inputs: %d to read, %d unchanged, %d no longer there (%d pruned)", len(inputs),
                    len(plan.to_read), len(plan.unchanged), len(plan.vanished), len(plan.pruned))
        if plan.nothing_to_do and lakefs.current_version_dir(lake_dir, "documents") is not None:
            models, timings = None, {}
            if not marts_current(lake_dir, models_version()):
                logger.info("the SQL models changed (or the marts are missing); rebuilding the marts")
                with phase("models", timings):
                    models = build_models(lake_dir)
            else:
                logger.info("nothing new in %s; the lake is unchanged", source)
            summary = summarize(lake_dir, None, plan, [], started, models) | {"timings": timings}
        else:
            summary = ingest_plan(lake_dir, source, inputs, plan, batch_size, version, started)
    summary.update(publication)
    # every flow run says what it found, a run with nothing new too (inputs no longer there included)
    publish_summary_artifact(summary)
    if summary["run_id"] is not None:
        logger.info("run %s: %d documents read (%d with errors), %d claims", summary["run_id"],
                    summary["documents_read"], summary["document_errors"], summary["claims_extracted"])
    return summary


def ingest_plan(lake_dir: Path, source: Path, inputs: list[InputFile], plan: RunPlan, batch_size: int | None,
                version: str, started: datetime) -> dict:
    run_id = new_run_id()
    size = batch_size or batch_size_for(len(plan.to_read))
    timings: dict = {}
    with phase("extraction", timings):
        results = extract_all(batches(plan.to_read, size), lakefs.staging_dir(lake_dir), run_id)
    run_row = run_record(run_id, started, source, inputs, plan, results, version)
    with phase("commit", timings):
        # quoted: Prefect would otherwise visit every input file looking for futures (seconds at 10k)
        pruned = commit_tables(lake_dir, quote(plan), quote(results), run_row, quote(inputs))
    with phase("models", timings):
        models = build_models(lake_dir)
    return summarize(lake_dir, run_id, plan, results, started, models) | pruned | {"timings": timings}


@contextmanager
def held_lake(lake: str, lock_wait_seconds: float):
    """The lake folder under its writer lock, and a dict that receives {"published": ...} after the
    block. For an object-store URL the folder is the local working copy: pulled from the URL first,
    published back when the block ends normally."""
    store = lake if object_store.is_lake_url(lake) else None
    lake_dir = object_store.working_lake(store) if store else lakefs.local_lake(lake)
    publication: dict = {}
    with lakefs.lake_lock(lake_dir, lock_wait_seconds):
        if store and pull_published(store, lake_dir):
            build_models.fn(lake_dir)  # the marts and views of what was pulled
        yield lake_dir, publication
        if store:
            publication["published"] = publish(lake_dir, store)


@task(name="pull-published-lake", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def pull_published(url: str, lake_dir: Path) -> bool:
    return object_store.pull_lake_state(url, lake_dir)


@task(name="publish-lake", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def publish(lake_dir: Path, url: str) -> dict:
    return object_store.publish_lake(lake_dir, url)


def run_record(run_id: str, started: datetime, source: Path, inputs: list, plan: RunPlan,
               results: list[StagedBatch], version: str) -> dict:
    documents = sum(r.documents_read for r in results)
    errors = sum(len(r.errors) for r in results)
    return {"run_id": run_id, "started_at": started, "finished_at": datetime.now(timezone.utc),
            "input_dir": str(source.absolute()), "inputs_seen": len(inputs),
            "inputs_new_or_changed": len(plan.to_read), "inputs_deleted": len(plan.pruned),
            "documents": documents, "document_errors": errors,
            "claims": sum(sum(r.claims_by_metric.values()) for r in results), "code_version": version}


def summarize(lake: Path, run_id: str | None, plan: RunPlan, results: list[StagedBatch], started: datetime,
              models: dict | None = None) -> dict:
    claims_by_metric = Counter()
    for result in results:
        claims_by_metric.update(result.claims_by_metric)
    errors = [error for result in results for error in result.errors]
    return {
        "run_id": run_id,
        "lake": str(lake),
        "inputs_seen": len(plan.to_read) + len(plan.unchanged),
        "inputs_read": len(plan.to_read),
        "inputs_unchanged": len(plan.unchanged),
        "inputs_vanished": len(plan.vanished),
        "inputs_pruned": len(plan.pruned),
        "pruned_documents": 0,
        "pruned_claims": 0,
        "models_rebuilt": models is not None,
        "documents_read": sum(r.documents_read for r in results),
        "document_errors": len(errors),
        "errors": errors,
        "claims_extracted": sum(claims_by_metric.values()),
        "claims_by_metric": dict(sorted(claims_by_metric.items())),
        "marts": (models or {}).get("marts", {}),
        "seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 2),
    }


def publish_summary_artifact(summary: dict) -> None:
    rows = [{"what": "documents read", "value": summary["documents_read"]},
            {"what": "documents with errors", "value": summary["document_errors"]},
            {"what": "inputs unchanged", "value": summary["inputs_unchanged"]},
            {"what": "inputs no longer there (rows kept)", "value": summary["inputs_vanished"] - summary["inputs_pruned"]},
            {"what": "inputs pruned", "value": summary["inputs_pruned"]},
            {"what": "rows pruned (documents)", "value": summary["pruned_documents"]},
            {"what": "rows pruned (claims)", "value": summary["pruned_claims"]}]
    rows += [{"what": f"claims: {metric}", "value": n} for metric, n in summary["claims_by_metric"].items()]
    what = f"troopledger run {summary['run_id']}" if summary["run_id"] else "troopledger: nothing new"
    if summary.get("models_rebuilt"):
        what += " (marts rebuilt: the SQL models changed or the marts were missing)"
    create_table_artifact(key="troopledger-run-summary", table=rows, description=f"{what} in {summary['lake']}")
