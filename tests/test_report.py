"""The HTML report: built from autoescaped templates, self-contained, every number linked to its
evidence; chart points are stated claim events (never a median of a day's figures); tables sort, filter
and download as CSV in a real browser under a strict Content Security Policy."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import io
import re
from pathlib import Path

import pytest

from test_warehouse import best_value, claim, document, write_lake  # the small-lake builder
from warehouse.report import format_value, write_report

HOSTILE = "<script>alert(1)</script>"

# (day, claimant set, metric, low, high, qualifier, scope): a few sources over five months
REPORTED_FIGURES = [
    ("2024-11-05", ("KR-NIS",), "troops_deployed", 10000, 10000, "exact", "total"),
    ("2024-11-20", ("UA-GUR",), "troops_deployed", 11000, 12000, "range", "total"),
    ("2024-12-10", ("KR-NIS",), "troops_deployed", 11000, 11000, "approx", "total"),
    ("2024-12-18", ("US",), "troops_deployed", 11000, None, "more_than", "total"),
    ("2025-01-14", ("UA",), "troops_deployed", 12000, 12000, "exact", "total"),
    ("2025-02-20", ("KR", "UA", "WEST"), "troops_deployed", 14000, 14000, "approx", "total"),
    ("2025-03-03", (), "troops_deployed", 15000, 15000, "approx", "total"),
    # the NIS on one day: a first wave of 1,500 and a plan of 12,000; their median, 6,750, nobody stated
    ("2025-03-12", ("KR-NIS",), "troops_deployed", 1500, 1500, "exact", "increment"),
    ("2025-03-12", ("KR-NIS",), "troops_deployed", 12000, 12000, "exact", "planned"),
    ("2025-03-14", ("RU",), "troops_deployed", 1000, 1000, "exact", "part"),
    ("2024-12-15", ("UA-MIL",), "killed", 200, 200, "exact", "total"),
    ("2025-01-13", ("KR-NIS",), "killed", 300, 300, "exact", "total"),
    ("2025-01-25", ("UA",), "killed", 1000, None, "more_than", "total"),
    ("2025-02-27", ("KR-NIS",), "killed", 600, None, "more_than", "total"),
    ("2025-03-10", ("KR", "UA", "WEST"), "killed", 6000, None, "more_than", "total"),
    ("2025-01-13", ("KR-NIS",), "wounded", 2700, 2700, "exact", "total"),
    ("2025-02-27", ("KR-NIS",), "wounded", 2000, 2000, "approx", "total"),
    ("2025-01-12", ("UA-GUR",), "captured", 2, 2, "exact", "total"),
]
# the NIS's 10,000 of 2024-11-05 repeated by a second outlet two days later: still one point
REPEATED = ("2024-11-07", ("KR-NIS",), "troops_deployed", 10000, 10000, "approx", "total")
# a statement the text dates three days before the article: the point sits on the statement's day
DATED_STATEMENT = ("2025-01-23", ("UA-GUR",), "troops_deployed", 11800, 11800, "exact", "total")
STATED_ON = dt.date(2025, 1, 20)


def build_report_lake(lake: Path) -> Path:
    documents, claims = [], []
    for i, figure in enumerate(REPORTED_FIGURES + [REPEATED, DATED_STATEMENT]):
        day, claimants, metric, low, high, qualifier, scope = figure
        doc_id = f"doc{i}"
        best = best_value(low, high, qualifier)
        sentence = f"Officials said {best:,} North Korean soldiers were involved."
        documents.append(document(doc_id, published=day, outlet=f"Outlet {i % 3}"))
        extra = {"stated_from": STATED_ON, "stated_to": STATED_ON} if figure == DATED_STATEMENT else {}
        claims.append(claim(f"claim{i}", doc_id, low, high, qualifier, claimants=claimants, metric=metric,
                            reported=day, best=best, sentence=sentence, number_text=f"{best:,}", scope=scope,
                            **extra))
    documents.append(document("hostile", published="2025-01-20", title=f"Title {HOSTILE}",
                              url="javascript:alert(2)", outlet="Outlet <b>bold</b>"))
    claims.append(claim("hostile-claim", "hostile", 13000, 13000, claimants=("UA",), reported="2025-01-20",
                        sentence=f"Kyiv said 13,000 troops arrived. {HOSTILE}", number_text="13,000"))
    return write_lake(lake, documents, claims)


def chart_events() -> list[tuple]:
    """(claimant, metric, value_best, scope, range or point) of every KP claim event the lake above holds."""
    events = set()
    for day, claimants, metric, low, high, qualifier, scope in REPORTED_FIGURES + [DATED_STATEMENT]:
        best = best_value(low, high, qualifier)
        events |= {(c, metric, best, scope, qualifier == "range") for c in (claimants or ("unattributed",))}
    derived = {("KR-NIS", "casualties", 3000, "total", False), ("KR-NIS", "casualties", 2600, "total", False)}
    return sorted(events | derived | {("UA", "troops_deployed", 13000, "total", False)})


@pytest.fixture
def report(tmp_path) -> Path:
    lake = build_report_lake(tmp_path / "lake")
    return write_report(lake, tmp_path / "out" / "report.html")


def points(page: str) -> list[dict]:
    return [dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag)) for tag in re.findall(r'<[a-z]+ class="[a-z]+ point"[^>]*>', page)]


def test_report_draws_one_chart_per_metric_and_a_small_one_for_few_points(report):
    page = report.read_text(encoding="utf-8")

    charts = re.findall(r'<figure class="chart( small)?" id="chart-([a-z_]+)"', page)
    # casualties: derived from the NIS's killed and wounded of 13 January and of 27 February
    assert charts == [("", "troops_deployed"), ("", "killed"), (" small", "wounded"), (" small", "casualties"),
                      (" small", "captured")]
    heights = dict(re.findall(r'id="chart-([a-z_]+)"[^>]*>\s*<figcaption>.*?</figcaption>\s*<svg [^>]*height="(\d+)"', page))
    assert int(heights["captured"]) < int(heights["killed"]) / 1.5


def test_chart_points_are_claim_events_at_the_day_they_were_stated(report):
    page = report.read_text(encoding="utf-8")

    drawn = points(page)
    assert len(drawn) == len(chart_events())  # the repeated 10,000 is one point, each claimant its own
    values = {int(p["value"]) for p in drawn}
    assert 6750 not in values and {1500, 12000} <= values  # no median of a day's figures
    assert {(p["value"], p["scope"]) for p in drawn if p["stated-on"] == "2025-03-12"} == {
        ("1500", "increment"), ("12000", "planned")}
    assert {p["stated-on"] for p in drawn if p["value"] == "11800"} == {STATED_ON.isoformat()}
    assert {p["stated-on"] for p in drawn if p["value"] == "10000"} == {"2024-11-05"}


def test_a_claimants_line_joins_only_its_totals(report):
    page = report.read_text(encoding="utf-8")

    nis = re.search(r'<figure class="chart" id="chart-troops_deployed".*?</figure>', page, re.S).group(0)
    nis_series = re.search(r'data-claimant="KR-NIS">(.*?)</g>', nis, re.S).group(1)
    line = re.search(r'<polyline class="line" points="([^"]*)"', nis_series).group(1)
    assert len(line.split()) == 2  # 10,000 and 11,000; not the increment nor the plan
    assert len(points(nis_series)) == 4


def test_every_number_links_to_an_evidence_entry(report):
    page = report.read_text(encoding="utf-8")

    targets = set(re.findall(r'href="#(claim-[0-9a-f]+)"', page))
    entries = set(re.findall(r'<li id="(claim-[0-9a-f]+)"', page))
    assert targets and targets <= entries
    assert "<code>doc3.txt</code>" in page
    assert 'href="https://news.example/doc3"' in page


def test_axes_carry_units(report):
    page = report.read_text(encoding="utf-8")

    assert page.count(">persons</text>") == 5
    assert page.count(">date stated by the claimant</text>") == 5


def test_article_text_is_escaped_and_only_the_pages_own_script_and_style_may_run(report):
    page = report.read_text(encoding="utf-8")

    assert HOSTILE not in page
    assert html_escaped(HOSTILE) in page
    assert "<b>bold</b>" not in page
    assert 'href="javascript:' not in page
    assert page.lower().count("<script") == 1 and page.count("<style") == 1
    assert not re.search(r'\b(src|srcset|style)=|<link\b|@import|url\(', page)
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    assert "default-src 'none'" in policy and "unsafe" not in policy
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert f"script-src 'sha256-{sha256(script)}'" in policy
    assert f"style-src 'sha256-{sha256(style)}'" in policy


def sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_increments_parts_and_plans_are_listed_apart_from_the_latest_totals(report):
    page = report.read_text(encoding="utf-8")

    latest = re.search(r'<table class="data" id="latest-totals".*?</table>', page, re.S).group(0)
    others = re.search(r'<table class="data" id="other-scopes".*?</table>', page, re.S).group(0)
    nis = re.search(r'<tr [^>]*data-claimant="KR-NIS" data-metric="troops_deployed">(.*?)</tr>', latest, re.S)
    assert ">11,000<" in nis.group(1).replace("about ", "")
    assert ">increment<" in others and ">planned<" in others and ">part<" in others


def test_an_empty_lake_still_gets_a_report(tmp_path):
    out = write_report(tmp_path / "lake", tmp_path / "report.html")

    page = out.read_text(encoding="utf-8")
    assert "No dated figures" in page
    assert "No totals yet" in page


def test_undated_figures_are_counted_where_they_cannot_be_charted(tmp_path):
    lake = write_lake(tmp_path / "lake", [document("d1", published=None)],
                      [claim("c1", "d1", 6000, None, "more_than", claimants=("KR",), reported=None)])

    page = write_report(lake, tmp_path / "report.html").read_text(encoding="utf-8")

    assert "1 claim event from undated articles" in page
    assert "more than 6,000" in page  # still in the latest totals table


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

def test_report_renders_in_chromium_without_errors_or_policy_violations(report, tmp_path):
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
        small_box = page.locator("#chart-captured svg").bounding_box()
        hostile_text_shown = page.get_by_text(HOSTILE).count()
        # the script ran (it fills each table's row counter) and nothing else did
        counter = page.locator("#claim-events-count").inner_text()

    assert console_errors == [] and page_errors == []  # a CSP violation is a console error
    assert dialogs == []
    assert hostile_text_shown >= 1
    assert counter.endswith("rows shown")
    assert all(url.startswith("file://") for url in requests)
    assert box["width"] > 400 and box["height"] > 150
    assert small_box["height"] < box["height"] / 1.5
    # lines, points and anti-aliasing give many colours; a blank chart gives one or two
    assert distinct_colours(chart_png) > 30
    assert screenshot.stat().st_size > 10_000


def test_in_chromium_tables_sort_filter_and_download_as_csv(report, tmp_path):
    from browser import chromium_page

    with chromium_page() as page:
        page.goto(report.as_uri())
        table = page.locator("#claim-events")
        value_header = table.locator("th button.sort", has_text="value")

        value_header.click()
        ascending = [int(v) for v in table.locator("tbody tr td.num[data-sort]").evaluate_all(
            "cells => cells.map(cell => cell.dataset.sort)")]
        value_header.click()
        descending = [int(v) for v in table.locator("tbody tr td.num[data-sort]").evaluate_all(
            "cells => cells.map(cell => cell.dataset.sort)")]

        page.select_option("#filter-claimant", "KR-NIS")
        page.select_option("#filter-metric", "troops_deployed")
        visible_rows = table.locator("tbody tr:visible")
        shown = visible_rows.evaluate_all("rows => rows.map(row => [row.cells[1].textContent, row.cells[2].textContent])")
        hidden_series = page.locator('#chart-troops_deployed g.series[data-claimant="UA"]').is_hidden()
        killed_chart_hidden = page.locator("#chart-killed").is_hidden()
        with page.expect_download() as download_info:
            page.locator('button.csv[data-table="claim-events"]').click()
        downloaded = Path(download_info.value.path()).read_text(encoding="utf-8")

        # a disagreement is never a source against itself, in the page as in the mart
        page.select_option("#filter-claimant", "")
        page.select_option("#filter-metric", "")
        disagreement_sides = page.locator("#disagreements tbody tr").evaluate_all(
            "rows => rows.map(row => [row.cells[3].textContent, row.cells[5].textContent])")

    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)
    assert shown and {tuple(row) for row in shown} == {("KR-NIS", "troops_deployed")}
    assert hidden_series and killed_chart_hidden
    rows = list(csv.reader(io.StringIO(downloaded)))
    assert rows[0][:3] == ["stated on", "claimant", "metric"]
    assert len(rows) - 1 == len(shown) and {row[1] for row in rows[1:]} == {"KR-NIS"}
    assert disagreement_sides and all(lower != higher for lower, higher in disagreement_sides)
