"""What a run has to do: which inputs are new, changed, unchanged or gone since the last run,
decided from the lake's manifest; and the nothing-new check made before Prefect starts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from inputs.discovery import PROJECT_ROOT, InputFile, content_hash, discover_inputs, read_input
from storage import lake as lakefs
from storage.manifest import marts_current, read_manifest


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


# The SQL the marts are built from (warehouse/runner.py reads them): hashed by path, not imported.
MODEL_FOLDERS = (PROJECT_ROOT / "warehouse" / "models", PROJECT_ROOT / "warehouse" / "tests")


def models_version() -> str:
    """Hash of the SQL models and tests (names and contents): a model added, edited or removed makes
    the next run rebuild the marts, even with no new input. Read from the files, as code_version
    (about twenty small files: not cached, so an edit during a long-lived `serve` counts)."""
    digest = hashlib.sha256()
    for folder in MODEL_FOLDERS:
        for path in sorted(folder.rglob("*.sql")):
            digest.update(path.relative_to(folder.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class RunPlan:
    to_read: list[InputFile] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # In the manifest but no longer in the input folder: their rows stay unless pruned.
    vanished: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # vanished inputs whose rows this run removes
    # Unchanged by content although size or mtime moved (a touch): the manifest may take their
    # new size and mtime, and no table needs a new version for them.
    touched: list[InputFile] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.to_read and not self.pruned

    def read_also(self, inputs: list[InputFile], names: list[str]) -> None:
        """Read these unchanged inputs too (storage/ledger.py: companions)."""
        extra = set(names)
        self.to_read.extend(item for item in inputs if item.source_file in extra)
        self.unchanged = [name for name in self.unchanged if name not in extra]

    @property
    def replaced(self) -> set[str]:
        """The input files whose rows this run replaces: those it reads and those it prunes."""
        return {item.source_file for item in self.to_read} | set(self.pruned)


def nothing_new(input_dir: str, lake: str, prune: bool = False) -> RunPlan | None:
    """The plan when a run would find nothing new, read without starting Prefect (a no-op rerun then
    costs a directory walk, not an orchestration start); None when there is work (inputs to read or
    prune, changed code, changed SQL models) or anything to recover."""
    lake_dir = lakefs.local_lake(lake)
    if lakefs.current_version_dir(lake_dir, "documents") is None or lakefs.journal_dir(lake_dir).exists():
        return None
    try:
        # Read without the lock: a run committing meanwhile may remove the version being read. Any
        # doubt, a damaged file included, sends the run the long way, which verifies under the lock
        # and names a damaged file there.
        lakefs.verify_tables(lake_dir)
        manifest, code_changed = read_manifest(lake_dir, code_version())
    except (lakefs.LakeError, OSError):
        return None
    if code_changed or not marts_current(lake_dir, models_version()):
        return None
    plan = plan_run(discover_inputs(Path(input_dir)), manifest, full_refresh=False, prune=prune)
    return plan if plan.nothing_to_do else None


def current_hash(item: InputFile) -> str | None:
    """The content hash extraction would record for this file now; None when it cannot be read."""
    if item.problem is not None:
        return None
    try:
        return content_hash(*read_input(item))
    except OSError:
        return None


def plan_run(inputs: list[InputFile], manifest: dict[str, tuple[int, int, str]], full_refresh: bool,
             prune: bool = False) -> RunPlan:
    """Split inputs into what to read and what is unchanged; list the inputs that vanished (and,
    with `prune`, mark them for removal).

    An input is its path relative to the input folder, whichever folder that is: `inbox/a.txt`
    after `samples/a.txt` is the same input, unchanged if its content is.

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
    plan.vanished = sorted(set(manifest) - present)
    plan.pruned = list(plan.vanished) if prune else []
    return plan
