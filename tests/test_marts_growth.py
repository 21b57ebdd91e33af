"""Every mart grows at most linearly with the claims, on a lake whose figures vary from article to
article as real reporting does (bench/varied_lake.py), not only on repeated figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from warehouse.runner import build_warehouse

ROOT = Path(__file__).resolve().parent.parent
SMALL, LARGE = 3_000, 12_000


def load_varied_lake():
    # bench/ is a folder of scripts, not a package
    spec = importlib.util.spec_from_file_location("varied_lake", ROOT / "bench" / "varied_lake.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_mart_grows_at_most_linearly_with_varied_claims(tmp_path):
    varied_lake = load_varied_lake()
    small = build_warehouse(varied_lake.generate_varied_lake(tmp_path / "small", SMALL))["marts"]
    large = build_warehouse(varied_lake.generate_varied_lake(tmp_path / "large", LARGE))["marts"]

    growth = LARGE / SMALL
    assert small["claim_events"] > 100 and small["source_disagreements"] > 0  # the lake is varied enough
    faster = {name: (small[name], large[name]) for name in large
              if large[name] > growth * 1.1 * max(small[name], 1)}
    assert faster == {}
    # one row per claimant pair, metric, subject and month: bounded, whatever the mentions
    assert large["source_disagreements"] < LARGE / 4
    # one claim event stands for many mentions
    assert large["claim_events"] < large["claim_claimants"]
