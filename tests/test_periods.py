"""Time expressions and figure periods (transforms/periods.py, contract: Periods), and dotted datelines.

tests/time_expressions.tsv holds one sentence a row with the period a figure in it
gets: every row of the contract's Periods table and every form the module reads.
Each sentence holds at most one time phrase, so the row says what that phrase means.
tests/figure_periods.tsv holds whole sentences with several clauses or time phrases, a figure in
each row and the period it gets: which time words govern which figure.
"""

import csv
from datetime import date
from pathlib import Path

import pytest

from transforms.periods import (
    AS_OF,
    SINCE,
    SPAN,
    TimeExpression,
    dates_the_statement,
    figure_period,
    find_time_expressions,
)

CASES_FILE = Path(__file__).parent / "time_expressions.tsv"
WEDNESDAY = date(2025, 4, 30)  # the contract's reported date


def _optional_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _load_cases() -> list:
    with CASES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        pytest.param(
            row["text"],
            _optional_date(row["reported"]),
            row["stated"] == "true",
            (_optional_date(row["period_start"]), _optional_date(row["period_end"])),
            id=f"{row['text']} @{row['reported'] or 'undated'}",
        )
        for row in rows
    ]


CASES = _load_cases()


def test_the_case_table_is_large_enough_to_cover_every_form():
    assert len(CASES) >= 90


@pytest.mark.parametrize("text, reported, stated, expected", CASES)
def test_period_of_a_figure_in_the_sentence(text, reported, stated, expected):
    expressions = find_time_expressions(text, reported)
    assert len(expressions) <= 1, f"ambiguous case row: {expressions}"
    expression = expressions[0] if expressions else None
    assert figure_period(expression, stated, reported) == expected


@pytest.mark.parametrize("text, reported, stated, expected", CASES)
def test_expression_text_is_its_span_in_the_input(text, reported, stated, expected):
    for expression in find_time_expressions(text, reported):
        assert text[expression.start:expression.end] == expression.text
        assert expression.text == expression.text.strip()


def test_sentence_without_time_words_has_no_expression():
    assert find_time_expressions("Some 11,000 soldiers were sent to the Kursk region.", WEDNESDAY) == []


def test_months_that_are_also_words_are_not_read_as_months():
    text = "Losses may march higher; a May 2024 report counted 300."
    assert [e.text for e in find_time_expressions(text, WEDNESDAY)] == ["May 2024"]


def test_expressions_come_in_text_order_without_overlap():
    text = "Last month 300 died; by the end of March 4,700 were wounded, officials said on Monday."
    expressions = find_time_expressions(text, WEDNESDAY)
    assert [e.text for e in expressions] == ["Last month", "by the end of March", "on Monday"]
    assert [e.kind for e in expressions] == [SPAN, AS_OF, SPAN]
    assert all(a.end <= b.start for a, b in zip(expressions, expressions[1:]))


def test_the_longest_phrase_wins_over_the_phrases_inside_it():
    (expression,) = find_time_expressions("by the end of last year", WEDNESDAY)
    assert (expression.text, expression.kind, expression.last_day) == ("by the end of last year", AS_OF, date(2024, 12, 31))


def test_since_runs_to_the_reported_date():
    (expression,) = find_time_expressions("since October", WEDNESDAY)
    assert (expression.kind, expression.first_day, expression.last_day) == (SINCE, date(2024, 10, 1), WEDNESDAY)


def test_as_of_has_only_an_end():
    (expression,) = find_time_expressions("as of April 13", WEDNESDAY)
    assert (expression.kind, expression.first_day, expression.last_day) == (AS_OF, None, date(2025, 4, 13))


def test_relative_phrase_in_undated_document_is_found_but_unresolved():
    # found, so it still governs its figure; unresolved, so the figure gets no period
    (expression,) = find_time_expressions("killed last month", None)
    assert (expression.text, expression.first_day, expression.last_day) == ("last month", None, None)
    assert figure_period(expression, False, None) == (None, None)


def test_no_expression_stands_as_of_the_reported_date():
    assert figure_period(None, False, WEDNESDAY) == (None, WEDNESDAY)
    assert figure_period(None, True, WEDNESDAY) == (None, WEDNESDAY)
    assert figure_period(None, False, None) == (None, None)


