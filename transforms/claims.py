"""Figure claims: every number about personnel in a document, as the text states it.

For each number phrase in each sentence this decides, from the words around it: whether it
counts people at all (the noun it counts, speculation, the size of a whole army), the
metric (the nearest predicate: "sent", "were killed", "killed or wounded"), whose personnel
(`subject`), who claims it (the nearest attribution), and the period it covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from itertools import islice

from transforms.attributions import WORD, Attribution
from transforms.lexicon import load_table
from transforms.numbers import NumberPhrase, find_number_phrases
from transforms.periods import (SINCE, dated_over_measured, dates_the_statement, figure_period, find_time_expressions,
                                follows_a_speech_verb, names_an_estimate, referred_expression)
from transforms.phrase_matcher import Match, PhraseMatcher, escaped, trie_pattern
from transforms.scope import TOTAL, Span, figure_scope, window_mark, window_scope
from transforms.sections import section_at
from transforms.source_register import SourceRegister, credit_restated_figures, sentence_attributions
from transforms.sentences import split_sentences

# A comma between digits groups thousands ("11,000"): no boundary.
BOUNDARY = re.compile(r"(?<!\d),|,(?!\d)|[;:()\u2014\u2013]|\s-\s")
PUNCTUATION = re.compile(r"[,;:.]")
CLAUSE_END = re.compile(r"[,;:.()!?]")
FROM_OR_OF = re.compile(r"^\s*(?:from|of)\s+(?:the\s+)?$", re.IGNORECASE)
# The noun a number counts stands within this many characters after it ("14,000 North Korean soldiers").
NOUN_REACH = 60
# How many words may stand between a number and its noun ("1,500 special operations troops").
NOUN_WORDS = 5
MAX_CUE_COST = 14.0
# How many words of a share's own noun may stand before "out of" its whole ("4,700 North Korean casualties out of").
SHARE_NOUN_WORDS = 3
# A past war named within this many words of the sentence's start governs all its figures ("During the Korean War, ...").
WAR_LEAD_WORDS = 3
BODY = "body"
# Metrics of a share ("a third of them killed") that make the whole a count of losses.
SHARE_OF_LOSSES = frozenset({"killed", "wounded"})
DEPLOYED = "troops_deployed|"
# A figure owned by a country or force ("North Korea has 1.2 million soldiers", "its 1.2 million troops")
# with no metric words of its own is its whole army when it is at least this large: no expeditionary
# force reaches it, while "its 11,000 troops" may well be the deployment.
WHOLE_ARMY_SIZE = 100_000
# "The figure from South Korea's Joint Chiefs of Staff was lower, at 5,000": how far back "figure" may stand.
RESTATE_WORDS = 12
SPECULATION_REACH = 30
# At most this many words between a figure and a speculation word after it ("2,000 of the builders could").
SPECULATION_AFTER_WORDS = 4
# How many words may stand between a count and its rate ("90 soldiers were lost a day").
RATE_WORDS = 4
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
    # the metric of the last figure of each value: "The Pentagon said 11,000" restates the 11,000 counted before
    value_metrics: dict = field(default_factory=dict)
    # the span of the sentence before the current one: the date "that month" or "the same day" refers to
    previous: tuple[int, int] = (0, 0)
    # claimants -> (stated_from, stated_to) of their latest dated statement in the body, for the figures a
    # reference back to them gives later ("..., the ministry said on Sunday." ... "..., the ministry said.")
    statement_dates: dict = field(default_factory=dict)


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
def speculation_pattern(side: str = "before") -> re.Pattern:
    """The speculation words that stand before a figure ("could send up to 40,000") or, in its own
    clause, after it ("losses will top 20,000 if the offensive goes on")."""
    words = [r["phrase"] for r in load_table("speculation_cues") if (r["side"] or "before") == side]
    # Case-sensitive: "May 2" is a date, "may reach" is speculation.
    return re.compile(r"(?<!\w)(?:" + trie_pattern(map(escaped, words)) + r")(?!\w)(?!\s+have\b)")


@cache
def rate_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["phrase"], "rate", False) for r in load_table("rate_cues")])


@cache
def rate_words() -> tuple[str, ...]:
    """The last word of every rate phrase ("day", "week", "daily"): a cheap test before the matcher."""
    return tuple(sorted({r["phrase"].split()[-1].lower() for r in load_table("rate_cues")}))


@cache
def person_nouns() -> frozenset[str]:
    """One-word nouns for people ("troops", "soldiers"): a participle right after one describes it."""
    return frozenset(r["noun"].lower() for r in load_table("counted_nouns") if r["kind"] == "person" and " " not in r["noun"])


def extract_claims(text: str, sections: list[tuple[str, int, int]], published_date: date | None) -> list[dict]:
    """One dict per figure mention, with the contract's claim columns less ids and run."""
    context = Context()
    claims: list[dict] = []
    newline = -1  # the first newline at or after the last sentence's end: searched again only once passed
    for start, end in split_sentences(text):
        if newline < end:
            newline = text.find("\n", end)
            newline = newline if newline >= 0 else len(text)
        if start > context.paragraph_end:
            # an elliptical figure borrows metric and subject only within its paragraph
            context.metric = context.subject = None
        context.paragraph_end = newline
        claims.extend(sentence_claims(text, start, end, sections, published_date, context))
        context.previous = (start, end)
    credit_restated_figures(claims)
    inherit_scope(text, claims)
    return claims


def inherit_scope(text: str, claims: list[dict]) -> None:
    """A figure with no scope words of its own takes the scope of the figure it repeats: a headline,
    caption or comment figure ("White House: more than 1,000 North Korean casualties") that of the
    body's same figure ("over 1,000 ... in the past week alone"), and a body figure that refers back
    ("The nine fallen soldiers") that of the same figure earlier in the body. One pass over the claims."""
    body_scope: dict[tuple, dict] = {}
    for claim in claims:
        if claim["section"] == BODY and claim["scope"] != TOTAL:
            body_scope.setdefault(figure_key(claim), claim)
    if not body_scope:
        return
    stated_before: dict[tuple, dict] = {}
    for claim in claims:
        key = figure_key(claim)
        if claim["scope"] == TOTAL and claim["scope_text"] is None:
            same = body_scope.get(key) if claim["section"] != BODY else \
                stated_before.get(key) if refers_back(text, claim["span_start"]) else None
            if same is not None:
                claim["scope"], claim["scope_text"] = same["scope"], same["scope_text"]
        if claim["section"] == BODY:
            stated_before[key] = claim


def figure_key(claim: dict) -> tuple:
    return claim["metric"], claim["value_low"], claim["value_high"]


def refers_back(text: str, start: int) -> bool:
    """Whether a definite word stands before the figure ("the nine", "those 1,000"): it names a
    figure already given."""
    before = WORD.findall(text[max(0, start - 12):start].lower())
    return bool(before) and before[-1] in word_class("definite")


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
        claim = judge_phrase(sentence, phrase, noun, metric_cues, attributions, context, subject_words, phrases)
        if claim is None:
            continue
        add_period(claim, share_period_sentence(sentence, phrase, phrases, metric_cues), phrase, metric_cues, published,
                   [counted for counted, _ in counts], (text, *context.previous))
        add_window_scope(claim, sentence, phrase, found)
        claim.update(section=section_at(sections, start + phrase.start), sentence=sentence,
                     span_start=start + phrase.start, span_end=start + phrase.end)
        carry_statement_date(claim, attributions, context)
        found.append(claim)
    context.remember(attributions, sentence)
    return found


