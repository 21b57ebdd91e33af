"""Every input is accounted for: odd names, duplicates, links, FIFOs and unreadable files each
get a documents row (their text or a clear error) in a real flow run, and nothing blocks."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import duckdb
import pytest

from inputs import discovery as inputs
from inputs.extract import extract_batch
from flows.ingest import ingest
from inputs.discovery import content_hash, describe_input, discover_inputs, read_input
from inputs.plan import plan_run

ARTICLE = ("North Korea has sent about 11,000 soldiers to Russia, officials in Seoul said on Monday.\n\n"
           "Some 300 of them were killed in fighting near Kursk, according to the report.\n")
# source_file -> the problem discovery must report (None: readable, gets its text)
EXPECTED = {
    "with space.txt": None,
    "quote\"and'apostrophe.txt": None,
    "new\nline.txt": None,
    "-leading-dash.txt": None,
    "--help.md": None,
    "copy_one.txt": None,
    "copy_two.txt": None,
    "alias_inside.txt": None,
    "bad\\xffname.txt": None,
    "sub/nested.txt": None,
    "folder.txt": "a folder, not a file",
    "folder.txt/inside.txt": None,
    "escapes.txt": "symlink points outside the input folder",
    "loop.txt": "symlink loop",
    "dangling.txt": "dangling symlink",
    "pipe.txt": "not a regular file (FIFO, socket or device)",
}


@pytest.fixture
def hostile_dir(tmp_path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for name in ("with space.txt", "quote\"and'apostrophe.txt", "new\nline.txt", "-leading-dash.txt",
                 "--help.md", "copy_one.txt", "copy_two.txt"):
        (root / name).write_text(ARTICLE)
    (root / "sub").mkdir()
    (root / "sub" / "nested.txt").write_text(ARTICLE.replace("11,000", "12,000"))
    (root / os.fsdecode(b"bad\xffname.txt")).write_text(ARTICLE)
    (root / "folder.txt").mkdir()
    (root / "folder.txt" / "inside.txt").write_text(ARTICLE)
    outside = tmp_path / "outside.txt"
    outside.write_text("a secret that must not be read")
    os.symlink(outside, root / "escapes.txt")
    os.symlink("loop.txt", root / "loop.txt")
    os.symlink("nowhere.txt", root / "dangling.txt")
    os.symlink("with space.txt", root / "alias_inside.txt")
    os.mkfifo(root / "pipe.txt")
    return root


@pytest.fixture
def alarm():
    """A hung read (a FIFO opened for reading) fails the test instead of hanging the suite."""
    signal.alarm(120)
    yield
    signal.alarm(0)


def test_discovery_lists_every_article_name_with_its_problem(hostile_dir):
    found = {item.source_file: item.problem for item in discover_inputs(hostile_dir)}
    assert found == EXPECTED


def test_a_name_that_is_not_utf8_is_listed_with_escapes_and_still_read(hostile_dir):
    item = next(i for i in discover_inputs(hostile_dir) if i.source_file.startswith("bad"))
    assert item.source_file == "bad\\xffname.txt"
    assert item.source_file.encode("utf-8")  # storable in Parquet
    assert read_input(item)[0] == ARTICLE.encode()


def test_every_input_gets_a_documents_row_in_a_real_run(prefect_server, hostile_dir, tmp_path, alarm):
    lake = tmp_path / "lake"
    ingest(input_dir=str(hostile_dir), lake=str(lake))
    rows = duckdb.sql(f"select source_paths, error, text from read_parquet('{lake}/documents/**/*.parquet', "
                      "hive_partitioning = true)").fetchall()
    # a text seen at several paths is one row listing them all
    by_path = {path: (error, text) for paths, error, text in rows for path in paths}
    assert set(by_path) == set(EXPECTED)
    for path, problem in EXPECTED.items():
        error, text = by_path[path]
        if problem is None:
            assert error is None and ("11,000" in text or "12,000" in text), path
        else:
            assert error == problem and text == "", path
    assert all("secret" not in text for _, text in by_path.values())


def test_duplicate_content_under_two_names_is_one_document_listing_both(prefect_server, hostile_dir, tmp_path, alarm):
    lake = tmp_path / "lake"
    ingest(input_dir=str(hostile_dir), lake=str(lake))
    rows = duckdb.sql(f"select source_path, source_paths from read_parquet('{lake}/documents/**/*.parquet') "
                      "where list_contains(source_paths, 'copy_one.txt')").fetchall()
    assert len(rows) == 1
    first, paths = rows[0]
    assert first == paths[0] and {"copy_one.txt", "copy_two.txt"} <= set(paths)


def test_an_unreadable_file_becomes_an_error_row(tmp_path, monkeypatch):
    # Root reads mode-000 files, so the failing open is simulated where the reader opens files.
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE)
    item = describe_input(tmp_path, path)
    real_open = os.open

    def refusing_open(target, flags, *args, **kwargs):
        if Path(target) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(target))
        return real_open(target, flags, *args, **kwargs)

    monkeypatch.setattr(inputs.os, "open", refusing_open)
    result = extract_batch([item], "run-test")
    assert result.documents.to_pylist()[0]["error"] == "cannot read file: Permission denied"
    assert result.claims.num_rows == 0


def test_a_file_the_access_check_refuses_is_reported_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text(ARTICLE)
    monkeypatch.setattr(inputs.os, "access", lambda *args, **kwargs: False)
    assert describe_input(tmp_path, path).problem == "permission denied"


def test_an_unlistable_folder_is_accounted_for(tmp_path, monkeypatch):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "hidden.txt").write_text(ARTICLE)
    (tmp_path / "open.txt").write_text(ARTICLE)
    real_scandir = os.scandir

    def refusing_scandir(path="."):
        if Path(path).name == "private":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    found = {item.source_file: item.problem for item in discover_inputs(tmp_path)}
    assert found == {"open.txt": None, "private/": "cannot list folder: Permission denied"}


def test_a_file_swapped_for_a_fifo_after_discovery_is_refused_not_waited_on(tmp_path, alarm):
    path = tmp_path / "swapped.txt"
    path.write_text(ARTICLE)
    item = describe_input(tmp_path, path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(OSError, match="not a regular file"):
        read_input(item)


def test_a_touched_file_is_unchanged_by_its_hash(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    before = describe_input(tmp_path, path)
    manifest = {"a.txt": (before.size, before.mtime_ns, content_hash(*read_input(before)))}
    os.utime(path, ns=(before.mtime_ns + 10**9, before.mtime_ns + 10**9))
    plan = plan_run([describe_input(tmp_path, path)], manifest, full_refresh=False)
    assert plan.unchanged == ["a.txt"] and not plan.to_read and [i.source_file for i in plan.touched] == ["a.txt"]


def test_same_size_new_content_is_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    before = describe_input(tmp_path, path)
    manifest = {"a.txt": (before.size, before.mtime_ns, content_hash(*read_input(before)))}
    path.write_text(ARTICLE.replace("11,000", "13,000"))
    os.utime(path, ns=(before.mtime_ns + 10**9, before.mtime_ns + 10**9))
    plan = plan_run([describe_input(tmp_path, path)], manifest, full_refresh=False)
    assert [i.source_file for i in plan.to_read] == ["a.txt"] and not plan.touched


def test_an_input_no_longer_there_is_kept_unless_pruned(tmp_path):
    plan = plan_run([], {"gone.txt": (10, 1, "abc")}, full_refresh=False)
    assert plan.vanished == ["gone.txt"] and plan.pruned == [] and plan.nothing_to_do
    plan = plan_run([], {"gone.txt": (10, 1, "abc")}, full_refresh=False, prune=True)
    assert plan.pruned == ["gone.txt"] and not plan.nothing_to_do
