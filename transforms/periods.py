"""Time expressions in news text, and the period a figure covers.

`find_time_expressions` finds phrases such as "last month", "as of Jan. 13" or
"since October" with patterns built from the word tables in
`transforms/lexicon/time_*.tsv`, hands only the date-bearing core of each phrase
("Jan. 13", "October", "last month") to dateparser, and builds the span of days
the phrase means around the point dateparser returns. `figure_period` turns the
expression that governs a figure into `(period_start, period_end)` following the
Periods table of the lake contract (../shared/contract/lake.md).

Conventions beyond the contract's table (decisions, so the hidden set is read alike):
- A named month, date or weekday is the latest one on or before the reported date;
  "last Friday" and "last October" are strictly before it; a stretch still running
  on the reported date ends on it.
- "early / mid / late MONTH" is days 1-10 / 15 / 21-end; "the start / beginning of"
  reads as early and "the end of" as late, so "by the end of March" ends on the 31st;
  "at the end of October" is an as-of date like "by the end of" (time_leads).
- "on Saturday and Sunday", "on Jan. 13 and 14" are ranges, like "between ... and".
- "the seven days to Sunday", "the week ending Jan. 12" (time_span_ends): N units back from
  that date, the date included.
  For a year: early is January-April, mid May-August, late September-December.
- "N days / weeks ago" is that one day; "N months / years ago" is that calendar month.
- "the past N units" ends on the reported date and reaches N units back to the day
  ("the past three days": the 28th to the 30th; "the past two months" on April 15:
  February 16 to April 15); "the past N hours" starts on the day N hours before the
  reported date's midnight ("the past 24 hours" = the day before and the day itself).
  A span measured after a lead that measures (time_leads: measures) is the same:
  "killed in three days of fighting", "within 24 hours", "in a single week". "for" does
  not measure ("has ruled for 13 years" dates nothing).
- "over the weekend", "last weekend": the latest Saturday and Sunday before the reported
  date; "this weekend" may be the one running on it; "two weekends ago" the one before.
- Numbered blocks of a year or month (time_ordinals, time_fractions): "the first quarter"
  and "the second half" of the reported year unless "of last year / of 2024" says
  otherwise; "the first three months of the year", "the last week of March" (a month's
  last half or block takes its remaining days). Blocks of months, weeks or days need
  their "of ...": "the first year of the war" dates nothing. "the last N units" and "the
  last quarter" without "of ..." are rolling ("the past N units", a quarter = 3 months).
- Seasons come from the time_seasons table (dateparser reads none): "in the autumn" is
  the latest autumn begun by the reported date, "last autumn" the latest one over by
  then; "the winter of 2024" is December 2024 to February 2025.
- Not read: "Q1", "H2", "the first day of the offensive" (a block of an event, not a date).
- Vague stretches ("in recent weeks", "the past few months", "lately") are not time
  expressions: they give no period, so the figure stands as of the reported date.
- Future stretches ("next year", "later this month") are not time expressions.
- A bare month or year is read before an estimate word ("April's estimate of 600", "the agency's
  December count"): it dates that estimate. "from December, when the agency said 100": a stated
  "since" phrase stands as of its named start's last day (`named_last`).
- "October last year", "March this year": that month of the year before, or of the reported year.
- "that month", "the same day", "the following day" (time_references) refer back to the date named
  last before them, in their sentence or the one before (`referred_expression`; found in
  transforms/claims.py, `with_references`).
- Which time words govern which figure (own clause first, statements, openers) is decided in
  transforms/claims.py (`governing_time`).
- An undated document (reported None) resolves only phrases that carry their own year
  ("as of Jan. 13, 2025", "in March 2025", "between October and December 2024").
"""

from __future__ import annotations

import calendar
import re
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from dateutil.relativedelta import relativedelta

from transforms.lexicon import load_table
from transforms.phrase_matcher import StartFinder, escaped, trie_pattern

SPAN, AS_OF, SINCE = "span", "as_of", "since"


# not frozen (never changed after it is made): a frozen dataclass sets each field through object.__setattr__, slowly
@dataclass(slots=True, unsafe_hash=True)
class TimeExpression:
    start: int  # span of the phrase in the input text
    end: int
    text: str
    kind: str  # SPAN, AS_OF (only an end) or SINCE (a start, running to the reported date)
    first_day: date | None  # None for AS_OF, and where the phrase cannot be resolved
    last_day: date | None  # for SINCE: the reported date
    measured: bool = False  # a length back from the statement ("in three days"), not a date
    # for SINCE: the last day of the named start ("from December, when the agency said ..."), which
    # is the statement's date when the words date a statement
    named_last: date | None = None


# ---------------------------------------------------------------- word tables


def _lookup(table: str, key: str, value: str) -> dict[str, str]:
    """A word table as {lower-cased key: value}."""
    return {row[key].lower(): row[value] for row in load_table(table) if row[key]}


MONTHS = _lookup("time_months", "word", "month")
WEEKDAYS = _lookup("time_weekdays", "word", "weekday")
UNITS = _lookup("time_units", "word", "unit")
NUMBER_WORDS = _lookup("time_numbers", "word", "value")
DAY_WORDS = _lookup("time_words", "phrase", "days_back")
RELATIVE_WORDS = _lookup("time_relative", "phrase", "meaning")
PART_WORDS = _lookup("time_parts", "word", "part")
LEAD_WORDS = _lookup("time_leads", "phrase", "kind")
# leads that open a span measured back from the statement: "in three days", "over two weeks"
MEASURING_LEADS = frozenset(row["phrase"].lower() for row in load_table("time_leads") if row["measures"] == "yes")
ORDINALS = {word: int(position) for word, position in _lookup("time_ordinals", "word", "position").items()}
FRACTIONS = {word: int(months) for word, months in _lookup("time_fractions", "word", "months").items()}
SPAN_MODIFIERS = [row["word"].lower() for row in load_table("time_span_modifiers") if row["word"]]
SEASONS = {row["word"].lower(): (int(row["first_month"]), int(row["last_month"]))
           for row in load_table("time_seasons") if row["word"]}
