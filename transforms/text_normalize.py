"""Normalize decoded text so claim offsets point into one clean, stable string.

What changes: ANSI escape sequences are removed; CRLF and lone CR become LF (so do
Unicode line and paragraph separators, form feed and vertical tab, which stand for a
line break and would otherwise glue words together); zero-width characters, bidi
controls, NUL and the other C0/C1 controls (all but LF and tab) are removed, which also
mends numbers an invisible character split ("1\\u200b4,000" -> "14,000"); non-breaking
spaces become plain spaces; the result is Unicode NFC. Everything else is kept as is.

Every step is str.replace or a regex without nested quantifiers, so a 50 MB line costs
linear time and a few copies of its size.
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ params final) and OSC (ESC ] ... BEL or ESC \) sequences, then any other
# two-character escape. Each alternative consumes a bounded class run, so matching is linear.
_ANSI_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
)

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
_BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NON_BREAKING_SPACES = "\u00a0\u202f\u2007"
_LINE_BREAKS = "\u2028\u2029\x0b\x0c\x85"


def _removed_class() -> re.Pattern:
    controls = [chr(code) for code in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0))
                if chr(code) not in "\n\t" + _LINE_BREAKS]
    return re.compile("[" + re.escape("".join(controls) + _ZERO_WIDTH + _BIDI_CONTROLS) + "]+")


# A regex class and plain str.replace run at C speed on any text; str.translate with a
# table is ten times slower once the text holds a non-ASCII character.
_REMOVED = _removed_class()


def ascii_members(pattern: re.Pattern) -> bytes:
    """The ASCII characters a character-class pattern matches, for `count_in_ascii`."""
    return bytes(code for code in range(0x80) if pattern.fullmatch(chr(code)))


def count_in_ascii(text: str, members: bytes) -> int:
    """How many characters of an ASCII text are `members`. Scanning with a regex class costs
    ~20 ns a character; bytes.translate deleting them runs ~20 times faster."""
    raw = text.encode("ascii")
    return len(raw) - len(raw.translate(None, members))


# The removed characters an ASCII text (most articles) can hold: counted before the regex is run.
_ASCII_REMOVED = ascii_members(_REMOVED)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_ansi(text: str) -> str:
    if "\x1b" not in text:
        return text
    return _ANSI_ESCAPE.sub("", text)


def normalize_text(text: str) -> str:
    """Return the normalized form of decoded text (see the module docstring)."""
    text = strip_ansi(text)
    text = normalize_newlines(text)
    if _may_hold_removed(text):
        text = _REMOVED.sub("", text)
    for char in _NON_BREAKING_SPACES:
        if char in text:
            text = text.replace(char, " ")
    for char in _LINE_BREAKS:
        if char in text:
            text = text.replace(char, "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _may_hold_removed(text: str) -> bool:
    """False when text surely holds no character `_REMOVED` matches (see `_ASCII_REMOVED`)."""
    return not text.isascii() or count_in_ascii(text, _ASCII_REMOVED) > 0


def is_blank(text: str) -> bool:
    """True when nothing but whitespace is left."""
    return not text.strip()
