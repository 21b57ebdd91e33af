"""Time a full warehouse build over a synthetic lake of a million claims.

    .venv/bin/python bench/bench_warehouse.py [--claims 1000000] [--documents 100000] [--repeat 3]

The lake is generated with DuckDB SQL (fast, no numpy) and cast to the real schemas, written as
several Parquet files per table like the flow does. Prints figures; asserts nothing. Target: a
median under 10 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import tables  # noqa: E402
from warehouse.runner import build_warehouse  # noqa: E402

FILES_PER_TABLE = 4

# Claimant sets drawn for synthetic claims; the empty set is an outlet's own voice.
CLAIMANT_SETS = "[[], ['KR-NIS'], ['UA-GUR'], ['UA'], ['US'], ['WEST'], ['KR', 'UA', 'WEST'], ['GB'], ['RU'], ['KR-JCS']]"
SECTIONS = "['body', 'body', 'body', 'body', 'headline', 'caption', 'related', 'comment']"
QUALIFIERS = "['exact', 'approx', 'more_than', 'at_least', 'less_than', 'at_most', 'range', 'vague']"

DOCUMENTS_SQL = """
select
    'doc-' || i as doc_id,
    'articles/' || i || '.txt' as source_path,
    'Story ' || i as title,
    'Outlet ' || (i % 40) as outlet,
    date '2024-10-01' + cast(i % 480 as integer) as published_date,
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

# value_low, value_high and value_best follow the qualifier, as the contract's Numbers table does.
# Each month has its own handful of figures per source, like real reporting: the same estimate is
# repeated across many articles and the numbers drift upward over time.
CLAIMS_SQL = """
with drawn as (
    select
        i,
        cast(hash(i, 'document') % {documents} as bigint) as doc,
        cast(hash(i, 'figure') % 8 as bigint) as figure
    from range({claims}) as t(i)
),
figures as (
    select
        *,
        date '2024-10-01' + cast(doc % 480 as integer) as reported_date,
        {qualifiers}[1 + figure] as qualifier,
        1000 * (figure + 1) + 100 * (doc % 480 // 30) as value,
        {claimant_sets}[1 + cast(hash(i, 'claimants') % 10 as bigint)] as claimants
    from drawn
)
select
    'claim-' || i as claim_id,
    'doc-' || doc as doc_id,
    {sections}[1 + i % 8] as section,
    ['troops_deployed', 'killed', 'wounded', 'casualties', 'captured', 'missing'][1 + i % 6] as metric,
    case when i % 10 = 0 then 'RU' else 'KP' end as subject,
    'persons' as unit,
    case when qualifier in ('less_than', 'at_most') then null else value end as value_low,
    case when qualifier in ('more_than', 'at_least') then null
         when qualifier in ('range', 'vague') then value * 2 else value end as value_high,
    case when qualifier = 'range' then value * 3 // 2 else value end as value_best,
    qualifier,
    cast(value as varchar) as number_text,
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


def write_table(con: duckdb.DuckDBPyConnection, lake: Path, name: str, sql: str) -> None:
    table = con.sql(sql).to_arrow_table().cast(tables.TABLES[name])
    folder = lake / name
    folder.mkdir(parents=True)
    step = -(-table.num_rows // FILES_PER_TABLE)
    for part, start in enumerate(range(0, table.num_rows, step)):
        pq.write_table(table.slice(start, step), folder / f"part-{part}.parquet", compression="zstd")


def generate_lake(lake: Path, claims: int, documents: int) -> None:
    values = {"claims": claims, "documents": documents, "claimant_sets": CLAIMANT_SETS,
              "sections": SECTIONS, "qualifiers": QUALIFIERS}
    with duckdb.connect() as con:
        write_table(con, lake, "documents", DOCUMENTS_SQL.format(**values))
        write_table(con, lake, "claims", CLAIMS_SQL.format(**values))
        write_table(con, lake, "runs", RUNS_SQL.format(**values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as folder:
        lake = Path(folder) / "lake"
        started = time.perf_counter()
        generate_lake(lake, args.claims, args.documents)
        print(f"generated {args.claims:,} claims in {args.documents:,} documents "
              f"in {time.perf_counter() - started:.1f} s ({os.cpu_count()} cpus)")
        timings = []
        for attempt in range(1, args.repeat + 1):
            started = time.perf_counter()
            summary = build_warehouse(lake)
            timings.append(time.perf_counter() - started)
            print(f"build {attempt}: {timings[-1]:.2f} s")
        print("rows per mart: " + ", ".join(f"{name} {rows:,}" for name, rows in summary["marts"].items()))
        median = statistics.median(timings)
        print(f"median build: {median:.2f} s (target < 10 s): {'ok' if median < 10 else 'SLOW'}")


if __name__ == "__main__":
    main()
