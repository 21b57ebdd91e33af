"""The warehouse: SQL models over a small hand-made lake, the SQL tests, and what gets published."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from schemas import tables
from warehouse.runner import (
    MODELS_DIR, WarehouseModelError, WarehouseTestError, build_warehouse, discover_models, mart_path,
    open_warehouse,
)

RUN_ID = "run-1"


# ---- fixture builder: a small lake written with the real schemas ----

def document(doc_id: str, outlet: str | None = "Daily Example", published: str | None = "2025-01-15",
             **overrides) -> dict:
    text = overrides.pop("text", f"Article {doc_id} about the deployment.")
    row = {
        "doc_id": doc_id, "source_path": f"{doc_id}.txt", "title": f"Story {doc_id}", "outlet": outlet,
        "published_date": dt.date.fromisoformat(published) if published else None,
        "text": text, "error": None, "url": f"https://news.example/{doc_id}", "format": "txt",
        "sections": [{"section": "body", "start": 0, "end": len(text)}],
        "source_file": f"{doc_id}.txt", "content_sha256": f"raw-{doc_id}", "text_sha256": f"text-{doc_id}",
        "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def best_value(low: int | None, high: int | None, qualifier: str) -> int:
    """The contract's value_best: a range's midpoint rounded down, else the bound the text gives."""
    if qualifier == "range":
        return (low + high) // 2
    return low if low is not None else high


def claim(claim_id: str, doc_id: str, low: int | None, high: int | None, qualifier: str = "exact",
          claimants: tuple[str, ...] = (), metric: str = "troops_deployed", reported: str | None = "2025-01-15",
          **overrides) -> dict:
    best = overrides.pop("best", best_value(low, high, qualifier))
    reported_date = dt.date.fromisoformat(reported) if reported else None
    row = {
        "claim_id": claim_id, "doc_id": doc_id, "section": "body", "metric": metric, "subject": "KP",
        "unit": "persons", "value_low": low, "value_high": high, "value_best": best,
        "qualifier": qualifier, "number_text": f"{best:,}", "claimants": list(claimants),
        "claimant_text": None, "reported_date": reported_date, "period_start": None,
        "period_end": reported_date, "sentence": f"Officials put the figure at {best:,}.",
        "span_start": 28, "span_end": 28 + len(f"{best:,}"), "metric_text": None, "period_text": None,
        "scope": "total", "scope_text": None,
        "stated_from": None, "stated_to": None, "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def run_row(run_id: str = RUN_ID, documents: int = 1, claims: int = 1) -> dict:
    started = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.timezone.utc)
    return {
        "run_id": run_id, "started_at": started, "finished_at": started + dt.timedelta(seconds=42),
        "input_dir": "articles", "inputs_seen": documents, "inputs_new_or_changed": documents,
        "inputs_deleted": 0, "documents": documents, "document_errors": 0, "claims": claims,
        "code_version": "test",
    }


def write_table(lake: Path, table: str, rows: list[dict], file_name: str = "part-0") -> None:
    folder = lake / table
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=tables.TABLES[table]), folder / f"{file_name}.parquet")


def write_lake(lake: Path, documents: list[dict], claims: list[dict], runs: list[dict] | None = None) -> Path:
    write_table(lake, "documents", documents)
    write_table(lake, "claims", claims)
    write_table(lake, "runs", runs if runs is not None else [run_row(documents=len(documents), claims=len(claims))])
    return lake


def mart(lake: Path, name: str, where: str = "true") -> list[dict]:
    rows = duckdb.sql(f"select * from read_parquet('{mart_path(lake, name)}') where {where}").to_arrow_table()
    return rows.to_pylist()


# ---- models and their order ----

def test_models_build_after_the_models_they_select_from():
    order = [model.name for model in discover_models()]
    assert order.index("stg_claims") < order.index("int_mart_claims") < order.index("estimates")
    assert order.index("estimates") < order.index("latest_estimates")
    assert order.index("int_claimant_monthly_totals") < order.index("source_disagreements")


def test_the_same_estimate_in_three_documents_is_one_estimate(tmp_path):
    outlets = ["Daily Example", "Evening Example", "Daily Example"]
    documents = [document(f"d{i}", outlet=outlets[i], published=f"2025-01-1{i}") for i in range(3)]
    claims = [claim(f"c{i}", f"d{i}", 11000, 11000, claimants=("KR-NIS",), reported=f"2025-01-1{i}")
              for i in range(3)]
    write_lake(tmp_path, documents, claims)

    build_warehouse(tmp_path)

    [estimate] = mart(tmp_path, "estimates")
    assert (estimate["documents"], estimate["mentions"], estimate["outlets"]) == (3, 3, 2)
    assert estimate["claimant"] == "KR-NIS"
    assert (estimate["first_reported_date"], estimate["last_reported_date"]) == (
        dt.date(2025, 1, 10), dt.date(2025, 1, 12))
    # the example is the earliest report, so it does not change when later articles arrive
    assert estimate["example_doc_id"] == "d0"
    assert estimate["example_claim_id"] == "c0"


def test_a_figure_with_three_claimants_is_one_estimate_of_each_with_its_documents(tmp_path):
    """"some 14,000, according to South Korean, Ukrainian and Western sources" and Ukraine alone."""
    write_lake(tmp_path, [document("d1"), document("d2")], [
        claim("c1", "d1", 14000, 14000, "approx", claimants=("WEST", "KR", "UA")),
        claim("c2", "d2", 14000, 14000, "approx", claimants=("UA",)),
    ])

    build_warehouse(tmp_path)

    estimates = {row["claimant"]: row["documents"] for row in mart(tmp_path, "estimates")}
    assert estimates == {"KR": 1, "UA": 2, "WEST": 1}


def test_a_claim_with_three_claimants_counts_once_for_each_in_figures_by_source_date(tmp_path):
    write_lake(tmp_path, [document("d1"), document("d2", outlet=None)], [
        claim("c1", "d1", 6000, None, "more_than", claimants=("KR", "UA", "WEST"), metric="killed"),
        claim("c2", "d2", 10000, None, "more_than"),  # the outlet's own voice, outlet unknown
    ])

    build_warehouse(tmp_path)

    rows = mart(tmp_path, "figures_by_source_date")
    by_source = {(row["source_kind"], row["source"]): row for row in rows}
    assert set(by_source) == {("claimant", "KR"), ("claimant", "UA"), ("claimant", "WEST"),
                              ("outlet", "unknown outlet")}
    assert all(by_source[("claimant", code)]["mentions"] == 1 for code in ("KR", "UA", "WEST"))
    assert by_source[("claimant", "KR")]["lowest_low"] == 6000
    assert by_source[("claimant", "KR")]["highest_high"] is None  # "more than" states no upper bound
    assert by_source[("outlet", "unknown outlet")]["median_best"] == 10000


def test_figures_by_source_date_aggregates_one_source_on_one_day(tmp_path):
    write_lake(tmp_path, [document("d1"), document("d2", outlet="Other Paper")], [
        claim("c1", "d1", 10000, 12000, "range", claimants=("UA",), best=11000),
        claim("c2", "d2", 12000, 12000, claimants=("UA",)),
        claim("c3", "d2", 14000, 14000, "approx", claimants=("UA",)),
    ])

    build_warehouse(tmp_path)

    [row] = mart(tmp_path, "figures_by_source_date")
    assert (row["mentions"], row["documents"], row["outlets"]) == (3, 2, 2)
    assert (row["lowest_low"], row["highest_high"], row["median_best"]) == (10000, 14000, 12000)


def test_non_overlapping_ranges_in_one_month_are_reported_once_per_pair(tmp_path):
    documents = [document(f"d{i}") for i in range(5)]
    write_lake(tmp_path, documents, [
        claim("nis", "d0", 11000, 11000, claimants=("KR-NIS",)),
        claim("ukraine", "d1", 12000, 12000, claimants=("UA",)),
        claim("west", "d2", 6000, None, "more_than", claimants=("WEST",)),  # [6000, +inf)
        claim("us", "d3", None, 5000, "at_most", claimants=("US",)),  # (-inf, 5000]
        claim("next_month", "d4", 20000, 20000, claimants=("GB",), reported="2025-02-03"),
    ])

    build_warehouse(tmp_path)

    pairs = {(row["lower_source"], row["higher_source"]) for row in mart(tmp_path, "source_disagreements")}
    assert pairs == {("KR-NIS", "UA"), ("US", "KR-NIS"), ("US", "UA"), ("US", "WEST")}
    [nis_vs_ukraine] = mart(tmp_path, "source_disagreements", "lower_source = 'KR-NIS'")
    assert (nis_vs_ukraine["lower_value_high"], nis_vs_ukraine["higher_value_low"], nis_vs_ukraine["gap"]) == (
        11000, 12000, 1000)
    assert nis_vs_ukraine["month"] == dt.date(2025, 1, 1)


def test_a_claimant_never_disagrees_with_itself_nor_with_its_parts(tmp_path):
    """Russia's 1,000 sappers (a part) and its own 11,000 and 12,000 (a revision) are no disagreement."""
    write_lake(tmp_path, [document(f"d{i}") for i in range(4)], [
        claim("sappers", "d0", 1000, 1000, claimants=("RU",), scope="part"),
        claim("total", "d1", 11000, 11000, claimants=("RU",), reported="2025-01-10"),
        claim("revised", "d2", 12000, 12000, claimants=("RU",), reported="2025-01-20"),
        claim("plan", "d3", 30000, 30000, claimants=("UA",), scope="planned"),
    ])

    build_warehouse(tmp_path)

    assert mart(tmp_path, "source_disagreements") == []


