"""Figure claims: every number about personnel in a document, as the text states it.

For each number phrase in each sentence this decides, from the words around it: whether it
counts people at all (the noun it counts, speculation, the size of a whole army), the
metric (the nearest predicate: "sent", "were killed", "killed or wounded"), whose personnel
(`subject`), who claims it (the nearest attribution), and the period it covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import islice

from transforms.attributions import WORD, Attribution
from transforms.lexicon import load_table
from transforms.numbers import NumberPhrase, find_number_phrases
from transforms.periods import SINCE, dates_the_statement, figure_period, find_time_expressions
from transforms.phrase_matcher import Match, PhraseMatcher
from transforms.sections import section_at
from transforms.source_register import SourceRegister, credit_restated_figures, sentence_attributions
from transforms.sentences import split_sentences

BOUNDARY = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
PUNCTUATION = re.compile(r"[,;:.]")
CLAUSE_END = re.compile(r"[,;:.()!?]")
FROM_OR_OF = re.compile(r"^\s*(?:from|of)\s+(?:the\s+)?$", re.IGNORECASE)
# The noun a number counts stands within this many characters after it ("14,000 North Korean soldiers").
NOUN_REACH = 60
# How many words may stand between a number and its noun ("1,500 special operations troops").
NOUN_WORDS = 5
MAX_CUE_COST = 14.0
ARMY_BEFORE = re.compile(
    r"\b(?:army|military|armed forces|KPA|Korean People's Army)\b[^.,;]{0,20}?\b(?:of|numbers|numbering|totals|"
    r"totalling|totaling|counts|with|has|had)\s+(?:about|some|around|roughly|nearly|over|more than|an estimated)?\s*$",
    re.IGNORECASE)
ARMY_AFTER = re.compile(
    r"^[\s-]*(?:(?:strong|active[- ]duty|standing)[\s-]+(?:army|military|armed forces|force)|army|armed forces|"
    r"(?:men|soldiers|troops|personnel|active personnel)?\s*(?:under arms|on paper|in uniform|in its ranks|"
    r"on active duty)|active(?:[- ]duty)? (?:personnel|troops|soldiers))\b", re.IGNORECASE)
SPECULATION_REACH = 30
# "SEOUL, April 30 (Yonhap) -": where and when the story was filed, not when its figures stand.
DATELINE = re.compile(r"^[A-Z][A-Z .'-]{1,40},\s+[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?\s*(?:\([^)]{1,60}\))?\s*[-\u2013\u2014]+\s*")
# "1. NORTH KOREA SENDS MORE TROOPS": the number of an item in a list.
LIST_MARKER = re.compile(r"^\s*[(\[]?\d{1,3}[.)\]]\s")


@dataclass
class Context(SourceRegister):
    """What earlier sentences said, for elliptical ones ("South Korea estimates 4,700.", "it said"); as a
    SourceRegister, the sources the document has named so far (defer, remember, claimants_of)."""
    metric: str | None = None  # of the last figure in this paragraph
    document_metric: str | None = None  # of the last figure in the document
    subject: str | None = None


@cache
def metric_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["phrase"], f"{r['metric']}|{r['strength']}", r["case"] == "exact")
                          for r in load_table("metric_words")])


@cache
def noun_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["noun"], r["kind"], False) for r in load_table("counted_nouns")])


@cache
def subject_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["phrase"], r["code"], r["case"] == "exact") for r in load_table("subject_words")])


@cache
def statement_cues() -> PhraseMatcher:
    return PhraseMatcher([(r["cue"], "statement", False) for r in load_table("attribution_cues") if r["source"] == "before"])


@cache
def word_class(name: str) -> frozenset[str]:
    """A class of claim_words.tsv: noun_modifier ("3,000 more North Korean troops"), count_subject ("the toll
    is 300", not an age), region ("in eastern Russia"), auxiliary, conjunction."""
    return frozenset(r["word"].lower() for r in load_table("claim_words") if r["class"] == name)


@cache
def word_set(table: str) -> frozenset[str]:
    """The `word` column of a one-column table: number_followers ("6,000 were killed"), subject_blockers
    ("alongside Russia")."""
    return frozenset(r["word"].lower() for r in load_table(table))


@cache
def speculation_pattern() -> re.Pattern:
    words = sorted((r["phrase"] for r in load_table("speculation_cues")), key=len, reverse=True)
    # Case-sensitive: "May 2" is a date, "may reach" is speculation.
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)(?!\s+have\b)")


