"""Claim events: one row per claim a source made, however many outlets reported it and in what form;
the timeline and latest estimates of totals; disagreements between different claimants only."""

from __future__ import annotations

import datetime as dt

from test_warehouse import claim, document, mart, write_lake
from warehouse.runner import build_warehouse

DAY = dt.date.fromisoformat


def build_varied_lake(lake):
    """A small lake touching every mart: several claimants, metrics, scopes, forms, months and a
    claim with three claimants, a derived casualties figure and a disagreement."""
    rows = [
        ("2024-11-05", ("KR-NIS",), "troops_deployed", 10000, 10000, "exact", "total"),
        ("2024-11-06", ("KR-NIS",), "troops_deployed", 10000, 10000, "approx", "total"),
        ("2024-11-20", ("UA-GUR",), "troops_deployed", 11000, 12000, "range", "total"),
        ("2024-12-10", ("KR-NIS",), "troops_deployed", 11000, 11000, "approx", "total"),
        ("2024-12-12", ("RU",), "troops_deployed", 1000, 1000, "exact", "part"),
        ("2025-01-14", ("UA",), "troops_deployed", 3000, None, "more_than", "increment"),
        ("2025-02-20", ("KR", "UA", "WEST"), "troops_deployed", 14000, 14000, "approx", "total"),
        ("2025-02-21", (), "troops_deployed", 15000, 15000, "approx", "total"),
        ("2025-03-03", ("RU",), "troops_deployed", 6000, 6000, "exact", "planned"),
        ("2025-01-13", ("KR-NIS",), "killed", 300, 300, "exact", "total"),
        ("2025-01-13", ("KR-NIS",), "wounded", 2700, 2700, "exact", "total"),
        ("2025-01-25", ("UA",), "casualties", 4000, 4000, "approx", "total"),
        ("2025-01-26", ("RU",), "casualties", 100, 100, "exact", "total"),
    ]
    documents, claims = [], []
    for i, (day, claimants, metric, low, high, qualifier, scope) in enumerate(rows):
        documents.append(document(f"doc{i}", published=day, outlet=f"Outlet {i % 3}"))
        claims.append(claim(f"claim{i}", f"doc{i}", low, high, qualifier, claimants=claimants, metric=metric,
                            reported=day, scope=scope))
    return write_lake(lake, documents, claims)


def events(lake, where: str = "true") -> list[dict]:
    return mart(lake, "claim_events", where + " order by claimant, metric, stated_on, value_best")


def test_one_announcement_in_several_outlets_and_forms_is_one_event(tmp_path):
    """"about 4,700", "4,700", "some 4,700" and "at least 4,700" casualties from four outlets over three
    days, one of them dating the statement ("told lawmakers on Wednesday", 2025-01-15)."""
    forms = [("about 4,700", 4700, 4700, "approx", "2025-01-15"),
             ("4,700", 4700, 4700, "exact", "2025-01-16"),
             ("some 4,700", 4700, 4700, "approx", "2025-01-17"),
             ("at least 4,700", 4700, None, "at_least", "2025-01-18")]
    documents = [document(f"d{i}", outlet=f"Outlet {i}", published=day) for i, (*_, day) in enumerate(forms)]
    claims = [claim(f"c{i}", f"d{i}", low, high, qualifier, claimants=("KR-NIS",), metric="casualties",
                    reported=day, number_text=text)
              for i, (text, low, high, qualifier, day) in enumerate(forms)]
    claims[3].update(stated_from=DAY("2025-01-15"), stated_to=DAY("2025-01-15"))
    write_lake(tmp_path, documents, claims)

    build_warehouse(tmp_path)

    [event] = events(tmp_path)
    assert (event["claimant"], event["metric"], event["scope"]) == ("KR-NIS", "casualties", "total")
    assert event["stated_on"] == DAY("2025-01-15") and event["stated_on_basis"] == "statement"
    # the most precise form gives the value
    assert (event["value_low"], event["value_high"], event["qualifier"], event["value_best"]) == (
        4700, 4700, "exact", 4700)
    assert event["forms"] == ["4,700", "about 4,700", "at least 4,700", "some 4,700"]
    assert (event["documents"], event["outlets"], event["mentions"]) == (4, 4, 4)
    assert (event["first_reported_date"], event["last_reported_date"]) == (DAY("2025-01-15"), DAY("2025-01-18"))
    assert event["example_claim_id"] == "c1"


