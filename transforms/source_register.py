"""The sources an article introduces, kept for the whole document, so that later mentions resolve
to them: "Kim Min-soo, a lawmaker briefed by the NIS, said ... Rep. Kim added", "he said", "the
agency told lawmakers", a paragraph opened by "According to Ukraine's military intelligence, ...",
and a headline figure whose source only the body names.

Sentences without counted figures are read only when a later reference needs them (`defer`):
most sentences never are, which keeps the register's cost to the figures that ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from transforms.attributions import (WORD, Attribution, claimant_matcher, find_attributions, is_source_name, name_words,
                                    codes, source_list)
from transforms.lexicon import load_table

# A run of capitalized words: a personal name ("Kim Min-soo", "Lee Seong-kweun") among others.
NAME_RUN = re.compile(r"[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*")
# Where a speaker's words begin, looking back from a cue: after the last clause break or quotation mark.
SPEAKER_START = re.compile(r".*(?:[.;:\u2014(\"\u201c\u201d]|\bthat\b)", re.DOTALL)
# How far before a source's name its introduction may reach ("Lee Seong-kweun, a South Korean lawmaker, said").
INTRODUCTION_REACH = 100
# "According to Ukraine's military intelligence, ...", "On Monday, the NIS said ...": an attribution
# this close to the start of a paragraph's first sentence governs the paragraph.
OPENING_WORDS = 3
OPENING_REACH = 80
# A later attribution after the figure that starts its own clause speaks of that clause only:
# "Kyiv holds fewer than ten prisoners, and Ukrainian officials say the rest fight on".
NEW_CLAUSE = re.compile(r"(?:[;:]|,\s*(?:and|but|while|whereas)\b|\b(?:while|whereas)\b)", re.IGNORECASE)
OWN_NOUN = re.compile(r"\s*(?:of\s+(?:the\s+)?)?$", re.IGNORECASE)
CLAUSE_END = re.compile(r"[,.;:!?()\u2014]")
# "said on Monday." closes a clause; "say the North's soldiers are under orders" opens one.
COMPLEMENT_WORDS = 4
# How many of the newest sources a reference back is matched against: keeps resolving linear in the
# article's length (a reference rarely reaches further back than a few paragraphs).
REGISTER_REACH = 40
# Sections whose figures restate the body's: they take the body's source for the same figure.
RESTATING_SECTIONS = ("headline", "caption")


class Source:
    """A source the text named: its codes, the words that named it (claimant_text), and, worked out
    only when a later reference asks, the words that introduce it (`speaker`), its kind ("person",
    "body" or ""), their lowered words (for "the lawmaker") and personal name words ("Rep. Kim")."""

    def __init__(self, codes: tuple[str, ...], text: str | None, kind: str | None = None,
                 attribution: Attribution | None = None, sentence: str = "", speaker: str = ""):
        self.codes, self.text, self._kind = codes, text, kind
        self.attribution, self.sentence, self._speaker = attribution, sentence, speaker

    @cached_property
    def speaker(self) -> str:
        attribution, sentence = self.attribution, self.sentence
        if attribution is None:
            return self._speaker
        if attribution.cue_start >= attribution.start:  # "X said": the speaker stands before the cue
            lead = sentence[max(0, attribution.start - INTRODUCTION_REACH):attribution.cue_start]
            clause = SPEAKER_START.match(lead)
            return lead[clause.end():] if clause else lead
        return sentence[attribution.cue_end:attribution.end]

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w.lower() for w in WORD.findall(self.speaker))

    @cached_property
    def names(self) -> frozenset[str]:
        return person_names(self.speaker, self.attribution.names if self.attribution else ())

    @cached_property
    def kind(self) -> str:
        if self._kind is not None:
            return self._kind
        kinds = {role_kinds().get(w) for w in self.words}
        if self.names or "person" in kinds:
            return "person"
        return "body" if "body" in kinds or any("-" in c for c in self.codes) else ""


@cache
def anaphor_kinds() -> dict[str, str]:
    return {r["phrase"].lower(): r["refers"] for r in load_table("attribution_anaphors")}


@cache
def one_word_aliases() -> frozenset[str]:
    """Aliases of one capitalized word ("Kim", "Budanov"): a person's surname when another name word follows."""
    return frozenset(r["alias"] for r in load_table("claimant_aliases") if " " not in r["alias"] and r["alias"][:1].isupper())


@cache
def role_kinds() -> dict[str, str]:
    return {r["role"].lower(): r["kind"] for r in load_table("source_roles")}


def sentence_attributions(sentence: str, phrases) -> list[Attribution]:
    """The sentence's attributions, less cues inside its number phrases ("an estimated 1,100")."""
    return [a for a in find_attributions(sentence) if not any(p.start <= a.cue_start < p.end for p in phrases)]


