"""Nothing lost, nothing half-written: the lake under concurrent runs, SIGKILL, full disks,
read-only mounts, corrupt files and broken models, on real files, Parquet and DuckDB."""

from __future__ import annotations

import builtins
import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import inputs.plan
import flows.ingest
import warehouse.runner
from conftest import CORPUS, ROOT
from crash_helpers import PINNED_CODE_VERSION
from cli import main as cli
from storage import lake as lakefs
from flows.ingest import SAMPLES_DIR, ingest

TABLES = ("documents", "claims")
CRASH_HELPER = [sys.executable, str(ROOT / "tests" / "crash_helpers.py")]

NEW_ARTICLE = ("Ukraine's military intelligence said on Tuesday that about 400 North Korean soldiers "
               "had been wounded near Kursk since January.\n")


# --- building inputs and reading lakes ---------------------------------------------------------

def make_inputs(folder: Path) -> Path:
    """The bundled samples plus the test corpus: every format, sidecars, JSONL."""
    shutil.copytree(SAMPLES_DIR, folder)
    shutil.copytree(CORPUS, folder / "corpus", ignore=shutil.ignore_patterns("gold"))
    return folder


def change_inputs(folder: Path) -> None:
    """Add, change and delete files, change a sidecar, and touch one without changing it."""
    (folder / "added.txt").write_text(NEW_ARTICLE)
    nis = folder / "2025-04-30_nis_briefing.txt"
    nis.write_text(nis.read_text().replace("15,000", "16,000") + "\nAn editor's note was added.\n")
    (folder / "2025-02-14_hur_missing.txt").unlink()
    (folder / "corpus" / "t24_negative_munitions.txt").unlink()
    sidecar = folder / "2024-11-05_pentagon_kursk.meta.json"
    sidecar.write_text(sidecar.read_text().replace("Pentagon says", "Pentagon: "))
    jsonl = folder / "wire_digest.jsonl"
    jsonl.write_text("\n".join(jsonl.read_text().splitlines()[1:]) + "\n")
    touched = folder / "explainer_how_the_counts_differ.txt"
    later = touched.stat().st_mtime_ns + 5 * 10**9
    os.utime(touched, ns=(later, later))


def rows(lake: Path, table: str) -> list[str]:
    """Every row but run_id, read through the public glob with DuckDB, in a stable order."""
    relation = duckdb.sql(f"select * exclude (run_id) from read_parquet('{lake}/{table}/**/*.parquet', "
                          "hive_partitioning = true)")
    return sorted(repr(row) for row in relation.fetchall())


def assert_readable(lake: Path) -> None:
    """Each table reads through DuckDB's glob and through pyarrow, with the same row count."""
    for table in TABLES:
        count = duckdb.sql(f"select count(*) from read_parquet('{lake}/{table}/**/*.parquet')").fetchall()[0][0]
        assert pq.read_table(lake / table).num_rows == count


def assert_clean(lake: Path) -> None:
    """No journal, staged batch, temp file or unreferenced version left, and the lock is free."""
    assert not (lake / lakefs.JOURNAL).exists() and not lakefs.staging_dir(lake).exists()
    leftovers = [p for pattern in lakefs.DEBRIS_PATTERNS for p in lake.rglob(pattern)]
    assert leftovers == []
    for table_dir in (lake / lakefs.VERSIONS).iterdir():
        assert [v.resolve() for v in table_dir.iterdir()] == [lakefs.current_version_dir(lake, table_dir.name)]
    with lakefs.lake_lock(lake, wait_seconds=0):
        pass


def lake_files(lake: Path) -> dict[str, int]:
    return {p.relative_to(lake).as_posix(): p.lstat().st_mtime_ns for p in lake.rglob("*")
            if p.name != lakefs.LOCK_FILE}


@pytest.fixture(scope="module", autouse=True)
def pinned_code_version():
    """Edits to transforms/ elsewhere in the checkout must not make a run re-read everything
    (crash_helpers.py pins the same version in subprocesses)."""
    patch = pytest.MonkeyPatch()
    patch.setattr(flows.ingest, "code_version", lambda: PINNED_CODE_VERSION)
    patch.setattr(inputs.plan, "code_version", lambda: PINNED_CODE_VERSION)
    yield
    patch.undo()


@pytest.fixture
def fixed_code_version():
    """Kept as a marker of the tests that rely on the pinned code version."""