RANGE_WORDS = _lookup("time_range_words", "word", "role")
STATEMENT_VERBS = [row["word"].lower() for row in load_table("time_statement_verbs") if row["word"]]
SINCE_OPENERS = [row["word"].lower() for row in load_table("time_since_openers") if row["word"]]
ESTIMATE_WORDS = [row["word"].lower() for row in load_table("time_statement_words") if row["kind"] == "estimate"]

Stretch = tuple[date, date]  # first and last day


def _alternation(words, case_sensitive_title: bool = False) -> str:
    """A regex alternation of the words, longest first, spaces matching any whitespace.

    Names (months, weekdays) match only capitalised or upper case, so that the verb
    "may" or "march" is not a month.
    """
    phrases = sorted(set(words), key=len, reverse=True)
    if case_sensitive_title:
        forms = sorted({form for word in phrases for form in (word.title(), word.upper())},
                       key=len, reverse=True)
        return "(?-i:" + "|".join(re.escape(form) for form in forms) + ")"
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + ")"


# a month name ends at a dot or a word's end, but not at a hyphen: "Mar-a-Lago"
_MONTH = _alternation(MONTHS, case_sensitive_title=True) + r"(?:\.(?!\d)|(?![\w-]))"
_WEEKDAY = _alternation(WEEKDAYS, case_sensitive_title=True) + r"(?![\w])"
_UNIT = _alternation(UNITS) + r"(?![\w])"
_YEAR_UNIT = _alternation(word for word, unit in UNITS.items() if unit == "year") + r"(?![\w])"
_NUMBER = r"(?:\d{1,3}(?![\d,])|" + _alternation(NUMBER_WORDS) + r"(?![\w-]))"
_DAY_OF_MONTH = r"(?<![\d,.])(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d])(?!,\d)"
_YEAR = r"(?<![\d,.])(?:19|20)\d{2}(?![\d])(?!,\d)"
_PART = r"(?:the\s+)?" + _alternation(PART_WORDS) + r"(?:\s+of\s+|\s*-\s*|\s+)"
_CURRENT = _alternation(p for p, m in RELATIVE_WORDS.items() if m == "current")
_PREVIOUS = _alternation(p for p, m in RELATIVE_WORDS.items() if m == "previous")
_ROLLING = _alternation(p for p, m in RELATIVE_WORDS.items() if m == "rolling")
_DAY_WORD = _alternation(DAY_WORDS) + r"(?![\w])"
# "the fall of Avdiivka" is no season: "of" may follow only with a year
_SEASON = _alternation(SEASONS) + rf"(?![\w])(?!\s+of\s+(?!{_YEAR}))"
_LEAD = _alternation(LEAD_WORDS)
_PART_WORD = re.compile(_alternation(PART_WORDS), re.IGNORECASE)
_ORDINAL = _alternation(ORDINALS) + r"(?![\w-])"
_FRACTION = _alternation(FRACTIONS) + r"(?![\w])"
_SPAN_MODIFIER = _alternation(SPAN_MODIFIERS)
_RANGE_OPENER = _alternation(w for w, role in RANGE_WORDS.items() if role == "opener")
_RANGE_JOINER = _alternation(w for w, role in RANGE_WORDS.items() if role == "joiner")
# "the seven days to Sunday", "the week ending Jan. 12"
_SPAN_END = _alternation(row["word"].lower() for row in load_table("time_span_ends") if row["word"])


def _day_month_date(tag: str) -> str:
    """"13 January 2025", "the 13th of January": day first."""
    t = tag + "_"
    return (rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<{t}dm_day>{_DAY_OF_MONTH})\s+(?:of\s+)?"
            rf"(?P<{t}dm_month>{_MONTH})(?:,?\s+(?P<{t}dm_year>{_YEAR}))?")


def _month_day_date(tag: str) -> str:
    """"Jan. 13", "Monday, January 13th, 2025": month first."""
    t = tag + "_"
    return (rf"(?:{_WEEKDAY},?\s+)?(?P<{t}md_month>{_MONTH})\s+(?P<{t}md_day>{_DAY_OF_MONTH})"
            rf"(?:,?\s+(?P<{t}md_year>{_YEAR}))?")


_THE_WORD = "the"


def _core(tag: str) -> str:
    """The date-bearing core of a time phrase; named groups are prefixed with `tag`."""
    t = tag + "_"
    return "(?:" + "|".join([
        rf"(?P<{t}iso>(?<![\d.])\d{{4}}-\d{{2}}-\d{{2}}(?![\d]))",
        rf"(?P<{t}day_word>{_DAY_WORD})",
        _day_month_date(tag),
        _month_day_date(tag),
        _ordinal_block(tag),
        rf"(?P<{t}ago_number>{_NUMBER})\s+(?P<{t}ago_unit>{_UNIT})\s+ago\b",
        rf"(?P<{t}rolling>{_ROLLING})\s+(?:(?P<{t}rolling_number>{_NUMBER})\s+)?(?P<{t}rolling_unit>{_UNIT})",
        rf"(?P<{t}part>{_PART})?(?:"
        rf"(?P<{t}month>{_MONTH})(?:,?\s+(?:of\s+)?(?P<{t}month_year>{_YEAR})"
        # "October last year", "March this year": the month of the year named relative to the statement
        rf"|\s+(?P<{t}month_relative>{_CURRENT}|{_PREVIOUS})\s+{_YEAR_UNIT})?"
        rf"|(?P<{t}year>{_YEAR})"
        rf"|(?:(?P<{t}season_word>{_CURRENT}|{_PREVIOUS}|the)\s+)?(?P<{t}season>{_SEASON})"
        rf"(?:,?\s+(?:of\s+)?(?P<{t}season_year>{_YEAR}))?"
        rf"|(?P<{t}previous_month_word>{_PREVIOUS})\s+(?P<{t}previous_month>{_MONTH})"
        rf"|(?P<{t}relative>{_CURRENT}|{_PREVIOUS}|the)\s+(?P<{t}relative_unit>{_UNIT})"
        rf"|(?:(?P<{t}weekday_word>{_PREVIOUS}|{_CURRENT})\s+)?(?P<{t}weekday>{_WEEKDAY})"
        ")",
        rf"(?P<{t}measured_number>{_NUMBER})\s+(?:{_SPAN_MODIFIER}\s+)?(?P<{t}measured_unit>{_UNIT})",
    ]) + ")"


