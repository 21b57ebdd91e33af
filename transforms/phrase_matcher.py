"""Find the phrases of a word table in text: longest match first, whole words only."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass


# not frozen (never changed after it is made): a frozen dataclass sets each field through object.__setattr__, slowly
@dataclass(slots=True, unsafe_hash=True)
class Match:
    start: int
    end: int
    text: str
    value: str  # what the table says the phrase means (a code, a metric...)


class PhraseMatcher:
    """Matches table phrases case-insensitively, except phrases the table marks `exact` (acronyms like "US")."""

    def __init__(self, rows: list[tuple[str, str, bool]]):
        self.values: dict[tuple[str, bool], str] = {}
        folded, exact = [], []
        for phrase, value, is_exact in rows:
            (exact if is_exact else folded).append(phrase)
            self.values[(canonical(phrase, is_exact), is_exact)] = value
        self.folded = self.compile(folded, re.IGNORECASE)
        self.exact = self.compile(exact, 0)
        self.folded_starts = StartFinder(starts_pattern, folded, folded=True) if folded else None
        self.exact_starts = StartFinder(first_character_starts_pattern, exact, folded=False) if exact else None
        # In ASCII text the folded phrases are matched in lowered text, case-sensitively (see StartFinder).
        lowered_is_same = all(phrase.isascii() for phrase in folded)
        self.folded_lowered = self.compile([p.lower() for p in folded], 0) if folded and lowered_is_same else None
        # A match written as its table phrase (in lowered text) needs no `canonical` form to find
        # its value: the form only reconciles other spacings, hyphens and apostrophes.
        self.lowered_values = {p.lower(): self.values[(canonical(p, False), False)] for p in folded} if lowered_is_same else {}

    @staticmethod
    def compile(phrases: list[str], flags: int) -> re.Pattern | None:
        if not phrases:
            return None
        ordered = sorted(set(phrases), key=len, reverse=True)
        body = "|".join(flexible(p) for p in ordered)
        # A lookahead finds the longest phrase at every position, overlapping ones included,
        # so that "killed or wounded" is seen beside "were killed".
        return re.compile(rf"(?<![\w-])(?=((?:{body})(?![\w])))", flags)

    def find(self, text: str) -> list[Match]:
        found: list[Match] = []
        if self.folded is not None:
            if self.folded_lowered is not None and text.isascii():
                lowered = text.lower()
                self.add_matches(found, text, lowered, self.folded_lowered, self.folded_starts.lowered.finditer(lowered), False,
                                 self.lowered_values)
            else:
                self.add_matches(found, text, text, self.folded, self.folded_starts.pattern.finditer(text), False)
        if self.exact is not None:
            folded = len(found)
            self.add_matches(found, text, text, self.exact, self.exact_starts.pattern.finditer(text), True)
            if 0 < folded < len(found):
                found.sort(key=start_of)  # each pattern's matches come in order; both together may not
        return remove_overlaps(found)

    def add_matches(self, found: list[Match], text: str, searched: str, pattern: re.Pattern,
                    starts: Iterator[re.Match], is_exact: bool, known: dict[str, str] | None = None) -> None:
        """The longest phrase at each start, read in `searched` (text or its lowered copy) and
        reported in `text`'s own letters. `known`: values by phrase as written in `searched`."""
        for start in starts:
            m = pattern.match(searched, start.start())
            begin, end = m.span(1)
            written = text[begin:end]
            value = known.get(searched[begin:end]) if known else None
            if value is None:
                value = self.values.get((canonical(written, is_exact), is_exact), "")
            found.append(Match(begin, end, written, value))


def starts_pattern(phrases: list[str]) -> str:
    """Where `PhraseMatcher.compile`'s pattern matches, found faster: the same phrases as a trie.
    Which phrase a trie prefers is not the longest, so the span is then read with that pattern."""
    return rf"(?<![\w-])(?=(?:{trie_pattern(map(flexible_pieces, set(phrases)))})(?![\w]))"


