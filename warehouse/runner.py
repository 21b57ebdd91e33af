"""Build the warehouse: run the SQL models over the lake, test them, then publish the marts.

    build_warehouse(lake) -> summary
    open_warehouse(lake) -> a DuckDB connection to LAKE/warehouse.duckdb (views only)

Models live in `models/<layer>/<name>.sql`, one `select` a file, and refer to each other by
table name (`select * from stg_claims`); the runner derives the build order from those names.
Each model is built as a table, or as a view where its header says `-- materialized: view`.
Tests live in `tests/<name>.sql` and return the rows that break a rule. Everything is built in an
in-memory DuckDB first; nothing under LAKE changes unless every test passes.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from schemas import tables

WAREHOUSE_DIR = Path(__file__).resolve().parent
MODELS_DIR = WAREHOUSE_DIR / "models"
TESTS_DIR = WAREHOUSE_DIR / "tests"
# Layers in build order; only the marts are published.
LAYERS = ("staging", "intermediate", "marts")
PUBLISHED_LAYER = "marts"

DEFAULT_MART_SECTIONS = ("headline", "body", "caption")
RAW_TABLES = {"documents": tables.DOCUMENTS, "claims": tables.CLAIMS, "runs": tables.RUNS}
# Lists the SQL tests read with getvariable(), so the accepted values are declared once.
ACCEPTED_VALUES = {
    "accepted_metrics": tables.METRICS,
    "accepted_sections": tables.SECTIONS,
    "accepted_qualifiers": tables.QUALIFIERS,
    "accepted_units": tables.UNITS,
    "accepted_scopes": tables.SCOPES,
}
# Claim events (models/intermediate/int_claim_event_mentions.sql): how far apart, in days, two
# statements of one figure may be and still be one event, for statements the text dates and for
# undated reports (which repeat an earlier statement for a while).
EVENT_GAP_DAYS = 3
REPEAT_GAP_DAYS = 14
WAREHOUSE_FILE = "warehouse.duckdb"
SAMPLE_CHARS = 300  # of a violating row quoted in a test failure, which stays on one line
# Raw tables that keep their own view in warehouse.duckdb; `runs` is served by the runs mart,
# which holds every raw column plus the duration.
RAW_VIEWS = ("documents", "claims")


class WarehouseTestError(RuntimeError):
    """A SQL test found rows that break its rule; nothing was published."""


class WarehouseModelError(RuntimeError):
    """A SQL model failed to build; its one-line message names the model's file. Nothing was published."""


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8").strip().rstrip(";")

    @property
    def materialized(self) -> str:
        """'table' (the default), or 'view' where the model's header says `-- materialized: view`:
        a cheap step over one table whose consumers read a few of its columns each."""
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("--"):
                break
            if line[2:].strip() == "materialized: view" and self.layer != PUBLISHED_LAYER:
                return "view"
        return "table"

    @property
    def display_path(self) -> str:
        """The model's file as a person finds it: relative to the checkout when it lies inside it."""
        try:
            return self.path.resolve().relative_to(WAREHOUSE_DIR.parent).as_posix()
        except ValueError:
            return str(self.path)


