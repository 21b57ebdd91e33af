"""parse_file and its parts: decoding, normalization, plain-text metadata, HTML, markdown,
JSONL and sidecars. Texts here are our own sentences."""

from __future__ import annotations

import json
from datetime import date

import pytest

from transforms.decoding import BINARY_ERROR, NotText, decode_bytes, sniff_wide_encoding
from transforms.documents import ParsedDocument, parse_file
from transforms.html_text import html_to_article
from transforms.metadata import find_outlet, find_published_date, find_title, parse_published_date
from transforms.text_normalize import normalize_text

HEADLINE = "Seoul raises its estimate of North Korean troops"
BODY = ("Officials in Seoul said on Monday that roughly 11,000 North Korean soldiers had been sent "
        "to Russia, and that about 1,100 of them had been killed or wounded.")


def only(documents: list[ParsedDocument]) -> ParsedDocument:
    assert len(documents) == 1
    return documents[0]


def assert_covering(document: ParsedDocument) -> None:
    """Sections must tile the text exactly: claims look their section up by offset."""
    if not document.text:
        assert document.sections == []
        return
    assert document.sections[0][1] == 0
    assert document.sections[-1][2] == len(document.text)
    for (_, _, end), (_, start, _) in zip(document.sections, document.sections[1:]):
        assert end == start
    assert {section for section, _, _ in document.sections} <= {"headline", "body", "caption", "related", "comment"}


def section_of(document: ParsedDocument, fragment: str) -> str:
    offset = document.text.index(fragment)
    return next(section for section, start, end in document.sections if start <= offset < end)


# ---------------------------------------------------------------- decoding


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_encodings_with_and_without_bom_decode_to_the_same_text(encoding):
    text = "Kim’s envoy counted 14,000 soldiers."
    assert decode_bytes(text.encode(encoding)).text == text


def test_utf16_without_bom_is_recognised_by_its_nul_pattern():
    assert sniff_wide_encoding("About 14,000 soldiers".encode("utf-16-le")) == "utf-16-le"
    assert sniff_wide_encoding("About 14,000 soldiers".encode("utf-16-be")) == "utf-16-be"
    assert sniff_wide_encoding(b"plain ascii text here") is None


def test_cp1252_smart_quotes_decode_as_cp1252():
    raw = "Kim’s “14,000” — café".encode("cp1252")
    assert decode_bytes(raw).text == "Kim’s “14,000” — café"


def test_mostly_utf8_with_one_bad_byte_keeps_utf8_and_marks_the_damage():
    raw = "Kim’s envoy".encode("utf-8") + b" \xff " + "said “14,000”".encode("utf-8")
    assert decode_bytes(raw).text == "Kim’s envoy \ufffd said “14,000”"


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00", b"a\x00b\x00\x00\x00c\x00\x00"])
def test_binary_content_is_not_text(raw):
    with pytest.raises(NotText, match=BINARY_ERROR):
        decode_bytes(raw + bytes(range(1, 256)))


# ---------------------------------------------------------------- normalization


def test_invisible_characters_inside_numbers_are_removed():
    assert normalize_text("1\u200b4,000 and 3\u2060,\u200d000") == "14,000 and 3,000"


def test_newlines_controls_and_escapes_are_cleaned_but_tabs_kept():
    raw = "a\r\nb\rc\x1b[1;31md\x1b[0m\x00e\x07\tf\u202eg\u00a0h"
    assert normalize_text(raw) == "a\nb\ncde\tfg h"


def test_normalization_composes_to_nfc_and_keeps_other_characters():
    assert normalize_text("Cafe\u0301 – “Zu\u0308rich” 한국") == "Café – “Zürich” 한국"


def test_normalization_is_idempotent():
    once = normalize_text("x\r\n\u200by\u00a0z\u0301")
    assert normalize_text(once) == once


# ---------------------------------------------------------------- plain-text metadata


