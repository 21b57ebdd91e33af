"""Claim extraction as a pure function: metric, subject, claimants, period and what is not a claim."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from transforms.attributions import find_attributions
from transforms.claims import extract_claims
from transforms.numbers import parse_number_phrase
from transforms.sentences import split_sentences

PUBLISHED = date(2025, 4, 30)
TESTS = Path(__file__).parent


def claims_of(text: str, published: date | None = PUBLISHED) -> list[dict]:
    return extract_claims(text, [("body", 0, len(text))], published)


def only(text: str, published: date | None = PUBLISHED) -> dict:
    found = claims_of(text, published)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, metric", [
    ("North Korea has sent more than 10,000 troops to Russia.", "troops_deployed"),
    ("A 12,000-strong North Korean contingent is in Kursk.", "troops_deployed"),
    ("Pyongyang plans to send 6,000 more builders.", "troops_deployed"),
    ("Nine North Korean soldiers were killed during the mission.", "killed"),
    ("Some 300 North Korean troops died in the assault.", "killed"),
    ("About 2,700 North Korean soldiers were wounded.", "wounded"),
    ("Of the 11,000 troops sent, 4,000 have been killed or wounded.", "casualties"),
    ("North Korea has suffered about 4,700 casualties.", "casualties"),
    ("Ukraine has captured two North Korean soldiers.", "captured"),
    ("Dozens of North Korean soldiers are missing.", "missing"),
])
def test_the_nearest_predicate_decides_the_metric(text, metric):
    assert claims_of(text)[-1]["metric"] == metric


def test_two_figures_in_one_sentence_keep_their_own_predicates():
    found = claims_of("North Korea last year sent some 14,000 soldiers to Kursk, and more than 6,000 were killed.")
    assert [(c["metric"], c["value_low"], c["qualifier"]) for c in found] == [
        ("troops_deployed", 14000, "approx"), ("killed", 6000, "more_than")]


def test_far_apart_predicate_and_shared_subject():
    found = claims_of("Of the roughly 11,000 troops Pyongyang sent to Kursk, some 4,000 have been killed or wounded.")
    assert [(c["metric"], c["subject"], c["value_low"]) for c in found] == [
        ("troops_deployed", "KP", 11000), ("casualties", "KP", 4000)]


def test_north_korean_and_russian_figures_in_one_sentence_are_not_confused():
    found = claims_of("Russia has lost more than 700,000 soldiers, while about 4,000 North Korean troops were killed or wounded.")
    assert {(c["subject"], c["value_low"]) for c in found} == {("RU", 700000), ("KP", 4000)}


# ---- the metric comes from the figure's own clause (issue 12, section 2)

@pytest.mark.parametrize("text, figure, metric", [
    ("At least 3,800 North Korean troops fighting for Russia have been killed or wounded, officials said.",
     "At least 3,800", "casualties"),
    ("At least 100 of the soldiers sent to Russia have died, the lawmaker said.", "At least 100", "killed"),
    ("Some 2,000 soldiers who had been injured were flown home to Pyongyang.", "Some 2,000", "wounded"),
    ("About 400 troops who were deployed to the front have been killed.", "About 400", "killed"),
    ("A lawmaker said 100 soldiers serving on Russia's side have been killed in Kursk.", "100", "killed"),
    ("Casualties among the 11,000 troops sent to Russia have reached 4,000.", "4,000", "casualties"),
    ("Casualties among the 11,000 troops sent to Russia have reached 4,000.", "11,000", "troops_deployed"),
    ("North Korean units have taken 4,000 casualties in Kursk.", "4,000", "casualties"),
    ("Two North Korean soldiers were taken prisoner near Sudzha.", "Two", "captured"),
    ("Ukraine estimates a death toll as high as 1,000 among the North Koreans.", "as high as 1,000", "killed"),
])
def test_the_clause_predicate_not_a_participle_decides_the_metric(text, figure, metric):
    """Participles and relative clauses describing the noun ("sent to", "fighting for", "who were
    deployed") do not make a deployment figure: the clause's own verb says what the count is."""
    found = {c["number_text"]: c["metric"] for c in claims_of(text)}
    assert found[figure] == metric


def test_a_participle_alone_still_makes_a_deployment_figure():
    """With no other predicate in the clause, "11,000 troops sent to Russia" counts a deployment."""
    assert only("Of the 11,000 troops sent to Russia, many are in Kursk.")["metric"] == "troops_deployed"


def test_metric_words_after_another_figure_are_that_figures():
    """"3,500, including about 500 deaths": "deaths" counts the 500, and the 3,500 restates the toll."""
    text = ("Zelensky put the toll at about 4,000 killed and wounded.\n"
            "The spy agency's figure was lower, at 3,500, including about 500 deaths.")
    found = {c["number_text"]: c["metric"] for c in claims_of(text)}
    assert found == {"about 4,000": "casualties", "3,500": "casualties", "about 500": "killed"}


def test_a_restated_figure_borrows_the_metric_it_is_compared_with():
    """"The NIS's figure was lower, at 3,000" has no predicate of its own: it restates the toll before it."""
    found = claims_of("Seoul said 4,000 North Koreans were killed or wounded. The NIS's figure was lower, at 3,000.")
    assert [(c["number_text"], c["metric"]) for c in found] == [("4,000", "casualties"), ("3,000", "casualties")]


def test_a_restated_figure_skips_the_share_before_it():
    """"about 6,000, including roughly 2,000 dead. The figure ... was lower, at 5,000": 5,000 restates
    the 6,000 casualties, not the 2,000 dead that are a share of it."""
    text = ("Total North Korean casualties stand at about 6,000, including roughly 2,000 dead, the ministry said. "
            "The figure from South Korea's Joint Chiefs of Staff was lower, at 5,000, a spokesman said.")
    assert {c["number_text"]: c["metric"] for c in claims_of(text)}["5,000"] == "casualties"


def test_the_remaining_troops_are_a_deployment_figure():
    """"the remaining 8,000 or so are regrouping" counts troops still there, not the dead before it."""
    found = claims_of("About 1,000 were killed in January, and the remaining 8,000 or so are regrouping in the rear.")
    assert [(c["number_text"], c["metric"]) for c in found] == [("About 1,000", "killed"), ("8,000 or so", "troops_deployed")]


def test_a_condition_on_another_verb_does_not_void_the_count():
    """"ready to hand over the two POWs it holds if ..." states a count; the condition is about the handover."""
    claim = only("Zelensky said Ukraine was ready to hand over the two North Korean POWs it holds if Pyongyang agreed.")
    assert (claim["metric"], claim["value_low"]) == ("captured", 2)


def test_metric_words_after_a_share_count_the_share():
    """"put the figure at over 5,000, roughly a third of them killed in action": "killed" counts the
    third, and the 5,000 restates the losses before it."""
    text = ("The ministry said North Korean losses had passed 4,000 killed and wounded. The ministry's previous "
            "estimate put the figure at over 5,000, roughly a third of them killed in action.")
    assert {c["number_text"]: c["metric"] for c in claims_of(text)}["over 5,000"] == "casualties"


def test_a_whole_whose_share_was_killed_counts_losses():
    """Even after a deployment figure, "the figure at over 5,000, roughly a third of them killed" counts losses."""
    text = ("The losses were more than half of the approximately 11,000 North Korean personnel initially deployed.\n"
            "The ministry's previous estimate put the figure at over 5,000, roughly a third of them killed in action.")
    assert {c["number_text"]: c["metric"] for c in claims_of(text)}["over 5,000"] == "casualties"


def test_an_estimate_with_nothing_to_restate_takes_its_sentences_metric_words():
    """"how many North Koreans served, though estimates range from 11,000 to 15,000" counts those who served."""
    text = "Moscow has not said how many North Koreans served, though Western estimates range from 11,000 to 15,000."
    assert only(text)["metric"] == "troops_deployed"


def test_a_joint_russian_and_north_korean_count_is_no_countrys():
    """"50,000 Russian and North Korean soldiers" is not a North Korean figure (subject left empty)."""
    assert only("Moscow had massed about 50,000 Russian and North Korean soldiers in Kursk.")["subject"] is None


def test_place_words_do_not_change_whose_personnel():
    """"losses on the Russia-Ukraine front" are still North Korean losses."""
    claim = only("He said North Korean losses on the Russia-Ukraine front had reached about 4,000 killed and wounded.")
    assert (claim["subject"], claim["metric"]) == ("KP", "casualties")


# ---- figures that are not claims (issue 12, section 5)

@pytest.mark.parametrize("text", [
    "Losses will exceed 20,000 if the offensive goes on.",
    "If the war goes on another year they will lose 30,000.",
    "North Korean casualties would top 10,000 by summer, one analyst said.",
    "Some analysts think the total might eventually reach 100,000 if the war drags on.",
    "About 2,000 of the builders could leave as early as July.",
    "Could be 500 dead, could be 5,000.",
    "Zelensky warned that North Korean losses would climb past 20,000 if the offensive went on.",
])
def test_a_conditional_or_forecast_figure_is_not_a_claim(text):
    """A figure the text only imagines, with a condition or a forecast verb, is not a claim."""
    assert claims_of(text) == []


@pytest.mark.parametrize("text", [
    "North Korean units are losing about 90 soldiers a day.",
    "The North lost some 50 soldiers per day in the January assaults.",
    "At the height of the fighting, North Korean units were losing up to 100 men a day.",
])
def test_a_rate_is_not_a_count(text):
    """"90 soldiers a day" is a rate: adding it to a running count would be meaningless."""
    assert claims_of(text) == []


def test_a_window_of_one_day_is_a_count_not_a_rate():
    """"in the past day" or "in a day" is a window: the figure is a count over it."""
    claim = only("Ukraine said 150 North Korean soldiers were killed in a single day.")
    assert claim["metric"] == "killed"


@pytest.mark.parametrize("text", [
    "Pyongyang has sent 1,000 artillery systems and 200 launchers along with its troops.",
    "North Korea has shipped 120 Koksan guns to Russia alongside its soldiers.",
    "North Korea has also supplied about 250 self-propelled howitzers to the troops.",
    "The New York Times, citing two US officials, reported the North Koreans were killed.",
])
def test_materiel_and_other_things_are_not_people(text):
    """Counts of guns, launchers or officials are not counts of troops, however near the troop words."""
    assert claims_of(text) == []


def test_a_condition_after_a_relative_clause_does_not_void_the_figure():
    """"11,000 troops that could be used in Ukraine": the "could" describes the troops, the count stands."""
    assert only("North Korea has sent 11,000 troops that could be used in Ukraine.")["value_low"] == 11000


@pytest.mark.parametrize("text", [
    "North Korea has also shipped millions of artillery shells to Russia.",
    "The regiment returned after a 120-day deployment.",
    "A 19-year-old North Korean soldier was captured.",
    "The 528th Regiment of Engineers was honoured.",
    "Kim presided over the 13th plenary meeting on the five-year plan.",
    "North Korea could send up to 40,000 troops, analysts said.",
    "The North's army numbers roughly 1.2 million.",
    "One of the captured men is 20 and the other 26.",
    "The two countries signed a mutual defence pact.",
    "The ceremony was held on Dec. 9 at 10:02 in Pyongyang.",
])
def test_numbers_that_count_something_else_are_not_claims(text):
    assert claims_of(text) == []


@pytest.mark.parametrize("text, claimants", [
    ("More than 6,000 were killed, according to South Korean, Ukrainian and Western sources.", ["KR", "UA", "WEST"]),
    ("South Korean intelligence estimating that over 600 North Korean soldiers have been killed.", ["KR-NIS"]),
    ("About 600 North Korean soldiers have been killed, South Korea's spy agency said.", ["KR-NIS"]),
    ("A lawmaker briefed by the NIS said 4,700 North Koreans were killed or wounded.", ["KR-NIS"]),
    ("According to a South Korean lawmaker citing Ukrainian military intelligence, 200 North Koreans were captured.", ["UA-GUR"]),
    ("Kim said nine soldiers were killed during the mission.", ["KP"]),
    ("Ukaine estimates 3,000 plus North Korean casualties.", ["UA"]),
    ("The Pentagon said 8,000 North Korean troops were in Kursk.", ["US"]),
    ("Blinken: 8,000 North Korean troops now in Kursk", ["US"]),
    ("North Korea sends 1,500 special forces to Russia: NIS", ["KR-NIS"]),
    ("North Korea has sent more than 10,000 troops to Russia.", []),
])
def test_claimants_come_from_the_attribution_nearest_the_figure(text, claimants):
    assert claims_of(text)[0]["claimants"] == claimants


def test_an_attribution_in_an_earlier_sentence_carries_to_it_said():
    found = claims_of("The NIS briefed lawmakers on Monday. It said about 3,000 more troops had been sent.")
    assert found[0]["claimants"] == ["KR-NIS"]


def test_an_elliptical_figure_borrows_the_metric_of_its_paragraph():
    found = claims_of("The North Korean troops have suffered 6,000 casualties according to UK intelligence. "
                      "South Korea estimates 4,700. And Ukraine estimates 3,000 plus.")
    assert [(c["metric"], c["value_low"], c["claimants"]) for c in found] == [
        ("casualties", 6000, ["GB"]), ("casualties", 4700, ["KR"]), ("casualties", 3000, ["UA"])]


@pytest.mark.parametrize("text, start, end", [
    ("North Korea has sent 11,000 troops.", None, date(2025, 4, 30)),
    ("About 600 North Korean soldiers were killed last month.", date(2025, 3, 1), date(2025, 3, 31)),
    ("The NIS said on Monday that 600 North Korean soldiers had died.", None, date(2025, 4, 28)),
    ("As of April 13, about 600 North Koreans had been killed.", None, date(2025, 4, 13)),
    ("Since October, 4,000 North Korean soldiers have been killed or wounded.", date(2024, 10, 1), date(2025, 4, 30)),
    ("SEOUL, April 29 (Wire) - About 600 North Korean soldiers have been killed.", None, date(2025, 4, 30)),
    ("On April 23, South Korea's Joint Chiefs of Staff estimated that 1,100 North Koreans were killed or wounded.",
     None, date(2025, 4, 23)),
    ("- March 2025: Seoul's spy agency says 3,000 more North Korean troops were sent.", None, date(2025, 3, 31)),
    ("Shoigu told Russian state media on Tuesday that Pyongyang would send 1,000 sappers.", None, date(2025, 4, 29)),
])
def test_period_follows_the_time_words_that_govern_the_figure(text, start, end):
    claim = only(text)
    assert (claim["period_start"], claim["period_end"]) == (start, end)


def test_an_undated_document_keeps_null_periods():
    claim = only("About 600 North Korean soldiers were killed last month.", published=None)
    assert (claim["period_start"], claim["period_end"], claim["reported_date"]) == (None, None, None)


def test_spans_and_sentence_are_provenance():
    text = "Headline here\n\nNorth Korea has sent some 14,000 troops. Nine were killed."
    for claim in extract_claims(text, [("headline", 0, 13), ("body", 13, len(text))], PUBLISHED):
        assert text[claim["span_start"]:claim["span_end"]] == claim["number_text"]
        assert claim["sentence"] in text and claim["number_text"] in claim["sentence"]
        assert claim["section"] == "body"


def test_sentences_do_not_break_at_abbreviations():
    text = "On Dec. 9 the U.S. said 11,000 troops were there. Gen. Kim agreed."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "On Dec. 9 the U.S. said 11,000 troops were there.", "Gen. Kim agreed."]


