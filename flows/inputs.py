"""Find the input files under INPUT_DIR and say which are new, changed or gone since the last run."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.json"
# Reading more than this from one file is refused: it protects memory, not correctness.
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class InputFile:
    source_file: str  # relative to INPUT_DIR, "/" separators
    path: Path
    sidecar: Path | None
    size: int
    mtime_ns: int
    problem: str | None = None  # why it cannot be read (dangling link, FIFO, outside the folder...)


@dataclass
class RunPlan:
    to_read: list[InputFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.to_read and not self.deleted


def discover_inputs(input_dir: Path) -> list[InputFile]:
    """Every article file below input_dir, sorted by relative path; problems are reported, not raised."""
    root = input_dir.resolve()
    found: list[InputFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames) + sorted(d for d in dirnames if (Path(dirpath) / d).is_symlink()):
            path = Path(dirpath) / name
            if not name.lower().endswith(ARTICLE_SUFFIXES) or name.lower().endswith(SIDECAR_SUFFIX):
                continue
            found.append(describe_input(root, path))
    return sorted(found, key=lambda f: f.source_file)


def describe_input(root: Path, path: Path) -> InputFile:
    source_file = path.relative_to(root).as_posix()
    sidecar = sidecar_for(path)
    problem = None
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            problem = link_problem(root, path)
            if problem is None:
                info = path.stat()
        if problem is None and not stat.S_ISREG(info.st_mode):
            problem = "not a regular file (FIFO, socket, device or folder)"
        if problem is None and not os.access(path, os.R_OK):
            problem = "permission denied"
        if problem is None and info.st_size > MAX_FILE_BYTES:
            problem = f"file too large ({info.st_size} bytes; the limit is {MAX_FILE_BYTES})"
    except OSError as error:
        problem = f"cannot stat file: {error.strerror or error}"
        info = None
    size = info.st_size if info is not None else 0
    mtime_ns = info.st_mtime_ns if info is not None else 0
    if sidecar is not None:
        side = sidecar.stat()
        size += side.st_size
        mtime_ns = max(mtime_ns, side.st_mtime_ns)
    return InputFile(source_file, path, sidecar, size, mtime_ns, problem)


def link_problem(root: Path, path: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop"
    except OSError:
        return "dangling symlink"
    if not target.is_relative_to(root):
        return "symlink points outside the input folder"
    return None


def sidecar_for(path: Path) -> Path | None:
    """`NAME.meta.json` beside `NAME.txt` (or `NAME.txt.meta.json`), when it is a readable regular file."""
    for candidate in (path.with_suffix(SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)):
        try:
            if candidate.is_file() and not candidate.is_symlink():
                return candidate
        except OSError:
            continue
    return None


def read_input(item: InputFile) -> tuple[bytes, bytes | None]:
    """The raw bytes of the file and its sidecar (sidecar None when absent or unreadable)."""
    with open(item.path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    sidecar = None
    if item.sidecar is not None:
        try:
            sidecar = item.sidecar.read_bytes()
        except OSError:
            sidecar = None
    return raw, sidecar


def content_hash(raw: bytes, sidecar: bytes | None) -> str:
    digest = hashlib.sha256(raw)
    if sidecar is not None:
        digest.update(b"\0sidecar\0")
        digest.update(sidecar)
    return digest.hexdigest()


def plan_run(inputs: list[InputFile], manifest: dict[str, tuple[int, int, str]], full_refresh: bool) -> RunPlan:
    """Split inputs into what to read and what is unchanged by size and mtime; list deleted inputs.

    A file whose size and mtime match the manifest is unchanged without being read (as rsync
    decides); one that differs is read, and its content hash later decides whether its rows change.
    """
    plan = RunPlan()
    present = set()
    for item in inputs:
        present.add(item.source_file)
        known = manifest.get(item.source_file)
        if full_refresh or known is None or known[:2] != (item.size, item.mtime_ns):
            plan.to_read.append(item)
        else:
            plan.unchanged.append(item.source_file)
    plan.deleted = sorted(set(manifest) - present)
    return plan
