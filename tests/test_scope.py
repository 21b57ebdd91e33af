"""A figure's scope (contract: Scope) and the words that decide it, through extract_claims.

tests/scope_cases.tsv holds short passages with one figure each and the metric and scope the
claim must have, or "-" where the figure must not be a claim (conditions, rates, materiel).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from transforms.claims import extract_claims
from transforms.lexicon import load_table
from transforms.scope import figure_scope, window_scope

PUBLISHED = date(2025, 4, 30)
TABLE = Path(__file__).with_name("scope_cases.tsv")


def load_cases() -> list[dict]:
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


CASES = load_cases()


def claims_of(text: str) -> list[dict]:
    return extract_claims(text, [("body", 0, len(text))], PUBLISHED)


def test_the_case_table_is_large_and_covers_every_scope():
    """The table is the scope rules' specification: it must hold every scope and non-claims."""
    assert len(CASES) >= 60
    assert {row["scope"] for row in CASES} == {"total", "increment", "part", "planned", "-"}


@pytest.mark.parametrize("row", CASES, ids=[f"{i}:{row['figure']}" for i, row in enumerate(CASES)])
def test_scope_and_metric_of_each_passage(row):
    """Each figure gets the metric its own clause says and the scope its own words or time window say."""
    found = [c for c in claims_of(row["passage"]) if c["number_text"] == row["figure"]]
    if row["metric"] == "-":
        assert found == [], f"{row['figure']!r} must not be a claim: {found}"
        return
    assert len(found) == 1, [(c["number_text"], c["metric"]) for c in claims_of(row["passage"])]
    assert (found[0]["metric"], found[0]["scope"]) == (row["metric"], row["scope"]), found[0]


def test_scope_text_holds_the_deciding_words():
    """`troopledger explain` shows scope_text: it must be the words that decided, as written."""
    assert claims_of("Pyongyang plans to deploy another 6,000 troops.")[0]["scope_text"] == "plans to deploy"
    assert claims_of("North Korea sent 1,000 sappers to Kursk.")[0]["scope_text"] == "sappers"
    assert claims_of("North Korea sent 3,000 more troops.")[0]["scope_text"] == "more"
    windowed = claims_of("About 50 North Korean soldiers were killed last week, Kyiv said.")[0]
    assert windowed["scope"] == "increment" and windowed["scope_text"] == windowed["period_text"] == "last week"
    assert claims_of("North Korea has sent 11,000 troops to Russia.")[0]["scope_text"] is None


def test_planned_wins_over_part_and_part_over_increment():
    """The contract's precedence: planned, part, increment, total."""
    sentence = "North Korea will send another 6,000 military builders."
    number = (sentence.index("6,000"), sentence.index("6,000") + 5)
    noun = (sentence.index("military builders"), len(sentence) - 1)
    assert figure_scope(sentence, number, noun, None, "troops_deployed") == ("planned", "will send")
    sentence = "North Korea sent another 1,000 sappers."
    number = (sentence.index("1,000"), sentence.index("1,000") + 5)
    noun = (sentence.index("sappers"), len(sentence) - 1)
    assert figure_scope(sentence, number, noun, None, "troops_deployed") == ("part", "sappers")


def test_more_and_another_add_only_to_deployments():
    """"300 killed and 2,700 more wounded" names a second metric, not an increment of a running count."""
    sentence = "About 300 were killed and 2,700 more wounded."
    number = (sentence.index("2,700"), sentence.index("2,700") + 5)
    assert figure_scope(sentence, number, None, None, "wounded") == ("total", None)
    assert figure_scope(sentence, number, None, None, "troops_deployed") == ("increment", "more")


def test_a_window_that_opens_with_the_deployment_counts_all_of_it():
    """"sent in 2024" or "since October 2024" is the whole deployment; "in January" is a window."""
    sentence = "North Korea sent 11,000 troops in 2024."
    number = (sentence.index("11,000"), sentence.index("11,000") + 6)
    assert window_scope(sentence, number, date(2024, 1, 1), date(2024, 12, 31), "in 2024") is None
    sentence = "North Korea sent 3,000 troops in January."
    number = (sentence.index("3,000"), sentence.index("3,000") + 5)
    assert window_scope(sentence, number, date(2025, 1, 1), date(2025, 1, 31), "in January") == ("increment", "in January")


