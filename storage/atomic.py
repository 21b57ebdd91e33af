"""The one way the lake writes a file, link or folder: whole or not at all.

Everything a reader or a later run may open is made under a hidden temporary name beside its
final one, flushed to disk, then renamed over the final name (`os.replace` is atomic on POSIX).
A writer killed half way leaves only a hidden `.NAME.<id>.tmp`, which the next lock holder
deletes as debris (storage/lake.py: DEBRIS_PATTERNS).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TEMP_SUFFIX = ".tmp"


def temporary_name(final: Path) -> Path:
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}{TEMP_SUFFIX}")


def replace_atomically(final: Path, make: Callable[[Path], None]) -> None:
    """`make(temp)` creates a file, symlink, hard link or folder at `temp`; it is fsynced and
    renamed to `final` (a folder only where `final` does not exist yet). On failure the temp is
    removed and `final` is untouched."""
    temp = temporary_name(final)
    try:
        make(temp)
        if temp.is_file() and not temp.is_symlink():
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(temp, final)
        fsync_dir(final.parent)
    finally:
        if temp.is_symlink() or temp.is_file():
            temp.unlink(missing_ok=True)
        elif temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)


def fsync_dir(folder: Path) -> None:
    """A rename or a new name is durable only once its folder is flushed."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_parquet(table: pa.Table, path: Path) -> None:
    replace_atomically(path, lambda temp: pq.write_table(table, temp, compression="zstd"))


def write_json(path: Path, value) -> None:
    replace_atomically(path, lambda temp: temp.write_text(json.dumps(value), encoding="utf-8"))


def write_text(path: Path, text: str) -> None:
    replace_atomically(path, lambda temp: temp.write_text(text, encoding="utf-8"))