def introduced_source(attribution: Attribution, sentence: str) -> Source:
    """The source an attribution names; its introduction is read only if a later reference asks."""
    return Source(attribution.claimants, sentence[attribution.start:attribution.end], None, attribution, sentence)


def person_names(speaker: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """Personal name words in a speaker's words: capitalized runs that are not, or not inside, a
    name of the alias table ("Kim Min-soo" is a person, "South Korea's spy agency" a body), less titles."""
    found: set[str] = set()
    for run in NAME_RUN.finditer(speaker):
        words = [w for w in run.group(0).split()
                 if w.rstrip(".") not in name_words("title") and w not in name_words("not_name") and "'" not in w]
        if words and not any(" ".join(words) in alias for alias in aliases):
            found.update(words)
    return frozenset(found)


# A sentence without counted figures, kept unread: (sentence, its number phrases, the end of its
# paragraph). A plain tuple appended by the caller: one is made for most sentences of every article.
Deferred = tuple


@dataclass
class SourceRegister:
    """One document's sources, fed sentence by sentence: `unread` takes sentences without counted
    figures, `remember` a read sentence's attributions, `claimants_of` answers for one figure."""
    sources: list[Source] = field(default_factory=list)  # oldest first
    # Sentences without counted figures not read since the last source was named, appended by the
    # caller as (sentence, phrases, paragraph_end): read only if a later reference needs them.
    unread: list[Deferred] = field(default_factory=list)
    paragraph_end: int = -1  # where the current sentence's paragraph ends: the paragraph's identity
    paragraph: int = -2  # the paragraph the register last saw
    opening: bool = True  # the current sentence is its paragraph's first
    governor: tuple | None = None  # (codes, words) of the source that opened this paragraph
    # Named attributions of read sentences, made Sources (with `sources`) only when a reference asks.
    pending: list[tuple[Attribution, str]] = field(default_factory=list)
    governor_open: bool = False  # an unread first sentence may still open it
    read: dict[str, list[Attribution]] = field(default_factory=dict)  # deferred sentences read so far
    # Alias words that name a person the article introduced ("Kim" in "Kim Min-soo, a lawmaker ...").
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def attributions_of(self, deferred: Deferred) -> list[Attribution]:
        sentence, phrases = deferred[0], deferred[1]
        found = self.read.get(sentence)
        if found is None:
            found = self.read[sentence] = sentence_attributions(sentence, phrases)
        return found

    def enter(self, paragraph: int) -> None:
        """A read sentence of a new paragraph: it opens the paragraph unless the sentences deferred
        just before it are of the same paragraph (then the paragraph's unread first one may govern)."""
        if paragraph != self.paragraph:
            opener_unread = bool(self.unread) and self.unread[-1][2] == paragraph
            self.paragraph, self.governor = paragraph, None
            self.opening, self.governor_open = not opener_unread, opener_unread

    def remember(self, attributions: list[Attribution], sentence: str) -> None:
        """The sources a read sentence names; an attribution opening a paragraph governs it."""
        paragraph = self.paragraph_end
        if paragraph != self.paragraph:
            self.enter(paragraph)
        named = [a for a in attributions if a.claimants] if attributions else attributions
        if named:
            # a newer source is named: sentences before it are no longer needed (nor read)
            self.unread.clear()
            self.governor_open = False
            self.note(named, sentence, self.opening)
        self.opening = False

    def note(self, named: list[Attribution], sentence: str, opens: bool) -> None:
        """Keep a sentence's named sources; the first governs the paragraph when it opens the paragraph."""
        surnames = one_word_aliases()
        for attribution in named:
            self.pending.append((attribution, sentence))
            if sentence[attribution.start:sentence.find(" ", attribution.start)] in surnames:
                self.note_surname(attribution, sentence)
        if opens and len(WORD.findall(sentence[:named[0].start])) <= OPENING_WORDS:
            self.governor = (named[0].claimants, sentence[named[0].start:named[0].end])
        elif self.governor is not None and any(a.claimants != self.governor[0] for a in named):
            self.governor = None  # another source is named: the paragraph's opener no longer speaks

    def all_sources(self) -> list[Source]:
        """Every source named so far, oldest first."""
        if self.pending:
            self.sources.extend(introduced_source(a, sentence) for a, sentence in self.pending)
            self.pending.clear()
        return self.sources

    def note_surname(self, attribution: Attribution, sentence: str) -> None:
        """"Kim Min-soo, a lawmaker ..., said": the alias word "Kim" is here the lawmaker's surname."""
        words = sentence[attribution.start:attribution.start + 40].split(" ", 2)
        if len(words) > 1 and words[0] in one_word_aliases() and words[1][:1].isupper() and words[1] not in one_word_aliases():
            self.surnames[words[0]] = attribution.claimants

    def read_back(self, fits, mentions: list[str] | None = None) -> Source | None:
        """Read the deferred sentences newest first until one names a source that `fits`; what was
        read joins the register and older deferred sentences are dropped, each read at most once."""
        self.all_sources()
        found, read = None, []
        for deferred in reversed(self.unread):
            sentence, phrases = deferred[0], deferred[1]
            if mentions is not None and not any(word in sentence for word in mentions):
                continue  # a personal name is resolved only by a sentence that holds it
            attributions = self.attributions_of(deferred)
            named = [introduced_source(a, sentence) for a in attributions if a.claimants]
            sources = named if named else mentioned_sources(sentence) if not phrases else []
            read.extend(reversed(sources))
            found = fits(sources[::-1])
            if found is not None:
                break
        if found is None and mentions is not None:
            return None  # a name no sentence explains ("Reuters reported"): keep them unread for others
        self.all_sources().extend(reversed(read))
        self.unread.clear()
        self.governor_open = False
        return found

    def open_paragraph(self) -> None:
        """Whether the paragraph's unread first sentence opens with a source that governs it, and
        whether a later unread sentence of the paragraph names another one (only these are read)."""
        self.governor_open = False
        paragraph = [d for d in self.unread if d[2] == self.paragraph]
        if not paragraph:
            return
        opener = paragraph[0]
        lead = opener[0][:OPENING_REACH]
        if not any(len(WORD.findall(lead[:n.start])) <= OPENING_WORDS for n in claimant_matcher().find(lead)):
            return  # no source among its first words: not worth reading its attributions
        named = [a for a in self.attributions_of(opener) if a.claimants]
        if not named or len(WORD.findall(opener[0][:named[0].start])) > OPENING_WORDS:
            return
        governor = (named[0].claimants, opener[0][named[0].start:named[0].end])
        for deferred in paragraph[1:]:
            if any(a.claimants and a.claimants != governor[0] for a in self.attributions_of(deferred)):
                return
        self.governor = governor

    def claimants_of(self, sentence: str, phrase, attributions: list[Attribution]) -> tuple[tuple[str, ...], str | None]:
        """The claimants of a figure: the nearest attribution that speaks of it, resolved through the
        register when it only refers back; else the source that opened its paragraph; else none."""
        if self.paragraph_end != self.paragraph:
            self.enter(self.paragraph_end)
        if len(attributions) == 1:
            ordered = attributions
        elif attributions:
            ordered = sorted(attributions, key=lambda a: distance(a, phrase))
        else:
            ordered = ()
        for attribution in ordered:
            if attribution.start >= phrase.end and not speaks_of(sentence, attribution, phrase):
                continue
            if attribution.claimants:
                codes = (self.surnames and self.person_codes(attribution)) or attribution.claimants
                return codes, sentence[attribution.start:attribution.end]
            if not attribution.anaphoric:
                return (), None  # its nearest source is a place or a platform ("held by Ukraine has told")
            source = self.resolve(attribution, sentence, attributions)
            if source is not None:
                return source.codes, source.text
            if anaphor_kinds().get((attribution.referent or "").lower()) is not None:
                return (), None  # "it said" with nothing named before: the outlet's own voice
        if self.opening:
            return (), None
        if self.governor_open:
            self.open_paragraph()
        if self.governor is not None:
            return self.governor
        return (), None

    def person_codes(self, attribution: Attribution) -> tuple[str, ...] | None:
        """"Rep. Kim added": "Kim" is the lawmaker introduced earlier, not the North's leader."""
        if len(attribution.names) != 1 or not self.surnames:
            return None
        return self.surnames.get(attribution.names[0])

    def resolve(self, attribution: Attribution, sentence: str, attributions: list[Attribution]) -> Source | None:
        """The source an anaphoric attribution points back to: in its own sentence first ("the NIS says
        ..., according to a lawmaker briefed by the agency"), then in the sentences before."""
        referent = (attribution.referent or "").lower()
        kind = anaphor_kinds().get(referent, "name")
        earlier = [introduced_source(a, sentence) for a in attributions if a.claimants and a.end <= attribution.start]
        def fits(sources: list[Source]) -> Source | None:
            return pick(sources, referent, kind, attribution.referent, fallback=False)
        mentions = (attribution.referent or "").split() if kind == "name" else None
        found = fits(earlier[::-1]) or self.read_back(fits, mentions)
        if found is not None:
            return found
        recent = self.all_sources()[-REGISTER_REACH:][::-1]
        return fits(recent) or pick(earlier[::-1] + recent, referent, kind, attribution.referent, fallback=True)


def pick(sources: list[Source], referent: str, kind: str, name: str | None, fallback: bool) -> Source | None:
    """The newest source the referent fits: a name its name words; "the lawmaker" a source introduced
    as one, else one of its kind; "he" a person; "it" any. With `fallback`, a pronoun or role noun
    that fits none takes the newest source; a name never does."""
    if kind == "name":
        words = set((name or "").split())
        return next((s for s in sources if any(w in s.sentence for w in words) and words & s.names), None)
    if kind == "role":
        role = WORD.findall(referent)[-1]
        wanted = role_kinds().get(role, "")
        # a source introduced with the role word; else the newest not known to be of the other kind
        fits = next((s for s in sources if role in s.words), None)
        if fits is None and wanted == "body":  # "the agency": a body, or a person who relayed one
            fits = next((s for s in sources if s.kind == "body" or any("-" in c for c in s.codes)), None)
        if fits is None:  # else the newest source not known to be of the other kind
            fits = next((s for s in sources if wanted in ("", "voice") or s.kind in (wanted, "")), None)
    elif kind == "person":
        fits = next((s for s in sources if s.kind == "person"), None)
    else:
        fits = next(iter(sources), None)
    return fits or (next(iter(sources), None) if fallback else None)


def mentioned_sources(sentence: str) -> list[Source]:
    """Sources a sentence without figures or cues names: the one it opens with ("The NIS was first to
    sound the alarm."), and agencies it mentions ("the South's National Intelligence Service published
    its own count"), for a later "it said" or "the agency believed"."""
    names = [n for n in claimant_matcher().find(sentence) if is_source_name(sentence, n)]
    if not names:
        return []
    found = []
    lead = [w.lower() for w in WORD.findall(sentence[:names[0].start])]
    if len(lead) <= 1 or (len(lead) <= OPENING_WORDS and any(role_kinds().get(w) in ("person", "voice") for w in lead)):
        # "The NIS was first ...", "Officials in Seoul, Kyiv and Western capitals have given ..."
        opening = source_list(names, sentence, names[0].start, forward=True)
        found.append(Source(codes(opening), None, ""))
    for name in names:
        if "-" in name.value:
            found.append(Source((name.value,), None, "body", speaker=name.text))
    return found


def distance(attribution: Attribution, phrase) -> int:
    if attribution.end <= phrase.start:
        return phrase.start - attribution.end
    if attribution.start >= phrase.end:
        return attribution.start - phrase.end
    return 0


def speaks_of(sentence: str, attribution: Attribution, phrase) -> bool:
    """Whether an attribution speaks of a figure: not when it follows the figure as the subject of a
    new clause with words of its own ("fewer than ten prisoners, and Ukrainian officials say the
    North's soldiers are under orders ...")."""
    if attribution.start < phrase.end or attribution.cue_start == attribution.start:
        return True
    if OWN_NOUN.match(sentence, phrase.end, attribution.start):
        return False  # "a dozen North Korean soldiers ... have posted", "thousands of North Korean dead": the figure's own noun
    if not NEW_CLAUSE.search(sentence, phrase.end, attribution.start):
        return True
    complement = CLAUSE_END.split(sentence[attribution.cue_end:], maxsplit=1)[0]
    return len(WORD.findall(complement)) < COMPLEMENT_WORDS


def credit_restated_figures(claims: list[dict]) -> None:
    """A headline or caption figure with no source, or only a country ("Seoul says"), takes the
    source the body gives the same figure (same bounds, the same metric first)."""
    restating = [c for c in claims if c["section"] in RESTATING_SECTIONS and not any("-" in code for code in c["claimants"])]
    if not restating:
        return
    body: dict[tuple, dict] = {}
    for claim in claims:
        if claim["section"] == "body" and claim["claimants"]:
            body.setdefault((claim["value_low"], claim["value_high"], claim["metric"]), claim)
            body.setdefault((claim["value_low"], claim["value_high"]), claim)
    for claim in restating:
        source = body.get((claim["value_low"], claim["value_high"], claim["metric"])) or body.get((claim["value_low"], claim["value_high"]))
        if source is None or not fits_country(claim["claimants"], source["claimants"]):
            continue
        claim["claimants"], claim["claimant_text"] = list(source["claimants"]), source["claimant_text"]


def fits_country(countries: list[str], codes: list[str]) -> bool:
    """"Seoul says" (KR) fits the body's KR-NIS; it does not fit a Ukrainian source."""
    return all(any(code == c or code.startswith(c + "-") for code in codes) for c in countries)
