"""Read a batch of input files and turn them into documents and claims rows (Arrow tables),
and stage a batch's rows as Parquet files so that a run holds only summaries in memory."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inputs.discovery import InputFile, content_hash, read_input
from schemas.tables import CLAIMS, DOCUMENTS
from storage.atomic import write_parquet
from transforms.claims import extract_claims
from transforms.documents import ParsedDocument, parse_file
from transforms.formats import format_of


@dataclass
class BatchResult:
    documents: pa.Table
    claims: pa.Table
    hashes: dict[str, str]  # source_file -> content hash of what was read


def short_hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def parse_input(item: InputFile) -> tuple[list[ParsedDocument], str]:
    """Parse one input file; a file that cannot be read becomes one document with its error."""
    if item.problem is not None:
        return [failed_document(item, item.problem)], "problem:" + item.problem
    try:
        raw, sidecar = read_input(item)
    except OSError as error:
        message = f"cannot read file: {error.strerror or error}"
        return [failed_document(item, message)], "problem:" + message
    return parse_file(raw, item.source_file, sidecar), content_hash(raw, sidecar)


def failed_document(item: InputFile, error: str) -> ParsedDocument:
    return ParsedDocument(source_path=item.source_file, format=format_of(item.source_file) or "unknown", text="",
                          title=None, outlet=None, published_date=None, url=None, sections=[], error=error)


def document_id(doc: ParsedDocument) -> str:
    """A document's identity is its normalized text (the contract): the same article saved under
    two names, or twice in a .jsonl file, is one document. A document that could not be read has
    no text; it is identified by where it was and what went wrong."""
    if doc.error is None:
        return short_hash("text", doc.text)
    return short_hash("error", doc.source_path, doc.error)


def extract_batch(items: list[InputFile], run_id: str = "") -> BatchResult:
    """One documents row per document in the batch (a text seen at several paths lists them all in
    `source_paths`, the first in input order being `source_path`), and the claims of each document,
    extracted once."""
    documents, claims, hashes, seen = [], [], {}, {}
    for item in items:
        parsed, digest = parse_input(item)
        hashes[item.source_file] = digest
        for doc in parsed:
            doc_id = document_id(doc)
            if doc_id in seen:
                seen[doc_id]["source_paths"].append(doc.source_path)
                continue
            seen[doc_id] = row = document_row(doc, item, doc_id, digest, run_id)
            documents.append(row)
            if doc.error is None and doc.text:
                for claim in extract_claims(doc.text, doc.sections, doc.published_date):
                    key = (claim["span_start"], claim["span_end"], claim["metric"], claim["subject"] or "")
                    claim.update(claim_id=short_hash(doc_id, *map(str, key)), doc_id=doc_id, run_id=run_id)
                    claims.append(claim)
    return BatchResult(pa.Table.from_pylist(documents, schema=DOCUMENTS),
                       pa.Table.from_pylist(claims, schema=CLAIMS), hashes)


@dataclass(frozen=True)
class StagedBatch:
    """A batch's rows written to two Parquet files, and what the run needs to know of them."""

    documents: Path
    claims: Path
    run_id: str  # the run that extracted it; a cached batch may come from an earlier, unfinished run
    documents_read: int
    claims_by_metric: dict[str, int]
    errors: list[tuple[str, str]]  # (source_path, error) of documents that could not be read
    hashes: dict[str, str]  # source_file -> content hash of what was read

    def is_present(self) -> bool:
        """Both files there and whole: a cached summary whose files are gone or damaged is extracted
        again rather than trusted."""
        try:
            return all(pq.read_metadata(path).num_columns > 0 for path in (self.documents, self.claims))
        except (pa.ArrowException, OSError):
            return False


def stage_batch(items: list[InputFile], folder: Path, run_id: str) -> StagedBatch:
    """Extract a batch and write its documents and claims to `folder` (created if missing)."""
    result = extract_batch(items, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "documents.parquet", folder / "claims.parquet"
    write_parquet(result.documents, paths[0])
    write_parquet(result.claims, paths[1])
    errors = [(doc["source_path"], doc["error"])
              for doc in result.documents.select(["source_path", "error"]).to_pylist() if doc["error"]]
    return StagedBatch(paths[0], paths[1], run_id, result.documents.num_rows,
                       dict(Counter(result.claims["metric"].to_pylist())), errors, result.hashes)


def restamped_file(path: Path, run_id: str, out: Path) -> Path:
    """A staged file whose rows carry another run: written again with `run_id` (rare: a batch
    reused from the cache of a run that died before committing)."""
    write_parquet(stamp_run(pq.read_table(path), run_id), out)
    return out


def stamp_run(table: pa.Table, run_id: str) -> pa.Table:
    """Rows carry the run that wrote them, whichever run extracted them (a cached batch)."""
    index = table.schema.get_field_index("run_id")
    return table.set_column(index, table.schema.field(index), pa.array([run_id] * table.num_rows, pa.string()))


def batch_fingerprint(items: list[InputFile]) -> str:
    """What a batch's result depends on besides the code: each file's name and content."""
    digest = hashlib.sha256()
    for item in items:
        digest.update(item.source_file.encode("utf-8", "surrogateescape"))
        if item.problem is not None:
            digest.update(item.problem.encode())
            continue
        try:
            raw, sidecar = read_input(item)
            digest.update(content_hash(raw, sidecar).encode())
        except OSError as error:
            digest.update(str(error).encode())
    return digest.hexdigest()


def document_row(doc: ParsedDocument, item: InputFile, doc_id: str, digest: str, run_id: str) -> dict:
    return {
        "doc_id": doc_id,
        "source_path": doc.source_path,
        "source_paths": [doc.source_path],
        "title": doc.title,
        "outlet": doc.outlet,
        "published_date": doc.published_date,
        "text": doc.text,
        "error": doc.error,
        "url": doc.url,
        "format": doc.format,
        "sections": [{"section": s, "start": a, "end": b} for s, a, b in doc.sections],
        "source_file": item.source_file,
        "content_sha256": None if digest.startswith("problem:") else digest,
        "text_sha256": hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest(),
        "run_id": run_id,
    }
