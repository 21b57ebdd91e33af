"""The lake's record of its inputs (`LAKE/_state/manifest.parquet`), of the code that read them,
and of the SQL models that built its marts (`LAKE/_state/models.json`)."""

from __future__ import annotations

from pathlib import Path

import json

from storage import lake as lakefs
from storage.atomic import write_json

MODELS_STATE = "models.json"


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


def read_models_version(lake: Path) -> str | None:
    """The version of the SQL models the current marts were built with; None when not recorded."""
    try:
        return json.loads((lake / lakefs.STATE / MODELS_STATE).read_text())["models_version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_models_version(lake: Path, version: str) -> None:
    """Recorded after the marts are built, under the lock: a rollback puts the old record back
    (storage/lake.py journals `_state/*`)."""
    folder = lake / lakefs.STATE
    folder.mkdir(parents=True, exist_ok=True)
    lakefs.open_journal(lake)
    write_json(folder / MODELS_STATE, {"models_version": version})


def marts_current(lake: Path, version: str) -> bool:
    """The marts and warehouse.duckdb were built by the SQL models of `version` and are there."""
    return read_models_version(lake) == version and (lake / lakefs.WAREHOUSE_FILE).is_file()
