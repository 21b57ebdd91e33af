"""Cost per byte of reading one document, as its size grows (issue 14: no input hangs a run).

    .venv/bin/python bench/bench_document_size.py [--sizes 1e3,1e6,1e7] [--repeat 3] [--seed S]

One document of each size is built from the benchmark generator's article paragraphs
(bench/generate_corpus.py) under one headline and dateline, written two ways: as paragraphs
(a blank line between them) and as one line (the same text with every line break a space). Each
is read `--repeat` times in this process with `parse_file` and `extract_claims`, the two steps a
run spends its time on per document, and the medians are printed in nanoseconds per byte. Work
that grows linearly with the document keeps that figure flat across sizes, and one line costs
about what paragraphs cost. Prints figures and asserts nothing (tests/test_document_size.py
guards against hangs).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate_corpus import make_article  # noqa: E402

from transforms.claims import extract_claims  # noqa: E402
from transforms.documents import parse_file  # noqa: E402


def document_lines(size: int, seed: int) -> list[str]:
    """A headline, a dateline and article paragraphs, about `size` bytes in all."""
    rng = random.Random(seed)
    first = make_article(rng, 0)
    lines = [first.title, first.dateline]
    total = sum(len(line) + 2 for line in lines)
    index = 0
    while total < size:
        for paragraph in make_article(rng, index).paragraphs:
            lines.append(paragraph)
            total += len(paragraph) + 2
            if total >= size:
                break
        index += 1
    return lines


def shapes(size: int, seed: int) -> dict[str, bytes]:
    lines = document_lines(size, seed)
    return {"paragraphs": "\n\n".join(lines).encode("utf-8"), "one line": " ".join(lines).encode("utf-8")}


def time_once(raw: bytes) -> tuple[float, float, int]:
    """Seconds to parse and to extract, and the claims found."""
    started = time.perf_counter()
    [document] = parse_file(raw, "document.txt")
    parsed = time.perf_counter()
    claims = extract_claims(document.text, document.sections, document.published_date)
    return parsed - started, time.perf_counter() - parsed, len(claims)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e3,1e6,1e7", help="document sizes in bytes (default: 1 KB, 1 MB, 10 MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per document; medians are printed (default: 3)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for raw in shapes(4000, args.seed + 1).values():  # tables, patterns and the date parser load once
        time_once(raw)
    print(f"{'size':>10} {'shape':>10} {'bytes':>11} {'parse ns/B':>11} {'extract ns/B':>13} "
          f"{'total ns/B':>11} {'total s':>8} {'claims':>7}")
    for size in (int(float(value)) for value in args.sizes.split(",")):
        for shape, raw in shapes(size, args.seed).items():
            runs = [time_once(raw) for _ in range(args.repeat)]
            parse = statistics.median(run[0] for run in runs)
            extract = statistics.median(run[1] for run in runs)
            per_byte = 1e9 / len(raw)
            print(f"{size:>10,} {shape:>10} {len(raw):>11,} {parse * per_byte:>11.0f} {extract * per_byte:>13.0f} "
                  f"{(parse + extract) * per_byte:>11.0f} {parse + extract:>8.2f} {runs[0][2]:>7,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
