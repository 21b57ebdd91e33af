"""Readable text, section spans and metadata from an HTML article.

Only text is kept, so scripts and event-handler attributes are harmless: `<script>`,
`<style>`, `<noscript>`, `<template>` (and other non-text elements) are dropped whole.
Each block element (p, h1-h6, li, figcaption, blockquote, div, ...) becomes a paragraph,
paragraphs are separated by a blank line, and each paragraph gets a section from where it
sits in the page:

- comment: inside an element whose class or id mentions comment, reply or discussion;
- related: inside `aside` or `nav`, an element whose class or id mentions related, more,
  recommended, read-next, most-read, popular or trending, or a list whose items are links;
- caption: inside `figure` or `figcaption`;
- headline: `h1`, and any paragraph that repeats the title;
- otherwise the plain-text rules of `sections.find_sections` decide (they catch caption
  credits and "Related Stories" headers that the markup does not flag).

The tree is walked with an explicit stack, so 10,000 levels of nesting cost no recursion;
should the parser itself hit the recursion limit, a flat tag-stripping extraction is used
and every paragraph is labelled by the plain-text rules.
"""

from __future__ import annotations

import json
import inspect
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from bs4.builder._htmlparser import BeautifulSoupHTMLParser, HTMLParserTreeBuilder

from transforms.metadata import find_outlet, find_published_date, parse_iso_datetime
from transforms.sections import BODY, CAPTION, COMMENT, HEADLINE, RELATED, Span, find_sections, section_at
from transforms.text_normalize import normalize_text

_DROPPED = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
            "canvas", "head", "button", "select", "input", "textarea", "video", "audio", "map"}
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
           "figure", "figcaption", "blockquote", "section", "article", "main", "header", "footer",
           "aside", "nav", "table", "thead", "tbody", "tr", "td", "th", "caption", "pre", "address",
           "details", "summary", "form", "fieldset", "hr", "body", "html", "center"}
_COMMENT_HINT = re.compile(r"comment|repl(?:y|ies)|discussion|disqus", re.IGNORECASE)
_RELATED_HINT = re.compile(
    r"related|recommend|read-?next|most-?read|most-?popular|popular|trending|also-?read"
    r"|(?:^|[-_\s])more(?:$|[-_\s])", re.IGNORECASE)
_PRECEDENCE = {COMMENT: 4, RELATED: 3, CAPTION: 2, HEADLINE: 1, BODY: 0}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_TAGS = re.compile(r"<[^>]{0,2000}>")
_DROPPED_ELEMENTS = re.compile(r"<(script|style|noscript|template)\b[^>]{0,2000}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


class _ClosedVoidTags:
    """The void tags ("<br>", "<img ...>") bs4's html.parser builder has seen without a slash: it
    keeps them in a list and looks every end tag up in it, so a page with many of both costs
    their product (10 MB of "<div><span>..</span><br>" took minutes). The same three operations
    (append, remove, in) on counts."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def append(self, tag: str) -> None:
        self.counts[tag] += 1

    def remove(self, tag: str) -> None:
        if self.counts[tag] <= 0:
            raise ValueError(tag)
        self.counts[tag] -= 1

    def __contains__(self, tag: object) -> bool:
        return self.counts[tag] > 0


class _LinearHTMLParser(BeautifulSoupHTMLParser):
    """bs4's html.parser glue with `_ClosedVoidTags` for its list (whatever list bs4 assigns)."""

    @property
    def already_closed_empty_element(self) -> _ClosedVoidTags:
        return self._closed_void_tags

    @already_closed_empty_element.setter
    def already_closed_empty_element(self, _value) -> None:
        self._closed_void_tags = _ClosedVoidTags()


class _LinearHTMLBuilder(HTMLParserTreeBuilder):
    def feed(self, markup, **kwargs) -> None:
        super().feed(markup, _parser_class=_LinearHTMLParser)


# bs4 4.13 and later let the builder choose its parser class; with an older bs4, its own.
_TREE_BUILDER = (_LinearHTMLBuilder if "_parser_class" in inspect.signature(HTMLParserTreeBuilder.feed).parameters
                 else "html.parser")


@dataclass
class HtmlArticle:
    text: str
    sections: list[Span]
    title: str | None = None
    outlet: str | None = None
    published_date: date | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)