def carry_statement_date(claim: dict, attributions: list[Attribution], context: Context) -> None:
    """A body figure whose source is only referred back to ("..., the ministry said.", "He called the
    6,000-strong contingent ...", a paragraph its source opened) and whose own sentence has no time words
    stands as of the day that source's statement was dated, as a "said on Sunday" in its own sentence
    would (contract: Periods); a source named afresh without a date makes a new, undated statement.
    One lookup a figure: linear in the document."""
    if claim["stated_to"] is None and not context.statement_dates:
        return  # the common case: nothing dated to keep or to give
    codes = tuple(claim["claimants"])
    if not codes or claim["section"] != BODY:
        return
    if claim["stated_to"] is not None:
        if dated_by_a_speech_verb(claim["sentence"], claim["period_text"]):
            context.statement_dates[codes] = (claim["stated_from"], claim["stated_to"])
        return  # an estimate's or an earlier level's date ("up from 3,000 in January") is not the statement's
    if not context.statement_dates:
        return
    if any(a.claimants for a in attributions):
        context.statement_dates.pop(codes, None)
        return
    if claim["period_text"] is not None:
        return
    dates = context.statement_dates.get(codes)
    if dates is not None:
        claim.update(period_end=dates[1], stated_from=dates[0], stated_to=dates[1])


def dated_by_a_speech_verb(sentence: str, period_text: str) -> bool:
    """Whether the time words date the saying itself ("the ministry said on Sunday", "On Monday, the NIS told")."""
    at = sentence.find(period_text)
    return at >= 0 and dates_the_statement(sentence, Span(at, at + len(period_text)))


def add_window_scope(claim: dict, sentence: str, phrase: NumberPhrase, earlier: list[dict]) -> None:
    """A total with no words of a part or plan may still be an increment: over a time window of its
    own ("killed last week"), or as a share of the figure before it ("2,000, 600 of them fatalities")."""
    if claim["scope"] != TOTAL:
        return
    window = window_scope(sentence, (phrase.start, phrase.end), claim["period_start"],
                          claim["period_end"], claim["period_text"], claim["scope_text"], claim["metric"])
    if window is not None:
        claim["scope"], claim["scope_text"] = window
    elif earlier and is_share(sentence, phrase, "after"):
        claim["scope"], claim["scope_text"] = earlier[-1]["scope"], earlier[-1]["scope_text"]


@cache
def share_words(side: str) -> tuple[str, ...]:
    return tuple(r["phrase"].lower() for r in load_table("share_words") if r["side"] == side)


def is_share_between(gap: str) -> bool:
    """Whether a share of the figure stands between it and later words ("5,000, roughly a third of
    them killed"), not the figure's own "of them" ("600 of them fatalities")."""
    gap = gap.lstrip()
    return not gap.startswith(share_words("after")) and any(word in gap for word in share_words("after"))


def is_share(sentence: str, phrase: NumberPhrase, side: str | None = None) -> bool:
    """Whether the figure is a share of the one before it ("including 600 killed", "600 of them")."""
    if side in (None, "before"):
        before = sentence[max(0, phrase.start - 14):phrase.start].rstrip().lower()
        if before.endswith(share_words("before")) and not before[-len(before.split()[-1]) - 1:][:1].isalnum():
            return True
    if side in (None, "after"):
        after = sentence[phrase.end:phrase.end + 12].lstrip().lower()
        return after.startswith(share_words("after"))
    return False


def share_of_whole(sentence: str, phrase: NumberPhrase, figures: list[NumberPhrase]) -> NumberPhrase | None:
    """The share of "300 of the 11,000 troops" or "4,700 casualties out of 15,000" when the figure is
    either the share or its whole (share_words.tsv, side "whole"), else None. Cheap: only the gaps
    between this figure and its neighbours are compared."""
    for first, second in zip(figures, figures[1:]):
        if first.start <= phrase.start <= second.start and phrase in (first, second):
            gap = sentence[first.end:second.start]
            if " of " not in gap or BOUNDARY.search(gap):
                return None  # the common case: no "of" between two figures
            words = WORD.findall(gap.lower())
            # the share's own noun may stand before "out of" ("4,700 casualties out of 15,000")
            for noun_words in range(0, min(SHARE_NOUN_WORDS, len(words)) + 1):
                if " ".join(words[noun_words:]) in whole_gaps():
                    return first
            return None
    return None


@cache
def whole_gaps() -> frozenset[str]:
    return frozenset(r["phrase"].lower() for r in load_table("share_words") if r["side"] == "whole")


def share_metric_cue(sentence: str, share: NumberPhrase, cues: list[Match], figures: list[NumberPhrase]) -> Match | None:
    """The share's own metric words ("4,700 casualties out of 15,000"), else the predicate the clause
    gives its whole ("300 of the 11,000 troops sent have died" - the participle only describes the whole)."""
    whole = figures[figures.index(share) + 1]
    own = choose_metric_cue(sentence, share, [c for c in cues if c.end <= whole.start], None, figures)
    if own is not None:
        return own
    noun = counted_noun(sentence, whole)
    noun_end = noun.end if noun is not None else whole.end
    return choose_metric_cue(sentence, whole, [c for c in cues if c.start >= noun_end], noun, figures)


def share_period_sentence(sentence: str, phrase: NumberPhrase, figures: list[NumberPhrase], cues: list[Match]) -> str:
    """The sentence as a share's period reads it: the words describing its whole ("of the 11,000 troops
    sent last year have been killed") blanked, so "last year" dates the sending, not the deaths."""
    share = share_of_whole(sentence, phrase, figures)
    if share is None or share.start != phrase.start:
        return sentence
    whole = figures[figures.index(share) + 1]
    cue = share_metric_cue(sentence, share, cues, figures)
    if cue is None or cue.start <= whole.end:
        return sentence
    return sentence[:whole.end] + " " * (cue.start - whole.end) + sentence[cue.start:]  # same length: spans hold


def whole_metric_cue(sentence: str, whole: NumberPhrase, noun: Match | None, cues: list[Match]) -> Match | None:
    """The whole of a share counts its own noun's metric ("of the 4,700 casualties", "of the two captured
    soldiers") or the deployment word describing it ("of the 11,000 troops sent"); None when nothing
    names it, and then it is the force sent ("300 of the 11,000 soldiers have died")."""
    noun_end = noun.end if noun is not None else whole.end
    own = [c for c in cues if whole.end <= c.start and c.end <= noun_end and not c.value.endswith("|weak")]
    if own:
        return own[-1]
    described = [c for c in cues if c.start >= noun_end and c.value.startswith(DEPLOYED) and not c.value.endswith("|weak")
                 and same_clause(sentence, whole, c) and len(WORD.findall(sentence[noun_end:c.start])) <= 1]
    return described[0] if described else None


