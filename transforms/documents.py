"""Read one input file's bytes into ParsedDocuments: text, sections and metadata.

`parse_file(raw, source_path, sidecar=None)` never raises on bad input. A file that
cannot be read becomes one document with `error` set and empty `text`; a `.jsonl` file
gives one document per non-blank line (`source_path` is `PATH:LINE`, 1-based), and a bad
line becomes a document with its own error, so no line is lost.

Sidecar (`NAME.meta.json`, for .txt, .md and .html files): its `title`, `outlet`,
`published` and `url` override what the text says. A malformed sidecar (not JSON, not an
object, a field of the wrong type or an unreadable date) is ignored rather than failing
the article: the document keeps its text, gets no error, and the reason is recorded in
`warnings` ("malformed sidecar ignored: ..."). A sidecar is about a file, so a `.jsonl`
file's sidecar is ignored too (each line carries its own fields).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from transforms.decoding import BINARY_ERROR, NotText, decode_bytes, looks_binary, sniff_wide_encoding
from transforms.html_text import html_to_article
from transforms.formats import format_of
from transforms.metadata import find_outlet, find_published_date, find_title, parse_iso_datetime
from transforms.sections import CAPTION, HEADLINE, Span, find_sections, overlay_spans
from transforms.text_normalize import is_blank, normalize_newlines, normalize_text

EMPTY_ERROR = "empty file"
SIDECAR_FIELDS = ("title", "outlet", "published", "url")
_MAX_ERROR = 200


@dataclass
class ParsedDocument:
    source_path: str
    format: str
    text: str = ""
    title: str | None = None
    outlet: str | None = None
    published_date: date | None = None
    url: str | None = None
    sections: list[Span] = field(default_factory=list)
    error: str | None = None
    # extras beyond the architecture's contract
    external_id: str | None = None  # a .jsonl line's `id`
    warnings: list[str] = field(default_factory=list)


def parse_file(raw: bytes, source_path: str, sidecar: bytes | None = None) -> list[ParsedDocument]:
    """ParsedDocuments for one file's bytes (see the module docstring)."""
    fmt = format_of(source_path)
    if fmt is None:
        return [ParsedDocument(source_path, "unknown", error="unsupported file type")]
    try:
        if fmt == "jsonl":
            return _parse_jsonl(raw, source_path)
        # A sidecar's title changes a plain text's headline: label its sections after the sidecar, once.
        document = _parse_article(raw, source_path, fmt, label=sidecar is None)
        if sidecar is not None and document.error is None:
            _apply_sidecar(document, sidecar)
        return [document]
    except Exception as problem:  # last resort: a parser bug must not lose the file
        return [ParsedDocument(source_path, fmt, error=one_line(f"could not parse: {type(problem).__name__}: {problem}"))]


def one_line(message: str) -> str:
    message = " ".join(str(message).split())
    return message if len(message) <= _MAX_ERROR else message[:_MAX_ERROR - 3] + "..."


# ---------------------------------------------------------------- single articles


def _decoded_text(raw: bytes) -> str:
    """Normalized text, raising NotText with the document error for binary or empty input."""
    if not raw:
        raise NotText(EMPTY_ERROR)
    text = normalize_text(decode_bytes(raw).text)
    if is_blank(text):
        raise NotText(EMPTY_ERROR)
    return text


def _parse_article(raw: bytes, source_path: str, fmt: str, label: bool = True) -> ParsedDocument:
    try:
        text = _decoded_text(raw)
    except NotText as problem:
        return ParsedDocument(source_path, fmt, error=str(problem))
    if fmt == "html":
        return _html_document(text, source_path)
    if fmt == "md":
        return _markdown_document(text, source_path)
    return _plain_document(text, source_path, fmt, label)


def _plain_document(text: str, source_path: str, fmt: str, label: bool = True) -> ParsedDocument:
    """`label=False` leaves `sections` empty for the caller to fill (see `_apply_sidecar`)."""
    title = find_title(text)
    return ParsedDocument(source_path, fmt, text=text, title=title, outlet=find_outlet(text),
                          published_date=find_published_date(text),
                          sections=find_sections(text, title) if label else [])


def _html_document(html: str, source_path: str) -> ParsedDocument:
    article = html_to_article(html)
    if is_blank(article.text):
        return ParsedDocument(source_path, "html", error="no text in page")
    return ParsedDocument(source_path, "html", text=article.text, title=article.title, outlet=article.outlet,
                          published_date=article.published_date, url=article.url, sections=article.sections,
                          warnings=list(article.notes))


# ---------------------------------------------------------------- markdown

_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE_LINE = re.compile(r"^\s*!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)\s*$")
_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\](?:\([^)\n]{0,2000}\)|\[[^\]\n]{0,100}\])")
_MD_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]\n]{1,100}\]:\s+\S+")
_MD_ITALIC_LINE = re.compile(r"^\s*(\*{1,2}|_{1,2})([^*_\n].{0,1000}?)\1\s*$")
_MD_STRONG = re.compile(r"(\*\*|__)([^*_\n]{1,500})\1")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")