def extract_claims(text: str, sections: list[tuple[str, int, int]], published_date: date | None) -> list[dict]:
    """One dict per figure mention, with the contract's claim columns less ids and run."""
    context = Context()
    claims: list[dict] = []
    for start, end in split_sentences(text):
        paragraph_end = text.find("\n", end)
        if start > context.paragraph_end:
            # an elliptical figure borrows metric and subject only within its paragraph
            context.metric = context.subject = None
        context.paragraph_end = paragraph_end if paragraph_end >= 0 else len(text)
        claims.extend(sentence_claims(text, start, end, sections, published_date, context))
    credit_restated_figures(claims)
    return claims


def sentence_claims(text: str, start: int, end: int, sections, published: date | None, context: Context) -> list[dict]:
    sentence = text[start:end]
    phrases = [p for p in find_number_phrases(sentence) if p.error is None and p.best is not None
               and not (p.start == 0 and LIST_MARKER.match(sentence))]
    counts = []
    for phrase in phrases:
        is_count, noun = counts_people(sentence, phrase)
        if is_count:
            counts.append((phrase, noun))
    if not counts:
        # Most figures count no one ("the 91st Brigade", "8 kilometres"): their sentence's sources
        # are read only if a later "it said" needs them, which spares reading attributions.
        context.unread.append((sentence, phrases, context.paragraph_end))
        return []
    attributions = sentence_attributions(sentence, phrases)
    metric_cues = metric_matcher().find(sentence)
    # The subject words are the sentence's, whichever figure asks: found once, when first needed.
    subject_words = SubjectWords(sentence, attributions)
    found = []
    for phrase, noun in counts:
        claim = judge_phrase(sentence, phrase, noun, metric_cues, attributions, context, subject_words)
        if claim is None:
            continue
        add_period(claim, sentence, phrase, metric_cues, published)
        claim.update(section=section_at(sections, start + phrase.start), sentence=sentence,
                     span_start=start + phrase.start, span_end=start + phrase.end)
        found.append(claim)
    context.remember(attributions, sentence)
    return found


def counts_people(sentence: str, phrase: NumberPhrase) -> tuple[bool, Match | None]:
    """Whether the figure may count people, judged by its own words; and the noun it counts."""
    noun = counted_noun(sentence, phrase)
    if noun is not None and noun.value != "person":
        return False, None
    if counts_whole_army(sentence, phrase) or (noun is None and is_age_or_state(sentence, phrase)):
        return False, None
    return True, noun


def judge_phrase(sentence: str, phrase: NumberPhrase, noun: Match | None, metric_cues: list[Match],
                 attributions: list[Attribution], context: Context,
                 subject_words: SubjectWords) -> dict | None:
    cue = choose_metric_cue(sentence, phrase, metric_cues, has_noun=noun is not None)
    if cue is None:
        metric = elliptical_metric(sentence, phrase, noun, attributions, context)
        if metric is None:
            return None
        metric_text = None
    else:
        metric, metric_text = cue.value.split("|")[0], cue.text
        if is_speculation(sentence, phrase, cue):
            return None
    subject = choose_subject(sentence, phrase, noun, subject_words(), context)
    claimants, claimant_text = context.claimants_of(sentence, phrase, attributions)
    context.metric = context.document_metric = metric
    context.subject = subject
    return {
        "metric": metric,
        "subject": subject,
        "unit": phrase.unit,
        "value_low": phrase.low,
        "value_high": phrase.high,
        "value_best": phrase.best,
        "qualifier": phrase.qualifier,
        "number_text": phrase.text,
        "claimants": list(claimants),
        "claimant_text": claimant_text,
        "metric_text": metric_text,
        "scope": "total",
        "scope_text": None,
    }


@lru_cache(maxsize=256)
def time_expressions(sentence: str, published: date | None) -> tuple:
    """The sentence's time words, less a dateline's ("SEOUL, April 30 (Yonhap) -")."""
    dateline = DATELINE.match(sentence)
    return tuple(t for t in find_time_expressions(sentence, published) if dateline is None or t.start >= dateline.end())


