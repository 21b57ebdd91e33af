"""One self-contained HTML report of the marts: charts, latest estimates, disagreements, evidence.

    write_report(lake, out) -> out

The file needs no network and runs no script: charts are inline SVG drawn here, a Content
Security Policy forbids scripts and remote loads, and every piece of article text is escaped.
Every number links to an evidence entry at the bottom: the sentence, the article and where it
came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from schemas import tables
from warehouse.runner import build_warehouse, mart_path, sql_string, table_glob

CHART_SUBJECT = "KP"
CHART_UNIT = "persons"
OWN_VOICE_SERIES = "outlets' own voice"
DISAGREEMENTS_SHOWN = 200
# Distinguishable on white, and for common colour-vision deficiencies (Okabe-Ito, then extras).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F3C8D", "#B8860B", "#17BECF", "#BCBD22", "#E377C2")
OWN_VOICE_COLOUR = "#555555"
METRIC_TITLES = {
    "troops_deployed": "Troops deployed", "killed": "Killed", "wounded": "Wounded",
    "casualties": "Casualties (killed and wounded)", "captured": "Captured", "missing": "Missing",
}
QUALIFIER_WORDS = {
    "approx": "about {}", "more_than": "more than {}", "at_least": "at least {}",
    "less_than": "fewer than {}", "at_most": "up to {}",
}

CHART_WIDTH, CHART_HEIGHT = 880, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 20, 15, 35


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def anchor(claim_id: str) -> str:
    """An HTML id for a claim's evidence entry, whatever characters the claim id holds."""
    return "claim-" + hashlib.sha1(claim_id.encode("utf-8")).hexdigest()[:16]


def evidence_link(claim_id: str | None, text: str) -> str:
    if not claim_id:
        return esc(text)
    return f'<a href="#{anchor(claim_id)}">{esc(text)}</a>'


