"""Tables of words, one TSV file per table in this folder, each with a header line.

`load_table("claimant_aliases")` returns the rows of `claimant_aliases.tsv` as dicts. Lines
starting with `#` and blank lines are skipped. Reading package data once per process is the
only I/O in `transforms/`.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    text = resources.files(__name__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple({key: (value or "").strip() for key, value in row.items()} for row in reader)
