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
    """The NIS said "some 12,000" in the sample of 2024-10-18 and "roughly 3,000 additional" in the
    sample of 2025-04-30 ("The agency said ..."): the later one is its latest estimate."""
    [(low, qualifier, reported, sentence)] = rows(warehouse, """
        select value_low, qualifier, last_reported_date, example_sentence from latest_estimates
        where claimant = 'KR-NIS' and metric = 'troops_deployed' and subject = 'KP'""")
    assert (low, qualifier, str(reported)) == (3000, "approx", "2025-04-30")
    assert sentence.startswith("The agency said Pyongyang had sent roughly 3,000 additional soldiers")


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