def test_a_relayed_source_replaces_its_messenger():
    attributions = find_attributions("Lee, a lawmaker citing the NIS, said 600 died.")
    assert {a.claimants for a in attributions} == {("KR-NIS",)}


def number_rows():
    with open(TESTS / "number_phrases.tsv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t")
                if row["qualifier"] not in ("none", "") and row["unit"] == "persons"]
    return [row for row in rows if parse_number_phrase(row["phrase"]) is not None]


@pytest.mark.parametrize("row", number_rows(), ids=lambda row: row["phrase"])
def test_every_number_form_survives_into_a_claim(row):
    """The number table, each phrase in a sentence of the kind the hidden suites use."""
    claim = only(f"North Korea has sent {row['phrase']} troops to Russia, the NIS said.")
    expected = tuple(int(row[k]) if row[k] else None for k in ("low", "high", "best"))
    assert (claim["value_low"], claim["value_high"], claim["value_best"]) == expected
    assert claim["qualifier"] == row["qualifier"]
    assert claim["claimants"] == ["KR-NIS"]


def time_rows():
    with open(TESTS / "time_expressions.tsv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if claims_of(row["text"])]


@pytest.mark.parametrize("row", time_rows(), ids=lambda row: row["text"])
def test_every_time_expression_gives_its_period_to_the_claim(row):
    reported = date.fromisoformat(row["reported"]) if row["reported"] else None
    claim = claims_of(row["text"], reported)[0]
    got = (str(claim["period_start"] or ""), str(claim["period_end"] or ""))
    assert got == (row["period_start"], row["period_end"])


def test_a_share_of_a_whole_takes_the_clauses_predicate_and_the_whole_is_the_force_sent():
    """"About 400 of the roughly 12,000 soldiers dispatched last autumn have died": the 400 died, the
    12,000 were sent; the participle describes the whole, the predicate counts the share."""
    text = "About 400 of the roughly 12,000 soldiers dispatched last autumn have died, Seoul believes."
    metrics = {c["number_text"]: c["metric"] for c in claims_of(text)}
    assert metrics == {"About 400": "killed", "roughly 12,000": "troops_deployed"}


def test_a_whole_with_a_noun_of_losses_keeps_its_own_metric():
    """"Some 150 of the 2,500 casualties were taken prisoner": the whole counts casualties, not the force sent."""
    metrics = {c["number_text"]: c["metric"] for c in claims_of("Some 150 of the 2,500 casualties were taken prisoner.")}
    assert metrics["2,500"] == "casualties"


@pytest.mark.parametrize("text", [
    "Pyongyang fields about 1.2 million soldiers.",
    "North Korea has 1.2 million troops, the defence white paper says.",
    "The estimates differ by a factor of two.",
    "Western counts of the deployment vary by thousands.",
    "More than a million Chinese soldiers fought in the Korean War.",
    "During World War II, 27 million Soviet citizens died.",
])
def test_army_sizes_multipliers_and_past_wars_are_not_claims(text):
    assert claims_of(text) == []


def test_a_deployment_dated_by_a_past_war_still_counts():
    """"its first major deployment since the Vietnam War": "since" dates the deployment, it is no past war's count."""
    assert only("Pyongyang sent 11,000 troops, its first major deployment since the Vietnam War.")["value_low"] == 11000


def test_a_time_describing_the_whole_does_not_date_the_share():
    """"About 400 of the 12,000 soldiers sent last year have died": "last year" dates the sending
    (the whole), so the 400 dead keep the open period of a running toll."""
    claims = {c["number_text"]: c for c in claims_of("About 400 of the 12,000 soldiers sent last year have died.")}
    assert (claims["About 400"]["period_start"], claims["About 400"]["period_text"]) == (None, None)
    assert claims["12,000"]["period_text"] == "last year"
