"""The benchmark's corpus generator: deterministic, every input format, articles the extractor reads."""

from __future__ import annotations

import importlib.util
import statistics
import sys
from pathlib import Path

import pytest

from transforms.claims import extract_claims
from transforms.documents import parse_file

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".jsonl")


def load_generator():
    # bench/ is a folder of scripts, not a package
    spec = importlib.util.spec_from_file_location("generate_corpus", ROOT / "bench" / "generate_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return load_generator()


@pytest.fixture(scope="module")
def small_corpus(generator, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generator.generate(20, out, seed=7)
    return out


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def article_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*")) if p.suffix in ARTICLE_SUFFIXES]


def parsed_documents(folder: Path):
    for path in article_files(folder):
        sidecar = path.with_suffix(".meta.json")
        yield from parse_file(path.read_bytes(), path.relative_to(folder).as_posix(),
                              sidecar.read_bytes() if sidecar.exists() else None)


def test_same_seed_writes_identical_files_and_another_seed_differs(generator, small_corpus, tmp_path):
    generator.generate(20, tmp_path / "again", seed=7)
    generator.generate(20, tmp_path / "other", seed=8)
    assert files_of(tmp_path / "again") == files_of(small_corpus)
    assert files_of(tmp_path / "other") != files_of(small_corpus)


def test_every_input_format_and_sidecars_are_written(small_corpus):
    suffixes = {p.suffix for p in article_files(small_corpus)}
    assert suffixes == set(ARTICLE_SUFFIXES)
    assert list(small_corpus.rglob("*.meta.json"))


def test_format_shares_follow_the_plan(generator):
    import random

    formats = generator.format_plan(1000, random.Random(0))
    assert {fmt: formats.count(fmt) for fmt in set(formats)} == {"txt": 700, "md": 100, "html": 100, "jsonl": 100}


def test_files_are_spread_over_folders_of_bounded_size(generator, tmp_path, monkeypatch):
    monkeypatch.setattr(generator, "FILES_PER_FOLDER", 5)
    generator.generate(30, tmp_path, seed=1)
    folders = [d for d in tmp_path.iterdir() if d.is_dir()]
    assert len(folders) >= 5
    assert all(len(article_files(d)) <= 5 for d in folders)


def test_a_jsonl_file_holds_one_article_per_line(small_corpus):
    documents = [d for d in parsed_documents(small_corpus) if d.format == "jsonl"]
    assert len(documents) == 2
    assert all(":" in d.source_path and d.error is None for d in documents)


def test_every_article_parses_to_a_document_of_realistic_size_mostly_dated(small_corpus):
    documents = list(parsed_documents(small_corpus))
    assert len(documents) == 20
    assert [d.source_path for d in documents if d.error] == []
    # wire datelines are written as agencies print them, which not every reader dates
    assert sum(d.published_date is not None for d in documents) >= 15
    assert 1500 <= statistics.median(len(d.text) for d in documents) <= 5000


def test_the_extractor_finds_figures_in_articles_of_every_format(small_corpus):
    claims_by_format: dict[str, int] = {}
    for document in parsed_documents(small_corpus):
        found = extract_claims(document.text, document.sections, document.published_date)
        claims_by_format[document.format] = claims_by_format.get(document.format, 0) + len(found)
    assert set(claims_by_format) == {"txt", "md", "html", "jsonl"}
    assert all(count > 0 for count in claims_by_format.values())
