"""The input formats by file suffix (lexicon/input_formats.tsv). Kept apart from the parser so that
discovery knows the suffixes without importing it (the parser loads BeautifulSoup, a third of a
nothing-new rerun's time)."""

from __future__ import annotations

from transforms.lexicon import load_table

FORMATS = {row["suffix"].lower(): row["format"] for row in load_table("input_formats")}


def format_of(source_path: str) -> str | None:
    name = source_path.lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    return None
