"""Find and read count-like number phrases in news text.

A number phrase is a number as written plus the words that say how exact it is:
"some 14,000", "10-15,000", "more than 6,000", "nine", "a dozen", "thousands", "nearly 40%".
`find_number_phrases` returns every one in a text, in order, without overlaps;
`parse_number_phrase` reads one whole string. Values follow the contract's Numbers table
(../shared/contract/lake.md). What a number counts (troops, shells, days) is the caller's
business: this module only rejects numbers whose own form says they are not a count.

Decisions, where news text is ambiguous:
- "14,000", "14 000" (also with no-break or thin spaces) and "1.234.567" are grouped thousands.
  A single dot group such as "14.000" is read as a decimal (English usage), and a decimal with
  no scale word ("1.5", "14.000") is not a count of people, so it is not returned; "1.5 million"
  and "40.5%" are. Decimal commas ("1,5 million") are not supported.
- A bare four-digit number from 1900 to 2100 with no separator is a year ("2025"); "2,000" is a number.
- "11,000 or 12,000" is a range, like "11,000 to 12,000", when the second number is the larger.
- A bare low end borrows the high end's magnitude when that fits: "10-15,000", "10 to 12
  thousand" and "1.5 to 2 million" read as 10,000-15,000, 10,000-12,000, 1,500,000-2,000,000.
- A vague amount keeps its own qualifier, except that "more than"/"at least" before it give a
  lower bound ("more than thousands": 2000 and up). Approximating words ("some thousands") stay vague.
- A lone "one" (a pronoun as often as a count) and a lone "a" are returned only with a
  qualifier ("at least one") or in a range ("one or two").
- Not returned: ordinals ("528th"), years, times ("10:02", "10 a.m."), dates ("Dec. 9",
  "9 December"), money ("$5 million", "5 million won"), hyphenated adjectives ("120-day",
  "19-year-old"; "-strong" is kept, outside the span), model names and ids ("MiG-29", "2S19",
  "No. 5"), phone numbers and other digit chains ("010-1234-5678", "24/7").
- Percent values are rounded half up to whole numbers; person counts are rounded down
  ("2.3456 thousand" is 2345).

Word tables live in transforms/lexicon:
- number_words.tsv (word, kind, value): number words (small, tens, scale, group "dozen",
  article, fraction, joiner "and"), the glued suffix "k", percent words, and the words next to a
  number that make it something else (month, month_joiner, currency_before, currency_after,
  time_after, id_before; hyphen_keep lists the "-strong" words that do not).
- number_qualifiers.tsv (phrase, qualifier, position): position `before` or `after` the number,
  `range_open` ("from"), `range_open_pair` ("between", which `range_link_pair` "and" needs),
  `range_link` ("to", dashes, "or").
- vague_quantities.tsv (phrase, low, high).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction
from math import floor

from transforms.lexicon import load_table
from transforms.phrase_matcher import StartFinder, escaped, trie_pattern

INT64_MAX = 2**63 - 1
TOO_LARGE = "number too large for int64"
PERSONS = "persons"
PERCENT = "percent"


# not frozen (never changed after it is made): a frozen dataclass sets each field through object.__setattr__, slowly
@dataclass(slots=True, unsafe_hash=True)
class NumberPhrase:
    start: int  # span of the whole phrase (qualifier words included) in the input text
    end: int
    text: str  # the phrase as written
    low: int | None
    high: int | None
    best: int | None  # None only when error is set
    qualifier: str  # exact, approx, more_than, at_least, less_than, at_most, range, vague
    unit: str  # persons or percent
    error: str | None


# ---------------------------------------------------------------- word tables

_NUMBER_WORDS = load_table("number_words")
_QUALIFIERS = load_table("number_qualifiers")
_VAGUE = load_table("vague_quantities")


def _words(kind: str) -> list[str]:
    return [row["word"] for row in _NUMBER_WORDS if row["kind"] == kind]


def _qualifier_phrases(position: str) -> list[str]:
    return [row["phrase"] for row in _QUALIFIERS if row["position"] == position]


_WORD_KIND = {
    row["word"].lower(): (row["kind"], Fraction(row["value"]))
    for row in _NUMBER_WORDS
    if row["kind"] in ("small", "tens", "scale", "group", "article", "fraction")
}
_SUFFIX_SCALE = {row["word"].lower(): int(row["value"]) for row in _NUMBER_WORDS if row["kind"] == "suffix_scale"}
_SCALE_WORDS = {
    row["word"].lower(): int(row["value"]) for row in _NUMBER_WORDS if row["kind"] in ("scale", "group")
}
_QUALIFIER_OF = {
    (" ".join(row["phrase"].lower().split()), row["position"]): row["qualifier"] for row in _QUALIFIERS
}
_JOINERS = {word.lower() for word in _words("joiner")}  # "and" in "one hundred and fifty"
_ALONE_A_NUMBER = ("small", "tens")  # kinds of word that are a number alone ("two"; not "a", "hundred")


# ---------------------------------------------------------------- regex building

HS = r"[^\S\r\n]"  # horizontal whitespace, no-break and thin spaces included: a phrase stays on one line
GROUP_SPACE = r"[ \u00a0\u2009\u202f]"  # spaces that may group thousands ("14 000")


def _phrase_pattern(phrase: str) -> str:
    """One table phrase as a regex: words joined by any horizontal space, bounded where it is a word."""
    return "".join(_phrase_pieces(phrase))


def _phrase_pieces(phrase: str) -> list[str]:
    """_phrase_pattern in pieces, for a trie (`trie_pattern`)."""
    pieces = [r"(?<!\w)"] if phrase[0].isalnum() else []
    for index, word in enumerate(phrase.split()):
        pieces += ([HS + "+"] if index else []) + escaped(word)
    if phrase[-1].isalnum():
        pieces.append(r"(?!\w)")
    return pieces


def _alternation(phrases: list[str]) -> str:
    """Longest phrase first, so "no fewer than" wins over "fewer than"."""
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase), phrase))
    return "(?:" + "|".join(_phrase_pattern(phrase) for phrase in ordered) + ")"


def _normal(phrase: str) -> str:
    return " ".join(phrase.casefold().split())


_VAGUE_BOUNDS = {_normal(row["phrase"]): (int(row["low"]), int(row["high"])) for row in _VAGUE}

_DIGITS = (
    r"(?<!\d)(?P<digits>"
    r"(?P<comma>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d))"
    rf"|(?P<spaced>\d{{1,3}}(?:{GROUP_SPACE}\d{{3}})+(?!\d))"
    r"|(?P<dotted>\d{1,3}(?:\.\d{3}){2,}(?!\d))"
    r"|(?P<plain>\d+(?:\.\d+)?)"
    r")"
    rf"(?P<suffix>(?:{'|'.join(map(re.escape, _SUFFIX_SCALE))})(?![^\W_]))?"  # glued on: "11k"
    rf"(?P<scales>(?:{HS}+{_alternation(list(_SCALE_WORDS))})*)"
)
_NUMBER_WORD = _alternation(list(_WORD_KIND))
_JOINER = _alternation(list(_JOINERS))
_WORD_NUMBER = rf"(?P<words>{_NUMBER_WORD}(?:(?:{HS}+{_JOINER})?{HS}+{_NUMBER_WORD}|-{_NUMBER_WORD})*)"
_VAGUE_AMOUNT = rf"(?P<vague>{_alternation([row['phrase'] for row in _VAGUE])})"

_CORE_FIRST_CHARACTERS = "".join(
    sorted({word[0].lower() for word in _WORD_KIND} | {row["phrase"][0].lower() for row in _VAGUE})
)
# A number starts a word, and its first character is a digit or starts a table word: checking
# that first keeps the scan fast. Digits are tried first (no table word starts with one, and a
# digit is the commonest start); a vague amount before a word number so that "a few hundred" is
# not read as "a hundred".
_CORE_PATTERN = rf"\b(?=[\d{re.escape(_CORE_FIRST_CHARACTERS)}])(?:{_DIGITS}|{_VAGUE_AMOUNT}|{_WORD_NUMBER})"
_CORE = re.compile(_CORE_PATTERN, re.IGNORECASE)
# The table words are lower case, so in lowered ASCII text the same pattern finds the same
# numbers case-sensitively, where re skips the alternatives that cannot start at a letter.
_CORE_LOWERED = re.compile(_CORE_PATTERN)
_WORD_TOKEN = re.compile(r"[^\W\d_]+")


def _first_words() -> list[str]:
    """The words a number word or a vague amount starts with ("ten", "a" of "a few hundred")."""
    return sorted(set(_WORD_KIND) | {row["phrase"].split()[0] for row in _VAGUE})


def _number_start_pattern(words: list[str]) -> str:
    """A digit or any of words, whole where the word ends in a letter: cheaper than the number
    pattern, which tries each of its alternatives at every word start. A word that is no number
    alone ("a", "several", "hundred") starts one only before another word of the number tables
    ("a dozen", "several hundred"): "a" is in most sentences, and read there for nothing."""
    alone = [word for word in words if word[-1].isalnum() and _stands_alone(word)]
    leading = [word for word in words if word[-1].isalnum() and not _stands_alone(word)]
    others = [escaped(word) for word in words if not word[-1].isalnum()]
    return (rf"\b(?:\d|(?:{trie_pattern(map(escaped, alone))})\b"
            rf"|(?:{trie_pattern(map(escaped, leading))})(?=(?:{HS}+|-){_alternation(_continuing_words())})"
            + (f"|{trie_pattern(others)}" if others else "") + ")")


def _stands_alone(word: str) -> bool:
    """Whether the word read alone is a number ("two", "thousands"), as `_core_from` reads it."""
    return _WORD_KIND.get(word, ("",))[0] in _ALONE_A_NUMBER or _normal(word) in _VAGUE_BOUNDS


def _continuing_words() -> list[str]:
    """The words that may follow the first word of a number phrase ("dozen" of "a dozen", "few" of "a few hundred")."""
    vague_words = {word for row in _VAGUE for word in row["phrase"].lower().split()[1:]}
    return sorted(set(_WORD_KIND) | _JOINERS | vague_words)


# Where a number may start (a superset of where _CORE matches): found with one trie pattern,
# then read with _CORE there.
_CORE_START = StartFinder(_number_start_pattern, _first_words(), folded=True)
_NON_DIGIT = re.compile(r"\D")
_GROUP_SPACE = re.compile(GROUP_SPACE)

_PERCENT = re.compile(rf"{HS}*{_alternation(_words('percent'))}", re.IGNORECASE)
# A trie of the qualifiers: only where a qualifier starts is read from a match, not which one matched.
_BEFORE = re.compile(rf"(?:{trie_pattern(map(_phrase_pieces, _qualifier_phrases('before')))}){HS}+\Z", re.IGNORECASE)
_AFTER = re.compile(rf"(?:{HS}*|-){_alternation(_qualifier_phrases('after'))}", re.IGNORECASE)
# "between" opens a range that "and" may close; "from" and no opener take "to", a dash or "or".
_OPEN_WORDS = _qualifier_phrases("range_open") + _qualifier_phrases("range_open_pair")
_LINK_WORDS = _qualifier_phrases("range_link") + _qualifier_phrases("range_link_pair")
_OPEN = re.compile(rf"{_alternation(_OPEN_WORDS)}{HS}+\Z", re.IGNORECASE)
_LINK = re.compile(rf"{HS}*{_alternation(_LINK_WORDS)}{HS}*", re.IGNORECASE)
_DIGIT_NEXT = re.compile(rf"{HS}*\d")

_MONTH = _alternation(_words("month"))
# What sits right before a number that says it is not a count: a letter ("A320"), a model or
# unit name ("MiG-29"), another digit group ("10:02", "1,2345", a phone number), "#", or money.
# Each pattern ends where the number starts (or where the spaces before it start), and is
# searched only as far back as its longest match reaches: a search over the whole lookback
# tries every one of its positions.
_GLUED_BEFORE = re.compile(r"(?:[^\W\d_]|[^\W\d_][-–]|\d[-–/:.,]|\d" + GROUP_SPACE + "|#)\\Z", re.IGNORECASE)
_GLUED_REACH = 2  # characters the longest _GLUED_BEFORE match spans
_CURRENCY_BEFORE = re.compile(rf"(?:{_alternation(_words('currency_before'))})\Z", re.IGNORECASE)
# Case-sensitive: "May 9" is a date, "may 9" is not.
_ID_BEFORE = re.compile(rf"(?:{_alternation(_words('id_before'))})\Z")
_MONTH_BEFORE = re.compile(rf"(?<!\w){_MONTH}\.?\Z")


def _longest(kind: str) -> int:
    return max(len(word) for word in _words(kind))


_CURRENCY_REACH = _longest("currency_before")
_ID_REACH = _longest("id_before")
_MONTH_REACH = _longest("month") + 1  # and its dot
# What sits right after a number that says it is not a count: a letter ("528th", "11km"),
# another digit group, a time, money, or a hyphenated adjective ("120-day"; "-strong" is fine).
_NOT_A_COUNT_AFTER = re.compile(
    rf"[^\W_]|[-–/:.,]\d|{GROUP_SPACE}\d"
    rf"|{HS}*{_alternation(_words('time_after'))}"
    rf"|{HS}+{_alternation(_words('currency_after'))}"
    rf"|[-–](?!{_alternation(_words('hyphen_keep'))})[^\W\d_]",
    re.IGNORECASE,
)
_DATE_AFTER = re.compile(rf"(?:{HS}+{_alternation(_words('month_joiner'))})?{HS}+{_MONTH}(?!\w)")

_LOWER_BOUND_ONLY = ("more_than", "at_least")
_UPPER_BOUND_ONLY = ("less_than", "at_most")
_LOOKBACK = 80  # characters before a number searched for its qualifier
_MAX_DIGITS_READ = 40  # any number with more digits than this is far past int64


# ---------------------------------------------------------------- reading one number


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__, slowly
class _Core:
    """One number as written, before qualifiers and ranges. Treated as immutable (see `replace`)."""

    start: int
    end: int
    value: Fraction
    scale: int = 1  # trailing magnitude: "15,000" and "15 thousand" 1000, "15" 1
    bare: bool = False  # no grouping and no scale: may borrow a range partner's magnitude
    decimal: bool = False  # written with a decimal point
    year_like: bool = False  # four digits from 1900 to 2100, nothing else
    leading_zero: bool = False  # "010", "007": an id, not a count
    space_grouped: bool = False  # thousands grouped by spaces: "14 000"
    weak: bool = False  # a lone word worth 1 ("one"): a count only with a qualifier or in a range
    vague: tuple[int, int] | None = None  # bounds of "thousands" and the like


def _core_from(match: re.Match) -> _Core | None:
    digits, vague = match.group("digits", "vague")
    if digits:
        return _digit_core(match)
    if vague:
        return _Core(match.start(), match.end(), Fraction(0), vague=_VAGUE_BOUNDS[_normal(vague)])
    return _word_core(match)


def _digit_core(match: re.Match) -> _Core:
    written, comma, spaced, dotted, plain, suffix, scales = match.group(
        "digits", "comma", "spaced", "dotted", "plain", "suffix", "scales")
    if comma:
        value, scale = _decimal(written.replace(",", "")), 1000 ** written.count(",")
    elif spaced:
        value, scale = _decimal(_NON_DIGIT.sub("", written)), 1000 ** len(_GROUP_SPACE.findall(written))
    elif dotted:
        value, scale = _decimal(written.replace(".", "")), 1000 ** written.count(".")
    else:
        value, scale = _decimal(written), 1
    multiplier = _SUFFIX_SCALE[suffix.casefold()] if suffix else 1
    for word in scales.casefold().split():
        multiplier *= _SCALE_WORDS[word]
    plain = bool(plain)
    decimal = "." in written and not dotted
    return _Core(
        start=match.start(),
        end=match.end(),
        value=value * multiplier,
        scale=scale * multiplier,
        bare=plain and multiplier == 1,
        decimal=decimal,
        year_like=written.isdigit() and multiplier == 1 and len(written) == 4 and 1900 <= int(written) <= 2100,
        leading_zero=len(written) > 1 and written[0] == "0" and written[1].isdigit(),
        space_grouped=bool(spaced),
    )


def _decimal(digits: str) -> Fraction | int:
    """The value of "1234" or "1.5". Digits past what int64 can hold are not read (Python refuses
    to convert very long digit strings); such a number only has to stay too large. A whole number
    stays an int: building a Fraction from a string is slow, and ints and Fractions mix."""
    whole, _, fraction = digits.partition(".")
    if len(whole) > _MAX_DIGITS_READ:
        return 10**_MAX_DIGITS_READ
    return Fraction(f"{whole}.{fraction[:_MAX_DIGITS_READ]}") if fraction else int(whole)


# Table words that are one token: matched alone, such a word reads as a number only when it
# is a small number or a tens word ("two", "forty"; not "a", "hundred"), as `_read_words` would.
_ONE_TOKEN_WORDS = {word for word in _WORD_KIND if _WORD_TOKEN.fullmatch(word)}


def _word_core(match: re.Match) -> _Core | None:
    written = match.group().casefold()
    if written in _ONE_TOKEN_WORDS:  # the commonest case ("a", "two"): no token list to build
        kind, value = _WORD_KIND[written]
        if kind not in _ALONE_A_NUMBER:
            return None
        return _Core(start=match.start(), end=match.end(), value=value, scale=1, bare=True, weak=value == 1)
    tokens = [
        (token.group().casefold(), match.start() + token.start(), match.start() + token.end())
        for token in _WORD_TOKEN.finditer(match.group())
    ]
    reading = _read_words(tokens)
    if reading is None:
        return None
    count, value, scale = reading
    return _Core(
        start=match.start(),
        end=tokens[count - 1][2],
        value=value,
        scale=scale,
        bare=scale == 1,
        weak=count == 1 and value == 1,
    )


def _read_words(tokens: list[tuple[str, int, int]]) -> tuple[int, Fraction, int] | None:
    """The longest run of tokens that reads as one number: (tokens used, value, trailing scale).

    English number grammar, small: "one hundred and fifty", "twelve thousand", "twenty-five",
    "a thousand", "half a million", "two dozen". Returns None when no prefix is a number
    ("a" or "and" alone).
    """
    total, group = Fraction(0), Fraction(0)  # group: the part below the last big scale word
    largest_scale = None
    scale = 1
    previous = None  # kind of the previous token
    best = None
    for index, (word, _, _) in enumerate(tokens):
        if word in _JOINERS:
            if previous != "scale":
                break
            previous = "joiner"
            continue
        kind, value = _WORD_KIND[word]
        if kind in ("small", "tens"):
            starts_group = previous in (None, "scale", "joiner") and group % 100 == 0
            completes_tens = previous == "tens" and kind == "small" and 1 <= value <= 9
            if not (starts_group or completes_tens):
                break
            group += value
            scale = 1
        elif kind == "article":
            if index != 0 and previous != "fraction":
                break
            group = group or value
        elif kind == "fraction":
            if index != 0:
                break
            group = value
        elif kind == "group":  # "dozen": ends the number
            if previous not in ("small", "tens", "article", "fraction") or not 0 < group < 100:
                break
            best = (index + 1, total + group * value, scale * int(value))
            break
        elif value == 100:
            if previous not in ("small", "tens", "article", "fraction") or not 0 < group < 100:
                break
            group *= value
            scale *= 100
        else:  # thousand, million, ...
            if previous == "joiner" or group == 0 or (largest_scale is not None and value >= largest_scale):
                break
            total += group * value
            group = Fraction(0)
            largest_scale = value
            scale *= int(value)
        previous = "scale" if kind == "scale" else kind
        if kind not in ("article", "fraction"):
            best = (index + 1, total + group, scale)
    return best


# ---------------------------------------------------------------- phrases


def _next_core(text: str, lowered: str | None, position: int) -> _Core | None:
    """The next number at or after position. `lowered` is text lowered, where it is ASCII."""
    starts, core_pattern, searched = ((_CORE_START.lowered, _CORE_LOWERED, lowered) if lowered is not None
                                      else (_CORE_START.pattern, _CORE, text))
    while True:
        found = starts.search(searched, position)
        if found is None:
            return None
        start = found.start()
        match = core_pattern.match(searched, start)
        if match is None:
            position = start + 1
            continue
        core = _core_from(match)
        if core is not None:
            return core
        position = match.start() + len(_WORD_TOKEN.match(text, match.start()).group())


def _core_starting_at(text: str, position: int) -> _Core | None:
    match = _CORE.match(text, position)
    return _core_from(match) if match else None


def _is_count_form(core: _Core, percent: bool) -> bool:
    """False when the number's own form says it is not a count (year, id, bare decimal)."""
    if core.year_like or core.leading_zero:
        return False
    if core.decimal and core.scale == 1 and not percent:
        return False
    return True