def test_different_figures_or_distant_statements_are_different_events(tmp_path):
    write_lake(tmp_path, [document(f"d{i}") for i in range(4)], [
        claim("three", "d0", 3000, 3000, claimants=("UA",), reported="2025-01-10"),
        claim("four", "d1", 4000, 4000, claimants=("UA",), reported="2025-01-10"),
        # the same 3,000 stated again two months later, dated by the text: a new statement
        claim("again", "d2", 3000, 3000, claimants=("UA",), reported="2025-03-12",
              stated_from=DAY("2025-03-10"), stated_to=DAY("2025-03-10")),
    ])

    build_warehouse(tmp_path)

    assert [(e["value_best"], e["stated_on"]) for e in events(tmp_path)] == [
        (3000, DAY("2025-01-10")), (4000, DAY("2025-01-10")), (3000, DAY("2025-03-10"))]


def test_a_statement_dated_by_a_span_joins_the_event_stated_within_it(tmp_path):
    """"the NIS said last week" (13-19 January) reported on the 22nd joins the report of the 15th; a
    figure "said in January" reported only in April is placed on the span's last day."""
    write_lake(tmp_path, [document(f"d{i}") for i in range(3)], [
        claim("first", "d0", 11000, 11000, "approx", claimants=("KR-NIS",), reported="2025-01-15"),
        claim("week", "d1", 11000, 11000, claimants=("KR-NIS",), reported="2025-01-22",
              stated_from=DAY("2025-01-13"), stated_to=DAY("2025-01-19")),
        claim("april", "d2", 300, 300, claimants=("KR-NIS",), metric="killed", reported="2025-04-02",
              stated_from=DAY("2025-01-01"), stated_to=DAY("2025-01-31")),
    ])

    build_warehouse(tmp_path)

    deployed, killed = events(tmp_path, "metric = 'troops_deployed'"), events(tmp_path, "metric = 'killed'")
    assert [(e["stated_on"], e["mentions"], e["stated_on_basis"]) for e in deployed] == [
        (DAY("2025-01-15"), 2, "statement span")]
    assert [(e["stated_on"], e["stated_on_basis"]) for e in killed] == [(DAY("2025-01-31"), "statement span")]


def test_killed_and_wounded_adding_up_to_casualties_are_linked(tmp_path):
    """"600 killed and 4,100 wounded" and "about 4,700 casualties", one claimant, one day."""
    write_lake(tmp_path, [document("d1"), document("d2")], [
        claim("killed", "d1", 600, 600, claimants=("KR-NIS",), metric="killed"),
        claim("wounded", "d1", 4100, 4100, claimants=("KR-NIS",), metric="wounded"),
        claim("casualties", "d2", 4700, 4700, "approx", claimants=("KR-NIS",), metric="casualties"),
    ])

    build_warehouse(tmp_path)

    by_metric = {e["metric"]: e for e in events(tmp_path)}
    assert set(by_metric) == {"killed", "wounded", "casualties"}
    casualties = by_metric["casualties"]
    assert not casualties["derived"]
    assert sorted(casualties["components"]) == sorted([by_metric["killed"]["event_id"],
                                                       by_metric["wounded"]["event_id"]])
    assert by_metric["killed"]["component_of"] == by_metric["wounded"]["component_of"] == casualties["event_id"]


def test_casualties_are_derived_from_killed_and_wounded_only_where_none_is_stated(tmp_path):
    write_lake(tmp_path, [document("d1"), document("d2")], [
        claim("killed", "d1", 300, 300, claimants=("UA",), metric="killed"),
        claim("wounded", "d1", 2700, 2700, claimants=("UA",), metric="wounded"),
        # another claimant states killed, wounded and a casualties figure that does not add up
        claim("k", "d2", 100, 100, claimants=("RU",), metric="killed"),
        claim("w", "d2", 200, 200, claimants=("RU",), metric="wounded"),
        claim("c", "d2", 1000, 1000, claimants=("RU",), metric="casualties"),
    ])

    build_warehouse(tmp_path)

    [derived] = events(tmp_path, "derived")
    assert (derived["claimant"], derived["metric"], derived["value_best"], derived["qualifier"]) == (
        "UA", "casualties", 3000, "exact")
    assert derived["stated_on"] == DAY("2025-01-15") and derived["documents"] == 1
    assert len(derived["components"]) == 2
    [russian_casualties] = events(tmp_path, "claimant = 'RU' and metric = 'casualties'")
    assert not russian_casualties["derived"] and russian_casualties["components"] == []


