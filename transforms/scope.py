"""A figure's scope (contract: Scope): what it counts against the whole deployment.

`total` the running count (the default), `increment` a count over a window shorter than the
deployment or added to it ("3,000 more", "another 6,000", "killed last week alone"), `part` a
subset of the force by kind or place ("1,000 sappers", "nearly 8,000 still fighting"),
`planned` announced but not yet done ("will send 6,000"). Where several fit, the first in the
order planned, part, increment, total wins. The deciding words come from
`lexicon/scope_cues.tsv`; a time window from the period the figure already has.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache, lru_cache
from typing import NamedTuple

from transforms.lexicon import load_table
from transforms.phrase_matcher import PhraseMatcher

TOTAL, INCREMENT, PART, PLANNED = "total", "increment", "part", "planned"
# Words naming the figure as the running count itself ("bringing the total to 3,000"): a total that
# increment words elsewhere in its clause do not fit ("another 1,500 joined the first group, bringing ...").
SUM = "sum"
DEPLOYED = "troops_deployed"
PRECEDENCE = (PLANNED, PART, SUM, INCREMENT)
# What ends a figure's clause: its scope words stand inside it ("sent 11,000, and will send 6,000 more").
# A comma between digits is a thousands separator ("11,000"), not a break.
# "and" is no break: it joins objects of one verb ("agreed to send 1,000 sappers and 5,000 builders")
# and metric words ("killed and wounded last week alone").
# Found with one character class (fast) and filtered in clause_breaks: a comma between digits
# ("11,000") or a hyphen inside a word ("Russia-Ukraine") is no break.
CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013-]")
# Time words that open the sentence or a line and are set off by a comma or colon govern all of it.
SENTENCE_OPENER = re.compile(r"(?:\s+alone)?\s*[,:]")
WORD = re.compile(r"[\w'\u2019]+")
# A figure named as a subset of a known whole: "the 8,000 now in Kursk", "Of the 11,000, 8,000 ...".
# ("8,000 of them are now in Russia" is not: "them" is often the whole force.)
SUBSET_BEFORE = re.compile(r"(?:\bthe\s+|\bof\s+(?:the|these|those|its|their)\b(?:[^,;.]|(?<=\d)[,.](?=\d)){0,60},\s*)$",
                           re.IGNORECASE)
# "8,000 of the 10,000 are at the border": the 10,000 is the whole a share is taken from, not a subset.
WHOLE_OF_SHARE = re.compile(r"\d\s+of\s+the\s+$", re.IGNORECASE)


@cache
def cue_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["phrase"], f"{r['scope']}|{r['side']}|{r['reach'] or 0}|{r['metric']}", False)
                          for r in load_table("scope_cues")])


@cache
def deployment_date(event: str) -> date:
    """deployment_start: a time window that opens by this day counts the whole deployment ("sent in
    2024"); combat_start: a "since" window that opens by this day counts all losses ("since early December")."""
    row = next(r for r in load_table("deployment_dates") if r["event"] == event)
    return date.fromisoformat(row["date"])


def deployment_start() -> date:
    return deployment_date("deployment_start")


def clause_cues(sentence: str, start: int, end: int) -> list[tuple[int, int, str, str, str, int, str]]:
    """The scope words of one clause, sentence[start:end] (a figure's scope words stand in it), as (start,
    end, text, scope, side, reach, metric). Only the clause is read: no scope phrase holds a clause break,
    so none crosses the clause's bounds."""
    found = []
    for cue in cue_matcher().find(sentence[start:end]):
        scope, side, reach, metric = cue.value.split("|")
        found.append((start + cue.start, start + cue.end, cue.text, scope, side, int(reach), metric))
    return found


@lru_cache(maxsize=64)
def clause_breaks(sentence: str) -> tuple[tuple[int, int], ...]:
    breaks = []
    for mark in CLAUSE_BREAK.finditer(sentence):
        at = mark.start()
        before, after = sentence[at - 1:at], sentence[at + 1:at + 2]
        if mark.group() == "," and before.isdigit() and after.isdigit():
            continue
        if mark.group() == "-" and not (before.isspace() and after.isspace()):
            continue
        breaks.append((at, at + 1))
    return tuple(breaks)


def clause_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding text[start:end]: from the last break before it to the first after it."""
    clause_start, clause_end = 0, len(sentence)
    for break_start, break_end in clause_breaks(sentence):
        if break_end <= start:
            clause_start = break_end
        elif break_start >= end:
            clause_end = break_start
            break
    return clause_start, clause_end


def words_between(sentence: str, start: int, end: int) -> int:
    return len(WORD.findall(sentence[start:end])) if end > start else 0


class Span(NamedTuple):
    start: int
    end: int


def cue_applies(sentence: str, cue: Span, side: str, reach: int, figure: tuple[int, int],
                noun: tuple[int, int] | None, clause: tuple[int, int]) -> bool:
    """Whether a scope word (anything with start and end) stands where its table row says, against the figure."""
    number_start, number_end = figure
    if cue.start < clause[0] or cue.end > clause[1] or (cue.start < number_end and cue.end > number_start):
        return False
    if side == "clause":
        return True
    if side == "lead":
        return cue.end <= number_start
    if side == "either" and cue.end <= number_start:
        return True  # as "lead"; after the figure, as "after" ("the 12,000 it has decided to send")
    if side == "before":
        return cue.end <= number_start and words_between(sentence, cue.end, number_start) <= reach
    if side == "noun":
        return noun is not None and number_end <= cue.start and cue.end <= noun[1] and cue.end >= noun[0]
    if side == "next" and cue.end <= number_start:
        return words_between(sentence, cue.end, number_start) <= reach
    if side in ("after", "definite", "next", "either"):
        if cue.start < number_end or words_between(sentence, number_end, cue.start) > reach:
            return False
        return side != "definite" or is_named_subset(sentence, figure)
    return False


def is_named_subset(sentence: str, figure: tuple[int, int]) -> bool:
    return SUBSET_BEFORE.search(sentence[max(0, figure[0] - 80):figure[0]]) is not None


@cache
def window_words() -> tuple[str, ...]:
    return tuple(r["phrase"].lower() for r in load_table("scope_cues") if r["side"] == "window")


def window_mark(sentence: str, end: int) -> int | None:
    """Where a word marking time words as a window ("last week alone") ends, if one follows `end`."""
    rest = sentence[end:end + 20]
    stripped = rest.lstrip().lower()
    for word in window_words():
        if stripped.startswith(word) and not stripped[len(word):len(word) + 1].isalnum():
            return end + len(rest) - len(stripped) + len(word)
    return None


def figure_scope(sentence: str, number: tuple[int, int], noun: tuple[int, int] | None = None,
                 predicate: tuple[int, int] | None = None, metric: str | None = None) -> tuple[str, str | None]:
    """(scope, the words that decided it) of the figure at sentence[number[0]:number[1]], from the
    scope words of its clause. `noun` is the span of the noun it counts, `predicate` that of its
    metric words: the clause reaches far enough to hold both ("plans to deploy another 6,000").
    A `total` with words ("since", "so far") is a running count that no time window makes an increment."""
    low, high = number
    for span in (noun, predicate):
        if span is not None:
            low, high = min(low, span[0]), max(high, span[1])
    clause = clause_span(sentence, low, high)
    cues = clause_cues(sentence, *clause)
    if not cues:
        return TOTAL, None  # the common case
    found: dict[str, str] = {}
    # the whole of a share ("8,000 of the 10,000 are at the border"): the words after it are the share's
    whole = WHOLE_OF_SHARE.search(sentence, max(0, number[0] - 20), number[0]) is not None
    for start, end, text, scope, side, reach, only_metric in cues:
        if (only_metric and only_metric != metric) or scope in found or (whole and start >= number[1] and side != "noun"):
            continue
        if cue_applies(sentence, Span(start, end), side, reach, number, noun, clause):
            found[scope] = text
    for scope in PRECEDENCE:
        if scope in found:
            return (TOTAL if scope == SUM else scope), found[scope]
    return TOTAL, found.get(TOTAL)


def window_scope(sentence: str, number: tuple[int, int], period_start: date | None, period_end: date | None,
                 period_text: str | None, running: str | None = None,
                 metric: str | None = None) -> tuple[str, str | None] | None:
    """A figure over a time window that opens after the deployment began ("in January and February",
    "last week") adds to the running count, if the window's words follow the figure in its clause
    ("killed over the weekend"), open the sentence or a line ("Over the past two months, ..., 1,200",
    "- Jan 2025: Ukraine captures two"), or are a "since" of the figure's own clause ("put losses since
    the start of the year at 2,000"). A window that opens by the deployment's start ("sent in 2024")
    counts all of it: None. Other time words before the figure in its clause mostly date a statement
    ("said on Monday that 300 ..."). `running` are words of a running count in the clause ("so far",
    "since it entered combat"): no window then, unless they are the window's own words."""
    own_words = bool(running) and bool(period_text) and running.lower() in period_text.lower()
    if running and not own_words:
        return None
    if not period_text or period_end is None or (period_start is not None and period_start <= deployment_start()):
        return None
    if own_words and metric != DEPLOYED and period_start is not None and period_start <= deployment_date("combat_start"):
        return None  # losses "since early December" are all losses: the fighting began then
    clause = clause_span(sentence, *number)
    after = sentence.find(period_text, number[1])
    marked = window_mark(sentence, after + len(period_text)) if number[1] <= after < clause[1] else None
    if marked is not None:
        return INCREMENT, sentence[after:marked]
    if period_start is None:
        return None
    if number[1] <= after < clause[1]:
        return INCREMENT, period_text
    before = sentence.rfind(period_text, 0, number[0])
    if before < 0:
        return None
    if own_words and before >= clause[0]:
        return INCREMENT, period_text
    if not WORD.search(sentence, 0, before) and SENTENCE_OPENER.match(sentence, before + len(period_text)):
        return INCREMENT, period_text
    return None
