"""Find the input files under INPUT_DIR and read their bytes.

Every name that looks like an article is accounted for: one that cannot be read (a FIFO, a
folder, a dangling link, a link loop, a link out of the folder, an unlistable folder) is
still listed, with `problem` saying why, and becomes a documents row with that error.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from transforms.formats import FORMATS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ARTICLE_SUFFIXES = tuple(FORMATS)
SIDECAR_SUFFIX = ".meta.json"
SAMPLES_DIR = PROJECT_ROOT / "samples"  # the default input folder: the bundled articles
# Reading more than this from one file is refused: it protects memory, not correctness.
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class InputFile:
    source_file: str  # relative to INPUT_DIR, "/" separators, always valid UTF-8
    path: Path
    sidecar: Path | None
    size: int
    mtime_ns: int
    problem: str | None = None  # why it cannot be read (dangling link, FIFO, outside the folder...)


def is_article_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(ARTICLE_SUFFIXES) and not lowered.endswith(SIDECAR_SUFFIX)


def discover_inputs(input_dir: Path) -> list[InputFile]:
    """Every article file below input_dir, sorted by relative path; problems are reported, not raised."""
    root = input_dir.resolve()
    found: list[InputFile] = []
    unlistable: list[tuple[Path, OSError]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=lambda e: unlistable.append((Path(e.filename), e))):
        dirnames.sort()
        siblings = set(filenames)
        folder = Path(dirpath)
        prefix = "" if folder == root else display_name(folder.relative_to(root)) + "/"
        # A folder (or a link to one) with an article's name is listed so it gets its error row.
        for name in sorted(filenames) + sorted(dirnames):
            if is_article_name(name):
                found.append(describe_input(root, folder / name, siblings, prefix + display_name(name)))
    for folder, error in unlistable:
        if folder != root:
            found.append(unlistable_folder(root, folder, error))
    return sorted(found, key=lambda f: f.source_file)


def display_name(relative: Path | str) -> str:
    """The relative path as valid UTF-8: bytes that are not UTF-8 become \\xNN escapes."""
    posix = relative.as_posix() if isinstance(relative, Path) else relative
    return os.fsencode(posix).decode("utf-8", "backslashreplace")


def unlistable_folder(root: Path, folder: Path, error: OSError) -> InputFile:
    return InputFile(display_name(folder.relative_to(root)) + "/", folder, None, 0, 0,
                     f"cannot list folder: {error.strerror or error}")


def describe_input(root: Path, path: Path, siblings: set[str] | None = None,
                   source_file: str | None = None) -> InputFile:
    """`siblings`, the names listed beside `path`, spares looking for sidecars that are not there;
    `source_file`, its name relative to root, if the caller knows it."""
    source_file = source_file or display_name(path.relative_to(root))
    sidecar, side = find_sidecar(path, siblings) or (None, None)
    problem = None
    info = None
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            problem = link_problem(root, path)
            if problem is None:
                info = path.stat()
        if problem is None and stat.S_ISDIR(info.st_mode):
            problem = "a folder, not a file"
        elif problem is None and not stat.S_ISREG(info.st_mode):
            problem = "not a regular file (FIFO, socket or device)"
        if problem is None and not os.access(path, os.R_OK):
            problem = "permission denied"
        if problem is None and info.st_size > MAX_FILE_BYTES:
            problem = f"file too large ({info.st_size} bytes; the limit is {MAX_FILE_BYTES})"
    except OSError as error:
        problem = f"cannot stat file: {error.strerror or error}"
        info = None
    size = info.st_size if info is not None else 0
    mtime_ns = info.st_mtime_ns if info is not None else 0
    if side is not None:
        size += side.st_size
        mtime_ns = max(mtime_ns, side.st_mtime_ns)
    return InputFile(source_file, path, sidecar, size, mtime_ns, problem)


def link_problem(root: Path, path: Path) -> str | None:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return "symlink loop"
    except OSError as error:
        return "symlink loop" if error.errno == errno.ELOOP else "dangling symlink"
    if not target.is_relative_to(root):
        return "symlink points outside the input folder"
    return None


def find_sidecar(path: Path, siblings: set[str] | None = None) -> tuple[Path, os.stat_result] | None:
    """`NAME.meta.json` beside `NAME.txt` (or `NAME.txt.meta.json`), when it is a regular file
    (not a link), with its stat."""
    for name in (path.stem + SIDECAR_SUFFIX, path.name + SIDECAR_SUFFIX):
        if siblings is not None and name not in siblings:
            continue
        candidate = path.with_name(name)
        try:
            info = candidate.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            return candidate, info
    return None


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES + 1) -> bytes:
    """Read a regular file; raise OSError for anything else.

    Opened non-blocking and checked after opening, so a file swapped for a FIFO since discovery
    cannot hang the run.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        chunks, remaining = [], limit
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_input(item: InputFile) -> tuple[bytes, bytes | None]:
    """The raw bytes of the file and its sidecar (sidecar None when absent or unreadable)."""
    raw = read_regular_file(item.path)
    sidecar = None
    if item.sidecar is not None:
        try:
            sidecar = read_regular_file(item.sidecar)
        except OSError:
            sidecar = None
    return raw, sidecar


def content_hash(raw: bytes, sidecar: bytes | None) -> str:
    digest = hashlib.sha256(raw)
    if sidecar is not None:
        digest.update(b"\0sidecar\0")
        digest.update(sidecar)
    return digest.hexdigest()