def test_plans_and_parts_are_their_own_events_and_never_a_latest_total(tmp_path):
    """Russia: 11,000 sent in total, then 1,000 sappers (a part) and 6,000 builders it will send (a plan)."""
    write_lake(tmp_path, [document(f"d{i}", published=f"2025-0{i + 1}-10") for i in range(3)], [
        claim("total", "d0", 11000, 11000, claimants=("RU",), reported="2025-01-10"),
        claim("sappers", "d1", 1000, 1000, claimants=("RU",), reported="2025-02-10", scope="part"),
        claim("builders", "d2", 6000, 6000, claimants=("RU",), reported="2025-03-10", scope="planned"),
    ])

    build_warehouse(tmp_path)

    assert {(e["scope"], e["value_best"]) for e in events(tmp_path)} == {
        ("total", 11000), ("part", 1000), ("planned", 6000)}
    [latest] = mart(tmp_path, "latest_estimates")
    assert (latest["claimant"], latest["value_best"], latest["scope"]) == ("RU", 11000, "total")
    others = {row["scope"]: row["value_best"] for row in mart(tmp_path, "latest_by_scope")}
    assert others == {"total": 11000, "part": 1000, "planned": 6000}
    assert [row["value_best"] for row in mart(tmp_path, "timeline")] == [11000]


def test_a_claimant_revising_its_figure_shows_the_change_in_the_timeline(tmp_path):
    write_lake(tmp_path, [document(f"d{i}") for i in range(3)], [
        claim("first", "d0", 10000, 10000, claimants=("KR-NIS",), reported="2024-11-05"),
        claim("repeat", "d1", 10000, 10000, "approx", claimants=("KR-NIS",), reported="2024-11-06"),
        claim("revised", "d2", 11000, 11000, claimants=("KR-NIS",), reported="2024-12-10"),
    ])

    build_warehouse(tmp_path)

    timeline = mart(tmp_path, "timeline", "true order by stated_on")
    assert [(row["stated_on"], row["value_best"], row["change"]) for row in timeline] == [
        (DAY("2024-11-05"), 10000, None), (DAY("2024-12-10"), 11000, 1000)]
    assert timeline[1]["previous_value_best"] == 10000
    [latest] = mart(tmp_path, "latest_estimates")
    assert (latest["value_best"], latest["stated_on"]) == (11000, DAY("2024-12-10"))


def test_two_claimants_disagreeing_are_one_disagreement_and_an_event_each(tmp_path):
    """"according to South Korean and Ukrainian sources, 14,000" is one event of each claimant."""
    write_lake(tmp_path, [document("d1"), document("d2"), document("d3")], [
        claim("both", "d1", 14000, 14000, "approx", claimants=("KR", "UA")),
        claim("ua", "d2", 14000, 14000, claimants=("UA",)),
        claim("ru", "d3", 3000, 3000, claimants=("RU",)),
    ])

    build_warehouse(tmp_path)

    assert [(e["claimant"], e["mentions"]) for e in events(tmp_path)] == [("KR", 1), ("RU", 1), ("UA", 2)]
    pairs = [(row["lower_source"], row["higher_source"]) for row in mart(tmp_path, "source_disagreements")]
    assert pairs == [("RU", "KR"), ("RU", "UA")]
    flat = mart(tmp_path, "claim_claimants", "claim_id = 'both' order by claimant")
    assert [(row["claimant"], row["claimant_count"]) for row in flat] == [("KR", 2), ("UA", 2)]


def test_undated_reports_of_one_figure_are_one_event_and_undated_articles_join_it(tmp_path):
    """Outlets repeat a figure for weeks after it was stated: reports within 14 days of the previous
    one are the same claim. An article with no date at all repeats the latest dated statement of its
    figure; a figure only undated articles give is one undated event, not one each."""
    days = ["2025-01-10", "2025-01-12", "2025-01-20", "2025-02-01", "2025-03-15"]
    documents = [document(f"d{i}", published=day) for i, day in enumerate(days)]
    documents += [document(f"u{i}", published=None) for i in range(4)]
    claims = [claim(f"c{i}", f"d{i}", 11000, 11000, claimants=("KR-NIS",), reported=day) for i, day in enumerate(days)]
    claims += [claim(f"undated{i}", f"u{i}", 11000, 11000, claimants=("KR-NIS",), reported=None) for i in (0, 1)]
    claims += [claim(f"only_undated{i}", f"u{i}", 600, 600, claimants=("KR-NIS",), reported=None, metric="killed")
               for i in (2, 3)]
    write_lake(tmp_path, documents, claims)

    build_warehouse(tmp_path)

    found = [(e["metric"], e["stated_on"], e["mentions"]) for e in events(tmp_path)]
    assert found == [("killed", None, 2), ("troops_deployed", DAY("2025-01-10"), 4),
                     ("troops_deployed", DAY("2025-03-15"), 3)]
