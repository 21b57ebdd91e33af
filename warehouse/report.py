"""One self-contained HTML report of the marts: charts of claim events, tables, evidence.

    write_report(lake, out) -> out

The page is rendered from Jinja2 templates (`warehouse/templates/`) with autoescaping on, so every
piece of article text is escaped. It needs no network: charts are inline SVG laid out here, and the
only script (sorting, filtering by claimant and metric, CSV download) and stylesheet are inline,
allowed by a Content Security Policy that names their SHA-256 hashes and nothing else.

Chart points are claim events (one per claim a source made, however many outlets repeated it) at the
day the claimant stated them, on one time axis shared by every chart. A claimant's line joins only
its totals; increments, parts and plans are hollow markers of their own shapes, never joined.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa

from schemas import tables
from warehouse.runner import build_warehouse, mart_path, sql_string, table_glob

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CHART_SUBJECT = "KP"
CHART_UNIT = "persons"
OWN_VOICE = "unattributed"
# Caps that keep the page light on a big lake; every row stays in the marts.
EVENTS_SHOWN = 1000
POINTS_PER_CHART = 1500
DISAGREEMENTS_SHOWN = 200
# Distinguishable on white, and for common colour-vision deficiencies (Okabe-Ito, then extras).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
           "#7F3C8D", "#B8860B", "#17BECF", "#BCBD22", "#E377C2")
OWN_VOICE_COLOUR = "#555555"
METRIC_TITLES = {
    "troops_deployed": "Troops deployed", "killed": "Killed", "wounded": "Wounded",
    "casualties": "Casualties (killed and wounded)", "captured": "Captured", "missing": "Missing",
}
SCOPE_TITLES = {"total": "total (joined by the claimant's line)", "increment": "increment (a window's addition)",
                "part": "part of the force", "planned": "planned or announced"}
QUALIFIER_WORDS = {
    "approx": "about {}", "more_than": "more than {}", "at_least": "at least {}",
    "less_than": "fewer than {}", "at_most": "up to {}",
}

CHART_WIDTH = 880
FULL_HEIGHT, SMALL_HEIGHT = 300, 150
SMALL_CHART_POINTS = 2  # a metric with this many points or fewer gets the small chart
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 78, 20, 15, 48


def anchor(claim_id: str) -> str:
    """An HTML id for a claim's evidence entry, whatever characters the claim id holds."""
    return "claim-" + hashlib.sha1(claim_id.encode("utf-8")).hexdigest()[:16]


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


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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
    events: list[dict]
    event_total: int
    latest: list[dict]
    other_scopes: list[dict]
    disagreements: list[dict]
    disagreement_total: int
    evidence: list[dict]
    counts: dict
    undated_events: int


