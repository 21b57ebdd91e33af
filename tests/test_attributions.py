"""Who claims each figure, over the table of attribution cases (tests/attribution_cases.tsv): sources
named in the figure's sentence, sources named earlier and referred back to ("he said", "the agency",
"Rep. Kim added"), a paragraph opened by "According to X", headline figures that take the body's
source, agency aliases, and places, agents and platforms that are not sources."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from transforms.claims import extract_claims

CASES = Path(__file__).parent / "attribution_cases.tsv"
PUBLISHED = date(2025, 4, 30)


def load_cases() -> list[tuple[str, str, list[str]]]:
    lines = [line for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["passage"].replace("\\n", "\n"), r["figure"], [] if r["claimants"] in ("", "-") else r["claimants"].split())
            for r in rows]


HEADLINE = "[headline] "


def text_and_sections(passage: str) -> tuple[str, list[tuple[str, int, int]]]:
    """A first line opening with "[headline] " is the headline; the rest is body."""
    if not passage.startswith(HEADLINE):
        return passage, [("body", 0, len(passage))]
    text = passage[len(HEADLINE):]
    end = text.index("\n")
    return text, [("headline", 0, end), ("body", end, len(text))]


def claimants_of(passage: str, figure: str) -> list[str]:
    text, sections = text_and_sections(passage)
    claims = [c for c in extract_claims(text, sections, PUBLISHED) if c["number_text"] == figure]
    assert claims, f"no claim reads {figure!r}"
    return sorted(claims[0]["claimants"])


def test_the_table_holds_at_least_150_cases():
    assert len(load_cases()) >= 150


@pytest.mark.parametrize("passage, figure, expected", load_cases(), ids=lambda v: v[:50] if isinstance(v, str) else None)
def test_each_figure_has_the_claimants_the_article_gives_it(passage, figure, expected):
    assert claimants_of(passage, figure) == sorted(expected)


@pytest.mark.parametrize("passage, figure", [
    ("Some 12,000 North Korean troops went to Russia last autumn.\nThe convoy carried 2,500 in the spring.", "2,500"),
    ("Some 12,000 North Korean troops went to Russia last autumn.\nOfficials said 300 rounds were fired.", "300"),
])
def test_a_bare_figure_in_a_paragraph_of_its_own_is_a_claim_only_when_a_named_source_states_it(passage, figure):
    text, sections = text_and_sections(passage)
    assert not [c for c in extract_claims(text, sections, PUBLISHED) if c["number_text"] == figure]


def test_a_bare_figure_a_named_source_states_takes_the_metric_the_document_gave_that_value():
    text = ("Some 12,000 North Korean troops went to Russia last autumn. About 300 of them were killed in December.\n"
            "The Pentagon said 12,000 in the spring.")
    claim = next(c for c in extract_claims(text, [("body", 0, len(text))], PUBLISHED) if c["number_text"] == "12,000")
    assert (claim["metric"], claim["claimants"]) == ("troops_deployed", ["US"])
