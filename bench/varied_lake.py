"""A synthetic lake whose figures vary from article to article, as real reporting does.

    generate_varied_lake(lake, claims, documents=None, seed=0)

Written with DuckDB SQL (fast, no numpy), cast to the real schemas, several Parquet files per table
like the flow writes. About six in ten claims quote their claimant's figure of the month (rounded
as officials round); the rest are each article's own number (a reporter's estimate, a figure off by
a few hundred, a differently rounded one), so claim events, timelines and disagreements meet the
variety of real reporting rather than a handful of repeated figures. Scopes mix totals with
increments, parts and plans; one claim in ten dates its statement ("told lawmakers on Monday"), one
in twenty by a span ("said last week"). Used by bench/bench_warehouse.py, bench/bench_marts_growth.py
and tests/test_marts_growth.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import tables  # noqa: E402

FILES_PER_TABLE = 4
CLAIMS_PER_DOCUMENT = 10
DAYS = 730  # two years of reporting from 2024-10-01

# Claimant sets drawn for synthetic claims; the empty set is an outlet's own voice.
CLAIMANT_SETS = ("[[], ['KR-NIS'], ['UA-GUR'], ['UA'], ['US'], ['WEST'], ['KR', 'UA', 'WEST'], ['GB'], ['RU'], "
                 "['KR-JCS'], ['UA-MIL'], ['KP']]")
SECTIONS = "['body', 'body', 'body', 'body', 'headline', 'caption', 'related', 'comment']"
QUALIFIERS = "['exact', 'exact', 'approx', 'approx', 'more_than', 'at_least', 'less_than', 'at_most', 'range', 'vague']"
METRICS = "['troops_deployed', 'killed', 'wounded', 'casualties', 'captured', 'missing']"
# a month's typical figure per metric, growing month by month
BASE_VALUES = "[10000, 300, 2000, 3000, 5, 50]"
GROWTH_PER_MONTH = "[400, 150, 500, 700, 1, 10]"

DOCUMENTS_SQL = """
select
    'doc-' || i as doc_id,
    'articles/' || i || '.txt' as source_path,
    'Story ' || i as title,
    'Outlet ' || (hash(i, {seed}, 'outlet') % 60) as outlet,
    date '2024-10-01' + cast(hash(i, {seed}, 'day') % {days} as integer) as published_date,
    repeat('Words about the deployment. ', 20) as text,
    null as error,
    'https://news.example/' || i as url,
    'txt' as format,
    [{{'section': 'body', 'start': 0, 'end': 560}}] as sections,
    'articles/' || i || '.txt' as source_file,
    md5('raw' || i) as content_sha256,
    md5('text' || i) as text_sha256,
    'bench-run' as run_id
