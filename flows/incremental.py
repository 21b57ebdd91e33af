"""What a run would have to do, read without Prefect: the manifest, the code version, a no-op check."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flows import lake as lakefs
from flows.inputs import RunPlan, discover_inputs, plan_run

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = PROJECT_ROOT / "samples"


@cache
def code_version() -> str:
    """Hash of the extraction code and word tables: a change re-extracts every input."""
    digest = hashlib.sha256()
    sources = [*(PROJECT_ROOT / "transforms").rglob("*"), *(PROJECT_ROOT / "schemas").rglob("*"),
               PROJECT_ROOT / "flows" / "extract.py"]
    for path in sorted(sources):
        if path.suffix in (".py", ".tsv"):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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


def nothing_new(input_dir: str, lake: str) -> RunPlan | None:
    """The plan when a run would find nothing new, read without starting Prefect (a no-op rerun then
    costs a directory walk, not an orchestration start); None when there is work or anything to
    recover."""
    lake_dir = lakefs.local_lake(lake)
    if lakefs.current_version_dir(lake_dir, "documents") is None or lakefs.journal_dir(lake_dir).exists():
        return None
    manifest, code_changed = read_manifest(lake_dir, code_version())
    if code_changed:
        return None
    plan = plan_run(discover_inputs(Path(input_dir)), manifest, full_refresh=False)
    return plan if plan.nothing_to_do else None
