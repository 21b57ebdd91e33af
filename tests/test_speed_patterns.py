"""The fast pattern helpers find exactly what the plain patterns they stand in for find."""

from __future__ import annotations

import re

import pytest

from transforms.phrase_matcher import PhraseMatcher, StartFinder, escaped, starts_pattern, trie_pattern

WORDS = ["a", "an", "ten", "tens", "thousand", "thousands", "two", "t.x", "k", "s"]
TEXTS = [
    "A ten-man team; an estimated TWO thousand, tens of Thousands, t.x 11k",
    "Tens \u212a s \u017f ten\u0301 an\u00e9 tw\u00f6 \u0130 \u00e9 THOUSANDS",  # Kelvin sign, long s: case folds
    "", "a", "tenth tense twofold",
]


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