def _ordinal_block(tag: str) -> str:
    """"the first quarter", "the first three months of the year", "the second half of last year",
    "the last week of March": a numbered block of a year or month."""
    t = tag + "_"
    return (rf"the\s+(?P<{t}ordinal>{_ORDINAL})\s+(?:(?P<{t}ordinal_number>{_NUMBER})\s+)?"
            rf"(?:(?P<{t}ordinal_fraction>{_FRACTION})|(?P<{t}ordinal_unit>{_UNIT}))"
            rf"(?:\s+of\s+(?:(?P<{t}of_year>{_YEAR})"
            rf"|(?P<{t}of_month>{_MONTH})(?:,?\s+(?P<{t}of_month_year>{_YEAR}))?"
            rf"|(?P<{t}of_relative>{_CURRENT}|{_PREVIOUS}|the)\s+(?P<{t}of_relative_unit>{_UNIT})))?")


_PLAIN = re.compile(rf"\b(?:(?P<lead>{_LEAD})\s+)?{_core('c')}", re.IGNORECASE)
_RANGE = re.compile(
    rf"\b{_RANGE_OPENER}\s+{_core('a')}\s+{_RANGE_JOINER}\s+"
    rf"(?:{_core('b')}|(?P<b_bare_day>{_DAY_OF_MONTH}))"
    rf"|\b(?:{_RANGE_OPENER}\s+)?{_month_day_date('d')}\s*[-\u2013]\s*(?P<d_bare_day>{_DAY_OF_MONTH})(?![-\u2013])"
    rf"|\b(?:{_RANGE_OPENER}\s+)?(?P<f_bare_day>{_DAY_OF_MONTH})"
    rf"(?:\s*[-\u2013]\s*|\s+{_RANGE_JOINER}\s+){_day_month_date('f')}"
    # "in the seven days to Sunday", "the week ending Jan. 12": a length up to a date
    rf"|\b(?:{_RANGE_OPENER}\s+)?{_THE_WORD}\s+(?:(?P<g_number>{_NUMBER})\s+)?(?P<g_unit>{_UNIT})"
    rf"\s+{_SPAN_END}\s+{_core('g')}",
    re.IGNORECASE,
)
# "since the deployment began in October 2024": the event between is skipped.
_SINCE_WORD = "since"
_SINCE_EVENT = re.compile(
    rf"\b{_SINCE_WORD}\s+{_alternation(SINCE_OPENERS)}\b[^.;:!?\n]{{0,60}}?\b(?:in|on)\s+{_core('e')}",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- where a phrase may start

# The patterns above start with \b and case-insensitive alternations, so re tries every
# one of their branches at every position of a sentence. Their first words (a digit or
# the first word of a table phrase) are found first, with one trie over the lowered text
# (StartFinder), and each pattern is matched only there.
_THE = "the"  # the word the patterns spell out themselves: "the past", "the 13th", "the end"


def _first_words(*tables) -> list[str]:
    return sorted({phrase.split()[0] for table in tables for phrase in table})


def _start_pattern(words: list[str], digit: bool = True) -> str:
    """A digit or any of words, whole where the word ends in a letter or digit (every
    pattern goes on with a space, a dot or a word's end after its first word)."""
    whole = trie_pattern(escaped(word) for word in words if word[-1].isalnum())
    others = [escaped(word) for word in words if not word[-1].isalnum()]
    return (r"\b(?:" + (r"\d|" if digit else "") + rf"(?:{whole})\b"
            + (f"|{trie_pattern(others)}" if others else "") + ")")


_PLAIN_START = StartFinder(_start_pattern, _first_words(
    LEAD_WORDS, DAY_WORDS, WEEKDAYS, MONTHS, NUMBER_WORDS, RELATIVE_WORDS, PART_WORDS, SEASONS, [_THE]),
    folded=True)


def _range_start_pattern(words: list[str]) -> str:
    """`_start_pattern` for ranges, less places where no range starts: a digit starts one only as a
    day before a dash or a joiner ("9-11 December", "9 and 10 December"), and "the" only before a
    length ("the seven days to Sunday"). Most digits and most "the" of a sentence are neither."""
    named = trie_pattern(escaped(word) for word in words if word != _THE)
    return (rf"\b(?:\d(?=\d?(?:st|nd|rd|th)?(?:\s*[-\u2013]|\s+{_RANGE_JOINER}\s))"
            rf"|{_THE}(?=\s+(?:{_NUMBER}\s+)?{_UNIT})|(?:{named})\b)")


_RANGE_START = StartFinder(_range_start_pattern, _first_words(
    [w for w, role in RANGE_WORDS.items() if role == "opener"], WEEKDAYS, MONTHS, [_THE]), folded=True)
_SINCE_EVENT_START = StartFinder(lambda words: _start_pattern(words, digit=False), [_SINCE_WORD], folded=True)

# Every core holds an anchor: a month or weekday name (capitalised or upper case, as the
# patterns match them), a unit ("weeks"), a season, a day word ("yesterday", "last night":
# its last word will do) or four digits (a year, an ISO date). So no phrase starts after a
# sentence's last anchor, and a sentence without one (most sentences with a figure) holds
# none. The last one is the first found in the text read backwards.
def _backwards(words) -> str:
    return trie_pattern(escaped(word[::-1]) for word in words)


_ANCHOR_NAMES = re.compile(_backwards(
    form for word in [*MONTHS, *WEEKDAYS] for form in (word.title(), word.upper())))
_ANCHOR_WORDS = StartFinder(_backwards, sorted(
    {*UNITS, *SEASONS, *FRACTIONS, *(phrase.split()[-1] for phrase in DAY_WORDS)}), folded=True)
_ANCHOR_DIGITS = re.compile(r"\d{4}")


def _last_anchor(text: str) -> int:
    """No phrase starts after this position of `text`: the last character of the anchor that
    ends last; -1 where there is no anchor."""
    backwards = text[::-1]
    names, digits = _ANCHOR_NAMES.search(backwards), _ANCHOR_DIGITS.search(backwards)
    found = [_ANCHOR_WORDS.search(backwards), names and names.start(), digits and digits.start()]
    found = [position for position in found if position is not None]
    return len(text) - 1 - min(found) if found else -1


def _matches(pattern: re.Pattern, starts: StartFinder, text: str, last_start: int):
    """What pattern.finditer(text) finds, trying the pattern only where `starts` says a
    match may start (a superset of where it can), up to `last_start`."""
    end = 0
    for start in starts.positions(text):
        if start > last_start:
            return
        if start < end:
            continue
        match = pattern.match(text, start)
        if match is not None:
            end = match.end()
            yield match


# ---------------------------------------------------------------- dateparser

# One parser for the whole process: a fresh parser pays ~5 ms on its first parse.
_PARSER = DateDataParser(
    languages=["en"],
    settings={"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
              "RELATIVE_BASE": datetime(2000, 1, 1)},
)
_PARSER_LOCK = threading.Lock()
# Base for phrases that carry their own year in an undated document: any date will do.
_NEUTRAL_BASE = date(2000, 1, 1)


@lru_cache(maxsize=8192)
def _parse_written_date(phrase: str) -> date | None:
    """The day dateparser reads in a written date that names its year ("Dec 9, 2024",
    "2024-12-09", "March 2024"); for a month, its first day (PREFER_DAY_OF_MONTH); None
    when it reads nothing. The reading needs no reported date, so it is cached per phrase:
    a parse costs about 3 ms and the same dates recur across a corpus."""
    with _PARSER_LOCK:
        data = _PARSER.get_date_data(phrase)
    return data.date_obj.date() if data.date_obj else None


def _read_written(month: str, day: str | None, year: str) -> date | None:
    """The date ("Dec 9" + year) or month ("Dec" + year) dateparser reads, `year` spelled
    ", 2024" or " 2024". A date is that day of the month dateparser reads without it: one
    parse serves all the days of a month, and tests/test_periods.py checks that dateparser
    reads the whole date alike. Where the month has no such day (Feb. 29, 2025) or dateparser
    reads no month, dateparser reads the whole date."""
    first = _parse_written_date(month + year)
    if day is None:
        return first
    if first is not None:
        try:
            return first.replace(day=int(day))
        except ValueError:
            pass
    return _parse_written_date(f"{month} {day}{year}")


def _latest_on_or_before(month: str, day: str | None, base: date) -> date | None:
    """A date or month written without its year ("Dec 9", "March"): the latest one on or
    before `base`, as dateparser's PREFER_DATES_FROM=past reads it; read with the year
    spelled out so that the parse is cached per year, not per reported date."""
    for year in range(base.year, base.year - 8, -1):  # eight years back reach a Feb. 29
        found = _read_written(month, day, f" {year}")
        if found is not None and found <= base:
            return found
    return None


def _days_back(base: date, number: int, unit: str) -> date:
    """The day of "N units ago" before `base` (midnight): the calendar arithmetic of dateparser's
    freshness parser, done directly because its result moves with every reported date
    (tests/test_periods.py checks that the two agree)."""
    if unit == "hour":
        return (datetime.combine(base, time()) - timedelta(hours=number)).date()
    if unit in ("day", "week"):
        return base - timedelta(days=number * (7 if unit == "week" else 1))
    return base - relativedelta(months=number * (12 if unit == "year" else 1))


# ---------------------------------------------------------------- stretches of days


def _month_days(day: date) -> Stretch:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _year_days(day: date) -> Stretch:
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _week_days(day: date) -> Stretch:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# Days of a month that "early", "mid" and "late" cover; None means the month's end.
_MONTH_PARTS = {"early": (1, 10), "mid": (15, 15), "late": (21, None)}
# Months of a year they cover.
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}