def test_disagreements_pair_each_claimants_latest_figure_of_the_month_once(tmp_path):
    """Forty reports of two claimants' figures make one row, not forty times forty: the size grows
    with claimants x metrics x months, never with mentions."""
    documents, claims = [], []
    for i in range(40):
        documents.append(document(f"d{i}", published=f"2025-01-{1 + i % 28:02d}"))
        claims.append(claim(f"nis{i}", f"d{i}", 10000 + 1000 * i, 10000 + 1000 * i, claimants=("KR-NIS",),
                            reported=f"2025-01-{1 + i % 28:02d}"))
        claims.append(claim(f"ua{i}", f"d{i}", 60000 + 1000 * i, 60000 + 1000 * i, claimants=("UA",),
                            reported=f"2025-01-{1 + i % 28:02d}"))
    write_lake(tmp_path, documents, claims)

    build_warehouse(tmp_path)

    [row] = mart(tmp_path, "source_disagreements")
    assert (row["lower_source"], row["higher_source"]) == ("KR-NIS", "UA")
    # the latest figure of each side that month: day 28 is i = 27
    assert (row["lower_value_best"], row["higher_value_best"]) == (37000, 87000)
    assert row["lower_stated_on"] == dt.date(2025, 1, 28)


def test_estimate_ranges_span_the_claimants_of_a_month(tmp_path):
    write_lake(tmp_path, [document("d1"), document("d2"), document("d3")], [
        claim("c1", "d1", 11000, 11000, claimants=("KR-NIS",)),
        claim("c2", "d2", 10000, 12000, "range", claimants=("UA", "WEST"), best=11000),
        claim("c3", "d3", 12000, 12000, claimants=("UA",), period_end=dt.date(2024, 12, 20)),
    ])

    build_warehouse(tmp_path)

    january, = mart(tmp_path, "estimate_ranges", "month = date '2025-01-01'")
    assert (january["lowest_low"], january["highest_high"], january["median_best"]) == (10000, 12000, 11000)
    assert january["claimants"] == ["KR-NIS", "UA", "WEST"]
    assert january["claimant_count"] == 3
    # period_end, not the reported date, places a figure in its month
    december, = mart(tmp_path, "estimate_ranges", "month = date '2024-12-01'")
    assert december["claimants"] == ["UA"]