def add_period(claim: dict, sentence: str, phrase: NumberPhrase, metric_cues: list[Match], published: date | None) -> None:
    """The period from the time words nearest the figure (read only for figures that are claims:
    resolving time words is the costliest step)."""
    expression = nearest(time_expressions(sentence, published), phrase)
    stated = expression is not None and (dates_the_statement(sentence, expression)
                                         or follows_a_statement(sentence, expression, metric_cues, phrase)
                                         or opens_a_statement(sentence, expression, metric_cues, phrase))
    period_start, period_end = figure_period(expression, stated, published)
    stated_from, stated_to = statement_dates(expression) if stated else (None, None)
    claim.update(reported_date=published, period_start=period_start, period_end=period_end,
                 period_text=expression.text if expression is not None else None,
                 stated_from=stated_from, stated_to=stated_to)


def statement_dates(expression) -> tuple[date | None, date | None]:
    """The days within which the claimant made the statement: one day ("told lawmakers on Wednesday")
    or a span ("said last week", "said in January")."""
    last = expression.last_day
    first = expression.first_day if expression.first_day is not None and expression.kind != SINCE else last
    return first, last


def elliptical_metric(sentence: str, phrase: NumberPhrase, noun: Match | None, attributions: list[Attribution],
                      context: Context) -> str | None:
    """A figure with no predicate of its own borrows one: "South Korea estimates 4,700." takes its
    paragraph's metric; "The NIS now puts the total at around 15,000." the document's."""
    if noun is not None or not attributions:
        return None
    if context.metric is not None:
        return context.metric
    before = WORD.findall(sentence[:phrase.start].lower())
    if context.document_metric is not None and word_class("count_subject").intersection(before[-6:]):
        return context.document_metric
    return None


def counted_noun(sentence: str, phrase: NumberPhrase) -> Match | None:
    """What the number counts: a person noun ("14,000 North Korean soldiers", "dozens of troops"),
    something else ("two countries", "millions of shells": value "other"), or None when no noun
    follows ("6,000 were killed", "11,000 went", "4,700.")."""
    tail = sentence[phrase.end:phrase.end + NOUN_REACH]
    clause = CLAUSE_END.split(tail, maxsplit=1)[0]
    nouns = {noun.start: noun for noun in noun_matcher().find(clause)}
    unknown, after_of = None, False
    modifiers, followers = word_class("noun_modifier"), word_set("number_followers")
    for word in islice(WORD.finditer(clause), NOUN_WORDS):
        noun = nouns.get(word.start())
        if noun is not None:
            return Match(phrase.end + noun.start, phrase.end + noun.end, noun.text, noun.value)
        lowered = word.group(0).lower()
        if lowered == "of" or lowered in modifiers:
            after_of = lowered == "of"
            continue
        if lowered in followers or lowered.endswith("ed") or (word.group(0)[0].isupper() and not after_of):
            break  # a verb or a name: the number stands alone ("dozens of KN-23s" are things)
        unknown = unknown or word
        after_of = False
    if unknown is None:
        return None
    return Match(phrase.end + unknown.start(), phrase.end + unknown.end(), unknown.group(0), "other")


def counts_whole_army(sentence: str, phrase: NumberPhrase) -> bool:
    """"an army of 1.2 million", "its 1.2 million-strong military", "more than a million men under
    arms": the size of a whole force, not a deployment."""
    before = sentence[max(0, phrase.start - 40):phrase.start]
    after = sentence[phrase.end:phrase.end + 40]
    return bool(ARMY_BEFORE.search(before) or ARMY_AFTER.match(after))


def is_age_or_state(sentence: str, phrase: NumberPhrase) -> bool:
    """"aged 20", "one of the men is 20 and the other 26": a number about a person, not a count."""
    before = WORD.findall(sentence[max(0, phrase.start - 40):phrase.start].lower())
    if not before:
        return False
    if before[-1] in ("aged", "age", "ages") or before[-2:] == ["the", "other"]:
        return True
    return before[-1] in ("is", "was") and (len(before) < 2 or before[-2] not in word_class("count_subject"))


def choose_metric_cue(sentence: str, phrase: NumberPhrase, cues: list[Match],
                      has_noun: bool) -> Match | None:
    best, best_cost = None, MAX_CUE_COST
    for cue in cues:
        if cue.start < phrase.end and cue.end > phrase.start:
            continue
        cost = cue_cost(sentence, phrase, cue)
        if cue.value.endswith("|weak"):
            cost += 5 if has_noun else 8
        if cost < best_cost:
            best, best_cost = cue, cost
    return best