def _narrow(stretch: Stretch, grain: str, part: str | None) -> Stretch:
    """The early / mid / late part of a month or year; other parts leave it whole."""
    first, last = stretch
    if grain == "month" and part in _MONTH_PARTS:
        low, high = _MONTH_PARTS[part]
        return first.replace(day=low), (last if high is None else first.replace(day=high))
    if grain == "year" and part in _YEAR_PARTS:
        low, high = _YEAR_PARTS[part]
        return date(first.year, low, 1), _month_days(date(first.year, high, 1))[1]
    return stretch


# ---------------------------------------------------------------- reading a core


def _number(word: str | None) -> int:
    if not word:
        return 1
    word = _words(word)
    return int(word) if word.isdigit() else int(NUMBER_WORDS[word])


def _month_name(word: str) -> str:
    return word.rstrip(".")


def _core_groups(match: re.Match, tag: str) -> dict[str, str]:
    """The groups of one core of `match` that matched, without their tag prefix."""
    values = match.groups()
    return {name: values[index] for index, name in _TAGGED_GROUPS[tag] if values[index] is not None}


def _tagged_groups(pattern: re.Pattern, tag: str) -> tuple[tuple[int, str], ...]:
    """(index in match.groups(), name without the prefix) of the groups of one core."""
    prefix = tag + "_"
    return tuple((number - 1, name[len(prefix):]) for name, number in pattern.groupindex.items()
                 if name.startswith(prefix))


# A pattern holds a hundred named groups and a match sets a few: reading them by index
# beats filtering groupdict() by name (and a tag names one pattern's core).
_TAGGED_GROUPS = {tag: _tagged_groups(pattern, tag)
                  for pattern, tags in ((_PLAIN, "c"), (_RANGE, "abdfg"), (_SINCE_EVENT, "e")) for tag in tags}