def _could_be_day(number: str) -> bool:
    if not number.isdigit():
        return True
    if len(number) <= _MAX_DIGITS_READ:
        return int(number) <= 31
    # int() refuses thousands of digits: so long a day is zeros but for its last two digits
    return not any(int(digit) for digit in number[:-2]) and int(number[-2:]) <= 31


def _blocked_around(text: str, start: int, end: int) -> bool:
    """True when the words touching the number make it a date, money, time, id or adjective."""
    # Anchored matches after the number first: they are cheaper than the searches before it.
    if _NOT_A_COUNT_AFTER.match(text, end) or _DATE_AFTER.match(text, end):
        return True
    left_from = max(0, start - 20)
    glued = _GLUED_BEFORE.search(text, max(left_from, start - _GLUED_REACH), start)
    if glued and not _follows_a_year_or_day(text, glued.start()):
        return True
    words_end = _spaces_start(text, left_from, start)  # money, ids and months stand before any spaces
    if _CURRENCY_BEFORE.search(text, max(left_from, words_end - _CURRENCY_REACH), words_end):
        return True
    # "Dec. 9" is a date; "October 4,000" and "February 200" are counts after a month name.
    if not _could_be_day(text[start:end]):
        return False
    if _ID_BEFORE.search(text, max(left_from, words_end - _ID_REACH), words_end):
        return True
    return words_end < start and _MONTH_BEFORE.search(text, max(left_from, words_end - _MONTH_REACH), words_end) is not None


