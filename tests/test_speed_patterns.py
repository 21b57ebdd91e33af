"""The fast pattern helpers find exactly what the plain patterns they stand in for find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transforms import numbers, periods
from transforms.attributions import claimant_matcher, cue_matcher
from transforms.claims import metric_matcher, noun_matcher, subject_matcher
from transforms.lexicon import load_table
from transforms.phrase_matcher import (PhraseMatcher, StartFinder, escaped, first_character_starts_pattern, starts_pattern,
                                       trie_pattern)

WORDS = ["a", "an", "ten", "tens", "thousand", "thousands", "two", "t.x", "k", "s"]
TEXTS = [
    "A ten-man team; an estimated TWO thousand, tens of Thousands, t.x 11k",
    "Tens \u212a s \u017f ten\u0301 an\u00e9 tw\u00f6 \u0130 \u00e9 THOUSANDS",  # Kelvin sign, long s: case folds
    "", "a", "tenth tense twofold",
]

TABLE_PHRASES = [row["phrase"] for row in load_table("metric_words")] + [row["alias"] for row in load_table("claimant_aliases")]
# Table phrases in sentences, as written, in capitals and in title case.
PHRASE_TEXTS = [f"Officials said {p}, then {p.upper()} and {p.title()} -{p}." for p in TABLE_PHRASES]
NUMBER_TEXTS = [f"{text} / {text.upper()} / {text.title()}" for text in
                (line.split("\t")[0] for line in (Path(__file__).parent / "number_phrases.tsv").read_text().splitlines()[1:])
                if text.isascii()]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_trie_matches_what_the_alternation_matches(text, flags):
    alternation = re.compile(r"\b(?:" + "|".join(map(re.escape, WORDS)) + r")\b", flags)
    trie = re.compile(r"\b(?:" + trie_pattern(map(escaped, WORDS)) + r")\b", flags)
    places = [(p, e) for p in range(len(text) + 1) for e in range(p, len(text) + 1)]
    assert [bool(alternation.fullmatch(text, p, e)) for p, e in places] == [bool(trie.fullmatch(text, p, e)) for p, e in places]


@pytest.mark.parametrize("text", TEXTS + [t.upper() for t in TEXTS] + [t.swapcase() for t in TEXTS])
def test_start_finder_finds_the_places_of_its_case_insensitive_pattern(text):
    finder = StartFinder(starts_pattern, ["Ten", "two thousand", "t.x", "an"], folded=True)
    expected = [m.start() for m in finder.pattern.finditer(text)]
    assert list(finder.positions(text)) == expected
    assert finder.search(text) == (expected[0] if expected else None)


def test_start_finder_keeps_non_ascii_words_case_insensitive():
    finder = StartFinder(starts_pattern, ["\u212aorea"], folded=True)  # Kelvin sign: folds to k
    assert finder.lowered is None
    assert list(finder.positions("North korea")) == [6]


def test_phrase_matcher_still_prefers_the_longest_phrase():
    matcher = PhraseMatcher([("killed", "killed", False), ("killed or wounded", "casualties", False),
                             ("were killed", "killed", False), ("US", "US", True)])
    found = matcher.find("Some 300 were killed or wounded, US officials said; us too.")
    assert [(m.text, m.value) for m in found] == [("killed or wounded", "casualties"), ("US", "US")]


@pytest.mark.parametrize("text", NUMBER_TEXTS)
def test_the_lowered_number_pattern_reads_lowered_text_as_the_case_insensitive_one_reads_it(text):
    lowered = text.lower()
    for position in range(len(text)):
        plain, fast = numbers._CORE.match(text, position), numbers._CORE_LOWERED.match(lowered, position)
        assert (plain and plain.span()) == (fast and fast.span())


@pytest.mark.parametrize("make", [metric_matcher, noun_matcher, subject_matcher, claimant_matcher, cue_matcher])
def test_phrase_matchers_find_in_lowered_text_what_they_find_case_insensitively(make):
    fast = make()
    assert fast.folded_lowered is not None
    plain = PhraseMatcher.__new__(PhraseMatcher)
    plain.__dict__.update(fast.__dict__, folded_lowered=None)
    for text in PHRASE_TEXTS:
        assert fast.find(text) == plain.find(text)


@pytest.mark.parametrize("phrases", [
    ["US", "U.S.", "A B", "Ka-52", "Kim's", "K", "$X", "(N)"],
    ["US", "'Tis", "-X"],  # phrases opening with an apostrophe or a hyphen: the plain pattern
    [row["alias"] for row in load_table("claimant_aliases") if row["case"] == "exact"],
])
def test_first_character_starts_pattern_finds_the_places_of_starts_pattern(phrases):
    plain, fast = re.compile(starts_pattern(phrases)), re.compile(first_character_starts_pattern(phrases))
    texts = ["US-K U.S. (N) $X A  B Ka\u201052 Kim\u2019s KK K_ -US xUS", "K", "", "US\nUS", "UK, NIS, DPRK and HUR"]
    for text in texts + [" ".join(phrases)] + PHRASE_TEXTS:
        assert [m.start() for m in fast.finditer(text)] == [m.start() for m in plain.finditer(text)]


def table_texts(name: str) -> list[str]:
    rows = (Path(__file__).parent / name).read_text(encoding="utf-8").splitlines()[1:]
    texts = [row.split("\t")[0] for row in rows if row.strip()]
    return texts + [text.upper() for text in texts] + [text.lower() for text in texts]


def test_number_starts_include_every_place_a_number_is_read():
    """The start finder skips "a" and "several" before words that continue no number: it must still
    stop wherever the number pattern reads a number ("a dozen", "a few hundred", "several thousand")."""
    texts = table_texts("number_phrases.tsv") + ["a dozen, a-hundred, a few hundred, several thousand and a half million; a soldier"]
    for text in texts:
        starts = set(numbers._CORE_START.positions(text))
        for position in range(len(text)):
            match = numbers._CORE.match(text, position)
            if match is not None and numbers._core_from(match) is not None:
                assert position in starts, (text, position)


def test_range_starts_include_every_place_a_range_is_read():
    """Ranges are tried only at digits before a dash or joiner and at "the" before a length: every
    place the range pattern matches must still be among them."""
    texts = table_texts("time_expressions.tsv") + table_texts("figure_periods.tsv") + [
        "from 9-11 December, 9 and 10 Dec., on 3rd - 5th March, the seven days to Sunday, the week ending Jan. 12"]
    for text in texts:
        starts = set(periods._RANGE_START.positions(text))
        for position in range(len(text)):
            if periods._RANGE.match(text, position) is not None:
                assert position in starts, (text, position)
