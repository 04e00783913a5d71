"""Candidate answer spans of the retrieved documents and the features the answer scorer reads.

Every sentence of a retrieved chunk is a candidate. Its span is the sentence, or the
sentence with the one before when only that one names the question's subject. The
features are general signals (no topic lists): embedding similarity of the question
to the sentence and to the sentence in context, IDF-weighted term overlap, whether
the question's names are near, whether the sentence holds a value of the kind asked
for that the question does not already contain, whether an answer slot can be read from it (and
whether the question is of a kind slots are read for), and retrieval rank. (A sentence's position in
its document and its length were tried and dropped: they describe the training articles'
format, not whether a sentence answers.)
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from rag.answer_slots import FIGURES, answer_slot, points_back
from rag.countries import countries_in, country_of, country_standing_for
from rag.models import AnswerSlot, Document, RetrievedChunk
from rag.query import QuestionInfo
from rag.synonyms import near_values, synonym_stems
from rag.text import (STOPWORDS, TITLES, TYPO_RATIO, demonym_of_place, place_of_demonym, sentence_spans, stem,
                      typo_similarity, words)
from rag.values import Value, asks_age, common_acronyms, near_terms, values

VALUE_KINDS = frozenset({"money", "percent", "count", "measure", "size", "figure", "date", "statement"})  # must be there
FEATURES = (
    "sim_sentence", "sim_context", "sim_gap", "idf_overlap", "idf_overlap_context", "entity_context",
    "entity_document", "has_entities", "typed_value", "typed_question", "new_name", "new_number",
    "chunk_rank", "doc_rank", "sim_x_entity", "overlap_x_typed", "content_overlap", "value_near_term",
    "has_slot", "slot_readable", "points_back", "asked_absent",
)


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str
    before: str  # the previous sentence of the document ("" for the first)
    before_start: int


@dataclass(frozen=True)
class Candidate:
    """A span that may answer the question, with its features (in FEATURES order)."""

    sentence: Sentence
    start: int  # the quoted span: the sentence, or the sentence before and the sentence
    end: int
    text: str
    features: np.ndarray
    eligible: bool  # its document names what the question names, and it holds a figure, date or reported speech
    # when one is asked (a date of something to come when the question asks about the future)
    values: tuple[Value, ...] = ()  # values of the asked kind in the sentence (rag/values.py), found once
    slot: AnswerSlot | None = None  # the short answer it gives (rag/answer_slots.py)

    @property
    def doc_id(self) -> str:
        return self.sentence.doc_id


def document_sentences(doc: Document) -> list[Sentence]:
    """Every sentence of a document with the one before it."""
    out: list[Sentence] = []
    prev_text, prev_start = "", -1
    for sp in sentence_spans(doc.text):
        text = doc.text[sp.start:sp.end]
        out.append(Sentence(doc.id, sp.start, sp.end, text, prev_text, prev_start))
        prev_text, prev_start = text, sp.start
    return out


def candidate_sentences(retrieved: list[RetrievedChunk], sentences_of: Callable[[str], list[Sentence]]
                        ) -> list[tuple[Sentence, int, int]]:
    """(sentence, chunk rank, document rank) for each sentence inside a retrieved chunk, once."""
    seen: set[tuple[str, int]] = set()
    doc_rank: dict[str, int] = {}
    out = []
    for rank, r in enumerate(retrieved):
        c = r.chunk
        d = doc_rank.setdefault(c.doc_id, len(doc_rank))
        for s in sentences_of(c.doc_id):
            if s.end <= c.start or s.start >= c.end or (c.doc_id, s.start) in seen or len(words(s.text)) < 4:
                continue
            seen.add((c.doc_id, s.start))
            out.append((s, rank, d))
    return out


@lru_cache(maxsize=4096)  # like _vocabulary's: a key may be a whole document's text
def _name_match(entity: str, text: str) -> float:
    """How well the text names `entity`: the best of its alternatives ("Hajin/Nor Hachn"); 1 when every word of a
    name (after a title: "Judge") is there, or its surname after a short form of its first name ("Nick Hill" for
    "Nicholas Hill"); 0.5 for its head word alone (the surname, the last word of "Fort Buchanan"; or the first word
    of a name of three or more, "Lee" for "Lee Hsien Loong"); 0.8 / 0.5 for a misspelling of a long word; 1 for a
    demonym whose place is there ("Kenyan": "Kenya") or a place whose demonym is there; else 0."""
    if "/" in entity:
        return max(_name_match(alternative, text) for alternative in entity.split("/"))
    toks, lowered = _vocabulary(text)
    parts = [w for w in words(_undotted(entity)) if w.lower() not in ("the", "of")]
    while len(parts) > 1 and parts[0].lower().rstrip(".") in TITLES:
        parts = parts[1:]  # "Justice Dunn" is named "Dunn"
    if not parts:
        return 0.0
    stems = [stem(w) for w in parts]
    if all(s in toks for s in stems):
        return 1.0
    if len(parts) == 2 and stems[1] in toks and _short_first_name(parts[0], parts[1], text):
        return 1.0
    heads = {len(parts) - 1} | ({0} if len(parts) >= 3 else set())
    if len(parts) > 1 and any(len(parts[i]) >= 3 and stems[i] in toks for i in heads):
        return 0.5
    if len(parts) == 1 and (place_of_demonym(parts[0].lower(), lowered) or
                            demonym_of_place(parts[0].lower(), lowered)):
        return 1.0
    by_initial = _words_by_initial(text)
    if any(len(w) >= 5 and any(typo_similarity(w.lower(), g) >= TYPO_RATIO for g in by_initial.get(w[0].lower(), ()))
           for w in parts):
        return 0.8 if len(parts) == 1 else 0.5
    return 0.0


def _short_first_name(first: str, surname: str, text: str) -> bool:
    """The text names the surname right after a short form of the first name or the first name after its short
    form: "Nick Hill" for "Nicholas Hill", "Alexander Dean" for "Alex Dean" (a short form has 3 to 5 letters, all
    but its last one starting the full name), "Christa Mayer" for "C. Mayer"."""
    first = first.lower()
    for m in re.finditer(rf"\b([A-Z][a-z]+)\s+{re.escape(surname)}\b", text):
        short, full = sorted((m.group(1).lower(), first), key=len)
        if len(short) == 1 and full.startswith(short) or \
                3 <= len(short) <= 5 and short != full and full.startswith(short[:-1]):
            return True
    return False


_CAP_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:of\s+|the\s+|and\s+|at\s+|for\s+)?[A-Z][\w’'\-]*)+")


@lru_cache(maxsize=4096)
def _acronyms(text: str) -> frozenset[str]:
    """Initials of the text's multi-word names: "Yangchenphug Higher Secondary School" → "yhss"; a leading
    article is no initial ("The United States" → "us")."""
    runs = [[w for w in m.group().split() if w[0].isupper()] for m in _CAP_RUN.finditer(text)]
    return frozenset("".join(w[0] for w in (ws[1:] if ws[0] in ("The", "A", "An") else ws)).lower()
                     for ws in runs if ws)


@lru_cache(maxsize=4096)
def _vocabulary(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The text's words, stemmed and lower-cased, with dotted acronyms also as one word ("U.S.": "us"); a
    document's are read once, not once per question."""
    ws = words(text) + [_undotted(m.group()) for m in _DOTTED.finditer(text)]
    return frozenset(stem(w) for w in ws), frozenset(w.lower() for w in ws)