def test_latest_estimates_take_the_most_recent_estimate_of_each_claimant(tmp_path):
    write_lake(tmp_path, [document("d1", published="2024-11-01"), document("d2", published="2025-03-01")], [
        claim("old", "d1", 10000, 10000, claimants=("KR-NIS",), reported="2024-11-01"),
        claim("new", "d2", 11000, 11000, claimants=("KR-NIS", "UA"), reported="2025-03-01"),
        claim("own", "d2", 12000, 12000, reported="2025-03-01"),
    ])

    build_warehouse(tmp_path)

    latest = {row["claimant"]: row for row in mart(tmp_path, "latest_estimates")}
    assert set(latest) == {"KR-NIS", "UA", "unattributed"}
    assert latest["KR-NIS"]["value_best"] == 11000
    assert latest["UA"]["value_best"] == 11000
    assert latest["unattributed"]["value_best"] == 12000


def test_latest_estimates_break_a_date_tie_by_period_end(tmp_path):
    write_lake(tmp_path, [document("d1")], [
        claim("as_of_december", "d1", 8000, 8000, claimants=("UA",), period_end=dt.date(2024, 12, 31)),
        claim("as_of_now", "d1", 9000, 9000, claimants=("UA",)),
    ])

    build_warehouse(tmp_path)

    [latest] = mart(tmp_path, "latest_estimates")
    assert latest["value_best"] == 9000


