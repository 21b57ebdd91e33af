"""How a run's new rows join the documents and claims the lake already holds.

A document is its normalized text (`doc_id`): seen at several paths, it is one documents row whose
`source_paths` lists them all in input order, `source_path` being the first, whose metadata
(format, sidecar, file hash) it carries. An input file is its path relative to the input folder.
A run replaces the rows of the files it read again (`replaced`: new or changed files, and those it
prunes); every other row stays, the rows of files no longer in the input folder included. The
result equals what one run over every input read and not pruned would write (docs/reliability.md,
"The manifest and incremental runs").

A row seen at several paths makes this more than a filter: a replaced file may take one path out
of a document that others still hold, and a new file may be a new path of a document already
there. `merge_run` rewrites only the parts that hold such rows.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemas.tables import CLAIMS, DOCUMENTS
from storage.atomic import write_parquet
from storage.lake import TABLE_NAMES, current_parts, damaged

JSONL_LINE = re.compile(r"(.*\.jsonl):(\d+)", re.IGNORECASE)
KEY_COLUMNS = ["doc_id", "source_path", "source_paths"]


def path_order(source_path: str) -> tuple[str, int]:
    """Input order: by file, then by line within a .jsonl file (`f.jsonl:9` before `f.jsonl:10`)."""
    match = JSONL_LINE.fullmatch(source_path)
    return (match.group(1), int(match.group(2))) if match else (source_path, 0)


def file_of(source_path: str) -> str:
    """The input file a source path is in (source_path less any :LINE)."""
    return path_order(source_path)[0]


@dataclass
class StagedRows:
    """A batch's documents and claims files, as extraction staged them."""

    documents: Path
    claims: Path


@dataclass
class Merge:
    """The parts of the next documents and claims versions, and what left the lake."""

    keep_documents: list[Path] = field(default_factory=list)
    new_documents: list[pa.Table | Path] = field(default_factory=list)
    keep_claims: list[Path] = field(default_factory=list)
    new_claims: list[pa.Table | Path] = field(default_factory=list)
    # doc_ids no longer in the lake, with the files they were in; claims removed by doc_id
    removed_documents: dict[str, set[str]] = field(default_factory=dict)
    removed_claims: Counter = field(default_factory=Counter)

    def removed_by(self, files: set[str]) -> tuple[int, int]:
        """(documents, claims) rows removed because they were in `files` only (pruned inputs)."""
        gone = [doc_id for doc_id, seen_in in self.removed_documents.items() if seen_in <= files]
        return len(gone), sum(self.removed_claims[doc_id] for doc_id in gone)


