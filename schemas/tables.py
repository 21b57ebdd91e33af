"""The lake's tables, declared once. Columns follow ../shared/contract/lake.md; extras are marked."""

import pyarrow as pa

SCHEMA_VERSION = 1

SECTION_SPAN = pa.struct([
    pa.field("section", pa.string(), nullable=False),
    pa.field("start", pa.int32(), nullable=False),
    pa.field("end", pa.int32(), nullable=False),
])

DOCUMENTS = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("title", pa.string()),
    pa.field("outlet", pa.string()),
    pa.field("published_date", pa.date32()),
    pa.field("text", pa.string(), nullable=False),
    pa.field("error", pa.string()),
    # extras
    pa.field("url", pa.string()),
    pa.field("format", pa.string(), nullable=False),  # txt, md, html, jsonl
    pa.field("sections", pa.list_(SECTION_SPAN), nullable=False),
    pa.field("source_file", pa.string(), nullable=False),  # the input file (source_path less any :LINE)
    pa.field("content_sha256", pa.string()),  # of the input file's raw bytes (the whole file for jsonl)
    pa.field("text_sha256", pa.string(), nullable=False),  # of text: equal for the same article under two names
    pa.field("run_id", pa.string(), nullable=False),
    # every path the document was seen at, in input order; source_path is the first
    pa.field("source_paths", pa.list_(pa.string()), nullable=False),
])

CLAIMS = pa.schema([
    pa.field("claim_id", pa.string(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("section", pa.string(), nullable=False),
    pa.field("metric", pa.string(), nullable=False),
    pa.field("subject", pa.string()),
    pa.field("unit", pa.string(), nullable=False),
    pa.field("value_low", pa.int64()),
    pa.field("value_high", pa.int64()),
    pa.field("value_best", pa.int64(), nullable=False),
    pa.field("qualifier", pa.string(), nullable=False),
    pa.field("number_text", pa.string(), nullable=False),
    pa.field("scope", pa.string(), nullable=False),  # total, increment, part, planned
    pa.field("claimants", pa.list_(pa.string()), nullable=False),
    pa.field("claimant_text", pa.string()),
    pa.field("reported_date", pa.date32()),
    pa.field("period_start", pa.date32()),
    pa.field("period_end", pa.date32()),
    pa.field("sentence", pa.string(), nullable=False),
    pa.field("span_start", pa.int32(), nullable=False),
    pa.field("span_end", pa.int32(), nullable=False),
    # extras
    pa.field("metric_text", pa.string()),  # the words that decided the metric
    pa.field("period_text", pa.string()),  # the time words that decided the period
    pa.field("scope_text", pa.string()),
    pa.field("stated_from", pa.date32()),  # the first and last day the claimant may have stated the figure,
    pa.field("stated_to", pa.date32()),  # where the text dates the statement ("told lawmakers last week"); else null  # the words that decided the scope (null: total by default)
    pa.field("run_id", pa.string(), nullable=False),
])

RUNS = pa.schema([
    pa.field("run_id", pa.string(), nullable=False),
    pa.field("started_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("finished_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("input_dir", pa.string(), nullable=False),
    pa.field("inputs_seen", pa.int64(), nullable=False),
    pa.field("inputs_new_or_changed", pa.int64(), nullable=False),
    pa.field("inputs_deleted", pa.int64(), nullable=False),
    pa.field("documents", pa.int64(), nullable=False),
    pa.field("document_errors", pa.int64(), nullable=False),
    pa.field("claims", pa.int64(), nullable=False),
    pa.field("code_version", pa.string(), nullable=False),
])

MANIFEST = pa.schema([
    pa.field("source_file", pa.string(), nullable=False),  # path relative to INPUT_DIR, / separators
    pa.field("size", pa.int64(), nullable=False),
    pa.field("mtime_ns", pa.int64(), nullable=False),
    pa.field("content_sha256", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])

TABLES = {"documents": DOCUMENTS, "claims": CLAIMS, "runs": RUNS, "manifest": MANIFEST}

METRICS = ("troops_deployed", "killed", "wounded", "casualties", "captured", "missing")
SECTIONS = ("headline", "body", "caption", "related", "comment")
QUALIFIERS = ("exact", "approx", "more_than", "at_least", "less_than", "at_most", "range", "vague")
UNITS = ("persons", "percent")
SCOPES = ("total", "increment", "part", "planned")
