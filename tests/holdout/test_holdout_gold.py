"""The held-out corpus is well formed: every article has gold the scorer can read, and every
gold claim is backed by the article's own words. (The articles and gold are described in
tests/holdout.md; this file only checks them, it does not run the extractor.)"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from schemas.tables import METRICS, QUALIFIERS, SCOPES, SECTIONS

HOLDOUT = Path(__file__).resolve().parent
GOLD = HOLDOUT / "gold"
ARTICLE_SUFFIXES = {".txt", ".md", ".html", ".jsonl"}
CLAIM_KEYS = {"metric", "subject", "low", "high", "qualifier", "scope", "claimants", "section",
              "period_start", "period_end", "evidence", "optional"}
CLAIMANT_CODE = re.compile(r"^(?:[A-Z]{2}|WEST)(?:-[A-Z]+)?$")
# Bounds each qualifier leaves open or closed (contract, "Numbers").
OPEN_HIGH = {"more_than", "at_least"}
OPEN_LOW = {"less_than", "at_most"}
POINT = {"exact", "approx"}
SPAN = {"range", "vague"}


def articles() -> list[Path]:
    return sorted(p for p in HOLDOUT.iterdir() if p.suffix in ARTICLE_SUFFIXES)


def gold_path(article: Path) -> Path:
    return GOLD / f"{article.stem}.json"


def readable_text(article: Path) -> str:
    """What a reader sees: markup stripped from HTML, title and text of the JSONL record."""
    raw = article.read_text(encoding="utf-8")
    if article.suffix == ".html":
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
        raw = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    elif article.suffix == ".jsonl":
        record = json.loads(raw.splitlines()[0])
        raw = f"{record.get('title', '')}\n{record['text']}"
    return squeeze(raw)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def as_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


@pytest.fixture(scope="module", params=articles(), ids=lambda p: p.name)
def article_and_gold(request) -> tuple[Path, dict]:
    article = request.param
    return article, json.loads(gold_path(article).read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_in_every_input_format():
    found = articles()
    assert len(found) >= 30
    assert {p.suffix for p in found} == ARTICLE_SUFFIXES


def test_every_article_has_gold_and_every_gold_file_has_an_article():
    assert {gold_path(a).name for a in articles()} == {p.name for p in GOLD.glob("*.json")}


def test_each_jsonl_file_holds_one_article_keyed_as_its_first_line():
    for article in (p for p in articles() if p.suffix == ".jsonl"):
        lines = [line for line in article.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(lines) == 1, article.name
        assert json.loads(gold_path(article).read_text(encoding="utf-8"))["file"] == f"{article.name}:1"


def test_gold_names_its_file_and_a_valid_publication_date(article_and_gold):
    article, gold = article_and_gold
    assert set(gold) == {"file", "published_date", "claims"}
    assert gold["file"].split(":")[0] == article.name
    as_date(gold["published_date"])


def test_claims_use_the_contract_vocabulary(article_and_gold):
    _, gold = article_and_gold
    for claim in gold["claims"]:
        assert set(claim) == CLAIM_KEYS, claim
        assert claim["subject"] == "KP"
        assert claim["metric"] in METRICS and claim["section"] in SECTIONS
        assert claim["qualifier"] in QUALIFIERS
        assert claim["scope"] in SCOPES, claim
        assert all(CLAIMANT_CODE.match(code) for code in claim["claimants"]), claim
        assert isinstance(claim["optional"], bool)


def test_bounds_agree_with_the_qualifier(article_and_gold):
    _, gold = article_and_gold
    for claim in gold["claims"]:
        low, high, qualifier = claim["low"], claim["high"], claim["qualifier"]
        if qualifier in OPEN_HIGH:
            assert low is not None and high is None, claim
        elif qualifier in OPEN_LOW:
            assert low is None and high is not None, claim
        elif qualifier in POINT:
            assert low == high is not None, claim
        else:
            assert qualifier in SPAN and low is not None and high is not None and low < high, claim


def test_periods_are_ordered_and_end_no_later_than_publication(article_and_gold):
    _, gold = article_and_gold
    published = as_date(gold["published_date"])
    for claim in gold["claims"]:
        start, end = as_date(claim["period_start"]), as_date(claim["period_end"])
        if start is not None:
            assert end is not None and start <= end, claim
        if published is not None:
            assert end is not None and end <= published, claim


def test_one_gold_claim_per_figure_and_section(article_and_gold):
    """The scorer folds repeated mentions of a figure in one section into one; gold must too."""
    _, gold = article_and_gold
    keys = [(c["metric"], c["low"], c["high"], c["section"]) for c in gold["claims"]]
    assert len(keys) == len(set(keys)), keys


def test_every_evidence_occurs_in_the_article(article_and_gold):
    article, gold = article_and_gold
    text = readable_text(article)
    for claim in gold["claims"]:
        for piece in claim["evidence"].split("..."):
            assert squeeze(piece) in text, (article.name, piece)
