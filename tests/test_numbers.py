"""transforms.numbers: every count-like number phrase, read as the contract's Numbers table says.

tests/number_phrases.tsv holds one phrase a row with what it must read as; a row whose
qualifier is `none` is a hard negative (no phrase may be found). Invisible spaces are written
as \\uXXXX escapes in that file so a reader can see them.
"""

import csv
import re
from pathlib import Path

import pytest

from transforms.numbers import INT64_MAX, TOO_LARGE, NumberPhrase, find_number_phrases, parse_number_phrase

TABLE = Path(__file__).with_name("number_phrases.tsv")
CONTEXT = "Officials said {} were there."


def _unescape(cell: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), cell)


def _cell(value: str) -> int | None:
    return int(value) if value else None


def _rows() -> list[dict]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["phrase"] = _unescape(row["phrase"])
    return rows


ROWS = _rows()
POSITIVE = [row for row in ROWS if row["qualifier"] != "none"]
NEGATIVE = [row for row in ROWS if row["qualifier"] == "none"]


def _expected(row: dict) -> tuple:
    return (_cell(row["low"]), _cell(row["high"]), _cell(row["best"]), row["qualifier"], row["unit"])


def _reading(phrase: NumberPhrase) -> tuple:
    return (phrase.low, phrase.high, phrase.best, phrase.qualifier, phrase.unit)


def test_table_is_large_enough_to_cover_the_forms():
    assert len(ROWS) >= 170
    assert len(NEGATIVE) >= 40


@pytest.mark.parametrize("row", POSITIVE, ids=[row["phrase"] for row in POSITIVE])
def test_phrase_found_in_a_sentence_reads_as_the_table_says(row):
    sentence = CONTEXT.format(row["phrase"])
    found = find_number_phrases(sentence)
    assert [phrase.text for phrase in found] == [row["phrase"]]
    assert _reading(found[0]) == _expected(row)
    assert found[0].error is None


@pytest.mark.parametrize("row", POSITIVE, ids=[row["phrase"] for row in POSITIVE])
def test_phrase_parsed_alone_reads_as_the_table_says(row):
    phrase = parse_number_phrase(row["phrase"])
    assert phrase is not None
    assert (phrase.start, phrase.end, phrase.text) == (0, len(row["phrase"]), row["phrase"])
    assert _reading(phrase) == _expected(row)


@pytest.mark.parametrize("row", NEGATIVE, ids=[row["phrase"] for row in NEGATIVE])
def test_form_that_is_not_a_count_is_not_found(row):
    assert find_number_phrases(CONTEXT.format(row["phrase"])) == []
    assert parse_number_phrase(row["phrase"]) is None


def test_spans_point_into_the_text():
    text = "Seoul said\u00a0some 14,000 troops went, more than 6,000 were killed and 10–12,000 remain."
    found = find_number_phrases(text)
    assert [phrase.text for phrase in found] == ["some 14,000", "more than 6,000", "10–12,000"]
    for phrase in found:
        assert text[phrase.start : phrase.end] == phrase.text


def test_several_phrases_in_one_sentence_come_in_order_without_overlap():
    text = (
        "On Dec. 9 the agency said 11,000 or 12,000 soldiers had gone since 2024, dozens died in "
        "the 120-day campaign, at least 3,000+ were hurt and nearly 40% of units lost a third."
    )
    found = find_number_phrases(text)
    assert [phrase.text for phrase in found] == ["11,000 or 12,000", "dozens", "at least 3,000+", "nearly 40%"]
    ends = [phrase.end for phrase in found]
    starts = [phrase.start for phrase in found]
    assert all(end <= next_start for end, next_start in zip(ends, starts[1:]))


def test_qualifier_does_not_reach_back_into_the_previous_phrase():
    found = find_number_phrases("They counted 3,000 or more than 40")
    assert [phrase.text for phrase in found] == ["3,000 or more", "40"]
    assert found[1].qualifier == "exact"


def test_strong_keeps_the_number_but_stays_outside_the_span():
    found = find_number_phrases("a 10,000-strong contingent")
    assert [(phrase.text, phrase.best) for phrase in found] == [("10,000", 10000)]
    assert parse_number_phrase("10,000-strong") is None


def test_plus_followed_by_a_number_adds_rather_than_bounds():
    found = find_number_phrases("3,000 plus 500 reservists")
    assert [(phrase.text, phrase.qualifier) for phrase in found] == [("3,000", "exact"), ("500", "exact")]


def test_and_makes_a_range_only_after_between():
    found = find_number_phrases("It sent 11,000 and 12,000 more, from 3 and 4 units")
    assert [phrase.text for phrase in found] == ["11,000", "12,000", "3", "4"]


