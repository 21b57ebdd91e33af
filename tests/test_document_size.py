"""No input hangs a run (issue 14): the work on one document grows linearly with its size.

A 50 MB text on one line once took more than 15 minutes in `extract_claims`, which looked for
the next newline from every sentence to the end of the text. The guards here run a whole
document through `parse_file` and `extract_claims` in a child process with a generous time
limit, so that a hang fails the test instead of blocking the suite. They are not speed
measures: `bench/bench_document_size.py` prints the cost per byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.claims import extract_claims
from transforms.sentences import MAX_SENTENCE, split_sentences

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 120  # about 10x what a 10 MB line takes on a loaded 2-core machine

# The child builds the document from the test corpus's own article paragraphs (our words),
# repeated to the size asked, joined as asked, and prints what it found as JSON.
CHILD = r"""
import json, re, sys
from pathlib import Path
from transforms.documents import parse_file
from transforms.claims import extract_claims

size, joiner, strip_ends = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "strip"
paragraphs = [line.strip() for path in sorted(Path("tests/corpus").glob("t*.txt"))
              for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 60]
pieces, total, copies = [], 0, 0
while total < size:
    for paragraph in paragraphs:
        pieces.append(paragraph)
        total += len(paragraph) + len(joiner)
    copies += 1
text = joiner.join(pieces)
if strip_ends:  # no sentence ends at all: one run of words
    text = re.sub(r"[.!?]", "", text)
[document] = parse_file(text.encode("utf-8"), "huge.txt")
claims = extract_claims(document.text, document.sections, document.published_date)
print(json.dumps({"error": document.error, "bytes": len(text.encode("utf-8")), "copies": copies,
                  "claims": len(claims)}))
"""


def run_child(size: int, joiner: str, strip_ends: bool = False) -> dict:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(size), joiner, "strip" if strip_ends else "keep"],
                              cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"a {size / 1e6:.0f} MB document took more than {LIMIT_SECONDS} s: a scan grows faster than its size")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_10_mb_document_on_one_line_finishes_within_the_limit():
    found = run_child(10_000_000, " ")
    assert found["error"] is None and found["bytes"] >= 10_000_000
    assert found["claims"] >= found["copies"]  # every copy of the corpus holds figures


def test_a_1_mb_document_without_any_sentence_end_finishes_within_the_limit():
    """No sentence end anywhere would make one sentence of the whole text, and rules that read a
    sentence once per figure in it would cost its length squared."""
    found = run_child(1_000_000, " ", strip_ends=True)
    assert found["error"] is None and found["claims"] >= found["copies"]


def test_a_run_without_sentence_ends_is_cut_at_spaces_into_bounded_sentences():
    words = "troops sent to Kursk " * 500  # 10,500 characters, no sentence end
    spans = split_sentences(words)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE for start, end in spans)
    # cut between words: each piece starts after a space and ends before one; none is lost
    assert all((start == 0 or words[start - 1] == " ") and (end == len(words) or words[end] == " ")
               for start, end in spans)
    assert " ".join(words[start:end] for start, end in spans).split() == words.split()


def test_sentences_of_ordinary_length_are_not_cut():
    sentence = "The spy agency told lawmakers that some 300 soldiers had been killed, " * 10
    sentence = sentence.rstrip(", ") + "."
    assert len(sentence) < MAX_SENTENCE
    assert split_sentences(sentence) == [(0, len(sentence))]


def test_a_paragraph_reads_the_same_whatever_follows_its_newline():
    """The paragraph's end is looked up once per paragraph, not from every sentence: what a
    paragraph's figures borrow from each other must not depend on the text after it."""
    paragraphs = ["Some 300 North Korean soldiers were wounded, Kyiv said. Seoul estimates 4,700.",
                  "Officials said 300 soldiers were killed last month. The NIS estimates 4,700 were hurt."]
    head = "\n".join(paragraphs) + "\n"
    alone = extract_claims(head, [], None)
    joined = extract_claims(head + "The weather was mild. " * 2000, [], None)
    keys = ("number_text", "metric", "subject", "claimants", "period_start", "period_end")
    assert [tuple(str(c[k]) for k in keys) for c in joined] == [tuple(str(c[k]) for k in keys) for c in alone]
    assert len(joined) == 4


def test_html_with_many_void_tags_builds_the_tree_bs4_builds():
    """bs4's html.parser builder looked every end tag up in a list of the void tags seen so far
    ("<br>", "<img>"): html_text counts them instead. The tree must be the same, stray "</br>"
    end tags included."""
    from bs4 import BeautifulSoup

    from transforms.html_text import _TREE_BUILDER

    page = ("<html><body>" + "<div><p>300 troops<br>in Kursk</p><img src=a.jpg></br><span>x</span>" * 200
            + "<p>a<br/>b</br></br><hr></hr></p></body></html>")
    ours = BeautifulSoup(page, builder=_TREE_BUILDER) if _TREE_BUILDER != "html.parser" else None
    if ours is None:
        pytest.skip("this bs4 lets no builder choose its parser class")
    assert str(ours) == str(BeautifulSoup(page, "html.parser"))