def _words(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.lower())


def _has_year(core: dict[str, str]) -> bool:
    return any(name in core for name in ("iso", "dm_year", "md_year", "month_year", "year", "season_year",
                                         "of_year", "of_month_year"))


def _is_time_phrase(core: dict[str, str], lead: str | None) -> bool:
    """Whether a matched core names a stretch of time on its own.

    A bare month or year ("March", "2024") needs a lead or part word ("in March",
    "late 2024"): "March" and "2024" alone are too often something else. "the year"
    names a stretch only after a part word ("the start of the year").
    """
    if "measured_unit" in core:  # "in three days": only after a lead that measures
        return lead is not None and _words(lead) in MEASURING_LEADS
    if "ordinal" in core:
        return _is_ordinal_block(core)
    bare_month = "month" in core and "month_year" not in core and "month_relative" not in core
    bare_season = ("season" in core and "season_year" not in core
                   and core.get("season_word", "the").lower() == "the")
    if (bare_month or bare_season or "year" in core) and lead is None and "part" not in core:
        return False
    if "relative_unit" in core:
        if UNITS[core["relative_unit"].lower()] == "weekend":  # "over the weekend", "last weekend"
            return core["relative"].lower() != "the" or lead is not None
        if core["relative"].lower() == "the" and "part" not in core:
            return False
        return UNITS[core["relative_unit"].lower()] in ("week", "month", "year")
    return True


def _names_a_date(core: dict[str, str]) -> bool:
    """A bare month or year ("April", "2024"), which needs a lead or an estimate after it."""
    return set(core) <= {"month", "year", "month_year"} and bool(core)


def _has_container(core: dict[str, str]) -> bool:
    return any(name in core for name in ("of_year", "of_month", "of_relative"))


def _is_ordinal_block(core: dict[str, str]) -> bool:
    """"the first quarter" (of the reported year) and "the last two weeks" (the past two weeks)
    stand alone; "the first three months" must say of what ("of the year", "of 2024")."""
    if "of_relative_unit" in core and UNITS[core["of_relative_unit"].lower()] not in ("month", "year"):
        return False
    if ORDINALS[core["ordinal"].lower()] < 0 and not _has_container(core):
        return True  # "the last 48 hours", "the last quarter": rolling back from the statement
    if "ordinal_unit" in core and UNITS[core["ordinal_unit"].lower()] in ("hour", "weekend"):
        return False
    return _has_container(core) or "ordinal_fraction" in core


def _resolve_core(core: dict[str, str], base: date | None) -> Stretch | None:
    """The first and last day a core means, relative to `base` (the reported date)."""
    if base is None:
        if not _has_year(core):
            return None
        base = _NEUTRAL_BASE
    part = PART_WORDS[_PART_WORD.search(core["part"]).group(0).lower()] if "part" in core else None

    if "iso" in core:
        day = _parse_written_date(core["iso"])
        return (day, day) if day else None
    if "day_word" in core:
        day = _days_back(base, int(DAY_WORDS[_words(core["day_word"])]), "day")
        return day, day
    if "dm_day" in core:
        return _single_day(_month_name(core["dm_month"]), _day_digits(core["dm_day"]),
                           core.get("dm_year"), base)
    if "md_day" in core:
        return _single_day(_month_name(core["md_month"]), _day_digits(core["md_day"]),
                           core.get("md_year"), base)
    if "ordinal" in core:
        return _resolve_ordinal_block(core, base)
    if "measured_unit" in core:
        return _resolve_rolling(_number(core["measured_number"]), UNITS[core["measured_unit"].lower()], base)
    if "ago_unit" in core:
        return _resolve_ago(_number(core.get("ago_number")), UNITS[core["ago_unit"].lower()], base)
    if "rolling_unit" in core:
        return _resolve_rolling(_number(core.get("rolling_number")), UNITS[core["rolling_unit"].lower()], base)
    if "month" in core:
        return _resolve_month(_month_name(core["month"]), core.get("month_year") or _relative_year(core, base), base, part)
    if "year" in core:
        return _narrow(_year_days(date(int(core["year"]), 1, 1)), "year", part)
    if "previous_month" in core:
        # strictly before the reported month: "last October" in October is a year back
        before_this_month = base.replace(day=1) - timedelta(days=1)
        return _resolve_month(_month_name(core["previous_month"]), None, before_this_month, part)
    if "relative_unit" in core:
        return _resolve_relative(_words(core["relative"]), UNITS[core["relative_unit"].lower()], base, part)
    if "weekday" in core:
        return _resolve_weekday(core["weekday"], core.get("weekday_word"), base)
    if "season" in core:
        return _resolve_season(core["season"].lower(), core.get("season_word"), core.get("season_year"), base)
    return None


def _day_digits(day: str) -> str:
    """"9th" as dateparser reads it best: "9" (of "Dec 9")."""
    return re.sub(r"\D", "", day)


def _written_day(month: str, day: str | None, year: str | None, base: date) -> date | None:
    """A written date ("Dec 9") or month: in its own year, or the latest on or before `base`."""
    if year:
        return _read_written(month, day, f", {year}")
    return _latest_on_or_before(month, day, base)


def _single_day(month: str, day: str, year: str | None, base: date) -> Stretch | None:
    found = _written_day(month, day, year, base)
    return (found, found) if found else None


def _relative_year(core: dict[str, str], base: date) -> str | None:
    """The year of "October last year" (the year before the reported one) or "March this year"."""
    if "month_relative" not in core:
        return None
    previous = RELATIVE_WORDS.get(_words(core["month_relative"])) == "previous"
    return str(base.year - 1 if previous else base.year)


def _resolve_month(month: str, year: str | None, base: date, part: str | None) -> Stretch | None:
    day = _written_day(month, None, year, base)
    return _narrow(_month_days(day), "month", part) if day else None


