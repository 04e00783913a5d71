"""Disagreement notes: compare typed claims about the same slot across independent sources.

Precision over recall: two claims are compared only when they have the same
kind and unit, come from different independent voices (syndicated copies count
once), and their clauses talk about the same thing (shared verbs/nouns after
stemming and synonyms, no opposite verbs, overlapping names). Then:
same figure in other words -> agreement (no note); intervals that overlap but
differ (a range under a bound, rounding, precision) -> `differs`; disjoint
intervals -> `contradiction`.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Literal

from rag.claims import STOPWORDS, Claim, Kind, Mention, extract_claims
from rag.models import Conflict, DocMeta, Document, Quote, Source
from rag.query import analyze, core_question
from rag.stories import quoted_together
from rag.text import stem

Relation = Literal["agree", "differs", "contradiction"]
Alike = Callable[[str, str], bool]  # do two unit words count the same thing?

# ---- slot words: light stemming and a small synonym table ----------------------------
_SYNONYMS = (  # the first word of each group names the concept
    "supply provide send give deliver transfer ship export donate furnish contribute",
    "receive get obtain gain earn return",
    "treaty pact agreement accord deal alliance",
    "sign ink seal conclude", "people person population resident inhabitant citizen",
    "die kill death dead fatality", "spend cost pay", "war conflict battle fight",
    "announce declare unveil", "aid assistance support help", "buy purchase import",
    "rise increase grow jump climb", "fall decrease drop decline shrink")
_IRREGULAR = {"gave": "give", "given": "give", "got": "get", "gotten": "get", "sent": "send", "paid": "pay",
              "spent": "spend", "sold": "sell", "bought": "buy", "won": "win", "lost": "lose", "died": "die",
              "dies": "die", "dying": "die", "fought": "fight", "rose": "rise", "risen": "rise", "fell": "fall",
              "fallen": "fall", "men": "man", "women": "woman", "children": "child", "defence": "defense",
              "programme": "program", "benefitted": "benefited"}


def _stem(word: str) -> str:
    """The shared stemmer, after British/irregular spellings are mapped to one form."""
    w = word.lower().replace("’", "'").split("'")[0]
    return stem(_IRREGULAR.get(w, w))


_CANON = {_stem(w): _stem(g.split()[0]) for g in _SYNONYMS for w in g.split()}


@lru_cache(maxsize=8192)
def concept(word: str) -> str:
    """Canonical form of a word: a light stem, then the synonym table."""
    s = _stem(word)
    return _CANON.get(s, s)


@lru_cache(maxsize=4096)
def concepts(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(map(concept, words))


_OPPOSITE = [(concept(a), concept(b)) for a, b in
             [("supply", "receive"), ("buy", "sell"), ("rise", "fall"), ("win", "lose"), ("import", "export")]]
_UNDIRECTED = {concept("receive"): concept("supply"), concept("sell"): concept("buy")}  # for question focus
_KINDS: frozenset[Kind] = frozenset({"money", "count", "percent", "date"})
_ASKS = [(r"\bhow much\b", {"money", "percent"}),
         (r"\b(?:cost|worth|value|price|spen[dt]|paid|pay|budget|fund\w*|money|dollars?|euros?|aid)\b", {"money"}),
         (r"\bhow many\b|\bnumber of\b", {"count"}),
         (r"\bhow (?:long|tall|high|far|wide|deep|big|large|heavy)\b(?! ago)", {"count"}),
         (r"\bper ?cent|\bpercentage\b|\bshare\b|\bproportion\b|%", {"percent"}),
         (r"\bwhen\b|\bwhat (?:year|date|month|day)\b|\bwhich year\b", {"date"})]
_WHY = re.compile(r"^\W*(?:why|for what reason)\b", re.I)
# the figures an answer type (rag/query.py) is given as; a name, place or person is no figure
_TYPE_KINDS: dict[str, tuple[Kind, ...]] = {"money": ("money",), "percent": ("percent",), "count": ("count",),
                                            "size": ("count",), "measure": ("count",), "date": ("date",),
                                            "figure": ("money", "count", "percent")}
_MIN_SHINGLES = 10  # shorter texts are too small to call copies
_LABEL = {"money": "amount", "count": "number of", "percent": "share", "date": "date of"}


@dataclass(frozen=True)
class Found:
    """A claim read from a quote, with the independent voice it belongs to."""

    quote: Quote
    claim: Claim
    voice: str  # first doc id of its near-duplicate group


@dataclass(frozen=True)
class Verdict:
    relation: Relation
    wide_first: bool = True  # whether the first claim is the wider one (named first in the note)
    how: str = ""  # how the narrower claim relates to the wider one


@dataclass(frozen=True)
class PassagePair:
    """Two passages from different sources and the relation a reader would see."""

    a: str
    b: str
    expected: Relation
    question: str = ""
    published_a: str | None = None
    published_b: str | None = None


# ---- independent voices ----------------------------------------------------
@lru_cache(maxsize=1024)
def _shingles(text: str, n: int = 5) -> frozenset[str]:
    """The text's runs of n words (a document's are read once, not once per answer)."""
    words = re.findall(r"\w+", text.lower())
    return frozenset(" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1)))


def independent_groups(documents: list[Document], threshold: float = 0.6) -> list[list[str]]:
    """Group doc ids that are near-duplicate / syndicated copies (word-shingle Jaccard or containment); each group = one independent voice.

    Uses containment (shared 5-word shingles over the smaller text's), so a copy with
    an added byline or a changed figure still joins its original.
    """
    ids = list(dict.fromkeys(d.id for d in documents))
    shingles = {d.id: _shingles(d.text) for d in documents}
    parent = {i: i for i in ids}

    def root(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for x, y in combinations(ids, 2):
        sx, sy = shingles[x], shingles[y]
        if min(len(sx), len(sy)) >= _MIN_SHINGLES and len(sx & sy) / min(len(sx), len(sy)) >= threshold:
            parent[root(y)] = root(x)
    groups: dict[str, list[str]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


# ---- comparing two claims ------------------------------------------------------
def asked_kinds(question: str) -> frozenset[Kind]:
    """The kinds of figure a question asks for: by its words, else by its answer type ("What is the population
    of …" asks for a count, not the census year; "Who …" for no figure, nor does "Why …": it asks for a reason,
    even where it names a sum); all kinds when it does not say."""
    if _WHY.match(core_question(question)):  # after a preamble, or misspelt ("Answer briefly: whyy …")
        return frozenset()
    kinds = {k for rx, ks in _ASKS if re.search(rx, question, re.I) for k in ks}
    if kinds:
        return frozenset(kinds)
    answer_type = analyze(question).answer_type
    return _KINDS if answer_type is None else frozenset(_TYPE_KINDS.get(answer_type, ()))


def _same_unit(a: Mention, b: Mention, alike: Alike | None) -> bool:
    """The same kind and unit: the same word after stemming, or words `alike` joins ("employees", "workers")."""
    return a.kind == b.kind and (concept(a.unit) == concept(b.unit) or bool(alike and alike(a.unit, b.unit)))


def comparable(a: Claim, b: Claim, alike: Alike | None = None) -> bool:
    """Whether two claims measure the same thing (conservative)."""
    x, y = a.mention, b.mention
    if not _same_unit(x, y, alike):
        return False
    if a.slot.entities and b.slot.entities and not a.slot.entities & b.slot.entities:
        return False
    units = {concept(x.unit), concept(y.unit)}
    ca, cb = concepts(a.slot.words) - units, concepts(b.slot.words) - units
    only_a, only_b = ca - cb, cb - ca
    if any((p in only_a and q in only_b) or (q in only_a and p in only_b) for p, q in _OPPOSITE):
        return False
    after_a, after_b = concepts(a.slot.after) - units, concepts(b.slot.after) - units
    if after_a and after_b and not (after_a & cb or after_b & ca):
        return False  # different objects: "$5bn on research" vs "$8bn on marketing"
    shared, small = len(ca & cb), min(len(ca), len(cb))
    need = 2 if x.kind == "date" else min(2, small)
    return small > 0 and shared >= need and 3 * shared >= small


def _close(u: float, v: float) -> bool:
    return u == v or math.isclose(u, v, rel_tol=1e-9)


def _inside(inner: Mention, outer: Mention) -> bool:
    return outer.low <= inner.low + abs(inner.low) * 1e-9 and inner.high <= outer.high + abs(outer.high) * 1e-9


def relate(a: Claim, b: Claim) -> Verdict:
    """Agreement, a compatible difference, or a contradiction between two comparable claims."""
    x, y = a.mention, b.mention
    points = {"exact", "about"}
    if (x.value is not None and y.value is not None and {x.qualifier, y.qualifier} <= points
            and _close(x.value, y.value)) or (x.qualifier == y.qualifier and _close(x.low, y.low)
                                              and _close(x.high, y.high)):
        return Verdict("agree")
    if max(x.low, y.low) >= min(x.high, y.high):
        return Verdict("contradiction")
    wide_first = _inside(y, x) or not _inside(x, y)
    wide, narrow = (x, y) if wide_first else (y, x)
    if not _inside(narrow, wide):
        how = "which only partly overlaps it" if x.kind == "date" else "which overlaps it but is not the same figure"
    elif x.kind == "date":
        how = "a more precise date within it"
    else:
        how = {"upper": "which fits under that bound", "lower": "which fits above that floor",
               "range": "which falls within that range"}.get(wide.qualifier, "a more precise figure consistent with it")
    return Verdict("differs", wide_first, how)


# ---- notes -----------------------------------------------------------------------
def _speaker(f: Found) -> str:
    label, cite = f.quote.source.label, f.claim.slot.attribution
    return f"{label} (citing {cite})" if cite and cite.lower() not in label.lower() else label


def _figure(f: Found) -> str:
    shown = f.claim.shown
    return shown[0].lower() + shown[1:] if f.claim.mention.assumption else shown


def _topic(a: Found, b: Found) -> str:
    shared = concepts(a.claim.slot.words) & concepts(b.claim.slot.words)
    picked: dict[str, str] = {}
    for w, c in zip(a.claim.slot.words, map(concept, a.claim.slot.words)):
        if c in shared:
            picked.setdefault(c, w)
    return " ".join([_LABEL[a.claim.mention.kind], *list(picked.values())[:4]])


def _conflict(a: Found, b: Found, v: Verdict) -> Conflict:
    if v.relation == "contradiction":
        note = (f"{_speaker(a)} says {_figure(a)} [{a.quote.id}], but {_speaker(b)} says "
                f"{_figure(b)} [{b.quote.id}]; both cannot be true.")
    else:
        w, n = (a, b) if v.wide_first else (b, a)
        at = "in" if a.claim.mention.kind == "date" else "at"
        note = (f"{_speaker(w)} says {_figure(w)} [{w.quote.id}]; {_speaker(n)} puts it {at} "
                f"{_figure(n)} [{n.quote.id}], {v.how}.")
    return Conflict(topic=_topic(a, b), kind=v.relation, note=note, quote_ids=sorted({a.quote.id, b.quote.id}))


def _claims(q: Quote, doc: Document | None) -> list[Claim]:
    """Claims inside a quote, read in their sentence of the document when it is available."""
    published = doc.meta.published if doc else q.source.published
    if doc is not None and doc.text[q.start:q.end] == q.text:
        return extract_claims(doc.text, published, (q.start, q.end))
    return extract_claims(q.text, published)


def undirected(words: Iterable[str]) -> set[str]:
    """The words' concepts, direction ignored: "A gave" asks about what "B received"."""
    return {_UNDIRECTED.get(c, c) for c in map(concept, words)}


def _one_thing(asked: set[str], a_words: Iterable[str], b_words: Iterable[str]) -> bool:
    """Two figures' clauses measure one thing: they share a word, or each shares one with the question; not
    "fares rose 6 percent" and "took 52 percent of the vote" in the same town. Any, without question words."""
    wa, wb = undirected(a_words), undirected(b_words)
    return not asked or bool(wa & wb) or bool(asked & wa and asked & wb)


def _focus(question: str, found: list[Found]) -> set[int]:
    """Indexes of the claims a question is about: for each part of it, those whose slot shares most words.

    Direction is ignored ("A gave" asks about what "B received"); a
    question sharing no slot word with any claim keeps them all.
    """
    slots = [undirected(f.claim.slot.words) for f in found]
    keep: set[int] = set()
    for part in re.split(r"\band\b|[;?]", question.lower()):
        terms = undirected(w for w in re.findall(r"[a-z]+", part) if w not in STOPWORDS)
        scores = [len(terms & slot) for slot in slots]
        keep |= {i for i, n in enumerate(scores) if n and n == max(scores)}
    return keep or set(range(len(found)))


def find_conflicts(question: str, quotes: list[Quote], documents: dict[str, Document],
                   alike: Alike | None = None) -> list[Conflict]:
    """Disagreement notes between the quotes of independent sources, most relevant first. `alike` tells
    whether two different unit words count the same thing (rag/word_similarity.py)."""
    docs = {q.source.id: d for q in quotes if (d := documents.get(q.source.id)) is not None}
    voice = {i: g[0] for g in independent_groups(list(docs.values())) for i in g}
    kinds = asked_kinds(question)
    found = [Found(q, c, voice.get(q.source.id, q.source.id))
             for q in quotes for c in _claims(q, docs.get(q.source.id)) if c.mention.kind in kinds]
    focus = _focus(question, found)
    terms = {w for w in re.findall(r"[a-z]+", question.lower()) if w not in STOPWORDS}
    asked = {concept(w) for w in terms} | {w[:4] for w in terms}  # concepts, and name stems
    about = {_UNDIRECTED.get(c, c) for c in asked}
    sole = _sole_answers(found, kinds)
    scored, seen = [], set()
    for (i, a), (j, b) in combinations(enumerate(found), 2):
        both_sole = i in sole and j in sole and _same_measure(a.claim, b.claim, alike)
        if a.voice == b.voice or not (both_sole or i in focus and j in focus and comparable(a.claim, b.claim, alike)) \
                or not quoted_together(a.quote, b.quote, docs):
            continue
        verdict = relate(a.claim, b.claim)
        key = frozenset({(a.voice, a.claim.surface), (b.voice, b.claim.surface)})
        if verdict.relation == "agree" or key in seen:
            continue
        seen.add(key)
        relevance = len(asked & (concepts(a.claim.slot.words) | concepts(b.claim.slot.words)
                                 | a.claim.slot.entities | b.claim.slot.entities))
        if asked and not relevance:
            continue  # not about what was asked
        if not _one_thing(about, a.claim.slot.words, b.claim.slot.words):
            continue  # about the same place or people, but not the same thing
        scored.append((-relevance, verdict.relation != "contradiction", a, b, verdict))
    pairs = [(a, b, v) for *_, a, b, v in sorted(scored, key=lambda s: s[:2])]
    return [c for group in _connected(pairs) for c in _sides_conflicts(group)]


def _connected(pairs: list[tuple[Found, Found, Verdict]]) -> list[list[tuple[Found, Found, Verdict]]]:
    """The conflicting pairs in groups that share a claim (a source's figure), in the order of each first pair."""
    def keys(group) -> set:
        return {(f.voice, f.claim.surface) for pair in group for f in pair[:2]}

    groups: list[list] = []
    for pair in pairs:
        hit = [g for g in groups if keys([pair]) & keys(g)]
        if not hit:
            groups.append([pair])
            continue
        for g in hit[1:]:
            hit[0].extend(g)
        groups = [g for g in groups if not any(g is h for h in hit[1:])]
        hit[0].append(pair)
    return groups


def _sides_conflicts(pairs: list[tuple[Found, Found, Verdict]]) -> list[Conflict]:
    """Several sources at odds about one figure: one note naming each side, with how many independent sources
    give it, the best-supported first ("2 sources give “40%” [1][3]; 1 source gives “25%” [2]."). Figures that
    can both hold ("1981", "28 September 1981") stand on one side; when they all can, or only two sources
    differ, the notes name the outlets and say how they differ."""
    claims = list({(f.voice, f.claim.surface): f for p in pairs for f in p[:2]}.values())
    sides: list[list[Found]] = []
    for f in claims:
        side = next((s for s in sides if _fits(f, s)), None)
        if side is None:
            sides.append([f])
        else:
            side.append(f)
    # a figure that can hold beside two sides ("at least £18 million" beside "£60 million" and "£25 million") stands
    # on neither: placed on one, the note would set it against the other
    sides = [kept for side in sides if (kept := [f for f in side if sum(_fits(f, t) for t in sides) < 2])]
    voices = [f.voice for side in sides for f in {f.voice: f for f in side}.values()]
    if len(pairs) == 1 or len(sides) < 2 or len(voices) != len(set(voices)):
        return [_conflict(*pair) for pair in pairs]  # two sources, or one on two sides: name the outlets
    note = sides_note([({f.voice for f in s}, " / ".join(_figure(f) for f in _unlike(s)), [f.quote.id for f in s])
                       for s in sides])
    return [Conflict(topic=_topic(*pairs[0][:2]), kind="contradiction", note=note,
                     quote_ids=sorted({f.quote.id for s in sides for f in s}))]


def _fits(f: Found, side: list[Found]) -> bool:
    """The figure can hold beside every other figure of the side: it contradicts none of them."""
    return all(relate(g.claim, f.claim).relation != "contradiction" for g in side if g is not f)


def _unlike(side: list[Found]) -> list[Found]:
    """The side's figures, each agreeing one ("ten libraries", "10 libraries") shown once."""
    shown: list[Found] = []
    for f in side:
        if not any(relate(g.claim, f.claim).relation == "agree" for g in shown):
            shown.append(f)
    return shown


def sides_note(sides: list[tuple[set[str], str, list[int]]]) -> str:
    """'2 sources give “X” [1][3]; 1 source gives “Y” [2].' from each side's independent voices, answer and
    quote ids; the side with most sources first."""
    ordered = sorted(sides, key=lambda s: (-len(s[0]), min(s[2])))
    return "; ".join(f"{len(v)} source{'s give' if len(v) > 1 else ' gives'} “{answer}” "
                     + "".join(f"[{i}]" for i in sorted(set(ids))) for v, answer, ids in ordered) + "."


def _sole_answers(found: list[Found], kinds: frozenset[Kind]) -> set[int]:
    """Claims that are the only figure of the asked kind in their quote, when the question names one kind.

    Each quote was selected as an answer to the question, so its only figure of that kind
    is that source's answer: two such figures answer the same question.
    """
    if len(kinds) != 1:
        return set()
    per_quote: dict[int, list[int]] = {}
    for i, f in enumerate(found):
        per_quote.setdefault(f.quote.id, []).append(i)
    return {ids[0] for ids in per_quote.values() if len(ids) == 1}


def _same_measure(a: Claim, b: Claim, alike: Alike | None) -> bool:
    if not _same_unit(a.mention, b.mention, alike):
        return False
    if a.slot.entities and b.slot.entities and not a.slot.entities & b.slot.entities:
        return False
    ca, cb = concepts(a.slot.words), concepts(b.slot.words)
    return not any((p in ca - cb and q in cb - ca) or (q in ca - cb and p in cb - ca) for p, q in _OPPOSITE)


DISAGREE_LEAD, DIFFER_LEAD = "**Sources disagree.**", "**Sources differ.**"


def any_contradiction(conflicts: list[Conflict]) -> bool:
    """Some values exclude each other (the sources disagree), not only differ in ways that may all hold."""
    return any(c.kind == "contradiction" for c in conflicts)


def conflicts_markdown(conflicts: list[Conflict]) -> str:
    """A short paragraph for the markdown answer ('' when none): '**Sources disagree.** …' when values exclude
    each other, '**Sources differ.** …' when they differ but may all hold (a range inside a bound)."""
    if not conflicts:
        return ""
    lead = DISAGREE_LEAD if any_contradiction(conflicts) else DIFFER_LEAD
    return f"{lead} " + " ".join(c.note for c in conflicts)


# ---- evaluation ------------------------------------------------------------------
def predict(pair: PassagePair, alike: Alike | None = None) -> Relation:
    """The relation find_conflicts reports between two passages from different sources."""
    quotes = []
    docs = {}
    for n, (text, published) in enumerate([(pair.a, pair.published_a), (pair.b, pair.published_b)], 1):
        doc = Document(f"doc{n}", text, DocMeta(path=f"source-{n}.md", outlet=f"Source {n}", published=published))
        docs[doc.id] = doc
        quotes.append(Quote(id=n, text=text, source=Source.from_meta(doc.id, doc.meta), start=0, end=len(text)))
    kinds = {c.kind for c in find_conflicts(pair.question, quotes, docs, alike)}
    return "contradiction" if "contradiction" in kinds else "differs" if kinds else "agree"


def evaluate_pairs(pairs: list[PassagePair], alike: Alike | None = None) -> dict[str, dict[str, float]]:
    """Precision and recall of each relation over labelled passage pairs."""
    got = [(p.expected, predict(p, alike)) for p in pairs]
    report = {}
    for rel in ("agree", "differs", "contradiction"):
        hits = sum(e == rel and g == rel for e, g in got)
        said, truth = sum(g == rel for _, g in got), sum(e == rel for e, _ in got)
        report[rel] = {"precision": hits / said if said else 1.0, "recall": hits / truth if truth else 1.0,
                       "support": float(truth)}
    return report
