"""Connect your BI tool: every mart reads with the DuckDB Parquet reader of the oldest DuckDB release
the project supports (the `duckdb>=X` floor in pyproject.toml, which the README states), giving the
same rows as the DuckDB the pipeline runs with.

The old release is installed with pip into the test's temporary folder (`pip install --target`, no
dependencies, from the package index or pip's cache) and runs in a subprocess, so it never meets the
project's own DuckDB. Without an index to install from, the test skips and says why.
TROOPLEDGER_TEST_DUCKDB=1.4.0 tries another release instead of the floor.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import duckdb
import pytest

from test_claim_events import build_varied_lake
from warehouse.runner import build_warehouse, mart_path

ROOT = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT_SECONDS = 240


def oldest_supported_duckdb() -> str:
    """The X of `duckdb>=X` in pyproject.toml's dependencies."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        found = re.fullmatch(r"\s*duckdb\s*>=\s*([0-9][0-9.]*)\s*(,.*)?", requirement)
        if found:
            return found.group(1)
    raise AssertionError("pyproject.toml pins no duckdb>=X floor")


def install_duckdb(version: str, target: Path) -> Path:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:",
               "--target", str(target), f"duckdb=={version}"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing duckdb=={version} took longer than {INSTALL_TIMEOUT_SECONDS} s")
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"cannot install duckdb=={version} to test old readers: {last_line}")
    return target


# Shared by both sides: values as plain text, time zones as offsets (old releases hand out pytz zones).
NORMALISE = textwrap.dedent("""
    import datetime

    def normalise(value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            return value.astimezone(datetime.timezone.utc).isoformat()
        if isinstance(value, (list, tuple)):
            return [normalise(item) for item in value]
        if isinstance(value, dict):
            return {key: normalise(item) for key, item in value.items()}
        return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)

    def sample(duckdb, path):
        rows = duckdb.sql(f"select * from read_parquet('{path}') order by all limit 3").fetchall()
        return [normalise(row) for row in rows]
""")
exec(NORMALISE)

READ_MARTS = NORMALISE + textwrap.dedent("""
    import json, sys
    import duckdb
    marts = json.loads(sys.argv[1])
    out = {"version": duckdb.__version__, "marts": {}}
    for name, path in marts.items():
        relation = duckdb.sql(f"select * from read_parquet('{path}')")
        rows = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        out["marts"][name] = {"columns": relation.columns, "rows": rows,
                              "sample": sample(duckdb, path)}
    print(json.dumps(out))
""")


def test_every_mart_reads_with_the_oldest_supported_duckdb(tmp_path):
    version = os.environ.get("TROOPLEDGER_TEST_DUCKDB", "") or oldest_supported_duckdb()
    old_duckdb = install_duckdb(version, tmp_path / f"duckdb-{version}")
    lake = build_varied_lake(tmp_path / "lake")
    summary = build_warehouse(lake)
    marts = {name: str(mart_path(lake, name)) for name in summary["marts"]}

    result = subprocess.run([sys.executable, "-c", READ_MARTS, json.dumps(marts)], capture_output=True,
                            text=True, env={"PYTHONPATH": str(old_duckdb), "PATH": "/usr/bin:/bin"},
                            timeout=120)

    assert result.returncode == 0, result.stderr[-2000:]
    read = json.loads(result.stdout)
    assert read["version"].split(".")[:3] == (version.split(".") + ["0", "0"])[:3]
    assert set(read["marts"]) == set(marts) and {"claim_events", "claim_claimants", "timeline"} <= set(marts)
    for name, path in marts.items():
        relation = duckdb.sql(f"select * from read_parquet('{path}')")
        assert read["marts"][name]["columns"] == relation.columns, name
        assert read["marts"][name]["rows"] == summary["marts"][name], name
        assert read["marts"][name]["sample"] == json.loads(json.dumps(sample(duckdb, path))), name
    assert read["marts"]["claim_events"]["rows"] > 0 and read["marts"]["claim_claimants"]["rows"] > 0
