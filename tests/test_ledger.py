"""The ledger keeps what it has read: inputs that leave the folder keep their rows until `--prune`,
a document is its normalized text (one row, every path it was seen at), an input is its path
relative to the input folder, and a changed SQL model takes effect on the next run. Real Prefect
runs, real Parquet and DuckDB (docs/reliability.md, "The manifest and incremental runs")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import inputs.plan
import warehouse.runner
from cli import main as cli
from flows.ingest import SAMPLES_DIR, ingest
from inputs.discovery import discover_inputs

SAMPLE_INPUTS = len(discover_inputs(SAMPLES_DIR))

ARTICLE = ("Seoul's spy agency said on Monday that about 2,000 North Korean soldiers had been killed "
           "in the Kursk region.\n")


def rows(lake: Path, table: str) -> list[str]:
    """Every row but run_id, in a stable order."""
    relation = duckdb.sql(f"select * exclude (run_id) from read_parquet('{lake}/{table}/**/*.parquet')")
    return sorted(repr(row) for row in relation.fetchall())


def tables(lake: Path) -> dict[str, list[str]]:
    return {table: rows(lake, table) for table in ("documents", "claims")}


def samples(folder: Path) -> Path:
    shutil.copytree(SAMPLES_DIR, folder)
    return folder


def run_cli(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_moving_files_out_of_an_inbox_loses_no_rows_until_pruned(prefect_server, tmp_path, capsys):
    inbox, archive, lake = samples(tmp_path / "inbox"), tmp_path / "archive", tmp_path / "lake"
    ingest(input_dir=str(inbox), lake=str(lake))
    before = tables(lake)
    archive.mkdir()
    moved = ["2025-02-14_hur_missing.txt", "2025-04-30_nis_briefing.txt", "2025-04-30_nis_briefing.meta.json"]
    for name in moved:
        shutil.move(inbox / name, archive / name)

    code, out = run_cli(capsys, "run", str(inbox), "--lake", str(lake))
    assert code == 0 and tables(lake) == before, "files moved away keep their rows"
    assert "inputs no longer in the folder: 2 (their rows are kept; --prune removes them)" in out

    (inbox / "new.txt").write_text(ARTICLE)
    summary = ingest(input_dir=str(inbox), lake=str(lake))
    assert summary["inputs_read"] == 1 and summary["inputs_vanished"] == 2 and summary["inputs_pruned"] == 0
    with_new = tables(lake)
    assert set(before["documents"]) < set(with_new["documents"])

    code, out = run_cli(capsys, "run", str(inbox), "--lake", str(lake), "--prune")
    fresh = tmp_path / "fresh"
    ingest(input_dir=str(inbox), lake=str(fresh))
    assert code == 0 and tables(lake) == tables(fresh), "pruned: the same as a fresh build of what is there"
    removed_docs = len(with_new["documents"]) - len(tables(fresh)["documents"])
    removed_claims = len(with_new["claims"]) - len(tables(fresh)["claims"])
    assert removed_claims > 0
    assert f"inputs pruned: 2, removing {removed_docs} documents rows and {removed_claims} claims rows" in out


def test_kept_rows_equal_a_fresh_build_of_every_input_read_and_not_pruned(prefect_server, tmp_path):
    first, second, lake = samples(tmp_path / "first"), tmp_path / "second", tmp_path / "lake"
    ingest(input_dir=str(first), lake=str(lake))
    second.mkdir()
    (second / "other.txt").write_text(ARTICLE)
    changed = (first / "2025-12-13_engineers_return.txt").read_text() + "\nAbout 300 more arrived later.\n"
    (second / "2025-12-13_engineers_return.txt").write_text(changed)
    summary = ingest(input_dir=str(second), lake=str(lake))
    assert summary["inputs_read"] == 2 and summary["inputs_vanished"] == SAMPLE_INPUTS - 1

    union = shutil.copytree(first, tmp_path / "union")
    shutil.copytree(second, union, dirs_exist_ok=True)
    fresh = tmp_path / "fresh"
    ingest(input_dir=str(union), lake=str(fresh))
    assert tables(lake) == tables(fresh)


def test_an_input_is_its_path_relative_to_the_input_folder(prefect_server, tmp_path, capsys):
    """The same files under another folder are the inputs already read: nothing new. Another
    content under a name already read replaces that input's rows."""
    lake = tmp_path / "lake"
    ingest(input_dir=str(samples(tmp_path / "samples")), lake=str(lake))
    before = tables(lake)
    inbox = samples(tmp_path / "inbox")
    code, out = run_cli(capsys, "run", str(inbox), "--lake", str(lake))
    assert code == 0 and out.startswith(f"Nothing new: {SAMPLE_INPUTS} inputs unchanged") and tables(lake) == before

    (inbox / "2025-02-14_hur_missing.txt").write_text(ARTICLE)
    summary = ingest(input_dir=str(inbox), lake=str(lake))
    assert summary["inputs_read"] == 1
    documents = duckdb.sql(f"select text from read_parquet('{lake}/documents/*.parquet') "
                           "where source_path = '2025-02-14_hur_missing.txt'").fetchall()
    assert documents == [(ARTICLE.strip(),)] or documents == [(ARTICLE,)]


def paths_of(lake: Path) -> dict[str, tuple[str, list[str]]]:
    found = duckdb.sql(f"select doc_id, source_path, source_paths from read_parquet('{lake}/documents/*.parquet')")
    return {doc_id: (first, paths) for doc_id, first, paths in found.fetchall()}