def safe_url(url: str | None) -> str | None:
    """Only web addresses become links; anything else (javascript:, data:) is shown as text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def format_number(value) -> str:
    return f"{value:,}" if value is not None else "?"


def format_value(low, high, qualifier: str, unit: str = "persons") -> str:
    """A value as the text states it: 'more than 6,000', '10,000-12,000', '2,000-9,999 (vague)'."""
    suffix = "%" if unit == "percent" else ""
    if qualifier in ("range", "vague"):
        text = f"{format_number(low)}{suffix}\u2013{format_number(high)}{suffix}"
        return text + (" (vague)" if qualifier == "vague" else "")
    if qualifier in ("less_than", "at_most"):
        return QUALIFIER_WORDS[qualifier].format(format_number(high) + suffix)
    number = format_number(low) + suffix
    return QUALIFIER_WORDS.get(qualifier, "{}").format(number)


# ---- reading the lake ----

def query(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    return con.sql(sql).to_arrow_table().to_pylist()


def read_mart(lake: Path, name: str) -> str:
    return f"read_parquet({sql_string(str(mart_path(lake.resolve(), name)))})"


def read_table(lake: Path, table: str) -> str:
    if not any((lake / table).glob("**/*.parquet")):
        return f"(select * from {table}_empty)"
    return f"read_parquet({sql_string(table_glob(lake, table))}, hive_partitioning = true, union_by_name = true)"


@dataclass
class ReportData:
    points: list[dict]
    bands: list[dict]
    latest: list[dict]
    disagreements: list[dict]
    disagreement_total: int
    evidence: list[dict]
    counts: dict
    undated_estimates: int


def load_report_data(lake: Path) -> ReportData:
    with duckdb.connect() as con:
        for table, schema in (("documents", tables.DOCUMENTS), ("claims", tables.CLAIMS), ("runs", tables.RUNS)):
            con.register(f"{table}_empty", schema.empty_table())
        points = query(con, f"""
            select metric, reported_date,
                   case when source_kind = 'claimant' then source else {sql_string(OWN_VOICE_SERIES)} end as series,
                   median(median_best) as value, sum(mentions) as mentions, min(example_claim_id) as claim_id
            from {read_mart(lake, 'figures_by_source_date')}
            where subject = '{CHART_SUBJECT}' and unit = '{CHART_UNIT}' and reported_date is not null
            group by all order by metric, series, reported_date""")
        bands = query(con, f"""
            select metric, month, lowest_best, highest_best, claimants
            from {read_mart(lake, 'estimate_ranges')}
            where subject = '{CHART_SUBJECT}' and unit = '{CHART_UNIT}' order by metric, month""")
        latest = query(con, f"""
            select * from {read_mart(lake, 'latest_estimates')}
            order by subject = '{CHART_SUBJECT}' desc, metric, subject, unit, claimant""")
        disagreements_sql = f"select * from {read_mart(lake, 'source_disagreements')}"
        disagreement_total = con.execute(f"select count(*) from ({disagreements_sql})").fetchall()[0][0]
        disagreements = query(con, f"""
            {disagreements_sql}
            order by subject = '{CHART_SUBJECT}' desc, month desc, gap desc, lower_source, higher_source
            limit {DISAGREEMENTS_SHOWN}""")
        undated_estimates = con.execute(f"""
            select count(*) from {read_mart(lake, 'estimates')}
            where subject = '{CHART_SUBJECT}' and unit = '{CHART_UNIT}' and last_reported_date is null
            """).fetchall()[0][0]
        cited = sorted({row["claim_id"] for row in points}
                       | {row["example_claim_id"] for row in latest}
                       | {row[side] for row in disagreements
                          for side in ("lower_example_claim_id", "higher_example_claim_id")})
        con.register("cited", pa.table({"claim_id": pa.array(cited, pa.string())}))
        evidence = query(con, f"""
            select c.claim_id, c.metric, c.subject, c.section, c.number_text, c.sentence, c.claimants,
                   c.value_low, c.value_high, c.qualifier, c.unit,
                   d.title, d.outlet, d.published_date, d.source_path, d.url
            from {read_table(lake, 'claims')} c
            join cited using (claim_id)
            left join {read_table(lake, 'documents')} d using (doc_id)
            order by d.published_date nulls last, d.source_path, c.span_start, c.claim_id""")
        counts = con.sql(f"""
            select (select count(*) from {read_table(lake, 'documents')}) as documents,
                   (select count(*) from {read_table(lake, 'claims')}) as claims,
                   (select count(*) from {read_mart(lake, 'runs')}) as runs,
                   (select max(finished_at) from {read_mart(lake, 'runs')}) as last_run""").to_arrow_table().to_pylist()[0]
    return ReportData(points, bands, latest, disagreements, disagreement_total, evidence, counts,
                      undated_estimates)


# ---- the chart ----

def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = span / ticks
    if raw <= 1:
        return 1  # people come in whole numbers
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


@dataclass
class Scale:
    first: dt.date
    last: dt.date
    top: float

    def x(self, day: dt.date) -> float:
        days = max((self.last - self.first).days, 1)
        return MARGIN_LEFT + (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) * (day - self.first).days / days

    def y(self, value: float) -> float:
        height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        return MARGIN_TOP + height * (1 - value / self.top)


def chart_scale(points: list[dict], bands: list[dict]) -> Scale:
    days = [p["reported_date"] for p in points] + [b["month"] for b in bands]
    days += [next_month(b["month"]) - dt.timedelta(days=1) for b in bands]
    highest = max([p["value"] for p in points] + [b["highest_best"] for b in bands] + [1])
    step = nice_step(highest)
    # a little room on both sides, so points on the first or last day are not cut by the edge
    padding = dt.timedelta(days=max(5, (max(days) - min(days)).days // 40))
    return Scale(min(days) - padding, max(days) + padding, step * math.ceil(highest * 1.05 / step))


def svg_axes(scale: Scale) -> list[str]:
    parts = []
    step = nice_step(scale.top)
    value = 0.0
    while value <= scale.top + 1e-9:
        y = scale.y(value)
        parts.append(f'<line class="grid" x1="{MARGIN_LEFT}" x2="{CHART_WIDTH - MARGIN_RIGHT}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{format_number(int(value))}</text>')
        value += step
    months = month_starts(scale.first, scale.last)
    every = max(1, math.ceil(len(months) / 8))
    for month in months[::every]:
        if month < scale.first:
            continue
        x = scale.x(month)
        parts.append(f'<text class="tick" x="{x:.1f}" y="{CHART_HEIGHT - 12}" text-anchor="middle">'
                     f'{month:%b %Y}</text>')
    base = scale.y(0)
    parts.append(f'<line class="axis" x1="{MARGIN_LEFT}" x2="{CHART_WIDTH - MARGIN_RIGHT}" '
                 f'y1="{base:.1f}" y2="{base:.1f}"/>')
    return parts


def svg_band(scale: Scale, bands: list[dict]) -> list[str]:
    parts = []
    for band in bands:
        left = scale.x(band["month"])
        right = scale.x(min(next_month(band["month"]) - dt.timedelta(days=1), scale.last))
        top, bottom = scale.y(band["highest_best"]), scale.y(band["lowest_best"])
        label = (f"{band['month']:%B %Y}: {format_number(band['lowest_best'])} to "
                 f"{format_number(band['highest_best'])} across {', '.join(band['claimants'])}")
        parts.append(f'<rect class="band" x="{left:.1f}" y="{top:.1f}" width="{max(right - left, 2):.1f}" '
                     f'height="{max(bottom - top, 2):.1f}"><title>{esc(label)}</title></rect>')
    return parts


def svg_series(scale: Scale, series: str, points: list[dict], colour: str) -> list[str]:
    coordinates = [(scale.x(p["reported_date"]), scale.y(p["value"])) for p in points]
    parts = []
    if len(coordinates) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        parts.append(f'<polyline class="series" points="{path}" stroke="{colour}"/>')
    for point, (x, y) in zip(points, coordinates):
        label = (f"{series}, {point['reported_date']:%d %b %Y}: {format_number(round(point['value']))} "
                 f"({plural(point['mentions'], 'mention')})")
        parts.append(f'<a href="#{anchor(point["claim_id"])}"><circle cx="{x:.1f}" cy="{y:.1f}" r="4" '
                     f'fill="{colour}"><title>{esc(label)}</title></circle></a>')
    return parts


def series_colours(points: list[dict]) -> dict[str, str]:
    names = sorted({p["series"] for p in points if p["series"] != OWN_VOICE_SERIES})
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    colours[OWN_VOICE_SERIES] = OWN_VOICE_COLOUR
    return colours


def render_chart(metric: str, points: list[dict], bands: list[dict], colours: dict[str, str]) -> str:
    scale = chart_scale(points, bands)
    parts = svg_axes(scale) + svg_band(scale, bands)
    series_names = sorted({p["series"] for p in points}, key=lambda s: (s == OWN_VOICE_SERIES, s))
    for series in series_names:
        parts += svg_series(scale, series, [p for p in points if p["series"] == series], colours[series])
    legend = "".join(f'<li><span class="swatch" style="background:{colours[s]}"></span>{esc(s)}</li>'
                     for s in series_names)
    legend += '<li><span class="swatch band-swatch"></span>range across claimants (best values, per month)</li>'
    return (f'<figure class="chart" id="chart-{metric}">'
            f'<svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
            f'role="img" aria-label="{esc(METRIC_TITLES.get(metric, metric))} over time">'
            + "".join(parts) + f'</svg><ul class="legend">{legend}</ul></figure>')


def render_charts(data: ReportData) -> str:
    colours = series_colours(data.points)
    sections = []
    for metric in tables.METRICS:
        points = [p for p in data.points if p["metric"] == metric]
        bands = [b for b in data.bands if b["metric"] == metric]
        if not points and not bands:
            continue
        sections.append(f"<h3>{esc(METRIC_TITLES[metric])}</h3>" + render_chart(metric, points, bands, colours))
    undated = (f"<p class=\"summary\">{plural(data.undated_estimates, 'estimate')} from undated articles "
               "cannot be placed in time; they are in the tables below.</p>" if data.undated_estimates else "")
    if not sections:
        return "<p>No dated figures about North Korean personnel yet.</p>" + undated
    return "".join(sections) + undated


# ---- the tables ----

def render_latest(rows: list[dict]) -> str:
    if not rows:
        return "<p>No estimates yet.</p>"
    body = "".join(
        "<tr>"
        f"<td>{esc(r['claimant'])}</td><td>{esc(r['metric'])}</td><td>{esc(r['subject'])}</td>"
        f"<td class=num>{evidence_link(r['example_claim_id'], format_value(r['value_low'], r['value_high'], r['qualifier'], r['unit']))}</td>"
        f"<td>{esc(r['last_reported_date'] or 'undated')}</td><td>{esc(r['last_period_end'] or '')}</td>"
        f"<td class=num>{r['documents']}</td></tr>"
        for r in rows)
    return ("<table><thead><tr><th>claimant</th><th>metric</th><th>subject</th><th>value</th>"
            "<th>last reported</th><th>as of</th><th>documents</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def render_disagreements(rows: list[dict], total: int) -> str:
    if not rows:
        return "<p>No estimates of the same month contradict each other.</p>"
    body = "".join(
        "<tr>"
        f"<td>{r['month']:%b %Y}</td><td>{esc(r['metric'])}</td><td>{esc(r['subject'])}</td>"
        f"<td>{esc(r['lower_source'])}</td>"
        f"<td class=num>{evidence_link(r['lower_example_claim_id'], format_value(r['lower_value_low'], r['lower_value_high'], r['lower_qualifier'], r['unit']))}</td>"
        f"<td>{esc(r['higher_source'])}</td>"
        f"<td class=num>{evidence_link(r['higher_example_claim_id'], format_value(r['higher_value_low'], r['higher_value_high'], r['higher_qualifier'], r['unit']))}</td>"
        f"<td class=num>{format_number(r['gap'])}</td></tr>"
        for r in rows)
    note = (f"<p>Showing {len(rows)} of {total} pairs; the rest are in the source_disagreements mart.</p>"
            if total > len(rows) else "")
    return (note + "<table><thead><tr><th>month</th><th>metric</th><th>subject</th><th>lower source</th>"
            "<th>lower value</th><th>higher source</th><th>higher value</th><th>gap</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def highlight(sentence: str, number_text: str) -> str:
    """The sentence, escaped, with the number phrase marked where it occurs."""
    start = sentence.find(number_text) if number_text else -1
    if start < 0:
        return esc(sentence)
    end = start + len(number_text)
    return f"{esc(sentence[:start])}<mark>{esc(number_text)}</mark>{esc(sentence[end:])}"


def render_evidence(rows: list[dict]) -> str:
    if not rows:
        return "<p>No evidence cited.</p>"
    items = []
    for r in rows:
        url = safe_url(r["url"])
        link = f' <a href="{esc(url)}" rel="noreferrer">{esc(url)}</a>' if url else (
            f" {esc(r['url'])}" if r["url"] else "")
        claimants = ", ".join(r["claimants"] or []) or "the outlet itself"
        items.append(
            f'<li id="{anchor(r["claim_id"])}"><blockquote>{highlight(r["sentence"] or "", r["number_text"] or "")}'
            f'</blockquote><p class="meta">{esc(r["metric"])} of {esc(r["subject"] or "?")}: '
            f'{esc(format_value(r["value_low"], r["value_high"], r["qualifier"], r["unit"]))}, '
            f'according to {esc(claimants)}; {esc(r["section"])}. '
            f'<cite>{esc(r["title"] or "untitled")}</cite>, {esc(r["outlet"] or "unknown outlet")}, '
            f'{esc(r["published_date"] or "undated")}. Source: <code>{esc(r["source_path"])}</code>{link}</p></li>')
    return f'<ol class="evidence">{"".join(items)}</ol>'


STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1a1a1a; margin: 2rem auto;
       max-width: 960px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.summary { color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; white-space: nowrap; }
figure.chart { margin: 0 0 1.5rem; } svg { max-width: 100%; height: auto; background: #fff; }
.grid { stroke: #e6e6e6; } .axis { stroke: #888; } .tick { font-size: 11px; fill: #555; }
.band { fill: #c9d6e8; opacity: .55; } .series { fill: none; stroke-width: 1.8; opacity: .8; }
circle { stroke: #fff; stroke-width: 1; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; border-radius: 2px;
          vertical-align: -1px; } .band-swatch { background: #c9d6e8; }
.evidence li { margin-bottom: .8rem; } .evidence blockquote { margin: 0; }
.meta { margin: .2rem 0 0; color: #555; font-size: 13px; } mark { background: #ffe58a; }
:target { outline: 2px solid #E69F00; }
"""