def counts_people(sentence: str, phrase: NumberPhrase) -> tuple[bool, Match | None]:
    """Whether the figure may count people, judged by its own words; and the noun it counts."""
    noun = counted_noun(sentence, phrase)
    if noun is not None and noun.value != "person":
        return False, None
    if counts_whole_army(sentence, phrase, noun) or (noun is None and is_age_or_state(sentence, phrase)):
        return False, None
    if is_rate(sentence, phrase, noun) or is_multiplier_or_rank(sentence, phrase):
        return False, None
    if about_a_past_war(sentence, phrase):
        return False, None
    return True, noun


@cache
def not_count_words(side: str) -> dict[int, frozenset[tuple[str, ...]]]:
    """The table's phrases on one side of the figure, by their length in words."""
    by_length: dict[int, set[tuple[str, ...]]] = {}
    for row in load_table("not_count_words"):
        if row["side"] == side:
            words = tuple(row["phrase"].lower().split())
            by_length.setdefault(len(words), set()).add(words)
    return {length: frozenset(phrases) for length, phrases in by_length.items()}


@cache
def not_count_last_words() -> frozenset[str]:
    return frozenset(words[-1] for phrases in not_count_words("before").values() for words in phrases)


def is_multiplier_or_rank(sentence: str, phrase: NumberPhrase) -> bool:
    """"vary by a factor of three", "differ by thousands", "the lowest of the four", "three times as
    many", "an assault group of two dozen": a multiplier, a comparison or a tactical formation's size,
    not a count (not_count_words.tsv)."""
    before = WORD.findall(sentence[max(0, phrase.start - 20):phrase.start].lower())
    phrases_before = not_count_words("before")
    # most figures follow no table word: one set lookup of the last word settles them
    if before and before[-1] in not_count_last_words() and any(
            tuple(before[-length:]) in phrases for length, phrases in phrases_before.items() if len(before) >= length):
        return True
    after = WORD.findall(sentence[phrase.end:phrase.end + 12].lower())[:1]
    return bool(after) and tuple(after) in not_count_words("after").get(1, ())


@cache
def past_war_pattern() -> re.Pattern:
    wars = [r["phrase"] for r in load_table("past_wars")]
    return re.compile(r"(?<!\w)(?:" + trie_pattern(map(escaped, wars)) + r")(?!\w)", re.IGNORECASE)


@cache
def past_war_names() -> tuple[str, ...]:
    return tuple(r["phrase"].lower() for r in load_table("past_wars"))


@lru_cache(maxsize=64)  # one search per sentence, whichever of its figures asks
def past_wars_in(sentence: str) -> tuple[tuple[int, int], ...]:
    """Where the sentence names a past war, less one that "since" leads ("its first deployment since
    the Vietnam War" dates the deployment, it does not count that war's soldiers)."""
    if sentence.isascii():  # then a war's name is in the lowered sentence as written: looking costs less than the regex
        lowered = sentence.lower()
        if not any(name in lowered for name in past_war_names()):
            return ()
    found = []
    for war in past_war_pattern().finditer(sentence):
        before = WORD.findall(sentence[max(0, war.start() - 12):war.start()].lower())
        if "since" not in before[-2:]:
            found.append(war.span())
    return tuple(found)


def about_a_past_war(sentence: str, phrase: NumberPhrase) -> bool:
    """"More than 2 million Koreans died in the Korean War": a figure whose own clause names a past war
    (past_wars.tsv) counts that war, not the deployment."""
    for start, end in past_wars_in(sentence):
        gap = (phrase.end, start) if start >= phrase.end else (end, phrase.start)
        if BOUNDARY.search(sentence, *gap) is None:
            return True
        if end <= phrase.start and len(WORD.findall(sentence[:start])) <= WAR_LEAD_WORDS:
            return True  # "During the Korean War, about a million Chinese soldiers fought": it opens the sentence
        if end <= phrase.start and word_class("relative").intersection(WORD.findall(sentence[end:end + 12].lower())[:2]):
            return True  # "the Korean War, in which, by some estimates, 2 million Koreans died": a clause about the war
    return False


def judge_phrase(sentence: str, phrase: NumberPhrase, noun: Match | None, metric_cues: list[Match],
                 attributions: list[Attribution], context: Context,
                 subject_words: SubjectWords, figures: list[NumberPhrase] = ()) -> dict | None:
    share = share_of_whole(sentence, phrase, figures)
    if share is not None and share.start == phrase.start:
        # "300 of the 11,000 troops sent have died": the clause's predicate counts the share
        cue = share_metric_cue(sentence, share, metric_cues, figures)
    elif share is not None:
        cue = None  # the whole: what was sent, unless its own words name it ("of the 4,700 casualties")
    else:
        cue = choose_metric_cue(sentence, phrase, metric_cues, noun, figures)
    if share is not None and share.start != phrase.start:
        cue = whole_metric_cue(sentence, phrase, noun, metric_cues)
        metric, metric_text = (cue.value.split("|")[0], cue.text) if cue is not None else ("troops_deployed", None)
    elif cue is None:
        metric = elliptical_metric(sentence, phrase, noun, attributions, context, metric_cues)
        if metric is None or is_speculation(sentence, phrase, None):
            return None
        metric_text = None
    else:
        metric, metric_text = cue.value.split("|")[0], cue.text
        if is_speculation(sentence, phrase, cue):
            return None
    subject = choose_subject(sentence, phrase, noun, subject_words(), context)
    scope, scope_text = figure_scope(sentence, (phrase.start, phrase.end),
                                     (noun.start, noun.end) if noun is not None else None,
                                     (cue.start, cue.end) if cue is not None else None, metric)
    claimants, claimant_text = context.claimants_of(sentence, phrase, attributions)
    if not is_share(sentence, phrase):
        # a share ("including 600 killed") is not what a later "the figure was lower" restates
        context.metric = context.document_metric = context.value_metrics[phrase.best] = metric
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
        "scope": scope,
        "scope_text": scope_text,
    }


@lru_cache(maxsize=256)
def time_expressions(sentence: str, published: date | None) -> tuple:
    """The sentence's time words, less a dateline's ("SEOUL, April 30 (Yonhap) -")."""
    dateline = DATELINE.match(sentence)
    return tuple(t for t in find_time_expressions(sentence, published, keep_measured=True)
                 if dateline is None or t.start >= dateline.end())


def add_period(claim: dict, sentence: str, phrase: NumberPhrase, metric_cues: list[Match], published: date | None,
               figures: list[NumberPhrase] = (), previous: tuple[str, int, int] = ("", 0, 0)) -> None:
    """The period from the time words that govern the figure (read only for figures that are claims:
    resolving time words is the costliest step). `figures` are the sentence's counted figures, `previous`
    the text and span of the sentence before, whose dates "that month" or "the same day" may refer to."""
    every = time_expressions(sentence, published)
    if published is not None and references_in(sentence):
        every = with_references(sentence, every, previous[0][previous[1]:previous[2]], published)
    times = dated_over_measured(every)
    if times and len(figures) > 1:
        times = [t for t in times if not owned_by_an_earlier_figure(sentence, t, phrase, figures)]
    expression, stated = governing_time(sentence, times, phrase, metric_cues, claim["metric"] == DEPLOYED[:-1])
    period_start, period_end = figure_period(expression, stated, published)
    stated_from, stated_to = statement_dates(expression) if stated else (None, None)
    if stated and period_end is not None:
        span = span_measured_from_statement(sentence, phrase, period_end, every)
        if span is not None:
            expression, period_start, period_end = span, span.first_day, span.last_day
    claim.update(reported_date=published, period_start=period_start, period_end=period_end,
                 period_text=expression.text if expression is not None else None,
                 stated_from=stated_from, stated_to=stated_to)