def test_time_words_before_the_figure_date_a_statement_not_a_window():
    """"said on Monday that about 300 were killed": Monday is when it was said, the 300 a running count."""
    sentence = "The lawmaker said after a briefing on Monday that about 300 were killed."
    number = (sentence.index("about 300"), sentence.index("about 300") + 9)
    assert window_scope(sentence, number, date(2025, 4, 28), date(2025, 4, 28), "on Monday") is None


def test_running_count_words_veto_a_window_unless_they_are_the_window():
    """"so far" keeps a figure a total; "since the start of the year" is itself a window."""
    sentence = "Some 2,000 were killed in January, so far the worst month."
    number = (sentence.index("Some 2,000"), sentence.index("Some 2,000") + 10)
    assert window_scope(sentence, number, date(2025, 1, 1), date(2025, 1, 31), "in January", "so far") is None
    sentence = "Losses came to 2,000 since the start of the year."
    number = (sentence.index("2,000"), sentence.index("2,000") + 5)
    assert window_scope(sentence, number, date(2025, 1, 1), date(2025, 4, 30), "since the start of the year",
                        "since") == ("increment", "since the start of the year")


def test_scope_cue_table_rows_are_well_formed():
    """A mistyped scope or side in the table would silently never apply."""
    for row in load_table("scope_cues"):
        assert row["scope"] in {"total", "increment", "part", "planned", "sum"}, row
        assert row["side"] in {"before", "after", "next", "noun", "lead", "clause", "definite", "window", "either"}, row
        assert row["side"] not in {"before", "after", "next", "definite", "either"} or row["reach"].isdigit(), row


def test_every_scope_phrase_has_one_row():
    """The matcher keeps one meaning per phrase: a second row for a phrase would silently replace the first."""
    phrases = [row["phrase"].lower() for row in load_table("scope_cues")]
    assert len(phrases) == len(set(phrases))


def test_a_headline_figure_takes_the_scope_the_body_gives_it():
    """"White House: more than 1,000 casualties" has no words of a window; the body's "in the past week
    alone" says what the same figure counts, so the headline mention is an increment too."""
    headline = "White House: more than 1,000 North Korean casualties in Kursk"
    body = "Over 1,000 North Korean soldiers were killed or wounded in the past week alone, Kirby said."
    text = headline + "\n\n" + body
    sections = [("headline", 0, len(headline)), ("body", len(headline) + 2, len(text))]
    found = {c["section"]: c for c in extract_claims(text, sections, PUBLISHED)}
    assert found["body"]["scope"] == found["headline"]["scope"] == "increment"
    assert found["headline"]["scope_text"] == found["body"]["scope_text"]


def test_a_figure_that_refers_back_takes_the_scope_of_the_one_it_repeats():
    """"The nine fallen soldiers" names the nine engineers of one unit given before: a part, as they
    are; a figure without a definite word before it stays a total."""
    text = ("Kim said nine soldiers of the engineering unit were killed during the mission. "
            "The nine fallen soldiers were given the state's highest honour. "
            "Separately, nine soldiers were killed in all, the outlet said.")
    first, restated, other = claims_of(text)
    assert first["scope"] == restated["scope"] == "part"
    assert restated["scope_text"] == first["scope_text"]
    assert other["scope"] == "total"


def test_losses_since_the_fighting_began_are_all_losses():
    """A "since" window opening when North Korean units entered combat counts every loss: a total."""
    sentence = "They have suffered several hundred casualties since early December."
    number = (sentence.index("several hundred"), sentence.index("several hundred") + 15)
    window = (date(2024, 12, 1), date(2025, 4, 30), "since early December")
    assert window_scope(sentence, number, *window, "since", "casualties") is None
    assert window_scope(sentence, number, *window, "since", "troops_deployed") == ("increment", "since early December")