def first_character_starts_pattern(phrases: list[str]) -> str:
    """`starts_pattern` led by a class of the phrases' first characters, for case-sensitive
    phrases: re skips fast to such a class, and the capitals exact phrases start with ("NIS",
    "KIA") are rare in text, where the lookbehind of `starts_pattern` is tried at every position.
    The class consumes the first character; the rest of each phrase is read after a lookbehind
    for its own first character."""
    unique = sorted(set(phrases))
    words = [flexible_pieces(phrase) for phrase in unique]
    if not all(word[0] == re.escape(phrase[0]) for word, phrase in zip(words, unique)):
        return starts_pattern(phrases)  # a phrase opens with a space, apostrophe or hyphen
    first_characters = "".join(sorted({word[0] for word in words}))
    rest = trie_pattern([rf"(?<={word[0]})", *word[1:]] for word in words)
    return rf"[{first_characters}](?<![\w-].)(?=(?:{rest})(?![\w]))"


class StartFinder:
    """Where a pattern made of words matches, case-insensitively (`folded`) or not.

    Matching case-insensitively, re folds each character it compares. In ASCII text the same
    places are found by lowering the text and matching the lowered words case-sensitively (ASCII
    letters fold one to one), more than twice as fast. `make` builds the regex from the words and
    adds no letters of its own."""

    def __init__(self, make: Callable[[list[str]], str], words: list[str], folded: bool):
        self.pattern = re.compile(make(words), re.IGNORECASE if folded else 0)
        lowered_is_same = folded and all(word.isascii() for word in words)
        self.lowered = re.compile(make([word.lower() for word in words])) if lowered_is_same else None

    def search(self, text: str, position: int = 0) -> int | None:
        """The first place at or after position where the pattern matches."""
        if self.lowered is not None and text.isascii():
            found = self.lowered.search(text.lower(), position)
        else:
            found = self.pattern.search(text, position)
        return None if found is None else found.start()

    def positions(self, text: str) -> Iterator[int]:
        """Every place where the pattern matches, in order."""
        if self.lowered is not None and text.isascii():
            return (found.start() for found in self.lowered.finditer(text.lower()))
        return (found.start() for found in self.pattern.finditer(text))


def flexible(phrase: str) -> str:
    """A phrase's regex: any run of spaces for a space, either apostrophe, optional hyphens."""
    return "".join(flexible_pieces(phrase))


def flexible_pieces(phrase: str) -> list[str]:
    """`flexible` in pieces, one a character, for a trie."""
    special = {" ": r"\s+", "'": "['\u2019]", "-": r"[-\u2010\u2011 ]?"}
    return [special.get(character) or re.escape(character) for character in phrase]


SPACES_AND_HYPHENS = re.compile(r"[\s\-\u2010\u2011]+")


def canonical(text: str, is_exact: bool) -> str:
    """The form a phrase and its matches share: no spaces or hyphens, one apostrophe."""
    text = SPACES_AND_HYPHENS.sub("", text.replace("\u2019", "'"))
    return text if is_exact else text.casefold()  # re.IGNORECASE matches "ſ" as "s"


def start_of(match: Match) -> int:
    return match.start


def remove_overlaps(by_start: list[Match]) -> list[Match]:
    """Keep the longest of matches (given in order of position) that overlap, in order of position."""
    if len(by_start) < 2 or all(earlier.end <= later.start for earlier, later in zip(by_start, by_start[1:])):
        return by_start  # nothing overlaps (the common case): all are kept
    kept: list[Match] = []
    for m in sorted(by_start, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=start_of)


def trie_pattern(words: Iterable[Sequence[str]]) -> str:
    """A regex matching any of words, written as a trie ("t(?:en|wo)"): Python's re tries an
    alternation's branches one after another, a trie reads each character once. A word is a
    sequence of regex pieces (see `escaped`). It matches what the alternation of the words
    matches, but which word wins when several match at one place is not the alternation's."""
    root: dict = {}
    for word in words:
        node = root
        for piece in word:
            node = node.setdefault(piece, {})
        node[""] = {}  # a word ends here
    return _trie_node(root)


def escaped(word: str) -> list[str]:
    """A literal word as trie pieces, one escaped character each."""
    return [re.escape(character) for character in word]


def _trie_node(node: dict) -> str:
    branches = [piece + _trie_node(child) for piece, child in sorted(node.items()) if piece]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word may end here, or go on
        body = ("(?:" + body + ")" if len(branches) == 1 else body) + "?"
    return body