def test_comments_stay_out_of_the_marts_unless_the_caller_asks(tmp_path):
    write_lake(tmp_path, [document("d1")], [
        claim("body", "d1", 11000, 11000, claimants=("KR",)),
        claim("reader", "d1", 14000, 14000, claimants=("UA",), section="comment"),
        claim("link", "d1", 6000, 6000, claimants=("KR",), section="related"),
    ])

    build_warehouse(tmp_path)
    assert [row["value_best"] for row in mart(tmp_path, "estimates")] == [11000]

    build_warehouse(tmp_path, mart_sections=("body", "comment"))
    assert sorted(row["value_best"] for row in mart(tmp_path, "estimates")) == [11000, 14000]


def test_the_same_article_under_two_names_counts_once(tmp_path):
    original = document("d1", source_path="a/story.txt", text_sha256="same-text")
    copy = document("d2", source_path="b/story.txt", text_sha256="same-text", outlet="Mirror")
    write_lake(tmp_path, [original, copy], [
        claim("c1", "d1", 11000, 11000, claimants=("KR-NIS",)),
        claim("c2", "d2", 11000, 11000, claimants=("KR-NIS",)),
    ])

    build_warehouse(tmp_path)

    [estimate] = mart(tmp_path, "estimates")
    assert (estimate["documents"], estimate["example_doc_id"]) == (1, "d1")


def test_runs_mart_has_one_row_per_run_with_its_duration(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 5, 5)], runs=[run_row("r1"), run_row("r2")])

    build_warehouse(tmp_path)

    rows = mart(tmp_path, "runs")
    assert [row["run_id"] for row in rows] == ["r1", "r2"]
    assert rows[0]["duration_seconds"] == 42


# ---- an empty or uneven lake ----

def test_an_empty_lake_builds_empty_marts_with_their_columns(tmp_path):
    summary = build_warehouse(tmp_path)

    assert set(summary["marts"].values()) == {0}
    columns = pq.read_schema(mart_path(tmp_path, "estimates")).names
    assert {"estimate_id", "claimant", "documents", "example_sentence"} <= set(columns)
    with open_warehouse(tmp_path) as con:
        assert con.execute("select count(*) from claims").fetchone() == (0,)


def test_files_from_before_a_column_existed_still_build(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000)])
    older = pa.Table.from_pylist([claim("c2", "d1", 12000, 12000)], schema=tables.CLAIMS)
    pq.write_table(older.drop_columns(["metric_text", "period_text", "scope", "scope_text", "stated_from", "stated_to"]), tmp_path / "claims" / "older.parquet")

    summary = build_warehouse(tmp_path)

    assert summary["marts"]["estimates"] == 2


# ---- the SQL tests guard publishing ----

def test_a_failing_sql_test_raises_and_leaves_the_published_files_alone(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000, claimants=("KR",))])
    build_warehouse(tmp_path)
    published = [mart_path(tmp_path, "estimates"), tmp_path / "warehouse.duckdb"]
    before = {path: path.read_bytes() for path in published}

    write_table(tmp_path, "claims", [claim("c1", "d1", 11000, 11000, claimants=("KR",)),
                                     claim("c2", "d1", 12000, 9000, "range", best=10000)])
    with pytest.raises(WarehouseTestError, match=r"value_bounds_ordered.*'claim_id': 'c2'"):
        build_warehouse(tmp_path)

    assert {path: path.read_bytes() for path in published} == before
    assert not list(tmp_path.glob("**/*.tmp"))


