"""Turn raw bytes into text, or say in one short line why they are not text.

Order of attempts:
1. A byte-order mark (UTF-32 before UTF-16, since the UTF-32 LE mark starts like UTF-16 LE's).
2. UTF-16 or UTF-32 without a mark, recognised by where the NUL bytes fall (English text
   in UTF-16 LE has a NUL in nearly every odd byte).
3. Binary sniffing: a known file signature (PNG, ZIP, PDF, ...) or NUL bytes in a file that
   is not UTF-16/32 is binary. A handful of stray NULs (at most one byte in a thousand) in
   otherwise readable text (two, or one byte in a thousand) is tolerated, because scraped articles sometimes carry one and
   losing the article for it would be worse; normalization removes them.
4. Strict UTF-8.
5. Mostly UTF-8: valid multi-byte sequences and only a few bad bytes (at most one in a
   hundred) is a UTF-8 file with damage; the bad bytes become U+FFFD.
6. cp1252 when it decodes the bytes into Western European letters and typographic
   punctuation only (the usual legacy encoding of English news), else charset-normalizer's
   best guess (it recognises e.g. EUC-KR), failing that Latin-1 (which decodes any byte).
Text whose characters are mostly controls or replacement characters is binary after all
(ESC is not counted: a log full of ANSI colours is still text).
"""

from __future__ import annotations

import re

import codecs
from dataclasses import dataclass

from transforms.text_normalize import ascii_members, count_in_ascii

BINARY_ERROR = "binary content, not text"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Leading bytes of common binary formats that might land under a text name.
_BINARY_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"PK\x05\x06", b"%PDF-", b"\x1f\x8b", b"\xff\xd8\xff",
    b"GIF87a", b"GIF89a", b"\x7fELF", b"BZh", b"\xfd7zXZ\x00", b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07", b"SQLite format 3\x00", b"\x00asm", b"MZ\x90\x00",
)

_SNIFF_BYTES = 8192
_STRAY_NUL_RATE = 0.001
_STRAY_NULS = 2
_MAX_CONTROL_SHARE = 0.10


class NotText(ValueError):
    """The bytes are not text; the message is the document error."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(raw: bytes) -> Decoded:
    """Decode raw bytes to text (not yet normalized). Raises NotText for binary content."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _checked(raw[len(bom):].decode(encoding, errors="replace"), encoding)
    wide = sniff_wide_encoding(raw[:_SNIFF_BYTES])
    if wide:
        return _checked(raw.decode(wide, errors="replace"), wide)
    if looks_binary(raw):
        raise NotText(BINARY_ERROR)
    try:
        return _checked(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(raw):
        return _checked(raw.decode("utf-8", errors="replace"), "utf-8")
    return _checked(*_decode_legacy(raw))


def _mostly_utf8(raw: bytes) -> bool:
    text = raw.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    continuation_bytes = len(raw) - len(text)  # one or more for each valid multi-byte character
    return continuation_bytes >= max(damaged, 1) and damaged <= max(1, len(raw) // 100)


def _western(text: str) -> bool:
    return all(ord(char) < 0x100 or 0x2010 <= ord(char) <= 0x203A or char in "€ŠšŽžŒœŸƒˆ˜™"
               for char in set(text))


def sniff_wide_encoding(sample: bytes) -> str | None:
    """UTF-16/32 without a BOM, judged from the positions of NUL bytes in a sample."""
    usable = len(sample) - len(sample) % 4
    if usable < 8 or 0 not in sample:  # no NUL byte: nothing below can match
        return None
    sample = sample[:usable]
    quarters = [sample[i::4].count(0) / (usable // 4) for i in range(4)]
    if quarters[1] > 0.9 and quarters[2] > 0.9 and quarters[3] > 0.9 and quarters[0] < 0.5:
        return "utf-32-le"
    if quarters[0] > 0.9 and quarters[1] > 0.9 and quarters[2] > 0.9 and quarters[3] < 0.5:
        return "utf-32-be"
    even_nuls = sample[0::2].count(0) / (usable // 2)
    odd_nuls = sample[1::2].count(0) / (usable // 2)
    if odd_nuls > 0.4 and even_nuls < 0.1:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.1:
        return "utf-16-be"
    return None


def looks_binary(raw: bytes) -> bool:
    """A known binary signature, or more NUL bytes than stray ones in a narrow-encoded file."""
    if raw.startswith(_BINARY_SIGNATURES):
        return True
    nuls = raw.count(0)
    return nuls > max(_STRAY_NULS, len(raw) * _STRAY_NUL_RATE)


def _decode_legacy(raw: bytes) -> tuple[str, str]:
    try:
        text = raw.decode("cp1252")
        if _western(text):
            return text, "cp1252"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: cp1252/Latin-1 below still decode everything
        from_bytes = None
    if from_bytes is not None:
        best = from_bytes(raw).best()
        if best is not None:
            return str(best), best.encoding
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _checked(text: str, encoding: str) -> Decoded:
    if _control_share(text[:_SNIFF_BYTES]) > _MAX_CONTROL_SHARE:
        raise NotText(BINARY_ERROR)
    return Decoded(text, encoding)


# Replacement characters and C0 controls other than \t \n \x0c \r and ESC: signs of a wrong decoding.
_BAD_CHARACTER = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


# The characters of `_BAD_CHARACTER` an ASCII sample (most articles) can hold.
_ASCII_BAD = ascii_members(_BAD_CHARACTER)


def _control_share(sample: str) -> float:
    if not sample:
        return 0.0
    if sample.isascii():
        return count_in_ascii(sample, _ASCII_BAD) / len(sample)
    return len(_BAD_CHARACTER.findall(sample)) / len(sample)