def test_stated_time_keeps_only_the_last_day_of_a_span():
    last_month = TimeExpression(0, 10, "last month", SPAN, date(2025, 3, 1), date(2025, 3, 31))
    assert figure_period(last_month, True, WEDNESDAY) == (None, date(2025, 3, 31))
    assert figure_period(last_month, False, WEDNESDAY) == (date(2025, 3, 1), date(2025, 3, 31))


def test_same_words_resolve_against_each_reported_date():
    # the cache is keyed on the reported date too: a second date must not reuse the first
    assert find_time_expressions("last month", date(2025, 4, 30))[0].first_day == date(2025, 3, 1)
    assert find_time_expressions("last month", date(2025, 1, 15))[0].first_day == date(2024, 12, 1)


@pytest.mark.parametrize("sentence, phrase", [
    ("The NIS said on Monday that 600 soldiers had died.", "on Monday"),
    ("Officials told lawmakers last week that 4,700 were wounded.", "last week"),
    ("The spy agency said in a statement on Friday that 600 had died.", "on Friday"),
    ("On Friday, the spy agency said 600 had died.", "On Friday"),
    ("The ministry on Monday said 40 were captured.", "on Monday"),
])
def test_time_words_next_to_a_speech_verb_date_the_statement(sentence, phrase):
    (expression,) = find_time_expressions(sentence, WEDNESDAY)
    assert expression.text == phrase
    assert dates_the_statement(sentence, expression)


@pytest.mark.parametrize("sentence", [
    "About 300 soldiers were killed last month, the NIS said.",
    "Kim praised troops sent overseas in 2025, state media says.",
    "The NIS said 600 soldiers died in March.",
    "In March, 600 soldiers died, officials said.",
])
def test_time_words_of_the_events_do_not_date_the_statement(sentence):
    (expression,) = find_time_expressions(sentence, WEDNESDAY)
    assert not dates_the_statement(sentence, expression)


# Relative words are resolved by calendar arithmetic rather than by a dateparser call per
# reported date (a parse costs ~3 ms and its result moves with the date); these tests hold
# the arithmetic to what dateparser itself reads, over a spread of reported dates.
REPORTED_DATES = [date(2023, 1, 1), date(2024, 2, 29), date(2024, 3, 31), date(2024, 12, 31),
                  date(2025, 1, 29), date(2025, 3, 1), date(2025, 4, 30), date(2025, 10, 5)]


def _dateparser_day(phrase: str, reported: date) -> date:
    from datetime import datetime

    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
                "RELATIVE_BASE": datetime.combine(reported, datetime.min.time())}
    return dateparser.parse(phrase, languages=["en"], settings=settings).date()


@pytest.mark.parametrize("reported", REPORTED_DATES)
@pytest.mark.parametrize("number,unit", [(1, "hour"), (24, "hour"), (3, "day"), (2, "week"), (1, "month"),
                                         (3, "month"), (13, "month"), (1, "year"), (2, "year")])
def test_units_ago_agree_with_dateparser(reported, number, unit):
    from transforms.periods import _days_back

    ours, theirs = _days_back(reported, number, unit), _dateparser_day(f"{number} {unit}s ago", reported)
    if unit in ("month", "year"):  # only the month is used, and dateparser gives its first day
        ours, theirs = ours.replace(day=1), theirs.replace(day=1)
    assert ours == theirs


@pytest.mark.parametrize("reported", REPORTED_DATES)
@pytest.mark.parametrize("weekday", ["Monday", "Wednesday", "Saturday", "Sunday"])
def test_weekdays_agree_with_dateparser(reported, weekday):
    """A weekday is the latest one on or before the reported date (dateparser: strictly before)."""
    [expression] = find_time_expressions(f"on {weekday}", reported)
    expected = reported if reported.strftime("%A") == weekday else _dateparser_day(weekday, reported)
    assert expression.first_day == expression.last_day == expected


@pytest.mark.parametrize("reported", REPORTED_DATES)
@pytest.mark.parametrize("phrase", ["Jan. 13", "March 3", "December 31", "in March", "in December"])
def test_dates_without_a_year_agree_with_dateparser(reported, phrase):
    [expression] = find_time_expressions(phrase, reported)
    assert expression.first_day == _dateparser_day(phrase.removeprefix("in "), reported)