def html_to_article(html: str) -> HtmlArticle:
    """Text, spans and metadata of an HTML page (already decoded and normalized)."""
    try:
        soup = BeautifulSoup(html, builder=_TREE_BUILDER) if _TREE_BUILDER != "html.parser" \
            else BeautifulSoup(html, "html.parser")
        meta = _page_metadata(soup)
        blocks = _blocks(soup)
    except RecursionError:
        return _flat_article(html)
    title = meta.get("title") or _first_heading(blocks)
    if title and not any(section == HEADLINE for section, _ in blocks):
        blocks.insert(0, (HEADLINE, title))
    text, block_spans = _join(blocks, title)
    published = meta.get("published") or find_published_date(text)
    return HtmlArticle(text=text, sections=block_spans, title=title,
                       outlet=meta.get("outlet") or find_outlet(text), published_date=published,
                       url=meta.get("url"))


# ---------------------------------------------------------------- text blocks


def _context_of(tag: Tag, inherited: str) -> str:
    name = tag.name
    hints = " ".join(_attribute_words(tag))
    own = BODY
    if hints and _COMMENT_HINT.search(hints):
        own = COMMENT
    elif name in ("aside", "nav") or (hints and _RELATED_HINT.search(hints)) or _is_link_list(tag):
        own = RELATED
    elif name in ("figure", "figcaption"):
        own = CAPTION
    elif name == "h1":
        own = HEADLINE
    return own if _PRECEDENCE[own] > _PRECEDENCE[inherited] else inherited


def _attribute_words(tag: Tag) -> list[str]:
    words = []
    for attribute in ("class", "id"):
        value = tag.get(attribute)
        if isinstance(value, list):
            words.extend(str(item) for item in value)
        elif value:
            words.append(str(value))
    return words


def _is_link_list(tag: Tag) -> bool:
    """A ul/ol whose items are each mostly one link: a list of other stories."""
    if tag.name not in ("ul", "ol"):
        return False
    items = tag.find_all("li", recursive=False)
    if len(items) < 2:
        return False
    for item in items:
        text = item.get_text(" ", strip=True)
        linked = " ".join(link.get_text(" ", strip=True) for link in item.find_all("a"))
        if not text or len(linked) < 0.6 * len(text):
            return False
    return True