def load_report_data(lake: Path) -> ReportData:
    chart_filter = f"subject = {sql_string(CHART_SUBJECT)} and unit = {sql_string(CHART_UNIT)}"
    with duckdb.connect() as con:
        for table, schema in (("documents", tables.DOCUMENTS), ("claims", tables.CLAIMS), ("runs", tables.RUNS)):
            con.register(f"{table}_empty", schema.empty_table())
        events_sql = f"select * from {read_mart(lake, 'claim_events')}"
        points = query(con, f"""
            select * from ({events_sql}) where {chart_filter} and stated_on is not null
            qualify row_number() over (partition by metric order by documents desc, stated_on, event_id)
                <= {POINTS_PER_CHART}
            order by metric, claimant, stated_on, value_best, event_id""")
        event_total = con.execute(f"select count(*) from ({events_sql})").fetchall()[0][0]
        events = query(con, f"""
            {events_sql}
            order by subject = {sql_string(CHART_SUBJECT)} desc, stated_on desc nulls last, documents desc, event_id
            limit {EVENTS_SHOWN}""")
        latest = query(con, f"""
            select * from {read_mart(lake, 'latest_estimates')}
            order by subject = {sql_string(CHART_SUBJECT)} desc, metric, subject, unit, claimant""")
        other_scopes = query(con, f"""
            select * from {read_mart(lake, 'latest_by_scope')} where scope <> 'total'
            order by subject = {sql_string(CHART_SUBJECT)} desc, metric, subject, unit, claimant, scope""")
        disagreements_sql = f"select * from {read_mart(lake, 'source_disagreements')}"
        disagreement_total = con.execute(f"select count(*) from ({disagreements_sql})").fetchall()[0][0]
        disagreements = query(con, f"""
            {disagreements_sql}
            order by subject = {sql_string(CHART_SUBJECT)} desc, month desc, gap desc, lower_source, higher_source
            limit {DISAGREEMENTS_SHOWN}""")
        undated_events = con.execute(
            f"select count(*) from ({events_sql}) where {chart_filter} and stated_on is null").fetchall()[0][0]
        cited = sorted({row["example_claim_id"] for row in points + events + latest + other_scopes}
                       | {row[side] for row in disagreements
                          for side in ("lower_example_claim_id", "higher_example_claim_id")})
        con.register("cited", pa.table({"claim_id": pa.array(cited, pa.string())}))
        evidence = query(con, f"""
            select c.claim_id, c.metric, c.subject, c.section, c.number_text, c.sentence, c.claimants,
                   c.value_low, c.value_high, c.qualifier, c.unit, c.scope,
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
    for row in evidence:
        row["before"], row["marked"], row["after"] = mark_number(row["sentence"] or "", row["number_text"] or "")
    return ReportData(points, events, event_total, latest, other_scopes, disagreements, disagreement_total,
                      evidence, counts, undated_events)


def mark_number(sentence: str, number_text: str) -> tuple[str, str, str]:
    """The sentence split around the number phrase (before, phrase, after); all before when absent."""
    start = sentence.find(number_text) if number_text else -1
    if start < 0:
        return sentence, "", ""
    end = start + len(number_text)
    return sentence[:start], sentence[start:end], sentence[end:]


# ---- the charts ----

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


@dataclass
class TimeAxis:
    """One time axis for every chart: the first and last stated_on of all plotted events, padded."""
    first: dt.date
    last: dt.date

    @classmethod
    def around(cls, days: list[dt.date]) -> "TimeAxis":
        padding = dt.timedelta(days=max(5, (max(days) - min(days)).days // 40))
        return cls(min(days) - padding, max(days) + padding)

    def x(self, day: dt.date) -> float:
        days = max((self.last - self.first).days, 1)
        return MARGIN_LEFT + (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) * (day - self.first).days / days

    def ticks(self) -> list[dict]:
        months = [m for m in month_starts(self.first, self.last) if m >= self.first]
        every = max(1, math.ceil(len(months) / 8))
        return [{"x": round(self.x(m), 1), "label": f"{m:%b %Y}"} for m in months[::every]]


@dataclass
class Chart:
    metric: str
    title: str
    height: int
    small: bool
    y_ticks: list[dict]
    x_ticks: list[dict]
    baseline: float
    series: list[dict] = field(default_factory=list)


def value_axis(top_value: float, height: int):
    step = nice_step(top_value)
    top = step * math.ceil(max(top_value, 1) * 1.05 / step)
    plot_height = height - MARGIN_TOP - MARGIN_BOTTOM

    def y(value: float) -> float:
        return round(MARGIN_TOP + plot_height * (1 - value / top), 1)

    ticks, value = [], 0
    while value <= top + 1e-9:
        ticks.append({"y": y(value), "label": format_number(int(value))})
        value += step
    return y, ticks


def point_label(event: dict) -> str:
    value = format_value(event["value_low"], event["value_high"], event["qualifier"], event["unit"])
    derived = ", derived from killed and wounded" if event["derived"] else ""
    return (f"{event['claimant']}, stated {event['stated_on']:%d %b %Y}: {value} persons ({event['scope']}"
            f"{derived}; {plural(event['documents'], 'document')})")


def build_chart(metric: str, events: list[dict], axis: TimeAxis, colours: dict[str, int]) -> Chart:
    small = len(events) <= SMALL_CHART_POINTS
    height = SMALL_HEIGHT if small else FULL_HEIGHT
    y, y_ticks = value_axis(max(max(e["value_best"], e["value_high"] or 0) for e in events), height)
    chart = Chart(metric, METRIC_TITLES.get(metric, metric), height, small, y_ticks, axis.ticks(), y(0))
    for claimant in sorted({e["claimant"] for e in events}, key=lambda c: (c == OWN_VOICE, c)):
        mine = [e for e in events if e["claimant"] == claimant]
        points = []
        for event in mine:
            whisker = None
            if event["qualifier"] == "range" and event["value_low"] is not None and event["value_high"] is not None:
                whisker = (y(event["value_low"]), y(event["value_high"]))
            points.append({
                "x": round(axis.x(event["stated_on"]), 1), "y": y(event["value_best"]),
                "scope": event["scope"], "value": event["value_best"], "whisker": whisker,
                "stated_on": event["stated_on"].isoformat(), "label": point_label(event),
                "anchor": anchor(event["example_claim_id"]), "event_id": event["event_id"],
            })
        totals = [p for p in points if p["scope"] == "total"]
        chart.series.append({
            "claimant": claimant, "colour": colours[claimant],
            "line": " ".join(f"{p['x']},{p['y']}" for p in totals) if len(totals) > 1 else None,
            "points": points,
        })
    return chart


def build_charts(points: list[dict], colours: dict[str, int]) -> list[Chart]:
    if not points:
        return []
    axis = TimeAxis.around([p["stated_on"] for p in points])
    return [build_chart(metric, [p for p in points if p["metric"] == metric], axis, colours)
            for metric in tables.METRICS if any(p["metric"] == metric for p in points)]


def claimant_colours(rows: list[dict]) -> dict[str, int]:
    """Colour index per claimant, the outlets' own voice last (it gets its own grey)."""
    names = sorted({row["claimant"] for row in rows if row["claimant"] != OWN_VOICE})
    colours = {name: i % len(PALETTE) for i, name in enumerate(names)}
    colours[OWN_VOICE] = len(PALETTE)
    return colours


# ---- the page ----

def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def template_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every template, whatever its suffix: article text is hostile input
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(number=format_number, anchor=anchor, safe_url=safe_url)
    environment.globals.update(format_value=format_value, plural=plural, METRIC_TITLES=METRIC_TITLES,
                               SCOPE_TITLES=SCOPE_TITLES)
    return environment


def render_report(data: ReportData) -> str:
    environment = template_environment()
    colours = claimant_colours(data.points + data.events + data.latest)
    palette = list(PALETTE) + [OWN_VOICE_COLOUR]
    style = environment.get_template("report.css.j2").render(palette=palette)
    script = (TEMPLATES_DIR / "report.js").read_text(encoding="utf-8")
    policy = (f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(script)}; "
              "base-uri 'none'; form-action 'none'")
    claimants = sorted({row["claimant"] for row in data.events + data.latest + data.other_scopes}
                       | {row[side] for row in data.disagreements for side in ("lower_source", "higher_source")})
    metrics = [m for m in tables.METRICS
               if any(row["metric"] == m for row in data.events + data.latest + data.disagreements)]
    last_run = data.counts["last_run"]
    return environment.get_template("report.html.j2").render(
        data=data, charts=build_charts(data.points, colours), colours=colours, style=style, script=script,
        policy=policy, claimants=claimants, metrics=metrics,
        last_run=last_run.strftime("%Y-%m-%d %H:%M UTC") if last_run else "never",
        chart_width=CHART_WIDTH, margin_left=MARGIN_LEFT, margin_right=MARGIN_RIGHT,
        subject=CHART_SUBJECT,
    )


def write_report(lake: Path, out: Path) -> Path:
    """Write the HTML report of LAKE to OUT (building the warehouse first if it has no claim events)."""
    lake, out = Path(lake), Path(out)
    if not mart_path(lake, "claim_events").exists():
        build_warehouse(lake)
    document = render_report(load_report_data(lake))
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    temp.write_text(document, encoding="utf-8")
    temp.replace(out)
    return out