_YEAR_OR_DAY_BEFORE = re.compile(r"(?<![\d,.:/\u2013-])(?:(?:19|20)\d\d|(?P<day>[0-3]?\d))\Z")


def _follows_a_year_or_day(text: str, digit: int) -> bool:
    """Whether the digit right before a number and its space ends a year or a date's day, which
    no thousands group continues: "in 2024 10 000 troops", "on May 5 1,000 troops" are 10,000 and
    1,000 (a space between other digits glues them: "123 4567" is a phone number, no count)."""
    if text[digit + 1] not in " \u00a0\u2009\u202f":  # only a spaced neighbour may be a year or day
        return False
    before = _YEAR_OR_DAY_BEFORE.search(text, max(0, digit - 3), digit + 1)
    if before is None:
        return False
    if before.group("day") is None:
        return True
    words_end = _spaces_start(text, max(0, before.start() - 20), before.start())
    return words_end < before.start() and _MONTH_BEFORE.search(
        text, max(0, words_end - _MONTH_REACH), words_end) is not None


def _spaces_start(text: str, floor: int, position: int) -> int:
    """Where the run of horizontal spaces (HS) ending at position starts, not before floor."""
    while position > floor and text[position - 1].isspace() and text[position - 1] not in "\r\n":
        position -= 1
    return position