def markdown_to_text(markdown: str) -> tuple[str, str | None, list[Span]]:
    """Plain text of a markdown article, its `# Heading` title, and caption/headline spans.

    Link and image markup keep their text (an image keeps its alt text); an image line and
    an italic line right after it are captions; heading, emphasis and blockquote marks go.
    """
    out: list[str] = []
    known: list[Span] = []
    title = None
    offset = 0
    after_image = False
    seen_content = False
    for line in markdown.split("\n"):
        section = None
        if _MD_LINK_DEFINITION.match(line):
            line = ""
        heading = _MD_HEADING.match(line)
        image = _MD_IMAGE_LINE.match(line)
        italic = _MD_ITALIC_LINE.match(line)
        if heading:
            line = heading.group(2)
            if not seen_content and len(heading.group(1)) == 1:
                title, section = _md_inline(line), HEADLINE
        elif image:
            line, section = image.group(1), CAPTION
        elif italic:
            line, section = italic.group(2), (CAPTION if after_image else None)
        line = _md_inline(_MD_QUOTE.sub("", line))
        if line.strip():
            seen_content = True
            after_image = bool(image)
        if section and line.strip():
            known.append((section, offset, offset + len(line) + 1))  # with its newline
        out.append(line)
        offset += len(line) + 1
    return "\n".join(out), title, known


def _md_inline(line: str) -> str:
    line = _MD_IMAGE.sub(r"\1", line)
    line = _MD_LINK.sub(r"\1", line)
    return _MD_STRONG.sub(r"\2", line)


def _markdown_document(markdown: str, source_path: str) -> ParsedDocument:
    text, title, known = markdown_to_text(markdown)
    if is_blank(text):
        return ParsedDocument(source_path, "md", error=EMPTY_ERROR)
    title = title or find_title(text)
    sections = overlay_spans(find_sections(text, title), known, len(text))
    return ParsedDocument(source_path, "md", text=text, title=title, outlet=find_outlet(text),
                          published_date=find_published_date(text), sections=sections)


# ---------------------------------------------------------------- jsonl


def _parse_jsonl(raw: bytes, source_path: str) -> list[ParsedDocument]:
    if not raw:
        return [ParsedDocument(source_path, "jsonl", error=EMPTY_ERROR)]
    try:
        lines = _jsonl_lines(raw)
    except NotText as problem:
        return [ParsedDocument(source_path, "jsonl", error=str(problem))]
    documents = [
        _jsonl_document(line, f"{source_path}:{number}")
        for number, line in enumerate(lines, start=1)
        if line is None or line.strip()
    ]
    return documents or [ParsedDocument(source_path, "jsonl", error=EMPTY_ERROR)]


def _jsonl_lines(raw: bytes) -> list[str | None]:
    """The file's lines as text; None for a line that is not UTF-8.

    JSON Lines is UTF-8, so each line is decoded on its own and one damaged line does not
    drag the whole file into a legacy encoding. A BOM or UTF-16/32 file is decoded whole.
    """
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or sniff_wide_encoding(raw[:8192]):
        return normalize_newlines(decode_bytes(raw).text).split("\n")
    if looks_binary(raw):
        raise NotText(BINARY_ERROR)
    lines: list[str | None] = []
    for line in normalize_newlines_bytes(raw).split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(None)
    return lines


def normalize_newlines_bytes(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _jsonl_document(line: str | None, source_path: str) -> ParsedDocument:
    if line is None:
        return ParsedDocument(source_path, "jsonl", error="line is not UTF-8 text")
    try:
        record = json.loads(line)
    except RecursionError:
        return ParsedDocument(source_path, "jsonl", error="invalid JSON: nested too deeply")
    except ValueError as problem:
        message = problem.msg if isinstance(problem, json.JSONDecodeError) else str(problem)
        column = f" at column {problem.colno}" if isinstance(problem, json.JSONDecodeError) else ""
        return ParsedDocument(source_path, "jsonl", error=one_line(f"invalid JSON: {message}{column}"))
    if not isinstance(record, dict):
        return ParsedDocument(source_path, "jsonl", error="not a JSON object")
    if not isinstance(record.get("text"), str):
        return ParsedDocument(source_path, "jsonl", error="no text field" if "text" not in record else "text is not a string")
    text = normalize_text(record["text"])
    if is_blank(text):
        return ParsedDocument(source_path, "jsonl", error="empty text")
    document = _plain_document(text, source_path, "jsonl")
    document.external_id = _field(record, "id")
    _apply_fields(document, record, "field")
    return document


# ---------------------------------------------------------------- overrides


def _field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
        return str(value)
    if isinstance(value, str) and value.strip():
        return " ".join(normalize_text(value).split())
    return None


def _apply_fields(document: ParsedDocument, record: dict, origin: str) -> None:
    """Set title/outlet/published_date/url from a record's fields, noting values it cannot use."""
    for name in SIDECAR_FIELDS:
        if name not in record or record[name] is None:
            continue
        value = _field(record, name)
        if value is None:
            document.warnings.append(f"{origin} {name} ignored: not a string")
            continue
        if name == "published":
            published = parse_iso_datetime(value)
            if published is None:
                document.warnings.append(f"{origin} published ignored: not a date")
            else:
                document.published_date = published
        else:
            setattr(document, name, value)


def _apply_sidecar(document: ParsedDocument, sidecar: bytes) -> None:
    """Apply a sidecar's fields; a plain text (parsed with `label=False`) is labelled here,
    with the final title. HTML and markdown keep their structural spans."""
    record = _sidecar_record(document, sidecar)
    if record is not None:
        _apply_fields(document, record, "sidecar")
    if document.format == "txt":
        document.sections = find_sections(document.text, document.title)


def _sidecar_record(document: ParsedDocument, sidecar: bytes) -> dict | None:
    """The sidecar's JSON object, or None with the reason noted in the document's warnings."""
    try:
        record = json.loads(normalize_text(decode_bytes(sidecar).text))
    except (NotText, ValueError, RecursionError) as problem:
        document.warnings.append(one_line(f"malformed sidecar ignored: {problem}"))
        return None
    if not isinstance(record, dict):
        document.warnings.append("malformed sidecar ignored: not a JSON object")
        return None
    return record
