"""Extraction spread over processes gives exactly what a single-process run gives: Prefect's
process pool (the flow's default, several batches) and a local two-worker Dask cluster."""

from __future__ import annotations

import pyarrow.parquet as pq

from conftest import CORPUS
from flows.ingest import MAX_BATCH_SIZE, MIN_BATCH_SIZE, batch_size_for, ingest, run_ingest

IGNORED = ["run_id"]


def table(lake, name):
    data = pq.read_table(lake / name)
    return data.drop_columns(IGNORED).sort_by([(column, "ascending") for column in ("doc_id", "claim_id")
                                               if column in data.column_names]).to_pylist()


def test_a_process_pool_and_two_dask_workers_give_the_single_process_result(prefect_server, tmp_path):
    single, pool, dask = tmp_path / "single", tmp_path / "pool", tmp_path / "dask"
    ingest(input_dir=str(CORPUS), lake=str(single), batch_size=1000)  # one batch: run in this process
    # Other batch sizes each time, so that no batch comes from the task cache.
    pooled = ingest(input_dir=str(CORPUS), lake=str(pool), batch_size=8)
    spread = run_ingest(workers=2, input_dir=str(CORPUS), lake=str(dask), batch_size=7)
    assert pooled["documents_read"] > 8 and spread["documents_read"] > 7  # several batches each
    for lake in (pool, dask):
        assert table(lake, "documents") == table(single, "documents")
        assert table(lake, "claims") == table(single, "claims")


def test_batches_grow_with_the_run_between_their_bounds():
    """Few tasks for a large run (Prefect's cost per task), several per worker, never tiny or huge."""
    assert batch_size_for(100, workers=2) == MIN_BATCH_SIZE
    assert batch_size_for(10_000, workers=2) == 1250
    assert batch_size_for(1_000_000, workers=2) == MAX_BATCH_SIZE