# No script may run and nothing may load from the network, whatever an article contains.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def render_report(data: ReportData) -> str:
    counts = data.counts
    last_run = counts["last_run"].strftime("%Y-%m-%d %H:%M UTC") if counts["last_run"] else "never"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>troopledger: North Korean troops in Russia, figures by source</title>
<style>{STYLE}</style>
</head>
<body>
<h1>North Korean troops in Russia: figures by source</h1>
<p class="summary">{plural(counts['documents'], 'document')}, {plural(counts['claims'], 'figure mention')},
{plural(counts['runs'], 'run')};
last run {esc(last_run)}. Figures from reader comments and links to other stories are left out.
Every number links to the sentence it comes from.</p>
<h2>Over time</h2>
<p class="summary">North Korean personnel. Points are the median figure a source gave on a day; the band spans
the best values of all sources in a month.</p>
{render_charts(data)}
<h2>Latest estimates</h2>
{render_latest(data.latest)}
<h2>Disagreements</h2>
<p class="summary">Estimates of the same thing in the same month whose ranges do not overlap.</p>
{render_disagreements(data.disagreements, data.disagreement_total)}
<h2>Evidence</h2>
{render_evidence(data.evidence)}
</body>
</html>
"""


def write_report(lake: Path, out: Path) -> Path:
    """Write the HTML report of LAKE to OUT (building the warehouse first if it has no marts)."""
    lake, out = Path(lake), Path(out)
    if not mart_path(lake, "estimates").exists():
        build_warehouse(lake)
    document = render_report(load_report_data(lake))
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    temp.write_text(document, encoding="utf-8")
    temp.replace(out)
    return out
