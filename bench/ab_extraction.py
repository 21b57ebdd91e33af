"""A/B of the benchmark's extraction-only figure between two checkouts, in one interleaved run.

    .venv/bin/python bench/ab_extraction.py BEFORE_CHECKOUT AFTER_CHECKOUT CORPUS [--pairs 5]

Each checkout's own `bench/run_benchmark.py --stages-child CORPUS LAKE` runs in a fresh process
(its seconds.extract: read, parse, extract and stage every input, no Prefect), before and after in
turn, so the machine's drift falls on both alike. Prints each run, both medians and the pairwise
ratio after/before (median, min, max). Make a checkout of an older commit with
`git worktree add --detach ../before COMMIT`; CORPUS from `bench/generate_corpus.py`. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def extract_seconds(checkout: Path, corpus: Path) -> tuple[float, int]:
    lake = Path(tempfile.mkdtemp(prefix="ab-extraction-"))
    try:
        result = subprocess.run([sys.executable, str(checkout / "bench" / "run_benchmark.py"), "--stages-child",
                                 str(corpus), str(lake / "lake")], capture_output=True, text=True, cwd=checkout)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(lake, ignore_errors=True)
    return figures["seconds"]["extract"], figures["claims"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, int]]] = {"before": [], "after": []}
    for _ in range(args.pairs):
        for name in runs:
            seconds, claims = extract_seconds(getattr(args, name).resolve(), args.corpus.resolve())
            runs[name].append((seconds, claims))
            print(f"{name:6s} {seconds:6.2f} s  {claims} claims", flush=True)
    for name, figures in runs.items():
        print(f"{name:6s} median {statistics.median(s for s, _ in figures):.2f} s")
    ratios = [after / before for (after, _), (before, _) in zip(runs["after"], runs["before"])]
    print(f"after/before, pair by pair: median {statistics.median(ratios):.3f}, "
          f"min {min(ratios):.3f}, max {max(ratios):.3f}")


if __name__ == "__main__":
    main()