@pytest.mark.parametrize("line, expected", [
    ("Published: 12 Dec. 2025, 10:02", date(2025, 12, 12)),
    ("date 2026-01-01", date(2026, 1, 1)),
    ("Posted on April 30, 2025", date(2025, 4, 30)),
    ("2025-04-30T09:12:00+09:00", date(2025, 4, 30)),
    ("Wednesday, April 30, 2025", date(2025, 4, 30)),
    ("Updated: Jan. 2, 2026 08:15 KST", date(2026, 1, 2)),
    ("February 30, 2025", None),
    ("2025-13-01", None),
    ("Published: March 3, 2199", None),
    ("on Friday", None),
    ("", None),
])
def test_parse_published_date(line, expected):
    assert parse_published_date(line) == expected


def test_dates_in_body_prose_are_not_the_publication_date():
    text = (f"{HEADLINE}\n\nSoldiers parade in a picture released on Jan. 1, 2026.\n\n{BODY}\n"
            "The agency first reported the dispatch on October 18, 2024.\n")
    assert find_published_date(text) is None


def test_labelled_dateline_wins_over_an_updated_line():
    text = f"{HEADLINE}\nUpdated: May 2, 2025\nPublished: May 1, 2025\n\n{BODY}\n"
    assert find_published_date(text) == date(2025, 5, 1)


def test_bare_dateline_near_the_top_is_used():
    assert find_published_date(f"{HEADLINE}\nWednesday, April 30, 2025\n\n{BODY}") == date(2025, 4, 30)


def test_outlet_from_a_name_line_at_the_top_or_a_credit_at_the_end():
    assert find_outlet(f"{HEADLINE}\nKorea Herald\n\n{BODY}") == "Korea Herald"
    assert find_outlet(f"{HEADLINE}\n\n{BODY}\n\nReuters\n") == "Reuters"
    assert find_outlet(f"{HEADLINE}\n\n{BODY}\n\nBy Yonhap\n") == "Yonhap"
    assert find_outlet(f"{HEADLINE}\n\n{BODY} Reuters reported this first.") is None


def test_title_is_the_first_line_when_it_reads_as_a_headline():
    assert find_title(f"\n  {HEADLINE}  \n\n{BODY}") == HEADLINE
    assert find_title(f"date 2025-04-30  {HEADLINE}\n\n{BODY}") == HEADLINE
    assert find_title(f"{BODY}\n\n{HEADLINE}") is None


# ---------------------------------------------------------------- parse_file: plain text


def test_plain_text_document_gets_metadata_and_covering_sections():
    raw = f"{HEADLINE}\nKorea Herald\nPublished: 30 Apr. 2025, 09:00\n\n{BODY}\n".encode()
    document = only(parse_file(raw, "news/a.txt"))
    assert (document.format, document.title, document.outlet) == ("txt", HEADLINE, "Korea Herald")
    assert document.published_date == date(2025, 4, 30)
    assert document.error is None
    assert section_of(document, HEADLINE) == "headline"
    assert section_of(document, "roughly 11,000") == "body"
    assert_covering(document)


def test_unknown_extension_is_an_error_document_not_an_exception():
    document = only(parse_file(b"hello", "notes.docx"))
    assert document.error == "unsupported file type" and document.text == ""


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t \n"])
def test_empty_files_are_error_documents(raw):
    document = only(parse_file(raw, "empty.txt"))
    assert document.error == "empty file" and document.text == "" and document.sections == []


# ---------------------------------------------------------------- HTML

PAGE = """<!doctype html><html><head>
<title>Troops estimate rises | Peninsula Desk</title>
<meta property="og:title" content="Seoul raises its estimate of North Korean troops">
<meta property="og:site_name" content="Peninsula Desk">
<meta property="article:published_time" content="2025-04-30T23:30:00-05:00">
<link rel="canonical" href="https://example.org/estimate">
<style>.x{color:red}</style><script>var tracking = "14,000";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Seoul raises its estimate of North Korean troops</h1>
<p>Officials in Seoul said on Monday that roughly 11,000 North Korean soldiers
had been sent to Russia.</p>
<figure><img src="a.jpg" onerror="alert(1)"><figcaption>Soldiers at a rally, in a photo released by state media.</figcaption></figure>
<p>About 1,100 of them had been killed or wounded.<script>document.write("9,999")</script></p>
<div class="related-stories"><h3>More on this</h3><p><a href="/b">Kyiv says 300 soldiers were captured</a></p></div>
<ul><li><a href="/c">First linked story</a></li><li><a href="/d">Second linked story</a></li></ul>
<section id="comments"><p>I doubt it was only 11,000, honestly?</p></section>
</article><footer><p>Copyright Peninsula Desk</p></footer></body></html>"""


