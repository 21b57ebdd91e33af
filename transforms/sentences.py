"""Split text into sentences with their character spans."""

from __future__ import annotations

import re
from functools import cache

from transforms.lexicon import load_table

# A sentence ends at . ! ? (with closing quotes or brackets) before a space and a capital,
# digit or opening quote; a paragraph (a newline) always ends one.
END = re.compile(r"""[.!?]+['"\u2019\u201d)\]]*(?=\s+['"\u2018\u201c(\[]?[A-Z0-9])""")
LINE = re.compile(r"[^\n]+")
INITIALS = re.compile(r"(\w\.)+\w")  # "u.s", "e.g": a dot inside such a token ends no sentence
# The longest sentence kept whole, in characters. Real sentences stay far below it (the longest
# in the test corpora is about 300); text with no sentence ends (a dump of lower-case text, a page
# without punctuation) would otherwise make one sentence of a whole line, and the rules that read a
# sentence once per figure would cost its length squared or cubed: such a run is cut into pieces
# of at most this size, at a space where there is one.
MAX_SENTENCE = 1000


@cache
def abbreviations() -> frozenset[str]:
    return frozenset(row["abbreviation"].lower() for row in load_table("abbreviations"))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, stripped of surrounding white space, in order."""
    spans: list[tuple[int, int]] = []
    for line in LINE.finditer(text):
        start = line.start()
        # Searched within the line's bounds (endpos hides the text after it, as a copy would).
        for end_mark in END.finditer(text, line.start(), line.end()):
            cut = end_mark.end()
            if ends_with_abbreviation(text, start, end_mark.start()):
                continue
            add_span(spans, text, start, cut)
            start = cut
        add_span(spans, text, start, line.end())
    return spans


def ends_with_abbreviation(text: str, start: int, dot: int) -> bool:
    token = text[last_token_start(text, start, dot):dot].lower()
    if not token:
        return False
    return token in abbreviations() or len(token) == 1 or INITIALS.fullmatch(token) is not None


def last_token_start(text: str, start: int, end: int) -> int:
    """Where the run of word characters and dots that ends at `end` starts (a backward scan:
    a regex search for it would try every position of the sentence)."""
    position = end
    while position > start and (text[position - 1].isalnum() or text[position - 1] in "._"):
        position -= 1
    return position


def add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    start, end = stripped(text, start, end)
    while end - start > MAX_SENTENCE:
        cut = last_space_before(text, start, start + MAX_SENTENCE)
        spans.append(stripped(text, start, cut))
        start, end = stripped(text, cut, end)
    if end > start:
        spans.append((start, end))


def stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """The span less the white space around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def last_space_before(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long run that starts with a non-space at `start`: at the last white
    space before `limit` (so no word is cut), else at `limit` itself."""
    position = limit
    while position > start and not text[position].isspace():
        position -= 1
    return position if position > start else limit