@pytest.fixture(scope="module")
def builds(prefect_server, tmp_path_factory):
    """Inputs before and after a change, a lake built from the first, and clean builds of both."""
    base = tmp_path_factory.mktemp("builds")
    before, after = make_inputs(base / "before"), make_inputs(base / "after")
    shutil.copystat(before, after)
    change_inputs(after)
    lakes = {}
    for name, folder in (("before", before), ("after", after)):
        lakes[name] = base / f"lake_{name}"
        ingest(input_dir=str(folder), lake=str(lakes[name]))
    expected = {name: {t: rows(lake, t) for t in TABLES} for name, lake in lakes.items()}
    assert expected["before"] != expected["after"]
    return {"before": before, "after": after, "lakes": lakes, "expected": expected}


@pytest.fixture(scope="module")
def cli_env(prefect_server, tmp_path_factory):
    """Environment for troopledger subprocesses: the test Prefect server, a private PREFECT_HOME."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_HOME=str(tmp_path_factory.mktemp("prefect_home")),
               PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PYTHONPATH=str(ROOT),
               TROOPLEDGER_TEST_CODE_VERSION=PINNED_CODE_VERSION)
    return env


def troopledger(lake: Path, *args: str) -> list[str]:
    """The command line of a troopledger run in a subprocess, through the helper (no kill)."""
    return CRASH_HELPER + [str(lake), "0", *args]


def copy_lake(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


# --- incremental runs ---------------------------------------------------------------------------

def test_incremental_runs_equal_a_full_rebuild(builds, tmp_path, fixed_code_version):
    lake = tmp_path / "lake"
    inputs = make_inputs(tmp_path / "in")
    ingest(input_dir=str(inputs), lake=str(lake))
    change_inputs(inputs)
    summary = ingest(input_dir=str(inputs), lake=str(lake), prune=True)
    assert summary["inputs_pruned"] == 2 and summary["pruned_documents"] == 2
    for table in TABLES:
        assert rows(lake, table) == builds["expected"]["after"][table], table
    assert_clean(lake)


def test_a_rerun_with_no_change_writes_nothing(builds, tmp_path, fixed_code_version):
    lake = copy_lake(builds["lakes"]["after"], tmp_path / "lake")
    ingest(input_dir=str(builds["after"]), lake=str(lake))  # the copy's manifest takes this code version
    before = lake_files(lake)
    summary = ingest(input_dir=str(builds["after"]), lake=str(lake))
    assert summary["run_id"] is None
    assert lake_files(lake) == before


def test_a_touched_file_writes_no_new_table_version(builds, tmp_path, fixed_code_version):
    inputs = make_inputs(tmp_path / "in")
    lake = tmp_path / "lake"
    ingest(input_dir=str(inputs), lake=str(lake))
    links = {t: os.readlink(lake / t) for t in ("documents", "claims", "runs")}
    before = lake_files(lake)
    for path in (inputs / "2025-01-13_live_blog.md", inputs / "corpus" / "t20_jsonl_reinforcements.jsonl"):
        later = path.stat().st_mtime_ns + 7 * 10**9
        os.utime(path, ns=(later, later))
    summary = ingest(input_dir=str(inputs), lake=str(lake))
    assert summary["run_id"] is None and summary["inputs_read"] == 0
    assert {t: os.readlink(lake / t) for t in links} == links
    assert lake_files(lake) == before


# --- SIGKILL -------------------------------------------------------------------------------------

def check_after_kill(lake: Path, builds) -> None:
    """Each table is readable and is wholly its old or its new version."""
    assert_readable(lake)
    for table in TABLES:
        assert rows(lake, table) in (builds["expected"]["before"][table], builds["expected"]["after"][table]), table


def check_next_run_heals(lake: Path, builds) -> None:
    ingest(input_dir=str(builds["after"]), lake=str(lake), prune=True)
    for table in TABLES:
        assert rows(lake, table) == builds["expected"]["after"][table], table
    assert_readable(lake)
    assert_clean(lake)
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
    assert con.sql("select count(*) from latest_estimates").fetchall()[0][0] > 0
    con.close()


def test_sigkill_at_each_commit_step_then_the_next_run_heals(builds, cli_env, tmp_path):
    probe = copy_lake(builds["lakes"]["before"], tmp_path / "probe")
    counting = subprocess.run(CRASH_HELPER + [str(probe), "0", "run", str(builds["after"]), "--prune", "--lake", str(probe)],
                              env=cli_env, capture_output=True, text=True)
    assert counting.returncode == 0, counting.stderr
    renames = int(counting.stdout.strip().splitlines()[-1].split()[-1])
    assert renames >= 8
    # Renames in order: the staged batch (documents, claims), the journal, then per table the
    # journal's record and the link (a runs part before its link), the manifest, the marts,
    # warehouse.duckdb, the journal's retirement. Killing before step 8 leaves new documents beside
    # old claims; the later steps land among the marts and the commit.
    # (Three steps keep the suite fast; the random-delay test below covers other moments.)
    for step in sorted({8, renames // 2 + 2, renames - 1}):
        lake = copy_lake(builds["lakes"]["before"], tmp_path / f"lake_{step}")
        killed = subprocess.run(CRASH_HELPER + [str(lake), str(step), "run", str(builds["after"]), "--prune", "--lake", str(lake)],
                                env=cli_env, capture_output=True, text=True)
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr[-2000:])
        check_after_kill(lake, builds)
        check_next_run_heals(lake, builds)


def test_sigkill_after_random_delays_then_the_next_run_heals(builds, cli_env, tmp_path):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "timing")
    started = time.monotonic()
    subprocess.run(troopledger(lake, "run", str(builds["after"]), "--prune", "--lake", str(lake)), env=cli_env, check=True,
                   capture_output=True)
    whole_run = time.monotonic() - started
    delays = random.Random(6).sample([whole_run * f for f in (0.6, 0.7, 0.8, 0.88, 0.95)], 2)
    for trial, delay in enumerate(delays):
        lake = copy_lake(builds["lakes"]["before"], tmp_path / f"lake_{trial}")
        process = subprocess.Popen(troopledger(lake, "run", str(builds["after"]), "--prune", "--lake", str(lake)), env=cli_env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        check_after_kill(lake, builds)
        check_next_run_heals(lake, builds)


def test_versions_left_by_a_run_killed_after_its_journal_went_are_removed_by_the_next_writer(builds, tmp_path):
    """A run killed between retiring its journal and removing the versions it replaced leaves them
    unreferenced, with no journal to roll back: the next writer to take the lock removes them."""
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    live = lakefs.current_version_dir(lake, "runs")
    stale = live.parent / "20000101T000000Z-dead00"
    shutil.copytree(live, stale)
    with lakefs.lake_lock(lake):
        pass
    assert not stale.exists() and live.is_dir()
    assert_clean(lake)


def test_a_batch_staged_by_a_killed_run_is_reused_by_the_next(builds, cli_env, tmp_path, monkeypatch,
                                                              fixed_code_version):
    """Extraction is the costly step: a run that dies after staging its batch leaves it for the
    next run, which takes it from Prefect's task cache instead of extracting again."""
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    # rename 1 makes the staging folder's generation, renames 2 and 3 put the staged batch's
    # documents and claims in place; die at the next one
    killed = subprocess.run(CRASH_HELPER + [str(lake), "4", "run", str(builds["after"]), "--prune", "--lake", str(lake)],
                            env=cli_env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert sorted(p.name for p in (lake / "_staging").rglob("*.parquet")) == ["claims.parquet", "documents.parquet"]

    def extraction(*args, **kwargs):
        raise AssertionError("the staged batch was extracted again")

    monkeypatch.setattr(flows.ingest, "stage_batch", extraction)
    check_next_run_heals(lake, builds)
    assert not (lake / "_staging").exists()


# --- one writer at a time --------------------------------------------------------------------

def test_a_held_lock_names_its_holder_and_the_wait_is_bounded(builds, cli_env, tmp_path):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    before = {t: rows(lake, t) for t in TABLES}
    with lakefs.lake_lock(lake, wait_seconds=0):
        started = time.monotonic()
        result = subprocess.run(troopledger(lake, "run", str(builds["after"]), "--prune", "--lake", str(lake), "--lock-wait", "2"),
                                env=cli_env, capture_output=True, text=True)
        waited = time.monotonic() - started
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "locked by another run" in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert 2 <= waited < 30
    assert {t: rows(lake, t) for t in TABLES} == before


def test_two_runs_started_at_once_leave_one_valid_lake(builds, cli_env, tmp_path):
    lake = tmp_path / "lake"
    command = troopledger(lake, "run", str(builds["after"]), "--prune", "--lake", str(lake), "--json")
    processes = [subprocess.Popen(command, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outcomes = [process.communicate(timeout=300) for process in processes]
    codes = [process.returncode for process in processes]
    assert codes == [0, 0], outcomes
    for table in TABLES:
        assert rows(lake, table) == builds["expected"]["after"][table]
    assert_clean(lake)


# --- readers and the warehouse ----------------------------------------------------------------

HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print(con.sql("select count(*) from documents").fetchall()[0][0], flush=True)
sys.stdin.readline()
print(con.sql("select count(*) from documents").fetchall()[0][0], flush=True)
"""


def test_a_reader_holding_the_warehouse_open_never_blocks_a_run(builds, tmp_path, fixed_code_version):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(lake / "warehouse.duckdb")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        old_count = int(holder.stdout.readline())
        summary = ingest(input_dir=str(builds["after"]), lake=str(lake), prune=True)
        assert summary["run_id"] is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert int(holder.stdout.readline()) >= 0  # the old file still answers its reader
    finally:
        holder.kill()
        holder.wait()
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
    new_count = con.sql("select count(*) from documents").fetchall()[0][0]
    con.close()
    assert new_count == len(builds["expected"]["after"]["documents"]) != old_count


@pytest.mark.parametrize("sql", ["insert into documents select * from documents",
                                 "create table notes as select 1 as n",
                                 "copy (select 1) to 'written.csv'"])
def test_query_cannot_change_the_warehouse(builds, cli_env, tmp_path, sql):
    lake = copy_lake(builds["lakes"]["after"], tmp_path / "lake")
    digest = hashlib.sha256((lake / "warehouse.duckdb").read_bytes()).hexdigest()
    result = subprocess.run([sys.executable, "-m", "cli.main", "query", sql, "--lake", str(lake)], env=cli_env, capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("troopledger: error: query is read-only") and result.stderr.count("\n") == 1
    assert hashlib.sha256((lake / "warehouse.duckdb").read_bytes()).hexdigest() == digest
    assert not (tmp_path / "written.csv").exists()


# --- failures: one line, nonzero, previous tables intact -----------------------------------

def run_cli_in_process(args: list[str], capfd) -> tuple[int, str]:
    capfd.readouterr()
    code = cli.main(args)
    return code, capfd.readouterr().err


def assert_failed_cleanly(code: int, err: str, lake: Path, before: dict, expected_words: str) -> None:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("troopledger: error: "), err
    assert expected_words in lines[0]
    assert "Traceback" not in err
    assert_readable(lake)
    assert {t: rows(lake, t) for t in TABLES} == before
    assert not (lake / lakefs.JOURNAL).exists()


def test_a_full_disk_fails_in_one_line_and_keeps_the_tables(builds, tmp_path, monkeypatch, capfd, fixed_code_version):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    before = {t: rows(lake, t) for t in TABLES}

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lakefs.pq, "write_table", disk_full)
    code, err = run_cli_in_process(["run", str(builds["after"]), "--prune", "--lake", str(lake)], capfd)
    assert_failed_cleanly(code, err, lake, before, "No space left on device")


def test_a_model_with_an_error_fails_in_one_line_and_rolls_the_tables_back(builds, tmp_path, monkeypatch, capfd,
                                                                             fixed_code_version):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    before = {t: rows(lake, t) for t in TABLES}
    marts_before = {p.name: p.read_bytes() for p in (lake / "marts").rglob("*.parquet")}
    broken = tmp_path / "models" / "marts" / "broken_mart.sql"
    broken.parent.mkdir(parents=True)
    broken.write_text("select no_such_column from claims_that_do_not_exist\n")
    real_models = warehouse.runner.discover_models()
    monkeypatch.setattr(warehouse.runner, "discover_models",
                        lambda: real_models + [warehouse.runner.Model("broken_mart", "marts", broken)])
    code, err = run_cli_in_process(["run", str(builds["after"]), "--prune", "--lake", str(lake)], capfd)
    assert_failed_cleanly(code, err, lake, before, "broken_mart")
    assert {p.name: p.read_bytes() for p in (lake / "marts").rglob("*.parquet")} == marts_before


def test_a_corrupt_parquet_file_fails_in_one_line_and_is_left_for_a_human(builds, tmp_path, capfd, fixed_code_version):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    ingest(input_dir=str(builds["before"]), lake=str(lake))  # the copy's manifest takes this code version
    part = lakefs.current_parts(lake, "runs")[0]
    part.unlink()  # a fresh inode, so the clean build's hard-linked copy stays whole
    part.write_bytes(b"PAR1 this is not parquet PAR1")
    code, err = run_cli_in_process(["run", str(builds["after"]), "--prune", "--lake", str(lake)], capfd)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "unreadable file" in err and part.name in err
    assert {t: rows(lake, t) for t in TABLES} == builds["expected"]["before"]


def bind_mount_read_only(folder: Path) -> bool:
    try:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    result = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True)
    if result.returncode != 0:
        subprocess.run(["umount", str(folder)], capture_output=True)
        return False
    return True


def test_a_read_only_lake_fails_in_one_line_and_keeps_the_tables(builds, tmp_path, monkeypatch, capfd,
                                                                  fixed_code_version):
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    before = {t: rows(lake, t) for t in TABLES}
    mounted = bind_mount_read_only(lake)
    if not mounted:  # no mount privilege: opening anything in the lake for writing fails as on a read-only mount
        real_open = builtins.open

        def read_only_open(path, mode="r", *args, **kwargs):
            if set(mode) & set("wax+") and os.path.realpath(path).startswith(str(lake)):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, mode, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", read_only_open)
    try:
        code, err = run_cli_in_process(["run", str(builds["after"]), "--prune", "--lake", str(lake)], capfd)
    finally:
        if mounted:
            subprocess.run(["umount", str(lake)], check=True)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "Read-only file system" in err
    assert {t: rows(lake, t) for t in TABLES} == before


def test_debug_shows_the_traceback(builds, tmp_path, capfd):
    lake = tmp_path / "lake"
    lake.mkdir()
    (lake / "documents").mkdir()  # a folder where the table link belongs: the run cannot complete
    with pytest.raises(lakefs.LakeError):
        cli.main(["--debug", "run", str(builds["after"]), "--lake", str(lake)])


def test_a_staging_folder_keeps_its_generation_until_it_is_removed(tmp_path):
    """Staged batches are cached under the generation: a new folder (after a commit, or a lake
    made again at the same path) must never find the summaries of one that is gone."""
    staging = lakefs.staging_dir(tmp_path / "lake")
    first = lakefs.staging_generation(staging)
    assert lakefs.staging_generation(staging) == first
    lakefs.remove_staging(tmp_path / "lake")
    assert lakefs.staging_generation(staging) != first


@pytest.mark.parametrize("table", ["documents", "claims"])
def test_a_truncated_table_file_is_named_by_the_next_run_and_full_refresh_repairs(builds, tmp_path, capfd, table,
                                                                                 fixed_code_version):
    """A part that lost its footer (a truncated copy, a bad disk) never passes silently: the next run,
    even one with nothing new, fails in one line naming it; moved away, --full-refresh reads the
    inputs again and the lake is whole."""
    lake = copy_lake(builds["lakes"]["after"], tmp_path / "lake")
    ingest(input_dir=str(builds["after"]), lake=str(lake))  # the copy's manifest takes this code version
    part = lakefs.current_parts(lake, table)[0]
    whole = part.read_bytes()
    part.unlink()  # a fresh inode, so the clean build's hard-linked copy stays whole
    part.write_bytes(whole[: len(whole) // 2])
    for args in (["run", str(builds["after"]), "--lake", str(lake)],
                 ["run", str(builds["after"]), "--lake", str(lake), "--full-refresh"]):
        code, err = run_cli_in_process(args, capfd)
        assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert f"table {table} has an unreadable file {part}" in err and "--full-refresh" in err
    part.rename(tmp_path / "damaged.parquet")
    code, err = run_cli_in_process(["run", str(builds["after"]), "--lake", str(lake), "--full-refresh"], capfd)
    assert code == 0, err
    assert {t: rows(lake, t) for t in TABLES} == builds["expected"]["after"]
    assert_readable(lake)


def test_a_version_with_a_damaged_file_is_never_published(tmp_path):
    lake = tmp_path / "lake"
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not a whole file")
    with pytest.raises(lakefs.LakeError, match="table claims has an unreadable file"):
        lakefs.publish_version(lake, "claims", [], [broken], "v1")
    assert not (lake / "claims").exists(), "the table link was never made"


def test_a_damaged_staged_batch_is_extracted_again_not_trusted(builds, cli_env, tmp_path, fixed_code_version):
    """A batch staged by a killed run whose file was damaged since: the cached summary is not
    trusted, the batch is extracted again and the run heals."""
    lake = copy_lake(builds["lakes"]["before"], tmp_path / "lake")
    killed = subprocess.run(CRASH_HELPER + [str(lake), "4", "run", str(builds["after"]), "--prune", "--lake", str(lake)],
                            env=cli_env, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    [staged] = list((lake / "_staging").rglob("documents.parquet"))
    whole = staged.read_bytes()
    staged.write_bytes(whole[: len(whole) // 2])
    check_next_run_heals(lake, builds)
