"""The lake's record of its inputs (`LAKE/_state/manifest.parquet`) and of the code that read them."""

from __future__ import annotations

from pathlib import Path

from storage import lake as lakefs


def read_manifest(lake: Path, version: str) -> tuple[dict[str, tuple[int, int, str]], bool]:
    """The manifest of the last run, and whether the code changed since it (then every input is re-read,
    while the manifest still says which inputs were deleted)."""
    manifest = lakefs.read_state(lake, "manifest")
    runs = lakefs.read_table(lake, "runs")
    code_changed = runs.num_rows == 0 or \
        runs.sort_by([("finished_at", "descending")])["code_version"][0].as_py() != version
    columns = [manifest[name].to_pylist() for name in ("source_file", "size", "mtime_ns", "content_sha256")]
    known = {name: (size, mtime_ns, digest) for name, size, mtime_ns, digest in zip(*columns)}
    return known, code_changed