def _to_int(value: Fraction, unit: str) -> int:
    if unit == PERCENT:
        return floor(value + Fraction(1, 2))  # half up: "40.5%" is 41
    return floor(value)  # part of a person is no person: "2.3456 thousand" is 2345


def _make_phrase(
    text: str, start: int, end: int, low: int | None, high: int | None, best: int, qualifier: str, unit: str
) -> NumberPhrase:
    values = [value for value in (low, high, best) if value is not None]
    if any(value > INT64_MAX for value in values):
        return NumberPhrase(start, end, text[start:end], None, None, None, qualifier, unit, TOO_LARGE)
    return NumberPhrase(start, end, text[start:end], low, high, best, qualifier, unit, None)


def _qualifier_before(text: str, floor_at: int, position: int) -> tuple[str, int] | None:
    match = _BEFORE.search(text, max(floor_at, position - _LOOKBACK), position)
    if match is None:
        return None
    return _QUALIFIER_OF[(_normal(match.group()), "before")], match.start()


def _range_phrase(
    text: str, low_core: _Core, after_low: int, low_percent: bool, floor_at: int
) -> tuple[NumberPhrase | None, int] | None:
    """The range starting with low_core ("10-15,000", "between 11,000 and 12,000") and where it
    ends; its phrase is None when the range is a date, an id or money. None when no range starts here."""
    link = _LINK.match(text, after_low)
    if link is None or low_core.vague:
        return None
    high_core = _core_starting_at(text, link.end())
    if high_core is None or high_core.vague:
        return None
    opener = _OPEN.search(text, max(floor_at, low_core.start - _LOOKBACK), low_core.start)
    link_word = _normal(link.group())
    opened_for_pair = opener is not None and (_normal(opener.group()), "range_open_pair") in _QUALIFIER_OF
    if (link_word, "range_link_pair") in _QUALIFIER_OF and not opened_for_pair:
        return None
    high_percent = _PERCENT.match(text, high_core.end)
    if low_percent and not high_percent:
        return None
    if low_core.bare and high_core.scale > 1 and low_core.value * high_core.scale <= high_core.value:
        low_core = replace(low_core, value=low_core.value * high_core.scale, scale=high_core.scale)
    if low_core.value >= high_core.value:
        return None
    end = high_percent.end() if high_percent else high_core.end
    unit = PERCENT if high_percent else PERSONS
    counts = _is_count_form(low_core, bool(high_percent)) and _is_count_form(high_core, bool(high_percent))
    if not counts or _blocked_around(text, low_core.start, end):
        return None, end
    start = opener.start() if opener else low_core.start
    qualifier = _qualifier_before(text, floor_at, start)  # read only for a range that is kept
    if qualifier:
        start = qualifier[1]
    low, high = _to_int(low_core.value, unit), _to_int(high_core.value, unit)
    return _make_phrase(text, start, end, low, high, (low + high) // 2, "range", unit), end


def _single_phrase(
    text: str, core: _Core, percent: re.Match | None, floor_at: int
) -> tuple[NumberPhrase | None, int]:
    end = percent.end() if percent else core.end
    if core.vague:
        return _vague_phrase(text, core, _qualifier_before(text, floor_at, core.start))
    after = None
    if not percent:
        after = _AFTER.match(text, core.end)
        if after and _DIGIT_NEXT.match(text, after.end()):  # "3,000 plus 500" adds, it does not bound
            after = None
    if after:
        end = after.end()
    # The qualifier before is searched only once the number's form and neighbours are known to
    # make a count (a weak word, which needs one, excepted): most rejected numbers are years and dates.
    before = _qualifier_before(text, floor_at, core.start) if core.weak else None
    if core.weak and not before and not after:
        return None, core.end
    unit = PERCENT if percent else PERSONS
    if not _is_count_form(core, bool(percent)) or _blocked_around(text, core.start, end):
        return None, end
    if not core.weak:
        before = _qualifier_before(text, floor_at, core.start)
    if before:
        qualifier, start = before
    elif after:
        qualifier, start = _QUALIFIER_OF[(_normal(after.group().lstrip("-")), "after")], core.start
    else:
        qualifier, start = "exact", core.start
    value = _to_int(core.value, unit)
    low = None if qualifier in _UPPER_BOUND_ONLY else value
    high = None if qualifier in _LOWER_BOUND_ONLY else value
    return _make_phrase(text, start, end, low, high, value, qualifier, unit), end


def _vague_phrase(text: str, core: _Core, before: tuple[str, int] | None) -> tuple[NumberPhrase, int]:
    low, high = core.vague
    start, qualifier = core.start, "vague"
    if before and before[0] in _LOWER_BOUND_ONLY:
        qualifier, start, high = before[0], before[1], None
    elif before and before[0] == "approx":
        start = before[1]
    return _make_phrase(text, start, core.end, low, high, low, qualifier, PERSONS), core.end


def _phrase_from(text: str, core: _Core, floor_at: int) -> tuple[NumberPhrase | None, int]:
    """The phrase built around core, and where to look for the next one."""
    percent = None if core.vague else _PERCENT.match(text, core.end)
    after_core = percent.end() if percent else core.end
    ranged = _range_phrase(text, core, after_core, bool(percent), floor_at)
    if ranged is not None:
        return ranged
    return _single_phrase(text, core, percent, floor_at)


def _without_leading_day(text: str, core: _Core) -> _Core:
    """"May 5 100 troops" reads "5 100" as one spaced number; after a month name its first group
    is the date's day, and the count starts at the next group."""
    if not core.space_grouped:
        return core
    first_group = _LEADING_DIGITS.match(text, core.start)
    if not _could_be_day(first_group.group()):
        return core
    words_end = _spaces_start(text, max(0, core.start - 20), core.start)
    if words_end == core.start or _MONTH_BEFORE.search(text, max(0, words_end - _MONTH_REACH), words_end) is None:
        return core
    return _core_starting_at(text, first_group.end() + 1) or core


_LEADING_DIGITS = re.compile(r"\d+")


def find_number_phrases(text: str) -> list[NumberPhrase]:
    """Every count-like number phrase in text, in order, non-overlapping."""
    phrases: list[NumberPhrase] = []
    position = 0
    floor_at = 0  # a qualifier may not reach back into the previous phrase
    lowered = text.lower() if text.isascii() and _CORE_START.lowered is not None else None
    while (core := _next_core(text, lowered, position)) is not None:
        core = _without_leading_day(text, core)
        phrase, resume_at = _phrase_from(text, core, floor_at)
        if phrase is not None:
            phrases.append(phrase)
            floor_at = phrase.end
        position = max(resume_at, core.start + 1)
    return phrases


def parse_number_phrase(phrase: str) -> NumberPhrase | None:
    """The whole string read as one number phrase (surrounding spaces allowed), or None."""
    found = find_number_phrases(phrase)
    if len(found) != 1:
        return None
    only = found[0]
    if phrase[: only.start].strip() or phrase[only.end :].strip():
        return None
    return only
