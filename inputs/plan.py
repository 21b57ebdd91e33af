"""What a run has to do: which inputs are new, changed, unchanged or gone since the last run,
decided from the lake's manifest; and the nothing-new check made before Prefect starts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from inputs.discovery import PROJECT_ROOT, InputFile, content_hash, discover_inputs, read_input
from storage import lake as lakefs
from storage.manifest import read_manifest


@cache
def code_version() -> str:
    """Hash of the code that makes the rows (transforms/, schemas/, inputs/extract.py) and the word
    tables: a change re-extracts every input. Read from the files, not imported: the nothing-new
    check must not pay for importing the extraction code."""
    digest = hashlib.sha256()
    sources = [*(PROJECT_ROOT / "transforms").rglob("*"), *(PROJECT_ROOT / "schemas").rglob("*"),
               PROJECT_ROOT / "inputs" / "extract.py"]
    for path in sorted(sources):
        if path.suffix in (".py", ".tsv"):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class RunPlan:
    to_read: list[InputFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    # Unchanged by content although size or mtime moved (a touch): the manifest may take their
    # new size and mtime, and no table needs a new version for them.
    touched: list[InputFile] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.to_read and not self.deleted


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


def current_hash(item: InputFile) -> str | None:
    """The content hash extraction would record for this file now; None when it cannot be read."""
    if item.problem is not None:
        return None
    try:
        return content_hash(*read_input(item))
    except OSError:
        return None


def plan_run(inputs: list[InputFile], manifest: dict[str, tuple[int, int, str]], full_refresh: bool) -> RunPlan:
    """Split inputs into what to read and what is unchanged; list deleted inputs.

    A file whose size and mtime match the manifest is unchanged without being read (as rsync
    decides). One whose size matches but whose mtime moved is hashed: the same content means
    unchanged (`touched`), so touching a file writes no new table version.
    """
    plan = RunPlan()
    present = set()
    for item in inputs:
        present.add(item.source_file)
        known = manifest.get(item.source_file)
        if full_refresh or known is None or known[0] != item.size:
            plan.to_read.append(item)
        elif known[1] == item.mtime_ns:
            plan.unchanged.append(item.source_file)
        elif known[2] and current_hash(item) == known[2]:
            plan.unchanged.append(item.source_file)
            plan.touched.append(item)
        else:
            plan.to_read.append(item)
    plan.deleted = sorted(set(manifest) - present)
    return plan