def _resolve_ago(number: int, unit: str, base: date) -> Stretch:
    if unit == "weekend":  # "two weekends ago": the weekend before last
        return _weekend_days(base, strictly_before=True, weeks_back=number - 1)
    day = _days_back(base, number, unit)
    return _month_days(day) if unit in ("month", "year") else (day, day)


def _resolve_rolling(number: int, unit: str, base: date) -> Stretch:
    """"the past N units" and "in N units", ending on the reported date: N units back to the day
    ("the past two months" on April 30 starts on March 1, on April 15 on February 16)."""
    if unit == "weekend":  # "the past two weekends": from the Saturday of the earlier one
        return _weekend_days(base, strictly_before=True, weeks_back=number - 1)[0], base
    day = _days_back(base, number, unit)
    # "the past three days" holds three days: the reported one and the two before
    return (day if unit == "hour" else day + timedelta(days=1)), base


def _resolve_relative(word: str, unit: str, base: date, part: str | None) -> Stretch | None:
    """"this week", "last month", "earlier this year", "the start of the year"."""
    meaning = RELATIVE_WORDS.get(word)
    if unit == "weekend":  # "over the weekend", "last weekend": the latest one before the statement
        return _weekend_days(base, strictly_before=meaning != "current")
    if word == "the":
        if part is None:  # "the year" alone names no stretch
            return None
        meaning = "current"
    if unit not in ("week", "month", "year"):
        return None
    anchor = base if meaning == "current" else _days_back(base, 1, unit)
    stretch = {"week": _week_days, "month": _month_days, "year": _year_days}[unit](anchor)
    return _narrow(stretch, unit, part)


def _weekend_days(base: date, strictly_before: bool, weeks_back: int = 0) -> Stretch:
    """The latest Saturday and Sunday before `base` ("over the weekend"); with `strictly_before`
    False, a weekend running on `base` ("this weekend" said on a Sunday) counts."""
    saturday = base - timedelta(days=(base.weekday() - 5) % 7)
    if strictly_before and saturday == base:
        saturday -= timedelta(days=7)
    saturday -= timedelta(days=7 * weeks_back)
    return saturday, saturday + timedelta(days=1)


def _ordinal_container(core: dict[str, str], base: date) -> tuple[Stretch, str] | None:
    """The year or month an ordinal block numbers ("of last year", "of March 2024"), and its grain;
    without one, the reported year."""
    if "of_year" in core:
        return _year_days(date(int(core["of_year"]), 1, 1)), "year"
    if "of_month" in core:
        day = _written_day(_month_name(core["of_month"]), None, core.get("of_month_year"), base)
        return (_month_days(day), "month") if day else None
    if "of_relative" in core:
        unit = UNITS[core["of_relative_unit"].lower()]
        previous = RELATIVE_WORDS.get(_words(core["of_relative"])) == "previous"
        anchor = _days_back(base, 1, unit) if previous else base
        return (_year_days(anchor) if unit == "year" else _month_days(anchor)), unit
    return _year_days(base), "year"


def _resolve_ordinal_block(core: dict[str, str], base: date) -> Stretch | None:
    """"the first quarter", "the second half of last year", "the first three months of the year",
    "the last week of March": the position-th block of `number` units of its year or month, counted
    from the end for "last". "the last two weeks" with no year or month is "the past two weeks"."""
    position = ORDINALS[core["ordinal"].lower()]
    number = _number(core.get("ordinal_number"))
    if position < 0 and not _has_container(core):
        if "ordinal_fraction" in core:
            return _resolve_rolling(FRACTIONS[core["ordinal_fraction"].lower()] * number, "month", base)
        return _resolve_rolling(number, UNITS[core["ordinal_unit"].lower()], base)
    container = _ordinal_container(core, base)
    if container is None:
        return None
    (first, last), grain = container
    if "ordinal_fraction" in core or UNITS[core["ordinal_unit"].lower()] in ("month", "year"):
        months = number * (FRACTIONS[core["ordinal_fraction"].lower()] if "ordinal_fraction" in core
                           else 12 if UNITS[core["ordinal_unit"].lower()] == "year" else 1)
        if grain == "year":
            return _month_block(first, months, position)
        size = (last.day * months) // 12  # "the first half of March": days 1-15
    else:
        size = number * (7 if UNITS[core["ordinal_unit"].lower()] == "week" else 1)
    return _day_block(first, last, size, position)


def _month_block(year_start: date, months: int, position: int) -> Stretch | None:
    """Months (position-1)*months+1 .. position*months of the year; from its end for -1."""
    first_month = 12 - months + 1 if position < 0 else (position - 1) * months + 1
    last_month = first_month + months - 1
    if months < 1 or first_month < 1 or last_month > 12:
        return None
    return date(year_start.year, first_month, 1), _month_days(date(year_start.year, last_month, 1))[1]


def _day_block(first: date, last: date, size: int, position: int) -> Stretch | None:
    """The position-th run of `size` days from `first` (from `last` backwards for -1); the final
    run of a month or year takes its remaining days ("the second half of March": 16-31)."""
    if size < 1:
        return None
    if position < 0:
        return max(first, last - timedelta(days=size - 1)), last
    start = first + timedelta(days=(position - 1) * size)
    if start > last:
        return None
    end = start + timedelta(days=size - 1)
    return start, (last if end + timedelta(days=size) > last else min(end, last))


def _resolve_weekday(name: str, word: str | None, base: date) -> Stretch:
    """The latest such weekday on or before `base`; "last Friday" strictly before it."""
    strictly_before = word is not None and RELATIVE_WORDS.get(_words(word)) == "previous"
    days_back = (base.weekday() - int(WEEKDAYS[name.lower()])) % 7
    if days_back == 0 and strictly_before:
        days_back = 7
    day = base - timedelta(days=days_back)
    return day, day


def _season_days(season: str, start_year: int) -> Stretch:
    first_month, last_month = SEASONS[season]
    end_year = start_year + 1 if last_month < first_month else start_year  # winter
    return date(start_year, first_month, 1), _month_days(date(end_year, last_month, 1))[1]


