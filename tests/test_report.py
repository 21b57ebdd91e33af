"""The HTML report: self-contained, escaped, every number linked to its evidence, and it draws."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_warehouse import claim, document, write_lake  # the small-lake builder
from warehouse.report import format_value, write_report

HOSTILE = "<script>alert(1)</script>"

# (day, claimant set, metric, low, high, qualifier): a few sources over five months
REPORTED_FIGURES = [
    ("2024-11-05", ("KR-NIS",), "troops_deployed", 10000, 10000, "exact"),
    ("2024-11-20", ("UA-GUR",), "troops_deployed", 11000, 12000, "range"),
    ("2024-12-10", ("KR-NIS",), "troops_deployed", 11000, 11000, "approx"),
    ("2024-12-18", ("US",), "troops_deployed", 11000, None, "more_than"),
    ("2025-01-14", ("UA",), "troops_deployed", 12000, 12000, "exact"),
    ("2025-02-20", ("KR", "UA", "WEST"), "troops_deployed", 14000, 14000, "approx"),
    ("2025-03-03", (), "troops_deployed", 15000, 15000, "approx"),
    ("2024-12-15", ("UA-MIL",), "killed", 200, 200, "exact"),
    ("2025-01-13", ("KR-NIS",), "killed", 300, 300, "exact"),
    ("2025-01-25", ("UA",), "killed", 1000, None, "more_than"),
    ("2025-02-27", ("KR-NIS",), "killed", 600, None, "more_than"),
    ("2025-03-10", ("KR", "UA", "WEST"), "killed", 6000, None, "more_than"),
    ("2025-01-13", ("KR-NIS",), "wounded", 2700, 2700, "exact"),
    ("2025-02-27", ("KR-NIS",), "wounded", 2000, 2000, "approx"),
    ("2025-01-12", ("UA-GUR",), "captured", 2, 2, "exact"),
]


def build_report_lake(lake: Path) -> Path:
    documents, claims = [], []
    for i, (day, claimants, metric, low, high, qualifier) in enumerate(REPORTED_FIGURES):
        doc_id = f"doc{i}"
        best = (low + high) // 2 if qualifier == "range" else (low if low is not None else high)
        sentence = f"Officials said {best:,} North Korean soldiers were involved."
        documents.append(document(doc_id, published=day, outlet=f"Outlet {i % 3}"))
        claims.append(claim(f"claim{i}", doc_id, low, high, qualifier, claimants=claimants, metric=metric,
                            reported=day, best=best, sentence=sentence, number_text=f"{best:,}"))
    documents.append(document("hostile", published="2025-01-20", title=f"Title {HOSTILE}",
                              url="javascript:alert(2)", outlet="Outlet <b>bold</b>"))
    claims.append(claim("hostile-claim", "hostile", 13000, 13000, claimants=("UA",), reported="2025-01-20",
                        sentence=f"Kyiv said 13,000 troops arrived. {HOSTILE}", number_text="13,000"))
    return write_lake(lake, documents, claims)


@pytest.fixture
def report(tmp_path) -> Path:
    lake = build_report_lake(tmp_path / "lake")
    return write_report(lake, tmp_path / "out" / "report.html")


def test_report_draws_one_chart_per_metric_with_data(report):
    page = report.read_text(encoding="utf-8")

    charts = re.findall(r'<figure class="chart" id="chart-([a-z_]+)"', page)
    assert charts == ["troops_deployed", "killed", "wounded", "captured"]
    # one point per source and day: a figure with three claimants is a point for each
    points_expected = sum(max(1, len(claimants)) for _, claimants, *_ in REPORTED_FIGURES) + 1
    assert page.count("<circle") == points_expected
    assert page.count('class="band"') > 0


def test_every_number_links_to_an_evidence_entry(report):
    page = report.read_text(encoding="utf-8")

    targets = set(re.findall(r'href="#(claim-[0-9a-f]+)"', page))
    entries = set(re.findall(r'<li id="(claim-[0-9a-f]+)"', page))
    assert targets and targets <= entries
    assert "<code>doc3.txt</code>" in page
    assert 'href="https://news.example/doc3"' in page


def test_article_text_is_escaped_and_nothing_can_load_or_run(report):
    page = report.read_text(encoding="utf-8")

    assert HOSTILE not in page
    assert html_escaped(HOSTILE) in page
    assert "<b>bold</b>" not in page
    assert 'href="javascript:' not in page
    assert "<script" not in page.lower()
    assert not re.search(r'\b(src|srcset)=|<link\b|@import|url\(', page)
    assert "default-src 'none'" in page


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_an_empty_lake_still_gets_a_report(tmp_path):
    out = write_report(tmp_path / "lake", tmp_path / "report.html")

    page = out.read_text(encoding="utf-8")
    assert "No dated figures" in page
    assert "No estimates yet" in page


def test_undated_figures_are_counted_where_they_cannot_be_charted(tmp_path):
    lake = write_lake(tmp_path / "lake", [document("d1", published=None)],
                      [claim("c1", "d1", 6000, None, "more_than", claimants=("KR",), reported=None)])

    page = write_report(lake, tmp_path / "report.html").read_text(encoding="utf-8")

    assert "1 estimate from undated articles" in page
    assert "more than 6,000" in page  # still in the latest estimates table


@pytest.mark.parametrize("low, high, qualifier, unit, expected", [
    (11000, 11000, "exact", "persons", "11,000"),
    (6000, None, "more_than", "persons", "more than 6,000"),
    (None, 200, "less_than", "persons", "fewer than 200"),
    (10000, 12000, "range", "persons", "10,000\u201312,000"),
    (2000, 9999, "vague", "persons", "2,000\u20139,999 (vague)"),
    (40, 40, "approx", "percent", "about 40%"),
])
def test_values_read_as_the_text_states_them(low, high, qualifier, unit, expected):
    assert format_value(low, high, qualifier, unit) == expected


# ---- in a real browser ----

def test_report_renders_in_chromium_without_errors_or_scripts(report, tmp_path):
    from browser import chromium_page, distinct_colours

    console_errors, page_errors, dialogs, requests = [], [], [], []
    with chromium_page() as page:
        page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")

        screenshot = tmp_path / "report.png"
        page.screenshot(path=str(screenshot), full_page=True)
        chart = page.locator("figure.chart svg").first
        chart_png = chart.screenshot()
        box = chart.bounding_box()
        hostile_text_shown = page.get_by_text(HOSTILE).count()
        scripts = page.locator("script").count()

    assert console_errors == [] and page_errors == []
    assert dialogs == []
    assert scripts == 0 and hostile_text_shown >= 1
    assert all(url.startswith("file://") for url in requests)
    assert box["width"] > 400 and box["height"] > 150
    # lines, points, the band and anti-aliasing give many colours; a blank chart gives one or two
    assert distinct_colours(chart_png) > 30
    assert screenshot.stat().st_size > 10_000
