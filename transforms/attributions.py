"""Who a figure comes from: attribution phrases ("according to X", "X said") and their claimant codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.lexicon import load_table
from transforms.phrase_matcher import Match, PhraseMatcher

# Between two names of one list of sources: commas, "and", "or", "the", and the heads that
# follow an adjective ("South Korean, Ukrainian and Western sources").
LIST_GAP = re.compile(r"^(?:[\s,]|and|or|&|as well as|the|its|their|both|sources?|officials?|intelligence|estimates?|in|of|by)*$", re.IGNORECASE)
# How far a cue may stand from its source, in characters of words that do not end a clause.
SOURCE_REACH = 60
SENTENCE_END = re.compile(r"[.!?]")
CLAUSE_BREAK = re.compile(r"[;:\u2014]|,\s+(?:while|but|and)\b|\bthat\b|\bwhile\b|\bbut\b", re.IGNORECASE)
# A messenger relays another source's figure: "a lawmaker citing HUR" is HUR's claim.
RELAY_CUES = {"citing", "quoting", "briefed by", "briefing by", "relaying", "according to"}
PASSIVE = re.compile(r"\b(?:is|are|was|were|been|be|being)\b", re.IGNORECASE)
# "HUR, which said ...": a relative clause whose subject is the source.
RELATIVE_SOURCE = re.compile(r"^,\s*(?:which|who)\s+(?:has\s+|have\s+|had\s+)?$", re.IGNORECASE)
# ", speaking on condition of anonymity, " between a source and its "said".
APPOSITION = re.compile(r",[^,]{1,70},\s*$")
RELATIVE_OPEN = re.compile(r"^,\s*(?:which|who|whose)\b", re.IGNORECASE)
# "the Joint Chiefs of Staff in Seoul", "Seoul spy agency": one source named twice.
ADJACENT_GAP = re.compile(r"^\s*(?:in|of)?\s*$", re.IGNORECASE)
DIGIT = re.compile(r"\d")
WORD = re.compile(r"[\w'\u2019]+")
CONJUNCTION = re.compile(r"\b(?:and|or)\b|&", re.IGNORECASE)
# "said the NIS." / "said Ukraine's military intelligence, adding...": an inverted source ends its clause.
INVERTED_END = re.compile(r"^\s*(?:[,.;:!?]|$|\(|on\b|in\b|last\b|this\b|earlier\b)", re.IGNORECASE)


# not frozen (never changed after it is made): a frozen dataclass sets each field through object.__setattr__, slowly
@dataclass(slots=True, unsafe_hash=True)
class Attribution:
    cue_start: int
    cue_end: int
    start: int  # span of the whole attribution phrase (cue and sources)
    end: int
    claimants: tuple[str, ...]
    anaphoric: bool  # "it said", "the agency said": the source is named in an earlier sentence
    referent: str | None = None  # the words an anaphoric source goes by ("the agency", "he", "Rep. Lee")
    names: tuple[str, ...] = ()  # the names the claimants were read from ("Kim": a person the article may introduce)


@cache
def claimant_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["alias"], r["code"], r["case"] == "exact") for r in load_table("claimant_aliases")])


@cache
def cue_matcher() -> PhraseMatcher:
    return PhraseMatcher([(r["cue"], r["source"], False) for r in load_table("attribution_cues")])


# "the NIS's figure", "Budanov's own estimate": the owner of a figure stands before its "'s".
# Only a word of owner_adjectives.tsv may stand between an owner and its figure ("the NIS's latest figure"),
# so that "North Korea's casualty count" has no owner.
OWNER = re.compile(r"(?:['\u2019]s|s['\u2019])\s+$")
POSSESSIVE_PRONOUN = re.compile(r"(?<!\w)(its|their|his|her)\s+$", re.IGNORECASE)


@cache
def anaphor_phrases() -> tuple[frozenset[str], int, frozenset[str]]:
    """The anaphors, the most words one has, and the words they end with (a cheap first test)."""
    phrases = frozenset(r["phrase"].lower() for r in load_table("attribution_anaphors"))
    return phrases, max(len(p.split()) for p in phrases), frozenset(p.split()[-1] for p in phrases)


def anaphor_before(sentence: str, edge: int) -> tuple[int, str] | None:
    """"it said", "the agency later said": the start and words of an anaphor that ends just before
    `edge` (past one adverb), found by looking up the last words (no pattern search)."""
    phrases, longest, ends = anaphor_phrases()
    text = sentence[max(0, edge - 60):edge].rstrip(" ,")
    words = text.rsplit(None, longest + 1)[-(longest + 1):]
    if words and words[-1].lower() in adverb_words():
        words.pop()
    if not words or words[-1].lower() not in ends:
        return None
    for n in range(min(longest, len(words)), 0, -1):
        phrase = " ".join(words[-n:])
        if phrase.lower() in phrases:
            start = sentence.rfind(phrase, 0, edge)
            if start < 0:
                return max(0, edge - len(phrase)), phrase  # written with other spacing
            if start == 0 or not (sentence[start - 1].isalnum() or sentence[start - 1] == "-"):
                return start, phrase
    return None


@cache
def adverb_words() -> frozenset[str]:
    return frozenset(r["adverb"] for r in load_table("attribution_adverbs"))


@cache
def adverbs() -> str:
    """An optional adverb between a source and its cue ("the agency later said"), as a pattern."""
    words = sorted((r["adverb"] for r in load_table("attribution_adverbs")), key=len, reverse=True)
    return r"(?:(?:" + "|".join(re.escape(w) for w in words) + r")\s*)?"


@cache
def name_before() -> re.Pattern:
    """"Rep. Lee said", "Lee also said": a personal name the alias table does not know; the source
    register resolves it to the source the article introduced that person with."""
    return re.compile(r"((?:[A-Z][\w'\u2019.-]*\s+){0,3}[A-Z][\w'\u2019-]*)\s*" + adverbs() + "$")


@cache
def non_source_markers() -> dict[str, tuple[tuple[str, str], ...]]:
    """Words before a name that make it a place, an agent or a platform ("who visited Kyiv", "held by
    Ukraine"), by their last word: {"by": ((" held by ", "agent"), ...)}."""
    found: dict[str, list[tuple[str, str]]] = {}
    for row in load_table("non_source_markers"):
        marker = row["marker"].lower()
        found.setdefault(marker.split()[-1], []).append((" " + marker + " ", row["kind"]))
    return {end: tuple(markers) for end, markers in found.items()}


@cache
def name_words(kind: str) -> frozenset[str]:
    return frozenset(r["word"] for r in load_table("person_name_words") if r["kind"] == kind)


def non_source_role(sentence: str, name: Match) -> str | None:
    """What a name is when it is not a source: a "place" visited or fought in, an "agent" of the event
    ("held by Ukraine"), a "platform" ("a post on X"); None for a possible source."""
    end = name.start - 1
    if end < 1:
        return None
    start = sentence.rfind(" ", 0, end) + 1
    last = sentence[start:end].lower()
    if last == "the" and start > 1:
        end = start - 1
        start = sentence.rfind(" ", 0, end) + 1
        last = sentence[start:end].lower()
    markers = non_source_markers().get(last)
    if markers is None:
        return None  # most names follow no marker: one dictionary lookup decides
    before = " " + sentence[max(0, end - 30):end + 1].lower()
    return next((kind for marker, kind in markers if before.endswith(marker)), None)


def without_non_sources(sentence: str, names: list[Match]) -> list[Match]:
    """Places and platforms drop out; an agent keeps its place with no code."""
    kept = []
    for name in names:
        role = non_source_role(sentence, name)
        if role is None:
            kept.append(name)
        elif role == "agent":
            kept.append(Match(name.start, name.end, name.text, ""))
    return kept


def is_source_name(sentence: str, name: Match) -> bool:
    return non_source_role(sentence, name) is None


def find_attributions(sentence: str, sources: list[Match] | None = None) -> list[Attribution]:
    """Every attribution in a sentence, in order; a relayed source replaces its messenger."""
    cues = cue_matcher().find(sentence)
    if not cues and ":" not in sentence:
        return []  # no cue and no headline colon: no attribution, whatever names it holds
    names = claimant_matcher().find(sentence) if sources is None else sources
    attributions = headline_attribution(sentence, names)
    for cue in cues:
        if any(n.start <= cue.start < n.end for n in names):
            continue  # "estimates" inside "Western estimates" is part of a name
        if cue.value == "owner":
            found = owner_of(sentence, cue, names)
        elif cue.value == "after":
            found = sources_after(sentence, cue, names)
        else:
            found = sources_before(sentence, cue, names)
        if found is not None:
            attributions.append(found)
    # A place or platform drops out ("a lawmaker who visited Kyiv said"); an agent of the event keeps its
    # place with no code ("soldiers held by Ukraine have told" is no one's claim). Only the names an
    # attribution chose are checked; the sentence is read again in the rare case one is not a source.
    if sources is None and any(non_source_role(sentence, n) for a in attributions if a.names for n in names
                               if a.start <= n.start < a.end and n.text in a.names):
        return find_attributions(sentence, without_non_sources(sentence, names))
    return merge_relays(sentence, attributions)


def anaphor_after(sentence: str, edge: int) -> str | None:
    """"according to the officials", "citing the agency": a role anaphor right after `edge`, found by
    looking up the next words (no pattern search); pronouns ("according to it") are not read here."""
    phrases, longest, ends = anaphor_phrases()
    words = WORD.findall(sentence[edge:edge + 50])[:longest]
    for n in range(len(words), 1, -1):
        if words[n - 1].lower() in ends:
            phrase = " ".join(words[:n])
            if phrase.lower() in phrases:
                return phrase
    return None


def sources_after(sentence: str, cue: Match, names: list[Match]) -> Attribution | None:
    anaphor = anaphor_after(sentence, cue.end)
    if anaphor and not any(cue.end <= n.start < cue.end + len(anaphor) + 2 for n in names):  # "according to the Pentagon" names it
        return Attribution(cue.start, cue.end, cue.start, cue.end, (), True, anaphor)
    chosen = source_list([n for n in names if n.start >= cue.end], sentence, cue.end, forward=True)
    if not chosen or DIGIT.search(sentence, cue.end, chosen[0].start):
        return None  # "its estimate of about 300 North Korean soldiers": the name belongs to the figure
    return named(cue, cue.start, chosen[-1].end, chosen)


def named(cue: Match, start: int, end: int, chosen: list[Match]) -> Attribution:
    return Attribution(cue.start, cue.end, start, end, codes(chosen), False, None, tuple([n.text for n in chosen]))


@cache
def owner_adjectives() -> frozenset[str]:
    return frozenset(r["adjective"] for r in load_table("owner_adjectives"))


def past_adjective(sentence: str, edge: int) -> int:
    """Where the words before `edge` end once an owner adjective ("latest", "own") is passed over."""
    words = sentence[max(0, edge - 20):edge].split()
    if words and words[-1].lower() in owner_adjectives():
        return sentence.rindex(words[-1], 0, edge)
    return edge


def owner_of(sentence: str, cue: Match, names: list[Match]) -> Attribution | None:
    """"the NIS's figure", "the agency's latest count", "their tally": whose figure it is."""
    edge = past_adjective(sentence, cue.start)  # "the NIS's latest figure"
    owner = OWNER.search(sentence, max(0, edge - 40), edge)
    if owner is None:
        pronoun = POSSESSIVE_PRONOUN.search(sentence, max(0, edge - 40), edge)
        return Attribution(cue.start, cue.end, pronoun.start(), cue.end, (), True, pronoun.group(1)) if pronoun else None
    anchor = owner.start()
    chosen = [n for n in names if n.end == anchor]
    if chosen:
        return named(cue, chosen[0].start, cue.end, chosen)
    return referent_before(sentence, cue, anchor)


def referent_before(sentence: str, cue: Match, edge: int, anaphors: bool = True) -> Attribution | None:
    """An anaphor ("the agency", "he") or a personal name ("Rep. Lee") right before `edge`."""
    anaphor = anaphor_before(sentence, edge) if anaphors else None
    if anaphor:
        return Attribution(cue.start, cue.end, anaphor[0], cue.end, (), True, anaphor[1])
    last_word = sentence[max(0, edge - 40):edge].rstrip(" ,").rsplit(" ", 1)[-1]
    person = name_before().search(sentence, max(0, edge - 80), edge) if last_word[:1].isupper() or last_word in adverb_words() else None
    if person:
        words = [w for w in person.group(1).split() if w.rstrip(".") not in name_words("title") and w not in name_words("not_name")]
        if words:
            return Attribution(cue.start, cue.end, person.start(), cue.end, (), True, " ".join(words))
    return None


def headline_attribution(sentence: str, names: list[Match]) -> list[Attribution]:
    """Headline style: "Blinken: 8,000 troops in Kursk", "N. Korea sends 1,500 to Russia: NIS"."""
    colon = sentence.find(":")
    if colon < 0:
        return []
    lead = [n for n in names if n.end <= colon]
    if lead and only_names(sentence, lead, 0, colon):
        return [Attribution(lead[0].start, colon, lead[0].start, colon, codes(lead), False, None, tuple(n.text for n in lead))]
    trail = [n for n in names if n.start > colon]
    if trail and only_names(sentence, trail, colon + 1, len(sentence.rstrip(" .()"))):
        return [Attribution(colon, colon + 1, colon, len(sentence), codes(trail), False, None, tuple(n.text for n in trail))]
    return []


def only_names(sentence: str, names: list[Match], start: int, end: int) -> bool:
    """Whether sentence[start:end] holds nothing but these names and list words."""
    rest, edge = [], start
    for name in names:
        rest.append(sentence[edge:name.start])
        edge = name.end
    rest.append(sentence[edge:end])
    return all(LIST_GAP.match(gap) for gap in rest)


def sources_before(sentence: str, cue: Match, names: list[Match]) -> Attribution | None:
    """"X said" (source before the cue), also past an apposition ("X, citing Y, said"); else
    "said X" (inverted); else "it said" (anaphora); else "Kim does Y, says ..." (the sentence's subject)."""
    edge = cue.start
    apposition = APPOSITION.search(sentence, 0, cue.start)
    anchors = (cue.start, apposition.start() if apposition else None)
    if apposition and RELATIVE_OPEN.match(apposition.group(0)) \
            and not (any(apposition.start() < n.start for n in names if n.end <= cue.start)
                     and relays_an_agency(sentence, names, apposition, cue)):
        anchors = anchors[::-1]  # "the General Staff, which seldom names the North Koreans, said": the subject speaks
    for anchor in anchors:
        if anchor is None:
            continue
        before = source_list([n for n in names if n.end <= anchor][::-1], sentence, anchor, forward=False)
        if before:
            return named(cue, before[0].start, cue.end, before)
        edge = anchor
    after = source_list([n for n in names if n.start >= cue.end], sentence, cue.end, forward=True, reach=12)
    if after and INVERTED_END.match(sentence[after[-1].end:]):
        return named(cue, cue.start, after[-1].end, after)
    edge = past_adjective(sentence, edge)  # "its latest estimate"
    anaphor = anaphor_before(sentence, edge)
    if anaphor:
        return Attribution(cue.start, cue.end, cue.start, cue.end, (), True, anaphor[1])
    if sentence[:cue.start].rstrip().endswith(",") and names and not sentence[:names[0].start].strip():
        return named(cue, names[0].start, cue.end, [names[0]])
    return referent_before(sentence, cue, len(sentence[:edge].rstrip(" ,")), anaphors=False)  # anaphors were tried above


def relays_an_agency(sentence: str, names: list[Match], apposition: re.Match, cue: Match) -> bool:
    """"a lawmaker, who is in touch with Ukrainian military intelligence, told reporters": a relative
    clause naming an agency, after a subject that names none, says whose information is relayed."""
    inside = source_list([n for n in names if n.end <= cue.start][::-1], sentence, cue.start, forward=False)
    subject = source_list([n for n in names if n.end <= apposition.start()][::-1], sentence, apposition.start(), forward=False)
    return any("-" in n.value for n in inside) and not any("-" in n.value for n in subject)


def source_list(candidates: list[Match], sentence: str, anchor: int, forward: bool, reach: int = SOURCE_REACH) -> list[Match]:
    """The names that form one list of sources next to a cue ("South Korean, Ukrainian and Western sources").

    Looking back, the subject of "said" stands right before it: a comma in between is allowed
    only around an apposition ("Lee, citing the NIS, said"), never across a clause. A comma
    joins two names only in a list that "and" or "or" closes.
    """
    chosen: list[Match] = []
    gaps: list[str] = []
    edge = anchor
    for name in candidates:
        gap = sentence[edge:name.start] if forward else sentence[name.end:edge]
        if not chosen:
            if len(gap) > reach or CLAUSE_BREAK.search(gap) or SENTENCE_END.search(gap):
                break
            if not forward and PASSIVE.search(gap):
                break  # "Russia is usually put at", "the North is believed": no source
            if "," in gap and (forward or gap.strip(" ,")) and not RELATIVE_SOURCE.match(gap):
                break
        elif not LIST_GAP.match(gap):
            break
        chosen.append(name)
        gaps.append(gap)
        edge = name.end if forward else name.start
    return sorted(close_list(chosen, gaps, forward), key=lambda n: n.start)


def close_list(chosen: list[Match], gaps: list[str], forward: bool) -> list[Match]:
    """Cut a run of names at the last "and"/"or" looking forward, or the first one looking back."""
    if not chosen:
        return []
    joins = [i for i, gap in enumerate(gaps) if i and CONJUNCTION.search(gap)]
    adjacent = [i for i, gap in enumerate(gaps) if i and ADJACENT_GAP.match(gap)]
    if forward:
        last = max(joins + adjacent, default=0)
        return chosen[:last + 1]
    kept = [chosen[0]]
    for i in range(1, len(chosen)):
        if i in adjacent or (joins and i >= joins[0]):
            kept.append(chosen[i])
        else:
            break
    return kept


def codes(names: list[Match]) -> tuple[str, ...]:
    """Canonical codes; a country drops out beside one of its own agencies ("Seoul spy agency": KR-NIS)."""
    if len(names) == 1:
        return canonical_codes(names[0].value)
    return canonical_codes(*[n.value for n in names])


@lru_cache(maxsize=1024)
def canonical_codes(*values: str) -> tuple[str, ...]:
    found = {v for v in values if v}
    return tuple(sorted(c for c in found if not any(o.startswith(c + "-") for o in found)))


def trailing_relay(sentence: str, attribution: Attribution) -> bool:
    """", citing Ukrainian officials." at the end: the sentence's speaker relays that source."""
    return bool(attribution.claimants) and sentence[:attribution.cue_start].rstrip().endswith(",") \
        and not sentence[attribution.end:].strip(" .\"'\u201d)")


def relay_inside(sentence: str, attribution: Attribution, earlier: list[Attribution]) -> Attribution | None:
    """"NK Insider, citing a GUR officer, reported": the relay inside the speaker's words is the source."""
    if attribution.cue_start <= attribution.start:
        return None
    for relay in earlier:
        if attribution.start <= relay.start and relay.end <= attribution.cue_start \
                and sentence[relay.cue_start:relay.cue_end].lower() in RELAY_CUES:
            return relay
    return None


def merge_relays(sentence: str, attributions: list[Attribution]) -> list[Attribution]:
    """"a lawmaker briefed by the NIS said": the NIS, not the lawmaker, is the claimant."""
    merged: list[Attribution] = []
    for attribution in attributions:
        inner = relay_inside(sentence, attribution, merged) if merged and attribution.cue_start > attribution.start else None
        if inner is not None:
            merged.remove(inner)
            attribution = Attribution(attribution.cue_start, attribution.cue_end, attribution.start, attribution.end,
                                      inner.claimants, inner.anaphoric, inner.referent, inner.names)
        cue = sentence[attribution.cue_start:attribution.cue_end].lower()
        if merged and cue in RELAY_CUES and (0 <= attribution.cue_start - merged[-1].end <= 40
                                             and not CLAUSE_BREAK.search(sentence[merged[-1].end:attribution.cue_start])
                                             or trailing_relay(sentence, attribution)):
            outer = merged.pop()
            attribution = Attribution(attribution.cue_start, attribution.cue_end, outer.start, attribution.end,
                                      attribution.claimants, attribution.anaphoric, attribution.referent, attribution.names)
        merged.append(attribution)
    return merged