def test_html_metadata_comes_from_meta_tags():
    document = only(parse_file(PAGE.encode(), "page.html"))
    assert document.title == HEADLINE
    assert document.outlet == "Peninsula Desk"
    assert document.published_date == date(2025, 4, 30)  # the calendar day as written, not UTC
    assert document.url == "https://example.org/estimate"


def test_html_text_drops_scripts_and_styles_and_keeps_paragraphs_apart():
    document = only(parse_file(PAGE.encode(), "page.html"))
    assert "tracking" not in document.text and "9,999" not in document.text and "color:red" not in document.text
    assert "alert" not in document.text
    assert "11,000 North Korean soldiers had been sent to Russia.\n\nSoldiers at a rally" in document.text


def test_html_blocks_get_sections_from_their_place_in_the_page():
    document = only(parse_file(PAGE.encode(), "page.html"))
    assert section_of(document, HEADLINE) == "headline"
    assert section_of(document, "roughly 11,000") == "body"
    assert section_of(document, "Soldiers at a rally") == "caption"
    assert section_of(document, "300 soldiers were captured") == "related"
    assert section_of(document, "First linked story") == "related"
    assert section_of(document, "Home") == "related"
    assert section_of(document, "I doubt it") == "comment"
    assert_covering(document)


def test_html_json_ld_and_time_tag_supply_metadata_when_meta_tags_are_missing():
    page = """<html><head><script type="application/ld+json">
    {"@graph": [{"@type": "NewsArticle", "datePublished": "2024-12-23T15:40:00+09:00",
                 "publisher": {"@type": "Organization", "name": "Seoul Ledger"}}]}</script>
    <script type="application/ld+json">{not json</script></head>
    <body><h1>Casualty estimate published</h1><p>About 1,100 casualties were reported by the military.</p></body></html>"""
    document = only(parse_file(page.encode(), "page.htm"))
    assert (document.outlet, document.published_date, document.title) == (
        "Seoul Ledger", date(2024, 12, 23), "Casualty estimate published")
    timed = "<html><body><h1>Short update</h1><time datetime='2025-01-13'>Jan 13</time><p>Text.</p></body></html>"
    assert only(parse_file(timed.encode(), "t.html")).published_date == date(2025, 1, 13)


def test_html_without_h1_gets_its_title_as_the_headline():
    page = "<html><head><title>Kyiv counts captured soldiers - Desk</title></head><body><p>Two soldiers were captured.</p></body></html>"
    document = only(parse_file(page.encode(), "p.html"))
    assert document.title == "Kyiv counts captured soldiers"
    assert document.text.startswith("Kyiv counts captured soldiers\n\n")
    assert section_of(document, "Kyiv counts") == "headline"


def test_html_comment_hint_beats_related_hint():
    article = html_to_article("<div class='comments-list more'><p>Mine says 5,000 died, right?</p></div>")
    assert article.sections[0][0] == "comment"


# ---------------------------------------------------------------- markdown

MARKDOWN = f"""# {HEADLINE}

By [Peninsula Desk](https://example.org)

![Soldiers march in Pyongyang](https://example.org/a.jpg)
*Soldiers march in Pyongyang in a file picture.*

{BODY} More in the [NIS briefing](https://example.org/nis) and **bold words**.
"""


def test_markdown_keeps_link_text_and_drops_markup():
    document = only(parse_file(MARKDOWN.encode(), "a.md"))
    assert document.title == HEADLINE
    assert document.text.startswith(HEADLINE + "\n")
    assert "By Peninsula Desk" in document.text
    assert "NIS briefing and bold words." in document.text
    assert "](" not in document.text and "**" not in document.text and "#" not in document.text


def test_markdown_image_and_italic_line_after_it_are_captions():
    document = only(parse_file(MARKDOWN.encode(), "a.md"))
    assert section_of(document, "Soldiers march in Pyongyang\n") == "caption"
    assert section_of(document, "in a file picture") == "caption"
    assert section_of(document, "roughly 11,000") == "body"
    assert section_of(document, HEADLINE) == "headline"
    assert_covering(document)