@pytest.mark.parametrize("year", [", 2024", " 2025", " 1900"])
@pytest.mark.parametrize("month", ["Jan", "February", "Sept", "DEC"])
def test_a_date_read_through_its_month_agrees_with_dateparser(month, year):
    """A written date is that day of the month dateparser reads (one parse a month serves
    every day): dateparser reads the whole date alike, and a day the month lacks is left
    to it."""
    from transforms.periods import _parse_written_date, _read_written

    for day in ["1", "09", "15", "28", "29", "30", "31"]:
        assert _read_written(month, day, year) == _parse_written_date(f"{month} {day}{year}")


def test_a_month_is_read_in_the_latest_year_it_has_begun_even_on_a_29th():
    """dateparser alone reads "February" on Jan. 29, 2024 as February 2020 (it looks for a
    February with a 29th); the latest February begun by then is 2023's."""
    [expression] = find_time_expressions("in February", date(2024, 1, 29))
    assert (expression.first_day, expression.last_day) == (date(2023, 2, 1), date(2023, 2, 28))


def test_feb_29_without_a_year_is_the_latest_leap_day():
    [expression] = find_time_expressions("on Feb. 29", date(2027, 6, 1))
    assert expression.first_day == date(2024, 2, 29)


# The patterns are tried only where a phrase may start and before a sentence's last
# anchor (transforms/periods.py); these sentences hold them to a scan of every position.
SCANNED = [row.values[0] for row in CASES] + [
    "From Dec. 9 to 11 and 9\u201311 December, since the deployment began in October 2024.",
    "\u201cSince Jan. 3,\u201d the NIS said, 1,500 were killed \u2013 up to 30 last week.",
    "\u017fince \u017fpring 2024 and since the start of the \u017fummer, a couple of days ago",
    "MAY 2024, late 2023-12-01, mid-March, the past 48 hours, tonight, this morning",
    "Mar-a-Lago in may, 11,000 troops, 2,024 shells, 20245 rounds, the fall of Avdiivka",
]


@pytest.mark.parametrize("sentence", SCANNED)
def test_the_scan_finds_what_a_scan_of_every_position_finds(sentence):
    from transforms import periods

    last_start = periods._last_anchor(sentence)
    for pattern, starts in ((periods._PLAIN, periods._PLAIN_START),
                            (periods._RANGE, periods._RANGE_START),
                            (periods._SINCE_EVENT, periods._SINCE_EVENT_START)):
        everywhere = [match.span() for match in pattern.finditer(sentence)]
        assert [match.span() for match in periods._matches(pattern, starts, sentence, last_start)] == everywhere


# ---------------------------------------------------------------- which time words govern a figure

FIGURE_CASES_FILE = Path(__file__).parent / "figure_periods.tsv"


def _load_figure_cases() -> list:
    with FIGURE_CASES_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        pytest.param(row["sentence"], date.fromisoformat(row["published"]), row["figure"],
                     (_optional_date(row["period_start"]), _optional_date(row["period_end"])),
                     id=f"{row['figure']} in {row['sentence'][:60]}")
        for row in rows
    ]


FIGURE_CASES = _load_figure_cases()


def _claim_of_figure(sentence: str, published: date, figure: str) -> dict:
    from transforms.claims import extract_claims

    claims = [c for c in extract_claims(sentence, [("body", 0, len(sentence))], published)
              if figure in c["number_text"]]
    assert len(claims) == 1, f"expected one claim of {figure}: {claims}"
    return claims[0]


def test_the_figure_table_covers_many_sentences():
    assert len(FIGURE_CASES) >= 40


@pytest.mark.parametrize("sentence, published, figure, expected", FIGURE_CASES)
def test_period_of_a_figure_in_a_whole_sentence(sentence, published, figure, expected):
    """Time words govern the figure of their own clause; an estimate's, a briefing's or an earlier
    level's time words date the statement (period_start null); other clauses' time words govern
    only where they date a statement or open the sentence."""
    claim = _claim_of_figure(sentence, published, figure)
    assert (claim["period_start"], claim["period_end"]) == expected