@lru_cache(maxsize=4096)
def _words_by_initial(text: str) -> dict[str, tuple[str, ...]]:
    """The text's lower-cased words by first letter (a misspelling keeps its first letter: see typo_similarity)."""
    out: dict[str, list[str]] = {}
    for w in _vocabulary(text)[1]:
        out.setdefault(w[:1], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")  # "U.S.", "U.K.": the acronym "US", "UK"


def _undotted(text: str) -> str:
    return _DOTTED.sub(lambda m: m.group().replace(".", ""), text)


# a name after these in a question is where or what about something happened, not a party to it ("fined over the
# Gressholm ferry incident", "in Kestel"): "to", "from" and "with" name parties ("paid to Ostra")
_SETTING = re.compile(r"\b(?:in|at|on|over|near|during|across|around|inside|outside|about|after|before)\s+(?:the\s+)?$",
                      re.I)


@lru_cache(maxsize=1024)
def _parties(question: str, names: tuple[str, ...]) -> tuple[bool, ...]:
    """For each of the question's names: is it a party to what it asks about, not its setting? (Once per
    question, not per candidate sentence.)"""
    return tuple(not ((at := question.find(n)) > 0 and _SETTING.search(question, 0, at)) for n in names)


def _name_matches(info: QuestionInfo, text: str) -> list[float]:
    """How well the text mentions each of the question's names (a surname or an acronym's spelt-out name counts)."""
    acronyms = _acronyms(text) if any(e.isupper() for e in info.entity_names) else frozenset()
    return [1.0 if e.isupper() and (e.lower() in acronyms or _spelt_out(e, text)) else _name_match(e, text)
            for e in info.entity_names]


@lru_cache(maxsize=4096)
def _spelt_out(acronym: str, text: str) -> bool:
    """The text spells the acronym out in lower case too: "MMR" in "the measles, mumps and rubella vaccine"."""
    if not 3 <= len(acronym) <= 6 or not acronym.isalpha():  # "US" would be "used some"
        return False
    joiner = r"[\s,]+(?:(?:and|of|the|for|&)\s+)?"
    return bool(re.search(r"\b" + joiner.join(rf"{c}[a-z]+" for c in acronym.lower()) + r"\b", text, re.I))


def _entity_cover(info: QuestionInfo, text: str) -> float:
    """Share of the question's names the text mentions."""
    return _cover(_name_matches(info, text))


def _cover(matches: list[float]) -> float:
    """The mean of the name matches (1 when the question names nothing)."""
    return sum(matches) / len(matches) if matches else 1.0


def _names_countries(info: QuestionInfo, text: str) -> bool:
    """Every name of the question the text does not name word for word is a country it names in another form
    (its demonym, capital, code or another name: rag/countries.py)."""
    missing = [e for e, m in zip(info.entity_names, _name_matches(info, text)) if m < 1.0]
    return bool(missing) and all((c := country_of(e)) is not None and c in countries_in(text) for e in missing)


# a function word in lower case or capitalised ("while", "While"; not "US" or "IT", which can be names)
_FUNCTION_WORD = re.compile(r"(?<![\w’'])(?:" + "|".join(
    re.escape(form) for w in sorted(STOPWORDS, key=len, reverse=True) for form in (w, w.capitalize())
) + r")(?![\w’'])")


def _names_speaker(info: QuestionInfo, text: str) -> bool:
    """The text names at least half the words of who the question asks about having said something ("the
    trawler owners' association": "The Kestel Trawler Owners' Association said …"; a demonym or a near
    spelling counts, but no function word is a near spelling of a speaker's: "While" does not name "White")."""
    asked = [w for w in words(info.speaker or "") if w.lower() not in STOPWORDS]
    if not asked:
        return True
    content = _FUNCTION_WORD.sub(" ", text)
    return 2 * sum(_name_match(w, content) >= 0.5 for w in asked) >= len(asked)


def _overlap(terms: list[str], idf: Callable[[str], float], text: str) -> float:
    """IDF-weighted share of the terms the text contains."""
    if not terms:
        return 0.0
    have = _vocabulary(text)[0]
    weights = [idf(t) for t in terms]
    return sum(w for t, w in zip(terms, weights) if t in have) / (sum(weights) or 1.0)


def _absent_share(terms: list[str], idf: Callable[[str], float], texts: list[str]) -> float:
    """The IDF-weighted share of the terms that none of the texts holds (0 without terms)."""
    weights = {t: idf(t) for t in terms}
    total = sum(weights.values())
    if not total:
        return 0.0
    present = frozenset().union(*(_vocabulary(t)[0] for t in texts))
    return sum(w for t, w in weights.items() if t not in present) / total


def _value_near_term(info: QuestionInfo, text: str, found: list[Value], window: int = 4) -> bool:
    """One of the values found stands within a few words of a word the question asks about, or in its clause
    ("how many engineers" → "about 300 engineers")."""
    return any(near_terms(text, v, info.asked_terms, window) is not None for v in found)


_CAP = re.compile(r"(?<!^)(?<![.!?\"“]\s)\b[A-Z][\w’'\-]+")
_DIGITS = re.compile(r"\d[\d,.]*")


def _new_name(info: QuestionInfo, text: str) -> bool:
    return any(stem(m.group()) not in info.stems for m in _CAP.finditer(text))


def _new_number(info: QuestionInfo, text: str) -> bool:
    return any(m.group().strip(",.") not in info.text for m in _DIGITS.finditer(text))


# a Markdown heading ("# Storm floods Portmere"): a headline's words are cut short and capitalised as titles, so it
# gives no answer of its own (the article says the same in sentences) and no names to compare
_HEADING = re.compile(r"#{1,6}\s")
# a sentence about what is still to come: only it can date a future event ("When will … next …?")
_FUTURE = re.compile(r"\b(?:will|shall|plans?|planned|planning|next|upcoming|scheduled|expected|due to|set to|"
                     r"to be held|intends?|aims? to)\b", re.I)
EMBEDDED = 16  # candidates per question that get embedded: the most promising by the lexical features
SENTENCE_CHARS = 320  # a sentence is embedded by its first ~70 tokens (longer "sentences" are page furniture)


@dataclass(frozen=True)
class _Lexical:
    """The features of one sentence that need no embedding."""

    row: tuple[Sentence, int, int]
    entity_sentence: float
    entity_context: float
    party_least: float  # how well the sentence with the one before names the party it names worst (1 without two)
    values: list[Value]
    overlap: float
    overlap_context: float
    content_overlap: float

    @property
    def promise(self) -> float:
        """How likely the sentence is to answer, from these alone (only to choose what to embed)."""
        return self.entity_context + self.overlap_context + self.content_overlap + float(bool(self.values)) \
            + 1.0 / (1 + self.row[1])


def _lexical(info: QuestionInfo, row: tuple[Sentence, int, int], idf: Callable[[str], float]) -> _Lexical:
    s = row[0]
    context = f"{s.before} {s.text}"
    matches = _name_matches(info, context)
    parties = [m for m, party in zip(matches, _parties(info.text, tuple(info.entity_names))) if party]
    return _Lexical(row, _entity_cover(info, s.text), _cover(matches), min(parties) if len(parties) > 1 else 1.0,
                    values(info, s.text) if info.answer_type else [],
                    _overlap(info.terms, idf, s.text), _overlap(info.terms, idf, context),
                    _overlap(info.content_terms, idf, context))


@lru_cache(maxsize=1024)
def _named_text(doc: Document) -> str:
    """Where a document names things: its title, outlet and text. One string per document, not a fresh copy per
    question, so the caches keyed by a document's text (_vocabulary, _name_match, countries_in) hold one copy."""
    return f"{doc.meta.title or ''} {doc.meta.outlet or ''} {doc.text}"


def joined_names(info: QuestionInfo, texts: Iterable[str]) -> QuestionInfo:
    """The question with a name it writes "A and B" or "A & B" ("Kestel and Ostra Railway Depot", "Marlow &
    Pellham") as one name when one of the texts joins A to B's first word so ("the Kestel & Ostra line"): the
    question alone cannot tell it from two names."""
    names, texts = list(info.entity_names), list(texts)
    i = 0
    while i < len(names) - 1:
        m = re.search(rf"{re.escape(names[i])}\s+(?:and|&)\s+{re.escape(names[i + 1])}", info.text)
        joined = m and re.compile(rf"\b{re.escape(names[i])}\s+(?:and|&)\s+{re.escape(names[i + 1].split()[0])}\b")
        if joined and any(joined.search(t) for t in texts):
            names[i:i + 2] = [m.group()]
        else:
            i += 1
    return replace(info, entity_names=names) if names != info.entity_names else info


def _names_every_name(info: QuestionInfo, doc_names: dict[str, list[float]], named: dict[str, str]
                      ) -> dict[str, bool]:
    """Does each document name every name of the question? A name no document names that stands for a country
    counts as named where the document names that country in any form (rag/countries.py): a country's own name
    ("How many ships did Kenya buy?": "Nairobi bought …"), or a building's, organisation's or place's by its WordNet
    definition ("What did Kenya get from the White House …": the United States). A speaker asked about must still
    be named as itself (see _names_speaker)."""
    stand_ins = {j: country for j, name in enumerate(info.entity_names) if all(m[j] < 0.5 for m in doc_names.values())
                 and (country := country_of(name) or country_standing_for(name))}
    return {d: all(m >= 0.5 or j in stand_ins and stand_ins[j] in countries_in(named[d]) for j, m in enumerate(ms))
            for d, ms in doc_names.items()}


def featurize(info: QuestionInfo, q_vec: np.ndarray, rows: list[tuple[Sentence, int, int]],
              vectors: Callable[[list[str]], np.ndarray], idf: Callable[[str], float],
              documents: dict[str, Document]) -> list[Candidate]:
    """Candidates with their feature vectors and answer slots: the EMBEDDED most promising sentences."""
    if not rows:
        return []
    named = {d: _named_text(doc) for d, doc in documents.items()}  # each document's names, read once
    info = replace(joined_names(info, named.values()), common_acronyms=common_acronyms(named.values()))
    lex = sorted((_lexical(info, r, idf) for r in rows), key=lambda x: -x.promise)[:EMBEDDED]
    sents = [x.row[0] for x in lex]
    both = vectors([s.text[:SENTENCE_CHARS] for s in sents] + [(s.before or s.text)[:SENTENCE_CHARS] for s in sents])
    sv, bv = both[:len(sents)], both[len(sents):]
    ctx = sv + 0.5 * bv
    ctx /= np.linalg.norm(ctx, axis=1, keepdims=True) + 1e-9
    sim, sim_ctx = sv @ q_vec, ctx @ q_vec
    best = float(sim.max())
    doc_names = {d: _name_matches(info, text) for d, text in named.items()}
    doc_cover = {d: _cover(m) for d, m in doc_names.items()}
    # a source the asker names ("According to the Harbour Gazette, …"): documents that never name it do not answer
    unnamed_source = {d for d, text in named.items() for source in info.sources if _name_match(source, text) < 0.5}
    names_ok = {d: ok and d not in unnamed_source for d, ok in _names_every_name(info, doc_names, named).items()}
    typed = info.answer_type is not None
    # how much of what the question asks about no retrieved document mentions at all ("Which *clause* of the
    # charter …" over articles that never say "clause"): a question about what the sources never discuss
    absent = _absent_share(info.asked_terms, idf, list(named.values()))
    # the question is of a kind rag/answer_slots.py reads an answer for: a span without one means something
    slot_readable = info.answer_type not in (None, "statement") or bool(info.head or info.asked_verb or info.definition)
    # the question as each sentence words it: its words for what is asked about ("troops" for "soldiers")
    near = [near_values(x.row[0].text, x.values) if info.answer_type != "statement" else [] for x in lex]
    wordings = [replace(info, asked_terms=info.asked_terms + syn) if syn else info
                for syn in synonym_stems(info, near, vectors)]
    out = []
    for i, x in enumerate(lex):
        s, chunk_rank, doc_rank = x.row
        value = bool(x.values)
        back = points_back(info, s.text)
        f = np.array([
            sim[i], sim_ctx[i], sim[i] - best, x.overlap, x.overlap_context, x.entity_context,
            doc_cover.get(s.doc_id, 0.0), float(bool(info.entity_names)), float(value), float(typed),
            float(_new_name(info, s.text)), float(_new_number(info, s.text)),
            1.0 / (1 + chunk_rank), 1.0 / (1 + doc_rank),
            sim[i] * x.entity_context, x.overlap * float(value), x.content_overlap,
            float(_value_near_term(wordings[i], s.text, x.values)), 0.0, float(slot_readable),
            float(back), absent,
        ], dtype=np.float32)
        # the sentence before names the subject, and the sentence does not name it as a country in another form
        # ("Kenyan troops …" names Kenya)
        joined = s.before and x.entity_context > x.entity_sentence and not _names_countries(info, s.text)
        start = s.before_start if joined else s.start
        text = documents[s.doc_id].text[start:s.end] if s.doc_id in documents else s.text
        about_subject = not info.entity_names or doc_cover.get(s.doc_id, 0.0) >= 0.8 and (
            x.entity_context >= 0.5 or back)
        slot = answer_slot(info, s.text, x.values, about_subject)
        if slot is None and wordings[i] is not info:  # the question's own words first: a word near one of
            slot = answer_slot(wordings[i], s.text, x.values, about_subject)  # them in meaning may be its opposite
        f[FEATURES.index("has_slot")] = float(slot is not None)
        kind_ok = (value or info.answer_type not in VALUE_KINDS) and not (
            info.future and info.answer_type == "date" and not _FUTURE.search(s.text)) and not (
            info.answer_type == "statement" and not _names_speaker(info, f"{s.before} {s.text}")) and not (
            info.answer_type in FIGURES and x.party_least < 0.5
            and not asks_age(info.text))  # a figure between two parties, not someone's age when they did something
        eligible = names_ok.get(s.doc_id, False) and kind_ok and not _HEADING.match(s.text)
        out.append(Candidate(s, start, s.end, text, f, eligible,
                             tuple(x.values), slot))
    return out