# ---------------------------------------------------------------- JSONL


def test_jsonl_gives_one_document_per_line_with_path_and_line_number():
    lines = [
        json.dumps({"id": 17, "text": BODY, "title": "Given title", "outlet": "Desk", "published": "2025-04-30",
                    "url": "https://example.org/1"}),
        "",
        "{broken",
        json.dumps({"title": "no text"}),
        json.dumps({"text": f"{HEADLINE}\n\n{BODY}"}),
    ]
    documents = parse_file("\n".join(lines).encode(), "feeds/day.jsonl")
    assert [d.source_path for d in documents] == ["feeds/day.jsonl:1", "feeds/day.jsonl:3", "feeds/day.jsonl:4",
                                                  "feeds/day.jsonl:5"]
    first, broken, textless, last = documents
    assert (first.title, first.outlet, first.published_date, first.url, first.external_id) == (
        "Given title", "Desk", date(2025, 4, 30), "https://example.org/1", "17")
    assert broken.error.startswith("invalid JSON") and broken.text == ""
    assert textless.error == "no text field"
    assert last.title == HEADLINE and last.error is None
    assert all(d.format == "jsonl" for d in documents)
    assert_covering(last)


# ---------------------------------------------------------------- sidecars


def test_sidecar_fields_override_what_the_text_says():
    raw = f"{HEADLINE}\nReuters\nPublished: 1 May 2025\n\n{BODY}\n".encode()
    sidecar = json.dumps({"title": "Sidecar title", "outlet": "Sidecar Desk", "published": "2025-05-03",
                          "url": "https://example.org/s"}).encode()
    document = only(parse_file(raw, "a.txt", sidecar))
    assert (document.title, document.outlet, document.published_date, document.url) == (
        "Sidecar title", "Sidecar Desk", date(2025, 5, 3), "https://example.org/s")
    assert document.warnings == []


@pytest.mark.parametrize("sidecar", [b"{not json", b"[1, 2]", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_malformed_sidecar_is_ignored_with_a_warning(sidecar):
    document = only(parse_file(f"{HEADLINE}\n\n{BODY}".encode(), "a.txt", sidecar))
    assert document.error is None and document.title == HEADLINE and BODY in document.text
    assert document.warnings and document.warnings[0].startswith("malformed sidecar ignored")


def test_markdown_dateline_in_emphasis_gives_date_and_the_outlet_beside_it():
    markdown = f"# {HEADLINE}\n\n*Published: 20 Jan. 2025, 09:00 | Peninsula Ledger*\n\n{BODY}\n"
    document = only(parse_file(markdown.encode(), "a.md"))
    assert document.published_date == date(2025, 1, 20)
    assert document.outlet == "Peninsula Ledger"
    assert "*" not in document.text


def test_unknown_masthead_under_the_headline_is_the_outlet():
    text = f"{HEADLINE}\nSeoul Evening Ledger\nPublished: 30 Apr. 2025, 09:00\n\n{BODY}\n"
    assert find_outlet(text) == "Seoul Evening Ledger"
    assert find_outlet(f"{HEADLINE}\nSeoul Evening Ledger\n\n{BODY}\n") is None  # no dateline below: not sure


@pytest.mark.parametrize("line, expected", [
    ("ANALYSIS | Published: 3 March 2025, 09:15 GMT | By Han Min-seo", date(2025, 3, 3)),
    ("LIVE UPDATES | Friday 27 December 2024", date(2024, 12, 27)),
    ("_Kyiv Ledger, 10 March 2025_", date(2025, 3, 10)),
    ("**Published:** 25 September 2025 · **Verdict: False**", date(2025, 9, 25)),
])
def test_a_dateline_may_share_its_line_with_a_label_outlet_or_byline(line, expected):
    from transforms.metadata import find_published_date

    assert find_published_date(f"A headline about Kursk\n{line}\nThe body starts here.") == expected


def test_a_wire_dateline_with_its_year_dates_the_story():
    from transforms.metadata import find_published_date

    assert find_published_date("A headline\n\nSEOUL, Oct. 30, 2024 (Wire) - The body.") == date(2024, 10, 30)
    assert find_published_date("A headline\n\nSEOUL, Oct. 30 (Wire) - The body.") is None