def owned_by_an_earlier_figure(sentence: str, expression, phrase: NumberPhrase, figures: list[NumberPhrase]) -> bool:
    """"NIS said about 2,000 dead back in September and the regime admits nine", "the 11,000 sent in 2024
    and the 3,000 who followed": time words right after another figure, in its clause, are that figure's,
    not a later one's; unless only a conjunction stands between them and the later figure ("300 were
    killed in December and about 2,700 wounded": one time for both)."""
    if expression.end > phrase.start:
        return False
    earlier = None
    for figure in figures:
        if figure.end <= expression.start:
            earlier = figure
    if earlier is None or not in_figure_clause(sentence, expression, earlier):
        return False
    return any(w not in word_class("conjunction") for w in WORD.findall(sentence[expression.end:phrase.start].lower()))


@cache
def reference_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["phrase"], f"{r['unit']}|{r['offset'] or 0}", False) for r in load_table("time_references")])


@cache
def reference_tails() -> tuple[str, ...]:
    """The last two words of every reference ("same day", "that month"; "That month" opening a sentence):
    a cheap test before the matcher (a unit word alone, "day" of "Monday", is too common)."""
    tails = set()
    for row in load_table("time_references"):
        words = row["phrase"].split()
        tails.add(" ".join(words[-2:]))
        if len(words) == 2:
            tails.add(row["phrase"].capitalize())
    return tuple(sorted(tails))


@lru_cache(maxsize=256)  # one search per sentence, whichever of its figures asks
def references_in(sentence: str) -> tuple[Match, ...]:
    """The sentence's time words that refer back ("that month", "the same day"): none in most."""
    if not any(tail in sentence for tail in reference_tails()):
        return ()
    return tuple(reference_matcher().find(sentence))


def with_references(sentence: str, times: tuple, previous: str, published: date) -> tuple:
    """The sentence's time words with those that refer back ("that month", "the same day") resolved to
    the date named last before them: in the sentence, else in the sentence before (contract: Periods,
    a period the text says). Only the one sentence before is read: linear in the document."""
    found = list(times)
    for reference in references_in(sentence):
        if any(t.start <= reference.start < t.end for t in times):
            continue
        before = [t for t in times if t.end <= reference.start and t.last_day is not None]
        if not before and previous:
            before = [t for t in time_expressions(previous, published) if t.last_day is not None]
        if not before:
            continue
        unit, offset = reference.value.split("|")
        expression = referred_expression(sentence, reference.start, reference.end, unit, int(offset), before[-1], published)
        if expression is not None:
            found.append(expression)
    return tuple(sorted(found, key=lambda t: t.start)) if len(found) > len(times) else times


PAST_VERB = re.compile(r"[a-z]+ed")


def tells_when_they_went(sentence: str, expression, phrase: NumberPhrase) -> bool:
    """"the 3,000 reinforcements who followed in January and February", "1,500 troops that were moved there
    in March": a relative clause right after a deployment figure's noun, whose opener is its subject (a verb
    follows at once), tells when those troops went; "the 1,000 sappers that Kim promised in June" does not."""
    if expression.start < phrase.end:
        return False
    gap = sentence[phrase.end:expression.start]
    if not BREAK_CHARACTERS.isdisjoint(gap) and BOUNDARY.search(gap) is not None:
        return False
    opener = clause_openers().search(gap)
    if opener is None or len(WORD.findall(gap[:opener.start()])) > NOUN_WORDS \
            or clause_openers().search(gap, opener.end()) is not None:
        return False
    verb = WORD.findall(gap[opener.end():])[:1]
    return bool(verb) and (verb[0] in word_class("auxiliary") or PAST_VERB.fullmatch(verb[0]) is not None)


def governing_time(sentence: str, times, phrase: NumberPhrase, metric_cues: list[Match], deployed: bool = False):
    """The time words that govern the figure, and whether they date a statement rather than the events.

    Time words govern the figure of their own clause: the nearest of those wins over nearer ones in
    another clause ("sent 3,000 in January and February, the JCS said Thursday, adding to the 11,000 it
    dispatched last year"). Time words in another clause govern only where they date a statement ("...,
    the NIS said on Monday") or open the sentence ("Since October, ..."); else the figure has none
    ("the 1,000 sappers that Kim promised in June are clearing mines")."""
    if not times:
        return None, False
    if len(times) == 1:  # the common case, without sorting
        only = times[0]
        if in_figure_clause(sentence, only, phrase) or (deployed and tells_when_they_went(sentence, only, phrase)):
            return only, dates_a_statement(sentence, only, metric_cues, phrase)
        if in_relative_clause(sentence, only, phrase):
            return None, False
        if dates_a_statement(sentence, only, metric_cues, phrase):
            return only, True
        return (only, False) if opens_the_sentence(sentence, only, phrase) else (None, False)
    own = [t for t in times if in_figure_clause(sentence, t, phrase)
           or (deployed and tells_when_they_went(sentence, t, phrase))]
    if own:
        expression = nearest(own, phrase)
        return expression, dates_a_statement(sentence, expression, metric_cues, phrase)
    for expression in sorted(times, key=lambda t: distance(t, phrase)):  # nearest first; few a sentence
        if in_relative_clause(sentence, expression, phrase):
            continue
        if dates_a_statement(sentence, expression, metric_cues, phrase):
            return expression, True
        if opens_the_sentence(sentence, expression, phrase):
            return expression, False
    return None, False


def span_measured_from_statement(sentence: str, phrase: NumberPhrase, stated_on: date, times):
    """"said on Tuesday that they had killed 50 soldiers and wounded 47 in three days of fighting": a
    span measured back (time_leads: measures) in the figure's clause after it ends on the day of the
    statement, not on the publication date."""
    for expression in times:
        if expression.measured and expression.start >= phrase.end and in_figure_clause(sentence, expression, phrase):
            again = find_time_expressions(expression.text, stated_on)  # the same words, from the statement
            return again[0] if again and again[0].first_day is not None else None
    return None