def sql_string(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_list(values) -> str:
    return "[" + ", ".join(sql_string(v) for v in values) + "]"


def strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def discover_models(models_dir: Path = MODELS_DIR) -> list[Model]:
    """All models, in an order where each comes after the models it selects from."""
    models = [
        Model(path.stem, layer, path)
        for layer in LAYERS
        for path in sorted((models_dir / layer).glob("*.sql"))
    ]
    names = {model.name for model in models}
    depends_on = {
        model.name: {
            word for word in re.findall(r"\b[a-z_][a-z0-9_]*\b", strip_comments(model.sql).lower())
            if word in names and word != model.name
        }
        for model in models
    }
    ordered: list[Model] = []
    done: set[str] = set()
    pending = list(models)
    while pending:
        ready = [model for model in pending if depends_on[model.name] <= done]
        if not ready:
            stuck = ", ".join(f"{m.name} needs {sorted(depends_on[m.name] - done)}" for m in pending)
            raise ValueError(f"warehouse models depend on each other in a circle: {stuck}")
        for model in ready:
            ordered.append(model)
            done.add(model.name)
            pending.remove(model)
    return ordered


def discover_tests(tests_dir: Path = TESTS_DIR) -> list[Path]:
    return sorted(tests_dir.glob("*.sql"))


def table_glob(lake: Path, table: str) -> str:
    return str(lake.resolve() / table / "**" / "*.parquet")


def has_parquet(lake: Path, table: str) -> bool:
    return any((lake / table).glob("**/*.parquet"))


def duckdb_columns(con: duckdb.DuckDBPyConnection, schema: pa.Schema) -> list[tuple[str, str]]:
    """(name, DuckDB type) for each column of a pyarrow schema."""
    con.register("_schema_probe", schema.empty_table())
    try:
        return [(row[0], row[1]) for row in con.execute("describe _schema_probe").fetchall()]
    finally:
        con.unregister("_schema_probe")


def raw_table_sql(con: duckdb.DuckDBPyConnection, lake: Path, table: str) -> str:
    """A select over LAKE/<table> that always has every schema column.

    Files written before a column was added lack it (it reads as typed null), and a table with no
    files yet reads as empty with the right columns, so the models build on any lake.
    """
    expected = duckdb_columns(con, RAW_TABLES[table])
    if not has_parquet(lake, table):
        columns = ", ".join(f"cast(null as {kind}) as {sql_identifier(name)}" for name, kind in expected)
        return f"select {columns} where false"
    reader = (f"read_parquet({sql_string(table_glob(lake, table))}, "
              f"hive_partitioning = true, union_by_name = true)")
    present = {row[0] for row in con.execute(f"describe select * from {reader}").fetchall()}
    missing = [f"cast(null as {kind}) as {sql_identifier(name)}"
               for name, kind in expected if name not in present]
    return f"select *{''.join(', ' + column for column in missing)} from {reader}"


def prepare_connection(lake: Path, mart_sections) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with raw_* views over the lake and the variables the models read."""
    con = duckdb.connect()
    for table in RAW_TABLES:
        con.execute(f"create view raw_{table} as {raw_table_sql(con, lake, table)}")
    con.execute(f"set variable mart_sections = {sql_list(mart_sections)}::varchar[]")
    for variable, values in ACCEPTED_VALUES.items():
        con.execute(f"set variable {variable} = {sql_list(values)}::varchar[]")
    con.execute(f"set variable event_gap_days = {int(EVENT_GAP_DAYS)}")
    con.execute(f"set variable repeat_gap_days = {int(REPEAT_GAP_DAYS)}")
    return con


def one_line(text: str, limit: int = SAMPLE_CHARS) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit] + "..."


def run_models(con: duckdb.DuckDBPyConnection, models: list[Model]) -> None:
    """Build every model in memory; the first that fails raises a one-line error naming its file."""
    for model in models:
        try:
            con.execute(f"create or replace {model.materialized} {sql_identifier(model.name)} as {model.sql}")
        except (duckdb.Error, OSError, UnicodeDecodeError) as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise WarehouseModelError(
                f"warehouse model {model.display_path} failed: {one_line(first_line)}") from error


def run_tests(con: duckdb.DuckDBPyConnection, tests: list[Path]) -> None:
    """Raise WarehouseTestError at the first test that returns rows."""
    for test in tests:
        sql = test.read_text(encoding="utf-8").strip().rstrip(";")
        violations = con.execute(f"select count(*) from ({sql})").fetchall()[0][0]
        if violations:
            cursor = con.execute(f"select * from ({sql}) limit 1")
            names = [column[0] for column in cursor.description]
            sample = " ".join(repr(dict(zip(names, cursor.fetchall()[0]))).split())
            if len(sample) > SAMPLE_CHARS:
                sample = sample[:SAMPLE_CHARS] + "..."
            raise WarehouseTestError(
                f"warehouse test {test.stem} failed: {violations} violating row(s), e.g. {sample}")


def mart_path(lake: Path, name: str) -> Path:
    return lake / "marts" / name / f"{name}.parquet"


def write_marts(con: duckdb.DuckDBPyConnection, lake: Path, marts: list[Model]) -> None:
    """Write every mart to a hidden temp file first, then swap them all in."""
    staged: list[tuple[Path, Path]] = []
    try:
        for model in marts:
            final = mart_path(lake, model.name)
            final.parent.mkdir(parents=True, exist_ok=True)
            temp = final.parent / f".{final.name}.tmp"
            con.execute(f"copy {sql_identifier(model.name)} to {sql_string(str(temp))} "
                        "(format parquet, compression zstd)")
            staged.append((temp, final))
        for temp, final in staged:
            os.replace(temp, final)
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)


def write_warehouse_file(con: duckdb.DuckDBPyConnection, lake: Path, marts: list[Model]) -> Path:
    """Build LAKE/warehouse.duckdb afresh, holding only views over the Parquet (absolute paths).

    It is built under a temp name and renamed over the old file, so a reader that holds the old
    one open never blocks a run.
    """
    final = lake.resolve() / WAREHOUSE_FILE
    temp = final.parent / f".{WAREHOUSE_FILE}.tmp"
    wal = Path(f"{temp}.wal")
    temp.unlink(missing_ok=True)
    wal.unlink(missing_ok=True)
    views = {table: raw_table_sql(con, lake, table) for table in RAW_VIEWS}
    for model in marts:
        glob = str(mart_path(lake.resolve(), model.name).parent / "*.parquet")
        views[model.name] = f"select * from read_parquet({sql_string(glob)})"
    con.execute(f"attach {sql_string(str(temp))} as fresh_warehouse (storage_version 'v1.4.0')")
    try:
        for name, sql in views.items():
            con.execute(f"create view fresh_warehouse.main.{sql_identifier(name)} as {sql}")
        con.execute("checkpoint fresh_warehouse")
    finally:
        con.execute("detach fresh_warehouse")
    try:
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
    return final


def build_warehouse(lake: Path, mart_sections=DEFAULT_MART_SECTIONS, models_dir: Path | None = None) -> dict:
    """Run every model over LAKE, test them, then publish LAKE/marts/* and LAKE/warehouse.duckdb.

    mart_sections: the claim sections the marts count (comments and related links are left out
    by default). Raises WarehouseModelError (one line naming the model's file) when a model fails and
    WarehouseTestError when a SQL test finds violating rows, leaving the published files as they were
    either way. models_dir: another models folder (tests). Returns rows per mart and seconds taken.
    """
    started = time.perf_counter()
    if isinstance(mart_sections, str):
        mart_sections = (mart_sections,)
    lake = Path(lake)
    lake.mkdir(parents=True, exist_ok=True)
    models = discover_models() if models_dir is None else discover_models(Path(models_dir))
    marts = [model for model in models if model.layer == PUBLISHED_LAYER]
    tests = discover_tests()
    con = prepare_connection(lake, mart_sections)
    try:
        run_models(con, models)
        run_tests(con, tests)
        write_marts(con, lake, marts)
        warehouse_file = write_warehouse_file(con, lake, marts)
        rows = {model.name: con.execute(f"select count(*) from {sql_identifier(model.name)}").fetchall()[0][0]
                for model in marts}
    finally:
        con.close()
    return {
        "marts": rows,
        "tests": len(tests),
        "warehouse": str(warehouse_file),
        "seconds": round(time.perf_counter() - started, 3),
    }


def open_warehouse(lake: Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Connect to LAKE/warehouse.duckdb for ad hoc SQL over the lake and the marts."""
    path = Path(lake).resolve() / WAREHOUSE_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist yet: build the warehouse first")
    return duckdb.connect(str(path), read_only=read_only)
