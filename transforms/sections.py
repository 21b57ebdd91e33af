"""Split an article's plain text into sections: headline, body, caption, related, comment.

`find_sections(text, title)` labels every line, then merges neighbouring lines with the
same label into `(section, start, end)` spans that cover the text end to end (blank lines
belong to the line above them). Marker words are data in `lexicon/section_markers.tsv`.

Rules, in the order they are tried for a line:

- related header ("Related Stories", "More in North Korea", "Read more: ...") starts a
  related block; the block holds the short headline-like lines that follow and ends at
  the first line of prose (a sentence of 12+ words ending in "." or "!", or 40+ words),
  which is body again. A page that only kept the label ("Related Article" followed by the
  article going on) therefore loses nothing but the label.
- comment header ("5 Comments", "Reader comments", "Join the conversation") starts the
  comment block, which runs to the end (or to a related header), unless it is a counter
  in the byline area: a header with fewer than two prose lines above it. Pages then show
  the comments after the article, so the trailing comments are found by structure: the
  first gap of two or more blank lines after the article starts where
  (a) at least 40% of the lines after the gap read as informal (a question or
  exclamation mark, a first-person or second-person word from `doc_comment_cues.tsv`, a
  lowercase start, or no final punctuation), and (b) the three lines just above the gap
  are article prose, at most one of them informal. Limits: without any comment header
  nothing is called a comment (reader comments and quoted speech are too alike), and a
  comment thread whose first comment reads formally and has no gap above it stays body.
- caption: markdown image lines, table-ish "| ... |" lines, a credit at the end of the
  line ("[YONHAP]", "Image: Reuters/KCNA", "(Reuters)" together with a word such as
  photo or picture), a "Photo:" prefix, or a phrase like "in this photo released by".
- headline: the title and its repeats (outside related blocks), and any line above the
  article's first prose line that contains the title.
- related, without a header: after the article has started, a run of three or more
  headline-like lines (4 to 20 words, capitalised, no final punctuation), unless the line
  above the run ends in ":" (then it is a list in the body).
- body: everything else.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import islice
from functools import cache, lru_cache

from transforms.lexicon import load_table
from transforms.phrase_matcher import escaped, trie_pattern

HEADLINE, BODY, CAPTION, RELATED, COMMENT = "headline", "body", "caption", "related", "comment"
Span = tuple[str, int, int]

_HEAD_CHARS = 400
_TAIL_CHARS = 200
_LONG_LINE = 2000  # beyond this a line is prose whatever it looks like
_PROSE_MIN_WORDS = 12
_PROSE_ANY_WORDS = 40
_RUN_MIN_LINES = 3
_INFORMAL_SHARE = 0.4

_BRACKET_CREDIT = re.compile(r"\[[A-Z0-9][A-Z0-9 .,'&/\-]{1,60}\]$")
_PAREN_CREDIT = re.compile(r"\(([A-Za-z][\w .,'&/\-]{1,50})\)$")
_MARKDOWN_IMAGE = re.compile(r"^!\[[^\]\n]{0,500}\]")
_BULLET = re.compile(r"^(?:[-*•·–]|\d{1,2}[.)])\s")
_WORDS = re.compile(r"[a-z']+")
_TERMINAL = (".", "!", ".\"", ".”", ".'", ".’", "!\"", "!”")
_DIGITS_AND_BRACKETS = re.compile(r"[\d()\[\]]+")
_SPACES = re.compile(r"\s+")
_NOT_WORD_OR_SPACE = re.compile(r"[^\w\s]")


@dataclass(slots=True)
class Line:
    start: int
    end: int
    head: str  # the first characters, stripped
    tail: str  # the last characters, stripped
    length: int
    # Derived once here, since the rules ask for them several times a line.
    blank: bool = False
    word_count: int = 0
    lowered_head: str = ""
    lowered_tail: str = ""


def split_lines(text: str) -> list[Line]:
    lines = []
    start = 0
    for segment in text.split("\n"):
        length = len(segment)
        end = start + length
        if length <= _TAIL_CHARS:  # head and tail are the same characters: strip once
            head = tail = segment.strip()
        else:
            head, tail = segment[:_HEAD_CHARS].strip(), segment[-_TAIL_CHARS:].strip()
        lines.append(Line(start, end, head, tail, length, not head, _word_count(head, tail, length),
                          head.lower(), tail.lower()))
        start = end + 1
    return lines


def _word_count(head: str, tail: str, length: int) -> int:
    if length > _LONG_LINE:
        return _LONG_LINE
    return len(head.split()) if length <= _HEAD_CHARS else len((head + " " + tail).split())


# ---------------------------------------------------------------- marker tables


@lru_cache(maxsize=1)
def _markers() -> dict[tuple[str, str], tuple[str, ...]]:
    table: dict[tuple[str, str], list[str]] = {}
    for row in load_table("section_markers"):
        phrase = row["phrase"].lower()
        table.setdefault((row["section"], row["kind"]), []).append(phrase)
    return {key: tuple(phrases) for key, phrases in table.items()}


@cache
def _phrases(section: str, kind: str) -> tuple[str, ...]:
    return _markers().get((section, kind), ())


@cache
def _phrase_set(section: str, kind: str) -> frozenset[str]:
    return frozenset(_phrases(section, kind))


@cache
def _any_phrase(section: str, kind: str) -> re.Pattern:
    """Finds any of the phrases in lowered text: one search with a trie, not one `in` test per phrase."""
    phrases = _phrases(section, kind)
    return re.compile(trie_pattern(map(escaped, phrases)) if phrases else "(?!)")


@cache
def _probes(section: str, kind: str) -> tuple[str, ...]:
    """Words one of which any text holding one of the phrases holds: each phrase's longest
    word, less those holding another probe. A few `in` tests cost less than a regex scan,
    so they rule most lines out before `_any_phrase` is run."""
    longest = {max(phrase.split() or [phrase], key=len) for phrase in _phrases(section, kind)}
    return tuple(sorted(word for word in longest if not any(other != word and other in word for other in longest)))


def _may_hold_phrase(text: str, section: str, kind: str) -> bool:
    return any(probe in text for probe in _probes(section, kind))


@cache
def _any_word_start(section: str, kind: str) -> re.Pattern:
    """Finds any of the phrases starting a word."""
    phrases = _phrases(section, kind)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + ")" if phrases else "(?!)")


@lru_cache(maxsize=1)
def _comment_cues() -> frozenset[str]:
    return frozenset(row["word"].lower() for row in load_table("doc_comment_cues"))


def _header_key(line: Line) -> str:
    """A short line reduced to the words a header is made of ("5 Comments:" -> "comments")."""
    if line.length > 80:
        return ""
    key = _DIGITS_AND_BRACKETS.sub(" ", line.head.lower())
    key = key.replace("’", "'").strip(" :|>-–—•·#*")
    return _SPACES.sub(" ", key)


def header_section(line: Line) -> str | None:
    """RELATED or COMMENT when the line is a header of such a block."""
    key = _header_key(line)
    if not key:
        return None
    for section in (RELATED, COMMENT):
        if key in _phrase_set(section, "header"):
            return section
    if line.length <= 250 and not is_prose(line) and _starts_with_marker(line.head, _phrases(RELATED, "header_prefix")):
        return RELATED
    return None


def _starts_with_marker(text: str, phrases: tuple[str, ...]) -> bool:
    """True when text starts with a phrase as whole words ("More in X", not "More intense")."""
    return _starts_with_lowered_marker(text.lower(), phrases)


def _starts_with_lowered_marker(lowered: str, phrases: tuple[str, ...]) -> bool:
    """`_starts_with_marker` for text already lowered."""
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    if not lowered.startswith(phrases):
        return False
    for phrase in phrases:
        if lowered.startswith(phrase):
            following = lowered[len(phrase):len(phrase) + 1]
            if not (phrase[-1].isalnum() and following.isalnum()):
                return True
    return False


# ---------------------------------------------------------------- line shapes


def is_prose(line: Line) -> bool:
    words = line.word_count
    return words >= _PROSE_ANY_WORDS or (words >= _PROSE_MIN_WORDS and line.tail.endswith(_TERMINAL))


def is_headline_like(line: Line, min_words: int = 1) -> bool:
    if not line.head or line.length > 200:
        return False
    words = line.word_count
    first = line.head[0]
    return (min_words <= words <= 20 and not line.tail.endswith((".", ",", ";", ":"))
            and (first.isupper() or first.isdigit() or first in "\"'‘“"))


def is_caption(line: Line) -> bool:
    head, tail = line.head, line.tail
    if not head:
        return False
    # The anchored patterns need their last or first character: test it before running them.
    if (head.startswith("![") and _MARKDOWN_IMAGE.match(head)) or (head.startswith("|") and tail.endswith("|")):
        return True
    if tail.endswith("]") and _BRACKET_CREDIT.search(tail):
        return True
    lowered_head, lowered_tail = line.lowered_head, line.lowered_tail
    if _starts_with_lowered_marker(lowered_head, _phrases(CAPTION, "prefix")):
        return True
    end = lowered_tail[-60:]
    if _may_hold_phrase(end, CAPTION, "tail") and _any_phrase(CAPTION, "tail").search(end):
        return True
    if (line.word_count <= 80 and _may_hold_phrase(lowered_head, CAPTION, "phrase")
            and _any_phrase(CAPTION, "phrase").search(lowered_head)):
        return True
    credit = tail.endswith(")") and _PAREN_CREDIT.search(tail)
    if credit and line.word_count <= 80:
        text = lowered_head if line.length <= _HEAD_CHARS else lowered_head + " " + lowered_tail
        return _any_word_start(CAPTION, "cue").search(text) is not None
    return False


def is_informal(line: Line) -> bool:
    head, tail = line.head, line.tail
    if "?" in head or "!" in head or "?" in tail or "!" in tail:
        return True
    if head[:1].islower() or not tail.endswith((".", "\"", "”", "'", "’", ")")):
        return True
    words = set(_WORDS.findall((head + " " + tail).lower().replace("’", "'")))
    return bool(words & _comment_cues())


def _same_words(text: str) -> str:
    return " ".join(_NOT_WORD_OR_SPACE.sub(" ", text.lower()).split())


# ---------------------------------------------------------------- labelling


def find_sections(text: str, title: str | None = None) -> list[Span]:
    """(section, start, end) spans that cover `text`; see the module docstring for the rules."""
    if not text:
        return []
    lines = split_lines(text)
    labels = label_lines(lines, title)
    return _spans(text, lines, labels)


def label_lines(lines: list[Line], title: str | None) -> list[str]:
    content = [i for i, line in enumerate(lines) if not line.blank]
    body_start = next((i for i in content if is_prose(lines[i]) and not is_caption(lines[i])), len(lines))
    title_key = _same_words(title or "")
    # A line holding the title holds its longest word: a cheap test before `_same_words`.
    title_probe = max(title_key.split(), key=len) if title_key else ""
    labels = [BODY] * len(lines)
    block = BODY
    prose_seen = 0
    byline_comment_header = False
    for i in content:
        line = lines[i]
        header = header_section(line)
        if header == COMMENT:
            labels[i] = COMMENT
            if prose_seen < 2:
                byline_comment_header = True
            else:
                block = COMMENT
            continue
        if header == RELATED:
            labels[i] = RELATED
            block = RELATED
            continue
        if block == RELATED and not is_prose(line):
            labels[i] = RELATED
            continue
        if block == RELATED:
            block = BODY
        if block == COMMENT:
            labels[i] = COMMENT
            continue
        if is_prose(line):
            prose_seen += 1
        labels[i] = _plain_label(line, title_key, title_probe, above_body=i < body_start)
    _mark_headerless_related(lines, labels, content, body_start)
    if byline_comment_header:
        _mark_trailing_comments(lines, labels, body_start)
    return labels


def _plain_label(line: Line, title_key: str, title_probe: str, above_body: bool) -> str:
    if is_caption(line):
        return CAPTION
    if title_key and line.length <= 400 and title_probe in line.lowered_head:
        key = _same_words(line.head)
        if key == title_key or (above_body and title_key in key and len(key) < len(title_key) + 40):
            return HEADLINE
    return BODY


def _mark_headerless_related(lines: list[Line], labels: list[str], content: list[int], body_start: int) -> None:
    run: list[int] = []
    for i in content + [len(lines)]:
        fits = (i < len(lines) and i > body_start and labels[i] == BODY
                and is_headline_like(lines[i], min_words=4))
        if fits:
            run.append(i)
            continue
        if len(run) >= _RUN_MIN_LINES and not _introduced_list(lines, run[0]):
            for j in run:
                labels[j] = RELATED
        run = []


def _introduced_list(lines: list[Line], first: int) -> bool:
    above = next((lines[j] for j in range(first - 1, -1, -1) if not lines[j].blank), None)
    return above is not None and above.tail.endswith(":")


def _mark_trailing_comments(lines: list[Line], labels: list[str], body_start: int) -> None:
    # How many body lines from each line on, and how many of them informal: counted once, from the
    # end, so that trying every gap costs a pass over the lines, not one per gap.
    body_after, informal_after = _body_lines_after(lines, labels)
    for gap_end in _gaps(lines, body_start):
        if not body_after[gap_end]:
            return
        before = list(islice((i for i in range(gap_end - 1, body_start - 1, -1) if not lines[i].blank), 3))
        informal_before = sum(is_informal(lines[i]) for i in before)
        if informal_after[gap_end] / body_after[gap_end] >= _INFORMAL_SHARE and informal_before <= 1 and before:
            for i in range(gap_end, len(lines)):
                if not lines[i].blank and labels[i] == BODY:
                    labels[i] = COMMENT
            return


def _body_lines_after(lines: list[Line], labels: list[str]) -> tuple[list[int], list[int]]:
    """For each line index (and one past the end): the non-blank body lines from it to the end,
    and how many of them are informal."""
    body_after, informal_after = [0] * (len(lines) + 1), [0] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        is_body = not lines[i].blank and labels[i] == BODY
        body_after[i] = body_after[i + 1] + is_body
        informal_after[i] = informal_after[i + 1] + (is_body and is_informal(lines[i]))
    return body_after, informal_after


def _gaps(lines: list[Line], body_start: int):
    """Indexes of the first line after each run of two or more blank lines below body_start."""
    blank_run = 0
    for i in range(body_start, len(lines)):
        if lines[i].blank:
            blank_run += 1
            continue
        if blank_run >= 2:
            yield i
        blank_run = 0


def _spans(text: str, lines: list[Line], labels: list[str]) -> list[Span]:
    """Merge line labels into covering spans; a blank line takes the label of the line above.

    A span starts where a line's label differs from the line above's and ends where the
    next span starts (lines are contiguous), the last one at the end of the text.
    """
    if not lines:
        return []
    spans: list[list] = []
    current = labels[0]
    spans.append([current, 0])
    for i in range(1, len(lines)):
        line = lines[i]
        if line.blank:
            continue
        label = labels[i]
        if label != current:
            spans.append([label, line.start])
            current = label
    ends = [start for _, start in spans[1:]] + [len(text)]
    return [(label, start, end) for (label, start), end in zip(spans, ends) if end > start]


def overlay_spans(spans: list[Span], overrides: list[Span], length: int) -> list[Span]:
    """Spans with `overrides` (e.g. known caption lines) written over them, still covering 0..length.

    `spans` are in order and do not overlap (as `find_sections` gives them), so each override
    replaces only the pieces it touches, found by bisection: a document with many captions costs
    a search per caption, not a pass over every piece. An empty override changes nothing."""
    labels: list[tuple[int, int, str]] = [(start, end, section) for section, start, end in spans]
    for section, start, end in sorted(overrides, key=lambda span: span[1]):
        if end <= start:
            continue
        first = bisect_right(labels, start, key=lambda piece: piece[1])  # the first piece ending after start
        last = bisect_left(labels, end, key=lambda piece: piece[0])  # the first piece starting at or after end
        pieces = []
        if first < last and labels[first][0] < start:
            pieces.append((labels[first][0], start, labels[first][2]))
        if max(start, 0) < min(end, length):
            pieces.append((max(start, 0), min(end, length), section))
        if first < last and labels[last - 1][1] > end:
            pieces.append((end, labels[last - 1][1], labels[last - 1][2]))
        labels[first:last] = pieces
    merged: list[list] = []
    for start, end, section in labels:
        if merged and merged[-1][0] == section and merged[-1][2] == start:
            merged[-1][2] = end
        else:
            merged.append([section, start, end])
    return [(section, start, end) for section, start, end in merged]


def section_at(spans: list[Span], offset: int) -> str:
    """The section holding a character offset (body when no span does).

    Spans come in order without overlaps (every producer gives them so), so the one that may
    hold the offset is found by bisection: a document with many sections would otherwise cost
    a pass over them per figure. Where that span does not hold it, every span is tried."""
    index = bisect_right(spans, offset, key=lambda span: span[1]) - 1
    if 0 <= index < len(spans) and spans[index][1] <= offset < spans[index][2]:
        return spans[index][0]
    for section, start, end in spans:
        if start <= offset < end:
            return section
    return BODY