@pytest.mark.parametrize("broken_sql", [
    "select no_such_column from stg_claims",
    "select 1 as x from\n  (select 1) where (\n-- unclosed",
    "select cast('not a number' as integer) as x\n",
])
def test_a_failing_model_names_its_file_in_one_line_and_leaves_the_previous_marts(tmp_path, broken_sql):
    """An analyst's broken model: the error says which file, on one line; what was published stays."""
    import shutil

    lake = write_lake(tmp_path / "lake", [document("d1")], [claim("c1", "d1", 11000, 11000, claimants=("KR",))])
    build_warehouse(lake)
    published = sorted((lake / "marts").glob("*/*.parquet")) + [lake / "warehouse.duckdb"]
    before = {path: path.read_bytes() for path in published}
    models = tmp_path / "warehouse" / "models"
    shutil.copytree(MODELS_DIR, models)
    (models / "marts" / "broken_mart.sql").write_text(broken_sql, encoding="utf-8")
    write_table(lake, "claims", [claim("c1", "d1", 11000, 11000, claimants=("KR",)), claim("c2", "d1", 9, 9)])

    with pytest.raises(WarehouseModelError) as failure:
        build_warehouse(lake, models_dir=models)

    message = str(failure.value)
    assert "\n" not in message and message.startswith("warehouse model ")
    assert str(models / "marts" / "broken_mart.sql") in message
    assert {path: path.read_bytes() for path in published} == before
    assert not (lake / "marts" / "broken_mart").exists()
    assert not list(lake.glob("**/*.tmp"))


