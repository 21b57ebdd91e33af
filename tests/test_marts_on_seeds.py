"""The marts on the seeds plus the bundled samples, checked against figures worked out by hand.

Seed 004 says "some 14,000 soldiers ..., according to South Korean, Ukrainian and Western
sources" and "Kim said nine soldiers were killed"; the sample 2025-12-13_engineers_return.txt
says "some 14,000 soldiers ..., Western and South Korean officials say" and "According to KCNA,
nine soldiers ... were killed". Seed 004's reader comments hold "Ukraine estimates 14,000".
Seed 002 (Yonhap, 2026-01-01) says in its own voice "more than 10,000 troops".
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import SEEDS, require_shared
from flows.ingest import SAMPLES_DIR, ingest


@pytest.fixture(scope="module")
def warehouse(prefect_server, tmp_path_factory):
    require_shared()
    inputs = tmp_path_factory.mktemp("inputs")
    shutil.copytree(SEEDS, inputs / "seeds", ignore=shutil.ignore_patterns("gold"))
    shutil.copytree(SAMPLES_DIR, inputs / "samples")
    lake = tmp_path_factory.mktemp("lake")
    ingest(input_dir=str(inputs), lake=str(lake))
    con = duckdb.connect(str(lake / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_some_14000_deployed_is_one_estimate_per_claimant_with_its_documents(warehouse):
    found = rows(warehouse, """
        select claimant, documents from estimates
        where metric = 'troops_deployed' and subject = 'KP' and value_low = 14000 and qualifier = 'approx'
        order by claimant""")
    assert found == [("KR", 2), ("UA", 1), ("WEST", 2)]


def test_the_latest_estimate_of_each_claimant_points_at_its_sentence(warehouse):
    """The NIS said "about 1,500" had been moved in the sample of 2024-10-18 (and that "some 12,000" were
    to go: a plan), then "roughly 3,000 additional" in the sample of 2025-04-30: an increment. Its latest
    total is the 1,500; the later increment and the plan stand beside it in latest_by_scope, never as
    its latest total."""
    [(low, qualifier, reported, sentence)] = rows(warehouse, """
        select value_low, qualifier, last_reported_date, example_sentence from latest_estimates
        where claimant = 'KR-NIS' and metric = 'troops_deployed' and subject = 'KP'""")
    assert (low, qualifier, str(reported)) == (1500, "approx", "2024-10-18")
    assert sentence.startswith("North Korea has moved about 1,500 special forces soldiers to Russia")
    beside = rows(warehouse, """
        select scope, value_low, cast(stated_on as varchar), example_sentence from latest_by_scope
        where claimant = 'KR-NIS' and metric = 'troops_deployed' and subject = 'KP' and scope <> 'total'
        order by scope""")
    assert [row[:3] for row in beside] == [("increment", 3000, "2025-04-30"), ("planned", 12000, "2024-10-18")]
    assert beside[0][3].startswith("The agency said Pyongyang had sent roughly 3,000 additional soldiers")


def test_pyongyangs_nine_dead_is_one_estimate_from_two_documents(warehouse):
    """Two mentions in each: the sample's headline and body, seed 004's "Kim said" and "The nine fallen"."""
    assert rows(warehouse, """
        select documents, mentions from estimates
        where claimant = 'KP' and metric = 'killed' and value_low = 9""") == [(2, 4)]


def test_reader_comments_stay_in_claims_but_out_of_the_marts(warehouse):
    in_claims = rows(warehouse, """
        select count(*) from claims where section = 'comment' and 'UA' in claimants
        and metric = 'troops_deployed' and value_low = 14000 and qualifier = 'exact'""")
    in_marts = rows(warehouse, """
        select count(*) from estimates where claimant = 'UA' and value_low = 14000 and qualifier = 'exact'""")
    assert (in_claims, in_marts) == ([(1,)], [(0,)])


def test_figures_in_an_outlets_own_voice_are_counted_under_the_outlet(warehouse):
    assert rows(warehouse, """
        select source, lowest_low, highest_high from figures_by_source_date
        where source_kind = 'outlet' and reported_date = date '2026-01-01' and metric = 'troops_deployed'""") == [
        ("Yonhap", 10000, None)]


# ---- claim events on the seeds and samples ----

def test_the_nis_briefing_of_30_april_is_one_casualties_event_in_two_forms(warehouse):
    """The sample's headline says "4,700" and its body "about 4,700 casualties ... told lawmakers on
    Wednesday" (30 April 2025): one claim, dated by the statement."""
    [(stated_on, basis, value, forms, mentions)] = rows(warehouse, """
        select stated_on, stated_on_basis, value_best, forms, mentions from claim_events
        where claimant = 'KR-NIS' and metric = 'casualties' and subject = 'KP' and value_best = 4700""")
    assert (str(stated_on), value, mentions) == ("2025-04-30", 4700, 2)
    assert set(forms) == {"4,700", "about 4,700"}


def test_killed_and_wounded_of_one_day_derive_a_casualties_event(warehouse):
    """The live blog of 13 January 2025: the NIS's "around 300" killed and "about 2,700" wounded, and no
    casualties figure of its own that day."""
    [(value, derived, components)] = rows(warehouse, """
        select value_best, derived, components from claim_events
        where claimant = 'KR-NIS' and metric = 'casualties' and stated_on = date '2025-01-13'""")
    assert (value, derived, len(components)) == (3000, True, 2)
    parts = rows(warehouse, f"""
        select metric, value_best from claim_events where event_id in {tuple(components)} order by metric""")
    assert parts == [("killed", 300), ("wounded", 2700)]


def test_some_14000_from_an_undated_seed_joins_the_dated_statement(warehouse):
    """Seed 004 (undated) and the sample of 13 December 2025 both say "some 14,000" for KR and WEST."""
    found = rows(warehouse, """
        select claimant, cast(stated_on as varchar), documents from claim_events
        where metric = 'troops_deployed' and subject = 'KP' and value_best = 14000 and claimant in ('KR', 'WEST')
        order by claimant""")
    assert found == [("KR", "2025-12-13", 2), ("WEST", "2025-12-13", 2)]


def test_no_claimant_disagrees_with_itself_and_claim_claimants_is_flat(warehouse):
    assert rows(warehouse, "select count(*) from source_disagreements where lower_source = higher_source") == [(0,)]
    assert rows(warehouse, """
        select count(*) from claims c
        where len(c.claimants) > 0
          and len(c.claimants) <> (select count(*) from claim_claimants f where f.claim_id = c.claim_id)""") == [(0,)]
