"""The lake on disk: versioned tables swapped in atomically, one writer at a time, all or nothing.

Each table `LAKE/<table>` is a symlink to a version folder `LAKE/_versions/<table>/<version>/`
of immutable Parquet part files. A run builds the next version beside the current one
(hard links to the parts it keeps, new files for what changed), then replaces the symlink
with `os.replace`, which is atomic: a reader globbing `LAKE/<table>/**/*.parquet` sees the
old version or the new one, never a mix.

A run changes several things (three table links, the manifest, the marts, warehouse.duckdb),
and a crash between two of them must not leave a lake that no clean build could produce. So
`lake_lock` is also a transaction: the first change a lock holder makes opens a journal
(`LAKE/_journal/`) recording each table's previous version and hard links to the files that
are replaced in place (`_state/*.parquet`, `marts/**`, `warehouse.duckdb`). Leaving the lock
normally commits (the journal is dropped); leaving it by an exception rolls back to the
recorded state, and so does the next writer when it finds the journal of a killed run. Folders
no link or journal points to are debris of a dead run or superseded versions, and are removed.
Every file, link and folder is written through storage/atomic.py. See docs/reliability.md.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import TABLES
from storage.atomic import fsync_dir, replace_atomically, write_json, write_parquet, write_text

VERSIONS = "_versions"
STATE = "_state"
STAGING = "_staging"
STAGING_GENERATION = "generation"
JOURNAL = "_journal"
LOCK_FILE = ".lock"
JOURNAL_LINKS = "links.json"
JOURNAL_FILES = "files.json"
JOURNAL_COPIES = "files"
# Files rewritten in place (by os.replace) rather than versioned: the journal keeps a hard link
# to each so a rollback can put the old one back.
WAREHOUSE_FILE = "warehouse.duckdb"  # views over the tables and marts (warehouse/runner.py builds it)
IN_PLACE_PATTERNS = (f"{STATE}/*.parquet", f"{STATE}/*.json", "marts/**/*.parquet", WAREHOUSE_FILE)
# Names a writer gives its unfinished files; any left when the lock is taken are a dead run's.
DEBRIS_PATTERNS = (".*.tmp", ".*.tmp.wal", ".*.link", ".journal-*")

TABLE_NAMES = ("documents", "claims", "runs")  # the versioned tables
URL_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")

_held_lakes: set[Path] = set()  # lakes this process holds the lock of
_held_guard = threading.Lock()


class LakeError(Exception):
    """The run cannot complete; the message is one clear line for the user."""


class LakeBusy(LakeError):
    pass


def is_lake_url(text: str | Path) -> bool:
    """True for `scheme://...` (s3://, gs://, file://, memory://); a plain path is not a URL.

    The scheme must be two characters or more, so a drive letter is never taken for one."""
    return bool(URL_PATTERN.match(str(text)))


def local_lake(lake: str | Path) -> Path:
    """The lake folder as an absolute local path. A URL is refused with a clear line: the writer
    needs a POSIX file system (atomic renames, symlinks, hard links, flock), so callers turn a URL
    into its local working copy first (storage/object_store.py; docs/reliability.md, "Where the lake
    can live")."""
    if is_lake_url(lake):
        raise LakeError(f"lake {lake} is a URL: the lake writer needs a local folder; "
                        "use its working copy (storage/object_store.py: working_lake)")
    return Path(lake).absolute()


def lake_key(lake: Path) -> Path:
    return Path(os.path.realpath(lake))


def table_path(lake: Path, table: str) -> Path:
    return lake / table


def current_version_dir(lake: Path, table: str) -> Path | None:
    link = table_path(lake, table)
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    return None


def current_parts(lake: Path, table: str) -> list[Path]:
    version = current_version_dir(lake, table)
    if version is None:
        return []
    return sorted(version.glob("*.parquet"))


def read_table(lake: Path, table: str) -> pa.Table:
    """The current version of a table, empty with its schema when it does not exist yet."""
    schema = TABLES[table]
    parts = current_parts(lake, table)
    if not parts:
        return schema.empty_table()
    tables = []
    for part in parts:
        try:
            tables.append(pq.read_table(part).select(schema.names).cast(schema))
        except (pa.ArrowException, OSError, KeyError, ValueError) as error:
            raise damaged(table, part, error) from error
    return pa.concat_tables(tables)


def damaged(table: str, part: Path, error: BaseException) -> LakeError:
    """The one line for a table file that cannot be read, and what to do about it."""
    return LakeError(f"table {table} has an unreadable file {part}: {first_line(error)}; restore it from a "
                     "backup, or move it out of the lake and run again with --full-refresh to read the "
                     "inputs again")


def verify_parts(table: str, parts: list[Path]) -> None:
    """Each part is a whole Parquet file: its footer reads and its row groups add up to its rows.
    A truncated file (no footer) or one that is not Parquet is named in one line."""
    for part in parts:
        try:
            metadata = pq.read_metadata(part)
            if sum(metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)) != metadata.num_rows:
                raise ValueError("its row groups do not add up to its row count")
        except (pa.ArrowException, OSError, ValueError) as error:
            raise damaged(table, part, error) from error


def verify_tables(lake: Path) -> None:
    """Every table's current version is whole; cheap (footers only), made before a run trusts it."""
    for table in TABLE_NAMES:
        verify_parts(table, current_parts(lake, table))


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def publish_version(lake: Path, table: str, keep: list[Path], new_parts: list[pa.Table | Path], version: str) -> Path:
    """Make a version of `table` from kept parts plus new ones, and swap it in atomically.

    A new part is a table to write, or a finished Parquet file in the table's schema (a staged
    batch, see `staging_dir`) that is hard-linked in rather than copied."""
    folder = lake / VERSIONS / table / version
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for part in keep:
        os.link(part, folder / part.name)
    schema = TABLES[table]
    for index, new in enumerate(new_parts):
        target = folder / f"part-{version}-{index:05d}.parquet"
        if isinstance(new, Path):
            verify_parts(table, [new])
            if pq.read_metadata(new).num_rows:
                os.link(new, target)
        elif new.num_rows:
            write_parquet(new.select(schema.names).cast(schema), target)
    if not any(folder.iterdir()):
        write_parquet(schema.empty_table(), folder / f"part-{version}-empty.parquet")
    verify_parts(table, sorted(folder.glob("*.parquet")))  # publish nothing a reader cannot read
    fsync_dir(folder)
    link = table_path(lake, table)
    record_previous_link(lake, table)
    swap_symlink(link, Path(VERSIONS) / table / version)
    return folder


def staging_dir(lake: Path) -> Path:
    """Where extraction tasks write each batch's rows before a run publishes them. Batches staged
    by a run that died before committing stay there for the next run to reuse (Prefect's task
    cache returns their summaries); a successful commit removes the folder."""
    return lake / STAGING


def staging_generation(staging: Path) -> str:
    """The id of this staging folder, made with it. Staged batches are cached under it, so that a
    batch staged in a folder since removed (by a commit, or with the whole lake) is never taken
    for one still there. A write cut short by a crash only makes the next run's lookups miss."""
    marker = staging / STAGING_GENERATION
    if not marker.is_file():
        staging.mkdir(parents=True, exist_ok=True)
        write_text(marker, uuid.uuid4().hex)
    return marker.read_text()


def remove_staging(lake: Path) -> None:
    shutil.rmtree(staging_dir(lake), ignore_errors=True)


def swap_symlink(link: Path, target: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise LakeError(f"{link} is not a table link; move it away and rerun")
    replace_atomically(link, lambda temp: os.symlink(target, temp))


def remove_unreferenced_versions(lake: Path) -> int:
    """Delete version folders no table link or open journal points to, and a dead run's temp files."""
    removed = 0
    root = lake / VERSIONS
    if root.is_dir():
        needed = journal_versions(lake)
        for table_dir in root.iterdir():
            live = current_version_dir(lake, table_dir.name)
            for version in table_dir.iterdir():
                resolved = version.resolve()
                if resolved != live and resolved not in needed:
                    shutil.rmtree(version, ignore_errors=True)
                    removed += 1
    remove_debris(lake)
    return removed


def remove_debris(lake: Path) -> None:
    """Unfinished temp files, links and journals of dead runs (only the lock holder calls this)."""
    for pattern in DEBRIS_PATTERNS:
        for leftover in lake.rglob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def read_state(lake: Path, name: str) -> pa.Table:
    path = lake / STATE / f"{name}.parquet"
    if not path.exists():
        return TABLES[name].empty_table()
    try:
        return pq.read_table(path).cast(TABLES[name])
    except (pa.ArrowException, OSError, ValueError) as error:
        raise LakeError(f"cannot read {path}: {first_line(error)}; delete it to re-read every input") from error


def write_state(lake: Path, name: str, table: pa.Table) -> None:
    folder = lake / STATE
    folder.mkdir(parents=True, exist_ok=True)
    open_journal(lake)
    write_parquet(table.cast(TABLES[name]), folder / f"{name}.parquet")


def remove_other_marts(lake: Path, built: set[str]) -> list[str]:
    """Delete the mart folders of models that no longer exist (a model file removed), so neither
    a reader's glob nor a publication finds a mart no model builds. Journaled: a rollback puts
    them back."""
    stale = [folder for folder in sorted((lake / "marts").glob("*"))
             if folder.is_dir() and not folder.name.startswith(".") and folder.name not in built]
    if stale:
        open_journal(lake)
    for folder in stale:
        shutil.rmtree(folder)
    return [folder.name for folder in stale]


# --- the journal: what a rollback needs --------------------------------------------------------

def journal_dir(lake: Path) -> Path:
    return lake / JOURNAL


def holds_lock(lake: Path) -> bool:
    with _held_guard:
        return lake_key(lake) in _held_lakes


def open_journal(lake: Path) -> None:
    """Before the first change of a locked session: record what a rollback must restore.

    Only a lock holder journals; a journal appears whole or not at all (built aside, renamed).
    """
    if not holds_lock(lake) or journal_dir(lake).is_dir():
        return
    replace_atomically(journal_dir(lake), lambda staging: make_journal(lake, staging))


def make_journal(lake: Path, staging: Path) -> None:
    copies = staging / JOURNAL_COPIES
    copies.mkdir(parents=True)
    kept = []
    for relative in in_place_files(lake):
        target = copies / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(lake / relative, target)
        kept.append(relative)
    write_json(staging / JOURNAL_FILES, kept)
    write_json(staging / JOURNAL_LINKS, {})


def in_place_files(lake: Path) -> list[str]:
    found = set()
    for pattern in IN_PLACE_PATTERNS:
        for path in lake.glob(pattern):
            if path.is_file() and not path.name.startswith("."):
                found.add(path.relative_to(lake).as_posix())
    return sorted(found)


def record_previous_link(lake: Path, table: str) -> None:
    """Note where `table` pointed before this session first changed it."""
    open_journal(lake)
    path = journal_dir(lake) / JOURNAL_LINKS
    if not holds_lock(lake) or not path.exists():
        return
    links = json.loads(path.read_text())
    if table in links:
        return
    link = table_path(lake, table)
    links[table] = os.readlink(link) if link.is_symlink() else None
    write_json(path, links)


def journal_versions(lake: Path) -> set[Path]:
    path = journal_dir(lake) / JOURNAL_LINKS
    if not path.exists():
        return set()
    links = json.loads(path.read_text())
    return {(lake / target).resolve() for target in links.values() if target}


def commit_journal(lake: Path) -> None:
    """The session's changes stand: drop the journal (renamed away first, so it vanishes at once)."""
    if journal_dir(lake).is_dir():
        retire_journal(lake)
        remove_unreferenced_versions(lake)


def roll_back(lake: Path) -> bool:
    """Put back every table link and in-place file the journal recorded. Safe to repeat."""
    journal = journal_dir(lake)
    if not journal.is_dir():
        return False
    links_file, files_file = journal / JOURNAL_LINKS, journal / JOURNAL_FILES
    links = json.loads(links_file.read_text()) if links_file.exists() else {}
    kept = set(json.loads(files_file.read_text())) if files_file.exists() else set()
    for table, target in links.items():
        link = table_path(lake, table)
        if target is None:
            if link.is_symlink():
                link.unlink()
        else:
            swap_symlink(link, Path(target))
    for relative in in_place_files(lake):
        if relative not in kept:
            (lake / relative).unlink(missing_ok=True)
    for relative in kept:
        restore_file(journal / JOURNAL_COPIES / relative, lake / relative)
    fsync_dir(lake)
    retire_journal(lake)
    remove_unreferenced_versions(lake)
    return True


def restore_file(saved: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(final, lambda temp: os.link(saved, temp))


def retire_journal(lake: Path) -> None:
    retired = lake / f".journal-done-{uuid.uuid4().hex[:8]}"
    os.replace(journal_dir(lake), retired)
    fsync_dir(lake)
    shutil.rmtree(retired, ignore_errors=True)


# --- the lock ----------------------------------------------------------------------------------

@contextmanager
def lake_lock(lake: Path, wait_seconds: float = 60.0):
    """Hold the lake's single-writer lock for a transaction; name the holder when it is taken.

    On entry, a journal left by a killed writer is rolled back. Leaving normally commits what
    the block changed; leaving by an exception rolls it back, then re-raises.
    """
    handle = open_lock_file(lake)
    path = lake / LOCK_FILE
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LakeBusy(f"lake {lake} is locked by another run ({lock_holder(path)}); "
                                   f"waited {wait_seconds:g} s (see --lock-wait)") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
        handle.flush()
        with writable_lake(lake):
            if not roll_back(lake):
                # a run killed after retiring its journal, before removing the versions it replaced
                remove_unreferenced_versions(lake)
        with _held_guard:
            _held_lakes.add(lake_key(lake))
        try:
            yield
        except BaseException:
            with _held_guard:
                _held_lakes.discard(lake_key(lake))
            try:
                roll_back(lake)
            except OSError:
                pass  # the journal stays; the next writer rolls back
            raise
        with _held_guard:
            _held_lakes.discard(lake_key(lake))
        with writable_lake(lake):
            commit_journal(lake)
    finally:
        handle.close()


def open_lock_file(lake: Path):
    try:
        lake.mkdir(parents=True, exist_ok=True)
        return open(lake / LOCK_FILE, "a+")
    except OSError as error:
        raise LakeError(f"cannot write to lake {lake}: {error.strerror or first_line(error)}") from error


@contextmanager
def writable_lake(lake: Path):
    """Turn an OSError while cleaning up or committing into one clear LakeError."""
    try:
        yield
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise LakeError(f"cannot write to lake {lake}: {error.strerror or first_line(error)}{where}") from error


def lock_holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
        return f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
    except (OSError, ValueError):
        return "holder unknown"