def test_a_statement_dated_in_a_sentence_keeps_its_statement_dates_under_a_measured_span():
    claim = _claim_of_figure("Ukrainian special forces said on Tuesday that they had killed 50 North Korean "
                             "soldiers in three days of fighting.", date(2024, 12, 19), "50")
    assert (claim["stated_from"], claim["stated_to"]) == (date(2024, 12, 17), date(2024, 12, 17))
    assert claim["period_start"] == date(2024, 12, 15)


def test_a_month_alone_dates_nothing_unless_it_names_an_estimate():
    assert find_time_expressions("March 600 soldiers", WEDNESDAY) == []
    found = find_time_expressions("the agency's March estimate of 600", WEDNESDAY)
    assert [e.text for e in found] == ["March"]


@pytest.mark.parametrize("dateline, expected", [
    ("04.02.2025 | 14:25", date(2025, 2, 4)),
    ("Published: 31.12.2024 09:00", date(2024, 12, 31)),
    ("Updated 1.3.2025", date(2025, 3, 1)),
])
def test_a_dotted_dateline_is_day_month_year(dateline, expected):
    from transforms.metadata import find_published_date

    assert find_published_date(f"Headline of the story\n{dateline}\n\nBody text follows here.") == expected


def test_an_impossible_dotted_date_is_no_date():
    from transforms.metadata import parse_published_date

    assert parse_published_date("31.02.2025") is None


def _claims_of_text(text: str, published: date) -> dict:
    from transforms.claims import extract_claims

    return {c["number_text"]: c for c in extract_claims(text, [("body", 0, len(text))], published)}


def test_time_words_that_refer_back_take_the_date_named_before_them():
    """"that month", "the same day" (time_references) mean the date named last before them: in the
    sentence before, or earlier in their own sentence."""
    claims = _claims_of_text("Moscow first admitted the deployment in March. Seoul's spy agency estimated that month "
                             "that roughly 12,000 soldiers had gone.", date(2025, 6, 2))
    assert (claims["roughly 12,000"]["period_start"], claims["roughly 12,000"]["period_end"]) == (None, date(2025, 3, 31))
    claims = _claims_of_text("The agency said on Monday that 300 soldiers had died, and Kyiv put its count at 500 "
                             "the following day.", date(2024, 12, 31))
    assert claims["500"]["period_end"] == date(2024, 12, 31) and claims["300"]["period_end"] == date(2024, 12, 30)


def test_a_reference_with_nothing_dated_before_it_dates_nothing():
    claims = _claims_of_text("Seoul's spy agency estimated that month that roughly 12,000 soldiers had gone.", date(2025, 6, 2))
    assert claims["roughly 12,000"]["period_end"] == date(2025, 6, 2)


def test_a_source_referred_back_to_keeps_the_date_of_its_statement():
    """"..., the defence ministry said on Friday." then "..., the ministry said.": the same statement, so the
    later figure stands as of Friday too; a source named afresh without a date makes an undated statement."""
    text = ("North Korean units have lost more than 5,000 men, Britain's defence ministry said on Friday.\n"
            "That is almost half of the roughly 12,000 troops sent to Kursk, the ministry said.")
    claims = _claims_of_text(text, date(2025, 5, 5))
    assert claims["roughly 12,000"]["period_end"] == date(2025, 5, 2)
    assert claims["roughly 12,000"]["stated_to"] == date(2025, 5, 2)
    text = ("North Korean units have lost more than 5,000 men, Britain's defence ministry said on Friday.\n"
            "Britain's defence ministry has also said that roughly 12,000 troops were sent to Kursk.\n"
            "About 1,000 of them are engineers, the ministry said.")
    claims = _claims_of_text(text, date(2025, 5, 5))
    assert claims["roughly 12,000"]["period_end"] == date(2025, 5, 5)
    assert claims["About 1,000"]["period_end"] == date(2025, 5, 5)


def test_an_earlier_level_is_not_the_date_of_the_statement():
    """"up from 3,000 in January, the agency said": January dates the earlier level, not the saying."""
    text = ("The toll rose to 4,200, up from 3,000 in January, the spy agency told lawmakers.\n"
            "About 500 of those had died, the agency said.")
    claims = _claims_of_text(text, date(2025, 4, 30))
    assert claims["About 500"]["period_end"] == date(2025, 4, 30)