def test_a_model_whose_header_says_view_is_built_as_a_view(tmp_path):
    """Cheap pass-through models skip copying their rows; marts are always tables (they are published)."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models)
    (models / "marts" / "view_in_a_mart.sql").write_text("-- materialized: view\nselect 1 as x\n")
    kinds = {model.name: model.materialized for model in discover_models(models)}

    assert kinds["int_claim_claimants"] == "view"
    assert kinds["stg_claims"] == "table" and kinds["view_in_a_mart"] == "table"
    summary = build_warehouse(write_lake(tmp_path / "lake", [document("d1")], [claim("c1", "d1", 5, 5)]),
                              models_dir=models)
    assert summary["marts"]["view_in_a_mart"] == 1


def test_a_model_inside_the_checkout_is_named_by_its_path_there():
    [model] = [m for m in discover_models() if m.name == "claim_events"]
    assert model.display_path == "warehouse/models/marts/claim_events.sql"


@pytest.mark.parametrize("bad_claim, test_name", [
    (claim("c2", "d1", 5, 5, metric="injured"), "accepted_values_claims"),
    (claim("c2", "d1", 5, 5, claimants=("South Korea",)), "accepted_claimant_codes"),
    (claim("c2", "missing-doc", 5, 5), "relationships_claims_documents"),
    (claim("c1", "d1", 5, 5), "unique_claims_claim_id"),
])
def test_each_contract_rule_has_a_sql_test(tmp_path, bad_claim, test_name):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000), bad_claim])

    with pytest.raises(WarehouseTestError, match=test_name):
        build_warehouse(tmp_path)


# ---- what gets published ----

def test_each_mart_is_one_zstd_parquet_file(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000)])

    summary = build_warehouse(tmp_path)

    for name in summary["marts"]:
        files = list((tmp_path / "marts" / name).iterdir())
        assert files == [mart_path(tmp_path, name)]
        metadata = pq.ParquetFile(files[0]).metadata
        if metadata.num_row_groups:
            assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_warehouse_file_opens_read_only_elsewhere_and_holds_only_views(tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    write_lake(lake, [document("d1")], [claim("c1", "d1", 11000, 11000, claimants=("KR",))])
    build_warehouse(lake)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    with duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables").fetchall())
        assert set(kinds.values()) == {"VIEW"}
        assert {"documents", "claims", "runs", "estimates", "figures_by_source_date", "latest_estimates",
                "estimate_ranges", "source_disagreements"} <= set(kinds)
        assert con.execute("select claimant, value_best from latest_estimates").fetchall() == [("KR", 11000)]
        assert con.execute("select count(*) from documents").fetchone() == (1,)


def test_a_reader_holding_the_warehouse_open_does_not_block_a_rebuild(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000)])
    build_warehouse(tmp_path)

    with open_warehouse(tmp_path) as reader:
        write_table(tmp_path, "claims", [claim("c1", "d1", 11000, 11000), claim("c2", "d1", 9000, 9000)])
        summary = build_warehouse(tmp_path)
        assert summary["marts"]["estimates"] == 2
        assert reader.execute("select count(*) from estimates").fetchone() == (2,)  # views read the Parquet

    with open_warehouse(tmp_path) as fresh:
        assert fresh.execute("select count(*) from claims").fetchone() == (2,)


def test_open_warehouse_says_when_there_is_nothing_to_open(tmp_path):
    with pytest.raises(FileNotFoundError, match="build the warehouse first"):
        open_warehouse(tmp_path)


def test_summary_reports_rows_per_mart_and_time(tmp_path):
    write_lake(tmp_path, [document("d1")], [claim("c1", "d1", 11000, 11000)])

    summary = build_warehouse(tmp_path)

    assert summary["marts"]["estimates"] == 1
    assert summary["marts"]["runs"] == 1
    assert summary["seconds"] >= 0
    assert Path(summary["warehouse"]) == (tmp_path / "warehouse.duckdb").resolve()
    assert os.path.isabs(summary["warehouse"])


# ---- the data dictionary ----

def test_committed_data_dictionary_matches_the_code():
    from warehouse.data_dictionary import render_data_dictionary

    committed = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"
    assert committed.read_text(encoding="utf-8") == render_data_dictionary(), (
        "docs/data-dictionary.md is stale: run python -m warehouse.data_dictionary > docs/data-dictionary.md")


def test_every_lake_and_mart_column_has_a_description():
    from warehouse.data_dictionary import mart_columns, parse_model_header
    from warehouse.runner import MODELS_DIR, RAW_TABLES

    undescribed = [
        f"{table}.{name}" for table, schema in RAW_TABLES.items()
        for name in schema.names
        if name not in parse_model_header(MODELS_DIR / "staging" / f"stg_{table}.sql").columns
    ] + [
        f"{mart}.{name}" for mart, columns in mart_columns().items()
        for name, _ in columns
        if name not in parse_model_header(MODELS_DIR / "marts" / f"{mart}.sql").columns
    ]
    assert undescribed == []


def test_model_header_splits_column_lines_from_prose(tmp_path):
    from warehouse.data_dictionary import parse_model_header

    model = tmp_path / "model.sql"
    model.write_text("-- What the model is.\n-- Why: it matters.\n-- value_low: the lower bound\n"
                     "\nselect 1 as value_low\n-- not_header: ignored\n")

    header = parse_model_header(model)

    assert header.columns == {"value_low": "the lower bound"}
    assert header.description == "What the model is. Why: it matters."


def test_tables_that_are_symlinks_to_version_folders_are_followed(tmp_path):
    # the flow publishes LAKE/<table> as a symlink to an immutable version folder
    lake = tmp_path / "lake"
    staging = tmp_path / "version-1"
    write_lake(staging, [document("d1")], [claim("c1", "d1", 11000, 11000)])
    lake.mkdir()
    for table in ("documents", "claims", "runs"):
        (lake / table).symlink_to(staging / table, target_is_directory=True)

    summary = build_warehouse(lake)

    assert summary["marts"]["estimates"] == 1
    newer = tmp_path / "version-2"
    write_table(newer, "claims", [claim("c1", "d1", 11000, 11000), claim("c2", "d1", 9000, 9000)])
    (lake / "claims").unlink()
    (lake / "claims").symlink_to(newer / "claims", target_is_directory=True)
    with open_warehouse(lake) as con:
        assert con.execute("select count(*) from claims").fetchall() == [(2,)]


def test_a_test_failure_is_one_line_even_when_the_row_holds_newlines(tmp_path):
    write_lake(tmp_path, [document("d1")], [
        claim("c1\nsecond line " + "x" * 500, "d1", 12000, 9000, "range", best=10000),
    ])

    with pytest.raises(WarehouseTestError) as failure:
        build_warehouse(tmp_path)

    message = str(failure.value)
    assert "\n" not in message and len(message) < 500
