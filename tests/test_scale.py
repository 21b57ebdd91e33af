"""Extraction on a local two-worker Dask cluster gives exactly what a single-process run gives."""

from __future__ import annotations

import pyarrow.parquet as pq

from conftest import CORPUS
from flows.ingest import ingest, run_ingest

IGNORED = ["run_id"]


def table(lake, name):
    data = pq.read_table(lake / name)
    return data.drop_columns(IGNORED).sort_by([(column, "ascending") for column in ("doc_id", "claim_id")
                                               if column in data.column_names]).to_pylist()


def test_two_dask_workers_give_the_single_process_result(prefect_server, tmp_path):
    single, dask = tmp_path / "single", tmp_path / "dask"
    ingest(input_dir=str(CORPUS), lake=str(single), batch_size=8)
    # Other batches than the first run's, so that no batch comes from the task cache.
    summary = run_ingest(workers=2, input_dir=str(CORPUS), lake=str(dask), batch_size=7)
    assert summary["documents_read"] > 8  # several batches, so both workers had work
    assert table(dask, "documents") == table(single, "documents")
    assert table(dask, "claims") == table(single, "claims")