@pytest.mark.parametrize("batch_size", [None, 1])
def test_one_article_at_several_paths_is_one_document(prefect_server, tmp_path, batch_size):
    folder = tmp_path / "in"
    (folder / "b").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "b" / "copy.txt").write_text(ARTICLE)
    (folder / "digest.jsonl").write_text(json.dumps({"text": ARTICLE}) + "\n" + json.dumps({"text": ARTICLE}) + "\n")
    lake = tmp_path / "lake"
    ingest(input_dir=str(folder), lake=str(lake), batch_size=batch_size)
    documents = paths_of(lake)
    assert list(documents.values()) == [("a.txt", ["a.txt", "b/copy.txt", "digest.jsonl:1", "digest.jsonl:2"])]
    claims = duckdb.sql(f"select count(*), count(distinct claim_id) from read_parquet('{lake}/claims/*.parquet')")
    count, distinct = claims.fetchall()[0]
    assert count == distinct > 0, "its claims are counted once"

    (folder / "a.txt").unlink()
    ingest(input_dir=str(folder), lake=str(lake), prune=True, batch_size=batch_size)
    fresh = tmp_path / "fresh"
    ingest(input_dir=str(folder), lake=str(fresh))
    assert list(paths_of(lake).values()) == [("b/copy.txt", ["b/copy.txt", "digest.jsonl:1", "digest.jsonl:2"])]
    assert tables(lake) == tables(fresh)

    (folder / "a.txt").write_text(ARTICLE)  # a new first copy of a document already there
    ingest(input_dir=str(folder), lake=str(lake), batch_size=batch_size)
    assert list(paths_of(lake).values())[0][1][0] == "a.txt"
    fresh_again = tmp_path / "fresh_again"
    ingest(input_dir=str(folder), lake=str(fresh_again))
    assert tables(lake) == tables(fresh_again)


def test_a_changed_sql_model_rebuilds_the_marts_with_no_new_input(prefect_server, tmp_path, monkeypatch, capsys):
    models = shutil.copytree(warehouse.runner.MODELS_DIR, tmp_path / "models")
    discover = warehouse.runner.discover_models
    monkeypatch.setattr(warehouse.runner, "discover_models", lambda models_dir=models: discover(models_dir))
    monkeypatch.setattr(inputs.plan, "MODEL_FOLDERS", (models, warehouse.runner.TESTS_DIR))
    lake = tmp_path / "lake"
    folder = samples(tmp_path / "in")
    ingest(input_dir=str(folder), lake=str(lake))
    code, out = run_cli(capsys, "run", str(folder), "--lake", str(lake))
    assert out.startswith("Nothing new")

    (models / "marts" / "claim_count.sql").write_text("select count(*) as claims from stg_claims\n")
    code, out = run_cli(capsys, "run", str(folder), "--lake", str(lake))
    assert code == 0 and "marts rebuilt in " in out and "the SQL models changed" in out
    assert (lake / "marts" / "claim_count" / "claim_count.parquet").is_file()
    code, out = run_cli(capsys, "run", str(folder), "--lake", str(lake))
    assert out.startswith("Nothing new"), "recorded: the next run has nothing to do"

    (models / "marts" / "claim_count.sql").write_text("select count(*) * 2 as claims from stg_claims\n")
    run_cli(capsys, "run", str(folder), "--lake", str(lake))
    doubled = duckdb.sql(f"select claims from read_parquet('{lake}/marts/claim_count/*.parquet')").fetchall()[0][0]
    assert doubled == 2 * len(rows(lake, "claims")), "an edited model takes effect"

    (models / "marts" / "claim_count.sql").unlink()
    code, out = run_cli(capsys, "run", str(folder), "--lake", str(lake))
    assert "marts rebuilt" in out and not (lake / "marts" / "claim_count").exists(), "a removed model's mart goes"


def test_a_lake_written_before_source_paths_gets_the_column_on_its_next_run(prefect_server, tmp_path):
    from storage import lake as lakefs

    folder, lake = samples(tmp_path / "in"), tmp_path / "lake"
    ingest(input_dir=str(folder), lake=str(lake))
    for part in lakefs.current_parts(lake, "documents"):
        old = pq.read_table(part).drop_columns(["source_paths"])
        part.unlink()  # a fresh inode: versions are never changed in place by the lake itself
        pq.write_table(old, part)
    (folder / "new.txt").write_text(ARTICLE)
    ingest(input_dir=str(folder), lake=str(lake))
    assert all("source_paths" in pq.read_schema(part).names for part in lakefs.current_parts(lake, "documents"))
    fresh = tmp_path / "fresh"
    ingest(input_dir=str(folder), lake=str(fresh))
    assert tables(lake) == tables(fresh)


def test_a_lake_missing_its_warehouse_gets_it_back_on_the_next_run(prefect_server, tmp_path, capsys):
    folder, lake = samples(tmp_path / "in"), tmp_path / "lake"
    ingest(input_dir=str(folder), lake=str(lake))
    (lake / "warehouse.duckdb").unlink()
    code, out = run_cli(capsys, "run", str(folder), "--lake", str(lake))
    assert code == 0 and "marts rebuilt in" in out and (lake / "warehouse.duckdb").is_file()
    assert run_cli(capsys, "query", "select count(*) from claims", "--lake", str(lake))[0] == 0
