"""How every mart grows with the claims: rows and build time at several sizes of a varied lake.

    .venv/bin/python bench/bench_marts_growth.py [--sizes 10000,100000,1000000] [--seed 0]

Each size is a lake from bench/varied_lake.py (one article per ten claims, figures that vary from
article to article as real reporting does, all four scopes). For each size it builds every model
once and prints each mart's rows, rows per 1,000 claims and the build time, then how much each mart
grew from the first size to the last against the claims' growth. source_disagreements is also
printed at 100,000 articles (1,000,000 claims), the size the issue asks about: it holds one row per
pair of claimants, metric, subject and month, however many mentions there are. Prints; asserts
nothing (tests/test_marts_growth.py asserts linear growth on small sizes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from varied_lake import CLAIMS_PER_DOCUMENT, generate_varied_lake  # noqa: E402
from warehouse.runner import build_warehouse  # noqa: E402


def measure(claims: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-marts-growth-") as folder:
        lake = generate_varied_lake(Path(folder) / "lake", claims, seed=seed)
        started, cpu_started = time.perf_counter(), cpu_seconds()
        summary = build_warehouse(lake)
        return {"claims": claims, "seconds": time.perf_counter() - started,
                "cpu_seconds": cpu_seconds() - cpu_started, "marts": summary["marts"]}


def cpu_seconds() -> float:
    """CPU time of this process, all of DuckDB's threads: steadier than wall time on a shared machine."""
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    print(f"varied lake, {CLAIMS_PER_DOCUMENT} claims an article, {os.cpu_count()} cpus")
    results = []
    for claims in sizes:
        result = measure(claims, args.seed)
        results.append(result)
        print(f"\n{claims:,} claims ({claims // CLAIMS_PER_DOCUMENT:,} articles): "
              f"models built in {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU "
              f"(load average {os.getloadavg()[0]:.1f})")
        for name, rows in sorted(result["marts"].items()):
            print(f"  {name:24s} {rows:>12,} rows  {1000 * rows / claims:10.2f} per 1,000 claims")
    first, last = results[0], results[-1]
    growth = last["claims"] / first["claims"]
    print(f"\ngrowth from {first['claims']:,} to {last['claims']:,} claims (x{growth:g}):")
    for name in sorted(last["marts"]):
        before, after = first["marts"][name], last["marts"][name]
        ratio = after / before if before else float("inf") if after else 1.0
        print(f"  {name:24s} x{ratio:8.2f}  {'at most linear' if ratio <= growth * 1.05 else 'FASTER THAN LINEAR'}")
    for result in results:
        if result["claims"] // CLAIMS_PER_DOCUMENT == 100_000:
            print(f"\nsource_disagreements at 100,000 articles: {result['marts']['source_disagreements']:,} rows")


if __name__ == "__main__":
    main()