from range({documents}) as t(i)
"""

CLAIMS_SQL = """
with drawn as (
    select
        i,
        i // {per_document} as doc,
        date '2024-10-01' + cast(hash(i // {per_document}, {seed}, 'day') % {days} as integer) as reported_date,
        cast(hash(i, {seed}, 'metric') % 6 as integer) + 1 as metric_index,
        cast(hash(i, {seed}, 'qualifier') % 10 as integer) + 1 as qualifier_index,
        cast(hash(i, {seed}, 'claimants') % 12 as integer) + 1 as claimant_index,
        hash(i, {seed}, 'kind') % 100 as kind,
        hash(i, {seed}, 'noise') % 1000 as noise,
        hash(i, {seed}, 'dated') % 100 as dated
    from range({claims}) as t(i)
),
valued as (
    select
        *,
        {metrics}[metric_index] as metric,
        {qualifiers}[qualifier_index] as qualifier,
        {claimant_sets}[claimant_index] as claimants,
        {base}[metric_index] + {growth}[metric_index] * (datediff('month', date '2024-10-01', reported_date))
            as official,
        case
            when kind < 80 then 'total' when kind < 88 then 'increment' when kind < 95 then 'part' else 'planned'
        end as scope
    from drawn
),
figures as (
    select
        *,
        case
            -- the claimant's figure of the month, as officials round it
            when noise < 600 then cast(round(official, 1 - cast(floor(log10(greatest(official, 1))) as integer)) as bigint)
            -- this article's own number: off by up to 20%, sometimes exact, sometimes rounded to hundreds
            when noise < 800 then cast(official * (0.8 + (noise % 400) / 1000.0) as bigint)
            else cast(round(official * (0.8 + (noise % 400) / 1000.0), -2) as bigint)
        end as value
    from valued
)
select
    'claim-' || i as claim_id,
    'doc-' || doc as doc_id,
    {sections}[1 + cast(hash(i, {seed}, 'section') % 8 as integer)] as section,
    metric,
    case when hash(i, {seed}, 'subject') % 10 = 0 then 'RU' else 'KP' end as subject,
    'persons' as unit,
    case when qualifier in ('less_than', 'at_most') then null else value end as value_low,
    case when qualifier in ('more_than', 'at_least') then null
         when qualifier in ('range', 'vague') then value + value // 5 + 1 else value end as value_high,
    case when qualifier = 'range' then value + value // 10 else value end as value_best,
    qualifier,
    cast(value as varchar) as number_text,
    scope,
    claimants,
    null as claimant_text,
    reported_date,
    null as period_start,
    reported_date as period_end,
    'Officials said ' || value || ' soldiers were involved in the fighting.' as sentence,
    15 as span_start,
    15 + length(cast(value as varchar)) as span_end,
    null as metric_text,
    null as period_text,
    null as scope_text,
    case when dated < 10 then reported_date - cast(dated % 3 as integer)
         when dated < 15 then reported_date - 9 end as stated_from,
    case when dated < 10 then reported_date - cast(dated % 3 as integer)
         when dated < 15 then reported_date - 3 end as stated_to,
    'bench-run' as run_id
from figures
"""

RUNS_SQL = """
select
    'bench-run' as run_id,
    timestamptz '2025-01-01 00:00:00+00' as started_at,
    timestamptz '2025-01-01 00:05:00+00' as finished_at,
    'articles' as input_dir,
    {documents} as inputs_seen, {documents} as inputs_new_or_changed, 0 as inputs_deleted,
    {documents} as documents, 0 as document_errors, {claims} as claims, 'bench' as code_version
"""


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with exactly the schema's columns, in its order and types (absent ones null)."""
    columns = [table.column(field.name).cast(field.type) if field.name in table.column_names
               else pa.nulls(table.num_rows, field.type) for field in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def write_table(con: duckdb.DuckDBPyConnection, lake: Path, name: str, sql: str) -> None:
    table = conform(con.sql(sql).to_arrow_table(), tables.TABLES[name])
    folder = lake / name
    folder.mkdir(parents=True, exist_ok=True)
    step = max(1, -(-table.num_rows // FILES_PER_TABLE))
    for part, start in enumerate(range(0, max(table.num_rows, 1), step)):
        pq.write_table(table.slice(start, step), folder / f"part-{part}.parquet", compression="zstd")


def generate_varied_lake(lake: Path, claims: int, documents: int | None = None, seed: int = 0) -> Path:
    """Write LAKE/documents, claims and runs: `claims` claims over `documents` articles (default one
    article per ten claims)."""
    lake = Path(lake)
    documents = documents or max(1, claims // CLAIMS_PER_DOCUMENT)
    values = {"claims": claims, "documents": documents, "seed": seed, "days": DAYS,
              "per_document": max(1, claims // documents), "claimant_sets": CLAIMANT_SETS,
              "sections": SECTIONS, "qualifiers": QUALIFIERS, "metrics": METRICS,
              "base": BASE_VALUES, "growth": GROWTH_PER_MONTH}
    with duckdb.connect() as con:
        write_table(con, lake, "documents", DOCUMENTS_SQL.format(**values))
        write_table(con, lake, "claims", CLAIMS_SQL.format(**values))
        write_table(con, lake, "runs", RUNS_SQL.format(**values))
    return lake