def test_low_end_larger_than_high_end_is_not_a_range():
    found = find_number_phrases("between 12,000 and 11,000 men, 3 or 2 of them")
    assert [phrase.text for phrase in found] == ["12,000", "11,000", "3", "2"]


def test_number_too_large_for_int64_is_an_error_not_an_exception():
    phrase = parse_number_phrase("99,999,999,999,999,999,999")
    assert phrase is not None
    assert phrase.error == TOO_LARGE
    assert (phrase.low, phrase.high, phrase.best) == (None, None, None)


def test_largest_int64_is_still_a_number():
    phrase = parse_number_phrase(f"{INT64_MAX:,}")
    assert phrase is not None and phrase.error is None
    assert phrase.best == INT64_MAX


def test_overflowing_range_and_digit_run_are_errors():
    found = find_number_phrases("between 5 and 10,000,000,000,000,000,000 and 123456789012345678901234567890 men")
    assert [phrase.error for phrase in found] == [TOO_LARGE, TOO_LARGE]


def test_thousands_of_digits_are_an_error_not_an_exception():
    found = find_number_phrases("about " + "9" * 5000 + " men and 0." + "5" * 5000 + "% of them")
    assert [phrase.error for phrase in found] == [TOO_LARGE, None]
    assert found[1].best == 1


def test_qualifier_and_one_word_alone_are_not_phrases():
    assert parse_number_phrase("more than") is None
    assert parse_number_phrase("") is None
    assert find_number_phrases("No one came, and one of them spoke.") == []


def test_parse_rejects_text_around_the_phrase():
    assert parse_number_phrase("some 14,000 troops") is None
    assert parse_number_phrase("  some 14,000  ").text == "some 14,000"


def test_phrase_does_not_cross_a_line_break():
    found = find_number_phrases("more than\n6,000")
    assert [(phrase.text, phrase.qualifier) for phrase in found] == [("6,000", "exact")]


LOOKALIKES = {"s": "\u017f", "k": "\u212a"}  # long s and the Kelvin sign: re.IGNORECASE matches them


@pytest.mark.parametrize("text", ["several thousand troops", "some 600 soldiers", "5 thousand killed",
                                  "thousands of troops", "six dozen", "11k troops", "at least seventy"])
def test_letters_that_case_fold_to_ascii_read_like_the_ascii_word(text):
    """The regexes match "ſeveral" case-insensitively, so the word tables must be looked up with
    case folding too: one odd character must not fail a whole batch."""
    odd = "".join(LOOKALIKES.get(char, char) for char in text)
    read = [(p.low, p.high, p.qualifier) for p in find_number_phrases(odd)]
    assert read == [(p.low, p.high, p.qualifier) for p in find_number_phrases(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Dec.  9 troops came", []),  # a month, its dot and several spaces before a day
    ("On May\u20039 troops", []),
    ("may 9 troops go", [("9", 9)]),  # month names are case-sensitive
    ("No.   5 and #3 and A320 and MiG-29", []),
    ("paid USD\u00a05,000 to 300 men", [("300", 300)]),  # money after any horizontal space
    ("rs 500 and 40 men", [("40", 40)]),  # currency words are case-insensitive
    ("about 12 Dec and 4,000 troops", [("4,000", 4000)]),
    ("Oct 4,000 troops", []),
    ("10:02 and 1,2345 and 3 000", [("3 000", 3000)]),
])
def test_words_before_a_number_that_make_it_no_count(text, expected):
    assert [(p.text, p.best) for p in find_number_phrases(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("In 2024 10 000 troops were sent", [("10 000", 10000)]),  # a year is no thousands group
    ("in 2025\u00a0100 more were killed", [("100", 100)]),
    ("On May 5 1,000 troops were killed", [("1,000", 1000)]),  # a date's day is none either
    ("On May 5 100 troops were killed", [("100", 100)]),  # "5 100" would read as one number
    ("On May 5 10\u202f000 troops and 2 700 wounded", [("10\u202f000", 10000), ("2 700", 2700)]),
    ("On 5 May 2024 1 500 soldiers", [("1 500", 1500)]),
    ("Of the 12 000 sent, 3 600 died", [("12 000", 12000), ("3 600", 3600)]),
    ("call 123 4567 or 2 123 4567", []),  # other digits before a space glue: a phone number
    ("codes 12024 500 and 1234 600", []),  # four digits that are no year glue too
    ("they may 5 100 troops", [("5 100", 5100)]),  # the verb "may" is no month: one spaced number
])
def test_spaced_thousands_do_not_glue_to_a_year_or_a_day_before_them(text, expected):
    assert [(p.text, p.best) for p in find_number_phrases(text)] == expected


def test_thousands_of_digits_after_a_month_are_too_large_not_a_day():
    assert [p.error for p in find_number_phrases("Dec. " + "9" * 5000 + " men")] == [TOO_LARGE]