def read_part(part: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        table = pq.read_table(part, columns=None if columns is None else
                              [c for c in columns if c in pq.read_schema(part).names])
    except (pa.ArrowException, OSError) as error:
        raise damaged(part.parent.parent.name if part.parent.parent.name in TABLE_NAMES else "staged", part,
                      error) from error
    return with_source_paths(table)


def with_source_paths(table: pa.Table) -> pa.Table:
    """Rows written before `source_paths` existed were seen at their source_path only."""
    if "source_paths" in table.column_names or "source_path" not in table.column_names:
        return table
    paths = pa.array([[path] for path in table["source_path"].to_pylist()], pa.list_(pa.string()))
    return table.append_column("source_paths", paths)


def rows_touching(table: pa.Table, replaced: pa.Array, staged_ids: pa.Array) -> pa.Array:
    """A mask of the rows with a path in a replaced file or a doc_id among the new rows."""
    paths = table["source_paths"].combine_chunks()
    files = pc.replace_substring_regex(pc.list_flatten(paths), r"(?i)(\.jsonl):\d+$", r"\1")
    hit_paths = pc.is_in(files, value_set=replaced)
    owners = pc.list_parent_indices(paths)
    hit = [False] * table.num_rows
    for index in pc.filter(owners, hit_paths).to_pylist():
        hit[index] = True
    return pc.or_(pa.array(hit, pa.bool_()), pc.is_in(table["doc_id"], value_set=staged_ids))


def merge_run(lake: Path, replaced: set[str], staged: list[StagedRows], scratch: Path) -> Merge:
    """The next versions' parts: the current ones less the rows touching `replaced` files, the staged
    rows, and each document seen at several paths once, with all its paths. Rewritten files go to
    `scratch`."""
    merge = Merge()
    staged_keys = [read_part(batch.documents, KEY_COLUMNS) for batch in staged]
    candidates = staged_copies(staged_keys)
    touched_rows = take_touched_documents(lake, merge, replaced, pa.array(sorted(candidates), pa.string()))
    winners, final_paths = choose_rows(merge, touched_rows, candidates, replaced)

    # Kept rows that stay the document's row, with their paths brought up to date.
    kept = [dict(row, source_path=final_paths[row["doc_id"]][0], source_file=file_of(final_paths[row["doc_id"]][0]),
                 source_paths=final_paths[row["doc_id"]])
            for row in touched_rows if winners.get(row["doc_id"]) is row]
    if kept:
        merge.new_documents.append(pa.Table.from_pylist(kept, schema=DOCUMENTS))
    # Old claims go for every touched document that does not keep its row, and for every document
    # whose row comes from the new rows (its claims come with them, even where its old row was lost).
    from_staged = {doc_id for doc_id, winner in winners.items() if isinstance(winner, int)}
    drop_claims(lake, merge, ({row["doc_id"] for row in touched_rows} - {row["doc_id"] for row in kept}) | from_staged)
    for index, (batch, keys) in enumerate(zip(staged, staged_keys)):
        add_staged(merge, index, batch, keys, winners, final_paths, scratch)
    return merge


def staged_copies(staged_keys: list[pa.Table]) -> dict[str, list[tuple[tuple[str, int], int, list[str]]]]:
    """Every staged copy of each document: (its first path's order, batch index, its paths)."""
    candidates: dict[str, list] = {}
    for index, keys in enumerate(staged_keys):
        for doc_id, path, paths in zip(*(keys[c].to_pylist() for c in KEY_COLUMNS)):
            candidates.setdefault(doc_id, []).append((path_order(path), index, paths))
    return candidates


def take_touched_documents(lake: Path, merge: Merge, replaced: set[str], staged_ids: pa.Array) -> list[dict]:
    """Parts with no touched row are kept as they are; the others are rewritten without them, and
    the touched rows are returned to be reconsidered."""
    replaced_files = pa.array(sorted(replaced), pa.string())
    touched_rows: list[dict] = []
    for part in current_parts(lake, "documents"):
        hit = rows_touching(read_part(part, KEY_COLUMNS), replaced_files, staged_ids)
        if not pc.any(hit).as_py():
            if "source_paths" in pq.read_schema(part).names:
                merge.keep_documents.append(part)
            else:  # written before source_paths existed: written again with it
                merge.new_documents.append(read_part(part))
            continue
        whole = read_part(part)
        merge.new_documents.append(whole.filter(pc.invert(hit)))
        touched_rows.extend(whole.filter(hit).to_pylist())
    return touched_rows


def choose_rows(merge: Merge, touched_rows: list[dict], candidates: dict, replaced: set[str]) -> tuple[dict, dict]:
    """For each document: every path it is now seen at, and whose row stands for it: the copy at
    its first path (a kept row, or a staged batch's index). A touched document left with no path is
    recorded as removed."""
    final_paths: dict[str, list[str]] = {}
    winners: dict[str, object] = {}
    for row in touched_rows:
        remaining = [path for path in row["source_paths"] if file_of(path) not in replaced]
        copies = candidates.get(row["doc_id"], [])
        paths = set(remaining) | {path for _, _, staged_paths in copies for path in staged_paths}
        if not paths:
            merge.removed_documents[row["doc_id"]] = {file_of(path) for path in row["source_paths"]}
            continue
        final_paths[row["doc_id"]] = sorted(paths, key=path_order)
        options = [(order, index) for order, index, _ in copies]
        if row["source_path"] in remaining or not options:
            options.append((path_order(row["source_path"]), row))
        winners[row["doc_id"]] = min(options, key=lambda option: option[0])[1]
    for doc_id, copies in candidates.items():
        if doc_id not in winners:
            final_paths[doc_id] = sorted({p for _, _, paths in copies for p in paths}, key=path_order)
            winners[doc_id] = min(copies, key=lambda copy: copy[0])[1]
    return winners, final_paths


def drop_claims(lake: Path, merge: Merge, doc_ids: set[str]) -> None:
    """Claims parts holding none of these documents are kept; the others are rewritten without them."""
    dropped = pa.array(sorted(doc_ids), pa.string())
    for part in current_parts(lake, "claims"):
        ids = read_part(part, ["doc_id"])["doc_id"]
        hit = pc.is_in(ids, value_set=dropped)
        if not pc.any(hit).as_py():
            merge.keep_claims.append(part)
            continue
        merge.removed_claims.update(pc.filter(ids, hit).to_pylist())
        merge.new_claims.append(read_part(part).filter(pc.invert(hit)))


def add_staged(merge: Merge, index: int, batch: StagedRows, keys: pa.Table, winners: dict,
               final_paths: dict[str, list[str]], scratch: Path) -> None:
    """A staged batch's files as they are (hard-linked), or rewritten without the documents another
    copy stands for, and with the paths of those it stands for."""
    ids = keys["doc_id"].to_pylist()
    mine = [winners.get(doc_id) == index for doc_id in ids]
    paths_changed = any(own and final_paths[doc_id] != paths
                        for own, doc_id, paths in zip(mine, ids, keys["source_paths"].to_pylist()))
    if all(mine) and not paths_changed:
        merge.new_documents.append(batch.documents)
        merge.new_claims.append(batch.claims)
        return
    documents = read_part(batch.documents).filter(pa.array(mine, pa.bool_()))
    documents = documents.set_column(
        documents.schema.get_field_index("source_paths"), DOCUMENTS.field("source_paths"),
        pa.array([final_paths[doc_id] for doc_id in documents["doc_id"].to_pylist()], pa.list_(pa.string())))
    claims = read_part(batch.claims)
    claims = claims.filter(pc.is_in(claims["doc_id"], value_set=documents["doc_id"]))
    scratch.mkdir(parents=True, exist_ok=True)
    for name, table, schema in (("documents", documents, DOCUMENTS), ("claims", claims, CLAIMS)):
        path = scratch / f"{name}-merged-{index:05d}.parquet"
        write_parquet(table.select(schema.names).cast(schema), path)
        (merge.new_documents if name == "documents" else merge.new_claims).append(path)


def companions(lake: Path, replaced: set[str], present: set[str]) -> list[str]:
    """The unchanged input files that hold another copy of a document whose first copy a run
    replaces: read again, they give the document's row from its new first path, as a fresh build
    would (its format, sidecar and file hash are that file's)."""
    if not replaced:
        return []
    extra = set()
    for part in current_parts(lake, "documents"):
        keys = read_part(part, ["source_path", "source_paths"])
        keys = keys.filter(pc.greater(pc.list_value_length(keys["source_paths"]), 1))  # the few copies
        for first, paths in zip(keys["source_path"].to_pylist(), keys["source_paths"].to_pylist()):
            if file_of(first) in replaced:
                extra.update(file_of(path) for path in paths)
    return sorted(name for name in extra - replaced if name in present)