def _resolve_season(season: str, word: str | None, year: str | None, base: date) -> Stretch:
    """"last autumn", "in the summer", "the winter of 2024" (December 2024 to February 2025).

    dateparser reads no seasons, so their months come from the time_seasons table.
    """
    if year:
        return _season_days(season, int(year))
    start_year = base.year if date(base.year, SEASONS[season][0], 1) <= base else base.year - 1
    stretch = _season_days(season, start_year)
    previous = word is not None and RELATIVE_WORDS.get(_words(word)) == "previous"
    if previous and stretch[1] >= base:  # "last summer" in July is a year back
        stretch = _season_days(season, start_year - 1)
    return stretch


# ---------------------------------------------------------------- expressions


def _cap(stretch: Stretch | None, reported: date | None) -> tuple[date | None, date | None]:
    """A stretch still running on the reported date ends on it."""
    if stretch is None:
        return None, None
    first, last = stretch
    if reported is not None and first <= reported < last:
        last = reported
    return first, last


def _expression(text: str, start: int, end: int, kind: str,
                stretch: Stretch | None, reported: date | None) -> TimeExpression:
    first, last = _cap(stretch, reported)
    named_last = None
    if kind == AS_OF:
        first = None
    elif kind == SINCE:
        named_last, last = last, reported
    return TimeExpression(start, end, text[start:end], kind, first, last, named_last=named_last)


_OF_SOMETHING = re.compile(r"\s+of\b", re.IGNORECASE)


def _numbers_a_block_of_something_else(core: dict[str, str]) -> bool:
    """An ordinal block with no year or month of its own, which "of ..." may follow ("the first half
    of the war"); "the last two years" is rolling back from the statement whatever follows."""
    if "ordinal" not in core or _has_container(core):
        return False
    return ORDINALS[core["ordinal"].lower()] > 0 or "ordinal_fraction" in core


# "April's estimate", "the agency's December count": a bare month or year naming an estimate
_NAMES_AN_ESTIMATE = re.compile(rf"(?:['\u2019]s)?\s+(?:[\w-]+\s+)?{_alternation(ESTIMATE_WORDS)}\b", re.IGNORECASE)


def names_an_estimate(text: str, expression: TimeExpression) -> bool:
    """Whether the time words date the estimate named right after them ("April's estimate of 600")."""
    return _NAMES_AN_ESTIMATE.match(text, expression.end) is not None


def _plain_expression(text: str, match: re.Match, reported: date | None) -> TimeExpression | None:
    lead = match.group("lead")
    core = _core_groups(match, "c")
    if lead and "part" not in core and _PART_WORD.search(lead):
        core["part"] = lead  # "at the end of the year": the lead holds the part word
    if not (_is_time_phrase(core, lead) or (lead is None and _names_a_date(core)
                                           and _NAMES_AN_ESTIMATE.match(text, match.end()))):
        return None
    if _numbers_a_block_of_something_else(core) and _OF_SOMETHING.match(text, match.end()):
        return None  # "the first half of the war": a block of something else than a year
    kind = LEAD_WORDS[_words(lead)] if lead else SPAN
    expression = _expression(text, match.start(), match.end(), kind, _resolve_core(core, reported), reported)
    return replace(expression, measured=True) if "measured_unit" in core else expression


def _range_expression(text: str, match: re.Match, reported: date | None) -> TimeExpression:
    """"between October and December", "from Dec. 9 to 11", "Dec. 9-11", "9-11 December"."""
    if match.group("f_bare_day"):
        return _day_first_range_expression(text, match, reported)
    if match.group("g_unit"):
        return _length_to_date_expression(text, match, reported)
    first = _core_groups(match, "a") or _core_groups(match, "d")
    bare_day = match.group("b_bare_day") or match.group("d_bare_day")
    if bare_day:
        last_stretch = _resolve_bare_day(first, bare_day, reported)
    else:
        last_stretch = _resolve_core(_core_groups(match, "b"), reported)
    # the first end is the latest one on or before the last: October before December
    first_stretch = _resolve_core(first, last_stretch[1]) if last_stretch else None
    stretch = (first_stretch[0], last_stretch[1]) if first_stretch and last_stretch else None
    return _expression(text, match.start(), match.end(), SPAN, stretch, reported)


def _length_to_date_expression(text: str, match: re.Match, reported: date | None) -> TimeExpression:
    """"the seven days to Sunday": N units back from the date's last day, that day included."""
    last_stretch = _resolve_core(_core_groups(match, "g"), reported)
    stretch = None
    if last_stretch is not None:
        stretch = _resolve_rolling(_number(match.group("g_number")), UNITS[match.group("g_unit").lower()],
                                   last_stretch[1])
    return _expression(text, match.start(), match.end(), SPAN, stretch, reported)


def _is_day_date(core: dict[str, str]) -> bool:
    return "dm_day" in core or "md_day" in core


def _day_first_range_expression(text: str, match: re.Match, reported: date | None) -> TimeExpression:
    """"9-11 December": the "9" takes its month and year from the last date."""
    last_stretch = _resolve_core(_core_groups(match, "f"), reported)
    stretch = None
    if last_stretch is not None:
        first_day = int(re.sub(r"\D", "", match.group("f_bare_day")))
        if first_day <= last_stretch[0].day:
            stretch = (last_stretch[0].replace(day=first_day), last_stretch[1])
    return _expression(text, match.start(), match.end(), SPAN, stretch, reported)


def _resolve_bare_day(first: dict[str, str], bare_day: str, reported: date | None) -> Stretch | None:
    """The "11" of "from Dec. 9 to 11" takes its month and year from the first date."""
    if not _is_day_date(first):
        return None
    first_stretch = _resolve_core(first, reported)
    if first_stretch is None:
        return None
    try:
        day = first_stretch[0].replace(day=int(re.sub(r"\D", "", bare_day)))
    except ValueError:  # "Feb. 27-30"
        return None
    return (day, day) if day >= first_stretch[0] else None