def cue_cost(sentence: str, phrase: NumberPhrase, cue: Match) -> float:
    """Words between number and predicate; auxiliaries ("had been") cost little, punctuation and
    a conjunction before the number ("300 died and 2,700 ...") much."""
    if cue.start >= phrase.end:
        gap, direction = sentence[phrase.end:cue.start], 0.0
    else:
        gap, direction = sentence[cue.end:phrase.start], 0.5
    words = [w.lower() for w in WORD.findall(gap)]
    cost = sum(0.3 if w in word_class("auxiliary") else 1.0 for w in words) + 3 * len(BOUNDARY.findall(gap)) + direction
    if direction and any(w in word_class("conjunction") for w in words):
        cost += 2
    return cost


def is_speculation(sentence: str, phrase: NumberPhrase, cue: Match) -> bool:
    """"could send up to 40,000", "a third wave could number 30,000", "may reach": a figure the text only imagines."""
    start, end = min(cue.start, phrase.start), max(cue.end, phrase.end)
    window = PUNCTUATION.split(sentence[max(0, start - SPECULATION_REACH):start])[-1] + sentence[start:end]
    return speculation_pattern().search(window) is not None


class SubjectWords:
    """A sentence's words naming whose personnel, less those inside a named source ("South Korea's
    NIS said"): found when a figure first asks (many sentences need them once or never)."""

    __slots__ = ("sentence", "attributions", "found")

    def __init__(self, sentence: str, attributions: list[Attribution]):
        self.sentence, self.attributions, self.found = sentence, attributions, None

    def __call__(self) -> list[Match]:
        if self.found is None:
            self.found = [w for w in subject_matcher().find(self.sentence)
                          if not any(a.start <= w.start < a.end and a.claimants for a in self.attributions)]
        return self.found


def choose_subject(sentence: str, phrase: NumberPhrase, noun: Match | None, words: list[Match],
                   context: Context) -> str | None:
    noun_end = noun.end if noun is not None else phrase.end
    inside = [w for w in words if phrase.end <= w.start < noun_end]
    if inside:
        return inside[0].value
    after = [w for w in words if noun_end <= w.start <= noun_end + 12
             and FROM_OR_OF.match(sentence[noun_end:w.start])]
    if after:
        return after[0].value
    clause_start = max((m.end() for m in BOUNDARY.finditer(sentence, 0, phrase.start)), default=0)
    for word in reversed([w for w in words if clause_start <= w.start and w.end <= phrase.start]):
        before = [w.lower() for w in WORD.findall(sentence[max(0, word.start - 30):word.start])[-2:]]
        if before and (before[-1] in word_set("subject_blockers") or (len(before) == 2 and before[0] in word_set("subject_blockers")
                                                            and before[1] in word_class("region"))):
            continue  # "in eastern Russia": a place, not whose personnel
        return word.value
    return context.subject or "KP"


def nearest(times, phrase: NumberPhrase):
    def distance(t) -> int:
        return phrase.start - t.end if t.end <= phrase.start else max(0, t.start - phrase.end)
    return min(times, key=distance, default=None)


def opens_a_statement(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"On December 23, 2024, South Korea's Joint Chiefs of Staff estimated ...", "- Oct 2024: Seoul's
    spy agency says ...", "At the ceremony on Friday, Kim told ...": time words that open the sentence
    and date the statement that follows them."""
    lead = sentence[:expression.start]
    if "," in lead or len(WORD.findall(lead)) > 4:
        return False
    rest = sentence[expression.end:]
    if not rest.lstrip().startswith((",", ":")):
        return False
    for cue in statement_cues().find(rest[:120]):
        start, end = expression.end, expression.end + cue.start
        if len(WORD.findall(sentence[start:end])) > 9 or start <= phrase.start < end \
                or any(start <= m.start < end for m in metric_cues):
            return False
        return True
    return False


def follows_a_statement(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"Shoigu told Russian state media on Tuesday", "the 8,000 that officials cited last week": a few
    words after a speech verb, with no predicate or number of the figure in between."""
    for cue in statement_cues().find(sentence[:expression.start]):
        gap = sentence[cue.end:expression.start]
        if len(WORD.findall(gap)) > 4 or PUNCTUATION.search(gap):
            continue
        if any(cue.end <= m.start < expression.start for m in metric_cues) or cue.end <= phrase.start < expression.start:
            continue
        return True
    return False
