"""The lake on disk: versioned tables swapped in atomically, one writer at a time.

Each table `LAKE/<table>` is a symlink to a version folder `LAKE/_versions/<table>/<version>/`
of immutable Parquet part files. A run builds the next version beside the current one
(hard links to the parts it keeps, new files for what changed), then replaces the symlink
with `os.replace`, which is atomic: a reader globbing `LAKE/<table>/**/*.parquet` sees the
old version or the new one, never a mix. Folders no symlink points to are debris of a dead
run or superseded versions, and the next writer removes them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.tables import TABLES

VERSIONS = "_versions"
STATE = "_state"
LOCK_FILE = ".lock"


class LakeError(Exception):
    """The run cannot complete; the message is one clear line for the user."""


class LakeBusy(LakeError):
    pass


@dataclass(frozen=True)
class Part:
    path: Path  # a Parquet file inside the current version folder
    name: str


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
    try:
        tables = [pq.read_table(part) for part in parts]
        return pa.concat_tables([t.select(schema.names).cast(schema) for t in tables])
    except (pa.ArrowException, OSError, KeyError) as error:
        raise LakeError(f"cannot read table {table} in {lake}: {first_line(error)}") from error


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def write_parquet_atomically(table: pa.Table, path: Path) -> None:
    """Write to a hidden temporary name in the same folder, fsync, then rename into place."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def publish_version(lake: Path, table: str, keep: list[Path], new_tables: list[pa.Table], version: str) -> Path:
    """Make a version of `table` from kept parts plus new ones, and swap it in atomically."""
    folder = lake / VERSIONS / table / version
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for part in keep:
        os.link(part, folder / part.name)
    schema = TABLES[table]
    for index, new in enumerate(new_tables):
        if new.num_rows:
            write_parquet_atomically(new.select(schema.names).cast(schema), folder / f"part-{version}-{index:05d}.parquet")
    if not any(folder.iterdir()):
        write_parquet_atomically(schema.empty_table(), folder / f"part-{version}-empty.parquet")
    fsync_dir(folder)
    swap_symlink(table_path(lake, table), Path(VERSIONS) / table / version)
    return folder


def swap_symlink(link: Path, target: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise LakeError(f"{link} is not a table link; move it away and rerun")
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.link")
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_unreferenced_versions(lake: Path) -> int:
    """Delete version folders that no table link points to: what dead runs and old versions left."""
    removed = 0
    root = lake / VERSIONS
    if not root.is_dir():
        return 0
    for table_dir in root.iterdir():
        live = current_version_dir(lake, table_dir.name)
        for version in table_dir.iterdir():
            if live is None or version.resolve() != live:
                shutil.rmtree(version, ignore_errors=True)
                removed += 1
    for leftover in lake.glob(".*.link"):
        leftover.unlink(missing_ok=True)
    return removed


def read_state(lake: Path, name: str) -> pa.Table:
    path = lake / STATE / f"{name}.parquet"
    if not path.exists():
        return TABLES[name].empty_table()
    try:
        return pq.read_table(path).cast(TABLES[name])
    except (pa.ArrowException, OSError) as error:
        raise LakeError(f"cannot read {path}: {first_line(error)}") from error


def write_state(lake: Path, name: str, table: pa.Table) -> None:
    folder = lake / STATE
    folder.mkdir(parents=True, exist_ok=True)
    write_parquet_atomically(table.cast(TABLES[name]), folder / f"{name}.parquet")


@contextmanager
def lake_lock(lake: Path, wait_seconds: float = 60.0):
    """Hold the lake's single-writer lock; name the holder when it is taken."""
    lake.mkdir(parents=True, exist_ok=True)
    path = lake / LOCK_FILE
    handle = open(path, "a+")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LakeBusy(f"lake {lake} is locked by another run ({lock_holder(path)}); waited {wait_seconds:g} s")
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
        handle.flush()
        yield
    finally:
        handle.close()


def lock_holder(path: Path) -> str:
    try:
        holder = json.loads(path.read_text() or "{}")
        return f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
    except (OSError, ValueError):
        return "holder unknown"