def _since_event_expression(text: str, match: re.Match, reported: date | None) -> TimeExpression:
    stretch = _resolve_core(_core_groups(match, "e"), reported)
    return _expression(text, match.start(), match.end(), SINCE, stretch, reported)


# Which pattern wins when two start at the same place: a range over the plain
# phrase inside it ("from Dec. 9 to 11" over "from Dec. 9"), and a plain phrase over
# a skipped event ("since the start of the year" over "since the start ... in May").
_RANGE_FIRST, _PLAIN_NEXT, _SINCE_EVENT_LAST = 0, 1, 2


def find_time_expressions(text: str, reported: date | None, keep_measured: bool = False) -> list[TimeExpression]:
    """Every time phrase in `text`, in order, resolved against the reported date.

    Where phrases overlap, the one starting first wins. A measured span gives way to a date
    in the same text (`dated_over_measured`) unless `keep_measured`. A phrase that cannot be
    resolved (a relative one in an undated document) is still found, with first_day
    and last_day None, so that it still governs its figure.
    """
    last_start = _last_anchor(text)
    if last_start < 0:
        return []
    candidates: list[tuple[int, TimeExpression]] = []
    for match in _matches(_RANGE, _RANGE_START, text, last_start):
        candidates.append((_RANGE_FIRST, _range_expression(text, match, reported)))
    for match in _matches(_PLAIN, _PLAIN_START, text, last_start):
        expression = _plain_expression(text, match, reported)
        if expression is not None:
            candidates.append((_PLAIN_NEXT, expression))
    for match in _matches(_SINCE_EVENT, _SINCE_EVENT_START, text, last_start):
        candidates.append((_SINCE_EVENT_LAST, _since_event_expression(text, match, reported)))
    found = _without_overlaps(candidates)
    return found if keep_measured else dated_over_measured(found)


def dated_over_measured(expressions: list[TimeExpression]) -> list[TimeExpression]:
    """A measured span says how long, not when: where the sentence also dates its events
    ("1,000 casualties in one week back in December"), the date governs."""
    if any(e.measured for e in expressions) and not all(e.measured for e in expressions):
        return [e for e in expressions if not e.measured]
    return expressions


def _without_overlaps(candidates: list[tuple[int, TimeExpression]]) -> list[TimeExpression]:
    chosen: list[TimeExpression] = []
    for _, candidate in sorted(candidates, key=lambda c: (c[1].start, c[0], -(c[1].end - c[1].start))):
        if not chosen or candidate.start >= chosen[-1].end:
            chosen.append(candidate)
    return chosen


def referred_expression(text: str, start: int, end: int, unit: str, offset: int, antecedent: TimeExpression,
                        reported: date | None) -> TimeExpression | None:
    """Time words at text[start:end] that refer back to a date named before them ("that month", "the same
    day", time_references): the day, week, month or year around the antecedent's last day."""
    day = antecedent.named_last or antecedent.last_day if antecedent.kind == SINCE else antecedent.last_day
    if day is None:
        return None
    if unit == "day":
        day = day + timedelta(days=offset)
        stretch = (day, day)
    else:
        stretch = {"week": _week_days, "month": _month_days, "year": _year_days}[unit](day)
    return _expression(text, start, end, SPAN, stretch, reported)


def figure_period(expression: TimeExpression | None, stated: bool,
                  reported: date | None) -> tuple[date | None, date | None]:
    """(period_start, period_end) of a figure governed by `expression` (contract: Periods).

    `stated` says the time words date the statement ("the NIS said on Monday") rather
    than the events: the figure then stands as of the statement's last day.
    """
    if expression is None:
        return None, reported
    if expression.first_day is None and expression.last_day is None:
        return None, reported  # unresolvable words: as if there were none
    if stated and expression.kind == SINCE and expression.named_last is not None:
        return None, expression.named_last  # "from December, when the agency said 100": as of December
    if stated or expression.kind == AS_OF:
        return None, expression.last_day
    return expression.first_day, expression.last_day


# ---------------------------------------------------------------- stated or not

_VERB = _alternation(STATEMENT_VERBS)
# "said on Monday", "told lawmakers last week", "said in a statement on Friday"
_VERB_BEFORE = re.compile(
    rf"\b{_VERB}(?:\s+(?:to|in|at|before|during)(?:\s+(?:a|an|the))?(?:\s+[A-Za-z'-]+){{1,2}}|\s+[A-Za-z'-]+)?\s+$",
    re.IGNORECASE,
)
# "the NIS on Monday said"
_VERB_RIGHT_AFTER = re.compile(rf"^\s+{_VERB}\b", re.IGNORECASE)
# "On Friday, the spy agency said": only where the phrase opens the sentence; in
# "sent troops in 2025, KCNA says" the time words date the events, not the saying.
# "Over the past year, the General Staff said, units have lost 3,500": a verb set off by commas is
# a parenthesis, and the opening time words are the clause's own.
_VERB_AFTER_OPENING = re.compile(rf"^\s*,?(?:\s+[\w'-]+){{0,3}}\s+{_VERB}\b(?!\s*,)", re.IGNORECASE)
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?][\"'\u201d\u2019)\]]?\s+|\n\s*)$")


def follows_a_speech_verb(text: str, expression: TimeExpression) -> bool:
    """Whether a speech verb stands right before the time words ("whose spy agency said in October")."""
    return _VERB_BEFORE.search(text[max(0, expression.start - 80):expression.start]) is not None


def dates_the_statement(text: str, expression: TimeExpression) -> bool:
    """Whether the time phrase dates a statement ("officials said last week") rather
    than the events, judged from a speech verb next to it in `text`."""
    before = text[max(0, expression.start - 80):expression.start]
    after = text[expression.end:expression.end + 80]
    if _VERB_BEFORE.search(before) or _VERB_RIGHT_AFTER.search(after):
        return True
    return bool(_SENTENCE_OPENING.search(before) and _VERB_AFTER_OPENING.search(after))