def dates_a_statement(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    return (dates_the_statement(sentence, expression)  # the cheaper tests first
            or states_the_figure(sentence, expression, metric_cues, phrase)
            or opens_a_statement(sentence, expression, metric_cues, phrase)
            or precedes_a_statement(sentence, expression, metric_cues, phrase)
            or near_statement_words(sentence, expression, metric_cues, phrase)
            or follows_a_statement(sentence, expression, metric_cues, phrase))


@cache
def clause_openers() -> re.Pattern:
    """Words opening a clause inside a sentence ("that", "who", "which"): time_clause_openers."""
    words = [r["word"].lower() for r in load_table("time_clause_openers")]
    return re.compile(r"\b(?:" + trie_pattern(word_pieces(w) for w in words) + r")\b", re.IGNORECASE)


# "from December, when the agency said about 100": a "when" right after time words says what
# happened then, inside the time words' own clause.
# what may head a sentence before its first clause: "The pace has not slowed: in three days, ..."
SENTENCE_HEAD = re.compile(r"[:;\u2014]|\s-\s")
# "near Plekhovo, Vorobyovka and Martynovka on Saturday": a list of names, not a clause break
NAME_LIST_COMMA = re.compile(r"\b([A-Z][a-z]+),(?=\s+[A-Z][a-z]+\s*(?:,|and\b|or\b))")
# time words after a comma that end the sentence
TRAILING_TIME = re.compile(r"(?<!\d),\s*$")
WHEN_AFTER_TIME = re.compile(r"^\s*,?\s*when\b", re.IGNORECASE)


def in_figure_clause(sentence: str, expression, phrase: NumberPhrase) -> bool:
    """Whether time words stand in the figure's own clause: no punctuation or clause opener between."""
    if expression.end <= phrase.start:
        gap = sentence[expression.end:phrase.start]
        when = WHEN_AFTER_TIME.match(gap) if "when" in gap.lower() else None
        gap = gap[when.end():] if when else gap
    else:
        gap = sentence[phrase.end:expression.start]
        label = LABEL_COLON.match(gap) if ":" in gap[:4] and not LABEL_LEAD.sub("", sentence[:phrase.start]) else None
        gap = gap[label.end():] if label else gap  # "11,000: the soldiers sent last year": a label and its gloss
    if not BREAK_CHARACTERS.isdisjoint(gap) and BOUNDARY.search(gap) is not None and (
            not (" and " in gap or " or " in gap) or BOUNDARY.search(NAME_LIST_COMMA.sub(r"\1", gap)) is not None):
        return False
    return not may_open_a_clause(gap) or clause_openers().search(gap) is None


# A figure opening its line as a label ("11,000: the soldiers ...", "**3,000**: ..."): the colon glosses it.
LABEL_COLON = re.compile(r"^[*_]*:")
LABEL_LEAD = re.compile(r"[\s*_\-\u2022]+")
# the characters of BOUNDARY: a gap without any has no break (a cheap test before the regex)
BREAK_CHARACTERS = frozenset(",;:()\u2014\u2013-")


def may_open_a_clause(text: str) -> bool:
    """A cheap test before clause_openers: the first two letters of an opener ("th", "wh") are in the text."""
    lowered = text.lower()
    return any(start in lowered for start in opener_starts())


@cache
def opener_starts() -> tuple[str, ...]:
    return tuple(sorted({r["word"].lower()[:2] for r in load_table("time_clause_openers")}))


def in_relative_clause(sentence: str, expression, phrase: NumberPhrase) -> bool:
    """"a lawmaker who visited Kyiv in February, said ...", "the Pentagon, which has not given a count
    since January": time words after a clause opener in their stretch of the sentence belong to that
    clause, unless it describes the figure ("the 8,000 that U.S. officials cited last week")."""
    reach = max(0, expression.start - RELATIVE_CLAUSE_REACH)
    if not may_open_a_clause(sentence[reach:expression.start]):
        return False
    for opener in clause_openers().finditer(sentence, reach, expression.start):
        if BOUNDARY.search(sentence, opener.end(), expression.start) is None:  # the first in the time words' stretch
            if expression.end <= phrase.start and BOUNDARY.search(sentence, expression.end, phrase.start) is None \
                    and follows_a_speech_verb(sentence, expression):
                return False  # "whose spy agency said in October 2024 that 1,500 ...": the clause states the figure
            return not (phrase.end <= opener.start() and BOUNDARY.search(sentence, phrase.end, opener.start()) is None)
    return False


RELATIVE_CLAUSE_REACH = 150


def opens_the_sentence(sentence: str, expression, phrase: NumberPhrase | None = None) -> bool:
    """"Since October, 4,000 have been killed", "Two weeks ago Shoigu flew to Pyongyang and ...":
    time words at the head of a sentence govern all of it; so do time words set off on their own at
    its end ("lost 4,000 troops, including 600 killed, since October."). Time words heading a part
    after a colon or semicolon govern that part only ("counted 300 dead; by September, 2,000")."""
    lead = sentence[:expression.start]
    dateline = DATELINE.match(lead)
    head_end = dateline.end() if dateline else 0
    for head in SENTENCE_HEAD.finditer(lead, head_end):
        head_end = head.end()
    part = lead[head_end:]
    if BOUNDARY.search(part) is None and len(WORD.findall(part)) <= 2:
        return phrase is None or phrase.start >= head_end
    lead = sentence[:expression.start]
    return bool(TRAILING_TIME.search(lead)) and not sentence[expression.end:].strip(" .!?\"'\u201d")


@cache
def statement_words(kind: str) -> re.Pattern:
    """Words of a kind of time_statement_words ("estimate", "occasion", "comparison"; "" for all)."""
    words = [r["word"].lower() for r in load_table("time_statement_words") if kind in ("", r["kind"])]
    return re.compile(r"\b(?:" + trie_pattern(word_pieces(w) for w in words) + r")\b", re.IGNORECASE)


def word_pieces(word: str) -> list[str]:
    """A phrase as trie pieces, a space matching any run of whitespace."""
    return [r"\s+" if character == " " else re.escape(character) for character in word]


STATEMENT_WORD_REACH = 80
ESTIMATE_GAP_WORDS = 9
OCCASION_GAP_WORDS = 5


def near_statement_words(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """Time words that date an estimate or the occasion of a statement: "April's estimate of 600", "put
    the figure at 1,100 in December", "its estimate of 8,000 on Oct. 31", "in a briefing last week", "in
    his nightly video address on Jan. 6", "up from 3,000 in January". Not where the figure's own
    predicate stands between figure and time words ("estimated that 4,000 had been killed last year")."""
    reach = expression.start - STATEMENT_WORD_REACH
    words = statement_words_near(sentence, reach, expression.end + 40) \
        + statement_words_near(sentence, phrase.start - 25, phrase.start)
    if not words:
        return False  # most time words
    if any(kind == "estimate" and expression.end <= start <= expression.end + 30 for start, _, kind in words) \
            and names_an_estimate(sentence, expression):
        return expression.end <= phrase.start  # its own figure follows: "April's estimate of 600"
    if not any(reach <= start and end <= expression.start or phrase.start - 20 <= end <= phrase.start
               for start, end, _ in words):
        return False  # none near enough to matter
    figure_before = phrase.end <= expression.start
    if figure_before and not events_free(sentence, phrase.end, expression.start, metric_cues):
        figure_before = None  # the events' own time words
    if figure_before and any(kind == "comparison" and phrase.start - 20 <= end <= phrase.start
                             and not sentence[end:phrase.start].strip() for _, end, kind in words):
        return True
    for start, end, kind in words:
        if not reach <= start < end <= expression.start or kind == "comparison":
            continue
        if kind == "occasion" and not end <= phrase.start < expression.start \
                and closely_before(sentence, end, expression.start, OCCASION_GAP_WORDS):
            return True
        # "put the figure at 1,100 in December", not "put losses since January at 2,000" (the losses' time)
        if kind == "estimate" and figure_before is True and end <= phrase.start \
                and closely_before(sentence, end, expression.start, ESTIMATE_GAP_WORDS):
            return True
    return False


def statement_words_near(sentence: str, start: int, end: int) -> tuple[tuple[int, int, str], ...]:
    """(start, end, kind) of the time_statement_words between start and end: only near the time words
    and the figure, never the whole sentence."""
    return tuple((m.start(), m.end(), statement_word_kinds().get(" ".join(m.group(0).lower().split()), "estimate"))
                 for m in statement_words("").finditer(sentence, max(0, start), max(0, end)))


@cache
def statement_word_kinds() -> dict[str, str]:
    return {r["word"].lower(): r["kind"] for r in load_table("time_statement_words")}


def closely_before(sentence: str, end: int, time_start: int, gap_words: int) -> bool:
    """At most gap_words words and no clause break between a statement word's end and the time words."""
    gap = sentence[end:time_start]
    return len(WORD.findall(gap)) <= gap_words and BOUNDARY.search(gap) is None and clause_openers().search(gap) is None


def events_free(sentence: str, start: int, end: int, metric_cues: list[Match]) -> bool:
    """No words of the events ("had been killed", "soldiers Pyongyang sent") between the figure's end
    and end, but for those naming it right after it ("about 4,000 killed and wounded on Sunday")."""
    return not any(start <= m.start < end and (sentence[start:m.start].strip() or is_predicate(sentence, m))
                   for m in metric_cues)


def precedes_a_statement(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"In April the NIS had put the number of dead at 600", "Two weeks ago Shoigu flew to Pyongyang
    and announced that the North would send 1,000": a speech verb between the time words and the figure
    (not one set off by commas) makes the time words the statement's."""
    if expression.end > phrase.start:
        return False
    between = sentence[expression.end:phrase.start]
    for cue in statement_cues().find(between):
        if between[cue.end:cue.end + 2].lstrip().startswith(","):
            continue  # "Last year, the NIS said, 11,000 were sent": a parenthesis
        return not any(expression.end <= m.start < expression.end + cue.start and is_predicate(sentence, m)
                       for m in metric_cues)
    return False


def statement_dates(expression) -> tuple[date | None, date | None]:
    """The days within which the claimant made the statement: one day ("told lawmakers on Wednesday")
    or a span ("said last week", "said in January")."""
    last = expression.last_day
    first = expression.first_day if expression.first_day is not None and expression.kind != SINCE else last
    return first, last


def elliptical_metric(sentence: str, phrase: NumberPhrase, noun: Match | None, attributions: list[Attribution],
                      context: Context, cues: list[Match] = ()) -> str | None:
    """A figure with no predicate of its own borrows one: "South Korea estimates 4,700." takes its
    paragraph's metric; "The NIS now puts the total at around 15,000." the document's; an estimate
    with nothing before it to restate, the metric words before it in its sentence however far ("how
    many served, though estimates range from 11,000 to 15,000")."""
    if noun is not None:
        return None
    before = WORD.findall(sentence[:phrase.start].lower())
    restates = bool(word_class("count_subject").intersection(before[-RESTATE_WORDS:]))
    if not attributions and not restates:
        return None
    if context.metric is not None:
        return context.metric
    # "The Pentagon said 3,000 last week", "Kyiv counted over 4,500": a named source states the bare
    # figure, which restates what the document counts, even in a paragraph of its own
    if context.document_metric is not None and stated_by_named_source(sentence, phrase, attributions):
        return context.value_metrics.get(phrase.best, context.document_metric)
    # "put the figure at over 5,000, roughly a third of them killed": a whole whose share was killed counts losses
    if restates and any(c.start >= phrase.end and c.value.split("|")[0] in SHARE_OF_LOSSES
                        and is_share_between(sentence[phrase.end:c.start].lower()) for c in cues):
        return "casualties"
    # "The NIS's figure was lower, at 3,000": a figure named as a figure restates the last one
    if context.document_metric is not None and restates:
        return context.document_metric
    if restates and cues:
        own = [c for c in cues if c.end <= phrase.start]  # words after it may count a share ("a third of them killed")
        if own:
            return min(own, key=lambda c: cue_cost(sentence, phrase, c)).value.split("|")[0]
    return None


def stated_by_named_source(sentence: str, phrase: NumberPhrase, attributions: list[Attribution]) -> bool:
    """Whether the figure is the very object of a named source's cue ("Seoul's spy agency only says 2,000")."""
    return any(a.claimants and a.start < a.cue_start and a.cue_end <= phrase.start
               and not sentence[a.cue_end:phrase.start].strip() for a in attributions)


def counted_noun(sentence: str, phrase: NumberPhrase) -> Match | None:
    """What the number counts: a person noun ("14,000 North Korean soldiers", "dozens of troops"),
    something else ("two countries", "millions of shells": value "other"), or None when no noun
    follows ("6,000 were killed", "11,000 went", "4,700.")."""
    tail = sentence[phrase.end:phrase.end + NOUN_REACH]
    clause = CLAUSE_END.split(tail, maxsplit=1)[0]
    nouns = {noun.start: noun for noun in noun_matcher().find(clause)}
    unknown, after_of, previous = None, False, ""
    modifiers, followers = word_class("noun_modifier"), word_set("number_followers")
    for word in islice(WORD.finditer(clause), NOUN_WORDS):
        noun = nouns.get(word.start())
        if noun is not None:
            return Match(phrase.end + noun.start, phrase.end + noun.end, noun.text, noun.value)
        lowered = word.group(0).lower()
        if lowered in modifiers:
            previous = lowered
        if lowered == "of" or lowered in modifiers:
            after_of = lowered == "of"
            continue
        if lowered in word_class("conjunction") and previous in modifiers:
            continue  # "Russian and North Korean troops": one noun, two modifiers
        if lowered in followers and not (len(word.group(0)) > 1 and word.group(0).isupper()):
            break  # a verb: the number stands alone ("6,000 were killed"); "US" is a name, not "us"
        if lowered.endswith("ed") or (word.group(0)[0].isupper() and not after_of):
            # a participle or a name ("dozens of KN-23s" are things): the number stands alone,
            # unless a thing follows ("1,000 Koksan guns", "200 self-propelled howitzers")
            if unknown is None:
                return thing_after(clause, word.end(), phrase.end, nouns)
            break
        unknown = unknown or word
        previous, after_of = lowered, False
    if unknown is None:
        return None
    return Match(phrase.end + unknown.start(), phrase.end + unknown.end(), unknown.group(0), "other")


def thing_after(clause: str, start: int, offset: int, nouns: dict[int, Match]) -> Match | None:
    """A noun for things within the few words after `start` in the clause, before any verb."""
    followers = word_set("number_followers")
    for word in islice(WORD.finditer(clause, start), NOUN_WORDS):
        noun = nouns.get(word.start())
        if noun is not None:
            return Match(offset + noun.start, offset + noun.end, noun.text, noun.value) if noun.value != "person" else None
        if word.group(0).lower() in followers:
            return None
    return None


def is_rate(sentence: str, phrase: NumberPhrase, noun: Match | None) -> bool:
    """"about 90 soldiers a day", "losing 50 per week": a rate, not a count. "in a day" or "in the
    past day" is a window, not a rate."""
    start = noun.end if noun is not None else phrase.end
    lowered = sentence[start:start + NOUN_REACH].lower()
    if not any(word in lowered for word in rate_words()):
        return False  # the common case, found without splitting or matching
    tail = CLAUSE_END.split(sentence[start:start + NOUN_REACH], maxsplit=1)[0]
    for rate in rate_matcher().find(tail):
        before = WORD.findall(sentence[max(0, start + rate.start - 20):start + rate.start].lower())
        if len(WORD.findall(tail[:rate.start])) <= RATE_WORDS and not (before and before[-1] in word_class("window_lead")):
            return True
    return False


def army_alternation(*classes: str) -> str:
    phrases = sorted((r["phrase"] for r in load_table("army_words") if r["class"] in classes), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]") for p in phrases)


@cache
def army_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Built from army_words.tsv: a force named before its size ("an army of 1.2 million"), a force
    or status after it ("1.2 million-strong army", "men under arms"), and an owner right before it."""
    before = re.compile(rf"\b(?:{army_alternation('army')})\b[^.,;]{{0,20}}?\b(?:{army_alternation('size_verb')})\s+"
                        r"(?:about|some|around|roughly|nearly|over|more than|an estimated)?\s*$", re.IGNORECASE)
    after = re.compile(rf"^[\s-]*(?:(?:{army_alternation('strength')})[\s-]+(?:{army_alternation('force')})|"
                       rf"{army_alternation('army_after')}|(?:men|soldiers|troops|personnel|active personnel)?\s*"
                       rf"(?:{army_alternation('status')})|{army_alternation('active')})\b", re.IGNORECASE)
    owner = re.compile(rf"\b(?:{army_alternation('owner')})\s+$", re.IGNORECASE)
    return before, after, owner


def counts_whole_army(sentence: str, phrase: NumberPhrase, noun: Match | None = None) -> bool:
    """"an army of 1.2 million", "its 1.2 million-strong military", "more than a million men under
    arms", "North Korea has 1.2 million soldiers": the size of a whole force, not a deployment."""
    before_army, after_army, owner = army_patterns()
    before = sentence[max(0, phrase.start - 40):phrase.start]
    after = sentence[phrase.end:phrase.end + 40]
    if before_army.search(before) or after_army.match(after):
        return True
    if phrase.best is None or phrase.best < WHOLE_ARMY_SIZE or noun is None or not owner.search(before):
        return False
    # owned and large: an army unless its clause says more than the noun ("has 200,000 troops in Russia")
    clause_end = CLAUSE_END.search(sentence, noun.end)
    tail = sentence[phrase.end:clause_end.start() if clause_end else len(sentence)]
    noun_span = (noun.start - phrase.end, noun.end - phrase.end)
    return all(noun_span[0] <= cue.start and cue.end <= noun_span[1] for cue in metric_matcher().find(tail))


def is_age_or_state(sentence: str, phrase: NumberPhrase) -> bool:
    """"aged 20", "one of the men is 20 and the other 26": a number about a person, not a count."""
    before = WORD.findall(sentence[max(0, phrase.start - 40):phrase.start].lower())
    if not before:
        return False
    if before[-1] in word_class("age_lead") or " ".join(before[-2:]) in word_class("age_pair"):
        return True
    return before[-1] in word_class("state_verb") and (len(before) < 2 or before[-2] not in word_class("count_subject"))


def choose_metric_cue(sentence: str, phrase: NumberPhrase, cues: list[Match],
                      noun: Match | None, figures: list[NumberPhrase] = ()) -> Match | None:
    """The metric words of the figure's own predicate: the cheapest (nearest) cue, unless it is a
    weak deployment word ("soldiers", "in Kursk") or one that only describes the noun ("troops fighting for Russia", "soldiers sent to
    Russia", "who were deployed") while the clause says what happened to them ("have died") or
    names them by their loss ("casualties among the troops sent to Russia reached 4,000").
    Metric words after another figure are that figure's ("3,500, including about 500 deaths"), and
    so are those after a share of it ("over 5,000, roughly a third of them killed")."""
    next_figure = len(sentence)
    for figure in figures:
        if phrase.end <= figure.start < next_figure:
            next_figure = figure.start
    scored = []
    for cue in cues:
        if (cue.start < phrase.end and cue.end > phrase.start) or cue.start > next_figure:
            continue
        if cue.start >= phrase.end and " of " in sentence[phrase.end:cue.start] and \
                is_share_between(sentence[phrase.end:cue.start].lower()):
            continue  # "over 5,000, roughly a third of them killed in action": the words count the share
        cost = cue_cost(sentence, phrase, cue)
        if cue.value.endswith("|weak"):
            cost += 5 if noun is not None else 8
        if cost < MAX_CUE_COST:
            scored.append((cost, cue))
    if not scored:
        return None
    best_cost, best = min(scored, key=cost_of)
    if best.value.startswith(DEPLOYED) and (best.value.endswith("|weak") or describes_the_noun(sentence, phrase, noun, best)):
        heads = best.end <= phrase.start  # "casualties among the troops sent to Russia reached 4,000"
        predicates = [(cost, cue) for cost, cue in scored if not cue.value.startswith(DEPLOYED)
                      and cue.value.endswith("|strong") and (is_predicate(sentence, cue) or heads and cue.end <= best.start)
                      and same_clause(sentence, phrase, cue)]
        if predicates:
            return min(predicates, key=cost_of)[1]
    return best


def cost_of(scored: tuple[float, Match]) -> float:
    return scored[0]


def describes_the_noun(sentence: str, phrase: NumberPhrase, noun: Match | None, cue: Match) -> bool:
    """Whether metric words describe the counted people rather than say what they did: a participle
    right after the noun ("3,800 troops fighting for Russia have been ..."), a relative clause
    ("2,000 soldiers who were sent ..."), or a participle after a person noun before the figure
    ("casualties among the troops sent to Russia reached 4,000")."""
    noun_end = noun.end if noun is not None else phrase.end
    if cue.start >= noun_end:
        gap = [w.lower() for w in WORD.findall(sentence[noun_end:cue.start])]
        if word_class("relative").intersection(gap):
            return True
        return not word_class("auxiliary").intersection(gap)
    before = WORD.findall(sentence[max(0, cue.start - 20):cue.start].lower())
    return bool(before) and before[-1] in person_nouns()


def is_predicate(sentence: str, cue: Match) -> bool:
    """Whether metric words are a verb saying what happened to the people ("have been killed or
    wounded", "have died", "died"), not a noun with counts of its own ("suffered heavy losses")."""
    first = WORD.findall(cue.text.lower())[:1]
    before = WORD.findall(sentence[max(0, cue.start - 20):cue.start].lower())[-1:]
    return bool(word_class("auxiliary").intersection(first + before) or word_class("finite").intersection(first))


def same_clause(sentence: str, phrase: NumberPhrase, cue: Match) -> bool:
    start, end = (phrase.end, cue.start) if cue.start >= phrase.end else (cue.end, phrase.start)
    return BOUNDARY.search(sentence, start, end) is None


def cue_cost(sentence: str, phrase: NumberPhrase, cue: Match) -> float:
    """Words between number and predicate; auxiliaries ("had been") cost little, punctuation and
    a conjunction before the number ("300 died and 2,700 ...") much."""
    if cue.start >= phrase.end:
        gap, direction = sentence[phrase.end:cue.start], 0.0
    else:
        gap, direction = sentence[cue.end:phrase.start], 0.5
    words = [w.lower() for w in WORD.findall(gap)]
    auxiliaries = word_class("auxiliary")
    cost = sum([0.3 if w in auxiliaries else 1.0 for w in words]) + 3 * len(BOUNDARY.findall(gap)) + direction
    if direction and not word_class("conjunction").isdisjoint(words):
        cost += 2
    return cost


def is_speculation(sentence: str, phrase: NumberPhrase, cue: Match | None) -> bool:
    """"could send up to 40,000", "a third wave could number 30,000", "may reach": a figure the text only imagines."""
    start, end = (phrase.start, phrase.end) if cue is None else (min(cue.start, phrase.start), max(cue.end, phrase.end))
    window = PUNCTUATION.split(sentence[max(0, start - SPECULATION_REACH):start])[-1] + sentence[start:end]
    if speculation_pattern().search(window) is not None:
        return True
    # "losses will top 20,000 if the offensive goes on": a condition in the figure's own clause
    # "about 2,000 of the builders could leave": the word follows the figure's own words closely
    condition = speculation_pattern("after").search(sentence, phrase.end, phrase.end + 2 * SPECULATION_REACH)
    if condition is None or CLAUSE_END.search(sentence, phrase.end, condition.start()):
        return False
    between = [w.group(0).lower() for w in WORD.finditer(sentence, phrase.end, condition.start())]
    # "11,000 troops that could be used": a relative clause before the word describes them
    return len(between) <= SPECULATION_AFTER_WORDS and not word_class("relative").intersection(between)


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
    if len({w.value for w in inside}) > 1:
        return None  # "600,000 Russian and North Korean troops": a joint count, no one country's
    if inside:
        return inside[0].value
    after = [w for w in words if noun_end <= w.start <= noun_end + 12
             and FROM_OR_OF.match(sentence[noun_end:w.start])]
    if after:
        return after[0].value
    clause_start = max((m.end() for m in BOUNDARY.finditer(sentence, 0, phrase.start)), default=0)
    for word in reversed([w for w in words if clause_start <= w.start and w.end <= phrase.start]):
        if is_place(sentence, word):
            continue  # "in eastern Russia", "on the Russia-Ukraine front": a place, not whose personnel
        return word.value
    return context.subject or "KP"


def is_place(sentence: str, word: Match) -> bool:
    """Whether a country word names a place: after "in", "on the", "in eastern", or joined by a
    hyphen to another ("the Russia-Ukraine front")."""
    if sentence[word.end:word.end + 1] == "-" or sentence[max(0, word.start - 1):word.start] == "-":
        return True
    before = [w.lower() for w in WORD.findall(sentence[max(0, word.start - 30):word.start])[-2:]]
    if not before:
        return False
    blockers = word_set("subject_blockers")
    return before[-1] in blockers or (len(before) == 2 and before[0] in blockers and (
        before[1] in word_class("region") or (before[1] == "the" and before[0] not in word_class("conjunction"))))


def distance(expression, phrase: NumberPhrase) -> int:
    """Characters between time words and a figure."""
    return phrase.start - expression.end if expression.end <= phrase.start else max(0, expression.start - phrase.end)


def nearest(times, phrase: NumberPhrase):
    return min(times, key=lambda t: distance(t, phrase), default=None)


# How far before a figure a speech verb whose very object it is may start ("Seoul said 600 dead").
SPEECH_REACH = 16
# How many words (its noun, "back") may stand between such a figure and the time words.
STATED_OBJECT_WORDS = 3
PARTICIPLE = re.compile(r"\w(?:ed|en)\b", re.IGNORECASE)


def states_the_figure(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"Seoul said 600 dead back in April": time words right after a figure that is the very object of a
    speech verb in the past, with only its noun between, date the statement. Not after a verb in the
    present ("Pentagon says over 1,000 casualties last week": the saying is now), a participle ("said
    3,000 killed in January" dates the killing), a window ("last week alone") or a span ("in one week")."""
    if expression.start < phrase.end:
        return False
    gap = sentence[phrase.end:expression.start]
    if len(WORD.findall(gap)) > STATED_OBJECT_WORDS or BOUNDARY.search(gap) is not None \
            or PARTICIPLE.search(gap) is not None or not events_free(sentence, phrase.end, expression.start, metric_cues):
        return False
    spoken = sentence[max(0, phrase.start - SPEECH_REACH):phrase.start].rstrip()
    if not spoken or spoken.endswith("s") or window_mark(sentence, expression.end) is not None:
        return False
    return any(cue.end == len(spoken) for cue in statement_cues().find(spoken))


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
        # "Over the past year, the General Staff said, units have lost 3,500": a parenthesis
        return not rest[cue.end:cue.end + 2].lstrip().startswith(",")
    return opens_an_estimate(sentence, expression, metric_cues, phrase)


def opens_an_estimate(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"In January, the agency's count was about 300 dead", "Last month, the military raised its figure to
    4,000": opening time words that date the estimate the figure is given as (a count, a figure, a tally),
    with no words of the events between; a measured span ("Over the past week, the tally rose by 500")
    counts the events."""
    if expression.measured or expression.end > phrase.start:
        return False
    estimate = statement_words("estimate").search(sentence, expression.end, phrase.start)
    if estimate is None or len(WORD.findall(sentence[expression.end:estimate.start()])) > ESTIMATE_GAP_WORDS:
        return False
    # another figure's metric words may stand between ("the count was about 300 dead and 2,700 wounded")
    return not any(expression.end <= m.start < phrase.start and is_predicate(sentence, m) for m in metric_cues)


FOLLOWS_REACH = 100


def follows_a_statement(sentence: str, expression, metric_cues: list[Match], phrase: NumberPhrase) -> bool:
    """"Shoigu told Russian state media on Tuesday", "the 8,000 that officials cited last week": a few
    words after a speech verb, with no predicate or number of the figure in between."""
    # a cue farther back than FOLLOWS_REACH stands more than four words away: read from a word's start
    start = sentence.rfind(" ", 0, max(0, expression.start - FOLLOWS_REACH)) + 1
    for found in statement_cues().find(sentence[start:expression.start]):
        cue = Match(start + found.start, start + found.end, found.text, found.value)
        gap = sentence[cue.end:expression.start]
        if len(WORD.findall(gap)) > 4 or PUNCTUATION.search(gap):
            continue
        if any(cue.end <= m.start < expression.start for m in metric_cues) or cue.end <= phrase.start < expression.start:
            continue
        return True
    return False