def _blocks(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(section, paragraph text) in document order, walking the tree without recursion."""
    blocks: list[tuple[str, str]] = []
    buffer: list[str] = []
    buffer_section = [BODY]

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(buffer))
        text = "\n".join(part.strip() for part in text.split("\n") if part.strip())
        if text:
            blocks.append((buffer_section[0], text))
        buffer.clear()

    root = soup.body or soup
    stack: list[tuple[object, str, bool]] = [(root, BODY, True)]
    while stack:
        node, context, entering = stack.pop()
        if isinstance(node, (Comment, Doctype, Declaration, ProcessingInstruction)):
            continue
        if isinstance(node, NavigableString):
            if not buffer:
                buffer_section[0] = context
            buffer.append(str(node).replace("\n", " "))
            continue
        if not isinstance(node, Tag) or node.name in _DROPPED:
            continue
        if node.name == "br":
            buffer.append("\n")
            continue
        is_block = node.name in _BLOCKS
        if not entering:
            if is_block:
                flush()
            continue
        if is_block:
            flush()
        inner = _context_of(node, context)
        stack.append((node, context, False))
        for child in reversed(node.contents):
            stack.append((child, inner, True))
    flush()
    return blocks


def _first_heading(blocks: list[tuple[str, str]]) -> str | None:
    return next((text for section, text in blocks if section == HEADLINE), None)


def _join(blocks: list[tuple[str, str]], title: str | None) -> tuple[str, list[Span]]:
    """Paragraphs joined by blank lines; body paragraphs take the plain-text rules' section."""
    texts = [normalize_text(text) for _, text in blocks]
    text = "\n\n".join(texts)
    plain = find_sections(text, title)
    title_words = " ".join((title or "").lower().split())
    spans: list[list] = []
    offset = 0
    for (section, _), block_text in zip(blocks, texts):
        if section == BODY:
            section = HEADLINE if title_words and " ".join(block_text.lower().split()) == title_words \
                else section_at(plain, offset)
        end = offset + len(block_text) + 2
        if spans and spans[-1][0] == section:
            spans[-1][2] = end
        else:
            spans.append([section, offset, end])
        offset = end
    if spans:
        spans[-1][2] = len(text)
    return text, [(section, start, end) for section, start, end in spans if end > start]


def _flat_article(html: str) -> HtmlArticle:
    """Fallback when the tree cannot be built: strip tags, keep line breaks, plain-text sections."""
    text = _DROPPED_ELEMENTS.sub(" ", html)
    text = re.sub(r"(?i)<(?:br|/p|/div|/li|/h[1-6])\b[^>]{0,2000}>", "\n\n", text)
    text = _TAGS.sub(" ", text)
    from html import unescape

    lines = [_SPACES.sub(" ", line).strip() for line in unescape(text).split("\n")]
    text = normalize_text("\n\n".join(line for line in lines if line))
    from transforms.metadata import find_title

    title = find_title(text)
    return HtmlArticle(text=text, sections=find_sections(text, title), title=title,
                       outlet=find_outlet(text), published_date=find_published_date(text),
                       notes=["html tree too deep; used flat text extraction"])


# ---------------------------------------------------------------- metadata


def _meta_content(soup: BeautifulSoup, *names: str) -> str | None:
    wanted = {name.lower() for name in names}
    for tag in soup.find_all("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "")
        if isinstance(key, str) and key.lower() in wanted:
            content = tag.get("content")
            if isinstance(content, str) and content.strip():
                return content.strip()
    return None


def _json_ld_items(soup: BeautifulSoup) -> list[dict]:
    items: list[dict] = []
    for script in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.IGNORECASE)}):
        try:
            data = json.loads(script.string or script.get_text() or "")
        except (ValueError, RecursionError):
            continue
        pending = [data]
        while pending and len(items) < 100:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, dict):
                items.append(item)
                if isinstance(item.get("@graph"), list):
                    pending.extend(item["@graph"])
    return items


def _json_ld_value(items: list[dict], key: str) -> str | None:
    for item in items:
        value = item.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list) and value:
            first = value[0]
            value = first.get("name") if isinstance(first, dict) else first
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _page_metadata(soup: BeautifulSoup) -> dict:
    items = _json_ld_items(soup)
    meta: dict = {}
    outlet = _meta_content(soup, "og:site_name", "application-name") or _json_ld_value(items, "publisher")
    meta["outlet"] = _clean(outlet)
    title = _meta_content(soup, "og:title", "twitter:title") or _json_ld_value(items, "headline")
    if not title:
        heading = soup.find("h1")
        title = heading.get_text(" ", strip=True) if heading else None
    if not title and soup.title is not None:
        title = _without_site_suffix(soup.title.get_text(" ", strip=True), meta["outlet"])
    meta["title"] = _clean(title)
    published = (_meta_content(soup, "article:published_time", "datePublished", "pubdate", "publishdate",
                               "publish-date", "date", "dc.date", "dcterms.date", "dc.date.issued",
                               "sailthru.date", "parsely-pub-date", "og:published_time")
                 or _json_ld_value(items, "datePublished"))
    if not published:
        time_tag = soup.find("time", attrs={"datetime": True})
        published = time_tag.get("datetime") if time_tag else None
    meta["published"] = parse_iso_datetime(published) if isinstance(published, str) else None
    canonical = soup.find("link", rel=lambda value: value and "canonical" in value)
    url = canonical.get("href") if canonical else None
    meta["url"] = _clean(url if isinstance(url, str) else None) or _clean(_meta_content(soup, "og:url"))
    return meta


def _without_site_suffix(title: str, outlet: str | None) -> str:
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        head, found, tail = title.rpartition(separator)
        if found and head and (outlet is None or outlet.lower() in tail.lower() or len(tail.split()) <= 4):
            return head
    return title


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(normalize_text(value).split())
    return value[:500] or None
