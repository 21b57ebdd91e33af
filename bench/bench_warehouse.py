"""Time a full warehouse build over a synthetic lake of a million claims.

    .venv/bin/python bench/bench_warehouse.py [--claims 1000000] [--documents 100000] [--repeat 3]

The lake comes from bench/varied_lake.py: figures that vary from article to article as real
reporting does, all four scopes, some statements dated by the text. Prints figures; asserts
nothing. Target: a median under 10 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from varied_lake import generate_varied_lake  # noqa: E402
from warehouse.runner import build_warehouse  # noqa: E402


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-warehouse-") as folder:
        lake = Path(folder) / "lake"
        started = time.perf_counter()
        generate_varied_lake(lake, args.claims, args.documents)
        print(f"generated {args.claims:,} claims in {args.documents:,} documents "
              f"in {time.perf_counter() - started:.1f} s ({os.cpu_count()} cpus)")
        timings = []
        for attempt in range(1, args.repeat + 1):
            started, cpu_started = time.perf_counter(), cpu_seconds()
            summary = build_warehouse(lake)
            timings.append(time.perf_counter() - started)
            # CPU time of all of DuckDB's threads: on a machine shared with other work the wall time
            # says more about the neighbours than about the models
            print(f"build {attempt}: {timings[-1]:.2f} s wall, {cpu_seconds() - cpu_started:.2f} s CPU, "
                  f"load average {os.getloadavg()[0]:.1f}")
        print("rows per mart: " + ", ".join(f"{name} {rows:,}" for name, rows in summary["marts"].items()))
        median = statistics.median(timings)
        print(f"median build: {median:.2f} s (target < 10 s): {'ok' if median < 10 else 'SLOW'}")


if __name__ == "__main__":
    main()
