"""The default answerer: picks the source sentences that answer the question. No LLM, deterministic.

A sentence qualifies when it carries the kind of fact the question asks for
(an amount for "how much", a count of the asked-about thing for "how many", a
date for "when" …), mentions the question's named entities, and scores above
a calibrated bar on embedding similarity plus concept coverage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.answer import Draft, DraftClaim
from rag.models import ChainInput, Document, RetrievedChunk
from rag.query import ALIAS_WORDS, Concept, QuestionInfo, analyze, split_question
from rag.text import TYPO_RATIO, sentence_spans, stem, typo_similarity, words
from rag.verify import QuoteClaim

_NUM = (r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
        r"forty|fifty|sixty|hundred|dozens|hundreds|thousands|millions|tens of thousands)")
TYPE_PATTERNS = {
    "money": re.compile(r"[$€£¥]\s?\d|\d[\d,.]*\s?(?:bn|m|billion|million|trillion)?\s*"
                        r"(?:dollars|euros|pounds|yuan|won|rubles|roubles)\b|\b(?:USD|EUR|GBP)\s?\d", re.I),
    "percent": re.compile(r"\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I),
    "count": re.compile(rf"\b{_NUM}\b", re.I),
    "measure": re.compile(rf"\b{_NUM}\s?-?\s?(?:metres?|meters?|m|km|kilomet(?:re|er)s?|miles?|feet|foot|ft|inches|cm|"
                         r"kg|kilograms?|tonnes?|tons?|hectares?|acres?|square|cubic|litres?|liters?|"
                         r"years?|months?|weeks?|days?|hours?|minutes?)\b", re.I),
    "date": re.compile(r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|"
                       r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
                       r"\b(?:last|this|next|earlier this|later this) (?:year|month|week)\b|\byesterday\b|\btoday\b",
                       re.I),
    "person": re.compile(r"\b(?:leader|president|minister|official|spokes(?:person|man|woman)|defector|analyst|"
                         r"agency|group|think tank|expert|researcher|general|chairman|secretary|ambassador|chief|"
                         r"founder|director|professor|teacher|schoolteacher|engineer|scientist|mayor|governor)s?\b",
                         re.I),
    "place": re.compile(r"\b(?:in|at|to|from|near|inside)\s+(?:the\s+)?[A-Z][\w’'\-]+|\b(?:at|during|in)\s+(?:a|an|the)\s+"
                        r"[\w’'\- ]{0,40}?\b(?:meeting|session|complex|summit|conference|headquarters|site|facility)\b"),
}


@dataclass(frozen=True)
class Scored:
    doc_id: str
    start: int
    end: int
    text: str
    score: float
    eligible: bool


@dataclass
class ExtractiveConfig:
    # Calibrated on evals/grounding.jsonl (and evals/external_example.jsonl): results are flat for
    # thresholds 0.45-0.55 and min_content 0.34-0.5; the middle of both ranges is used.
    threshold: float = 0.5
    sim_weight: float = 0.5
    min_content: float = 0.4  # share of the question's non-name terms a sentence must contain
    max_quotes: int = 4
    max_embedded: int = 12
    per_source: int = 2
    near_best: float = 0.12  # other sources' sentences within this of the best are quoted too


class ExtractiveAnswerer:
    def __init__(self, embedder, config: ExtractiveConfig | None = None):
        self.embedder = embedder
        self.config = config or ExtractiveConfig()
        self._cache: dict[tuple[str, int, int], np.ndarray] = {}

    def draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
              documents: dict[str, Document]) -> Draft:
        parts = split_question(question)
        sentences = _candidate_sentences(retrieved)
        draft = Draft(parts=parts)
        if not sentences:
            return draft
        best_overall: list[Scored] = []
        for i, part in enumerate(parts):
            scored = self._score(analyze(part), part, sentences)
            chosen = self._select(scored)
            draft.claims.extend(DraftClaim(QuoteClaim(s.doc_id, s.text, s.start), part=i) for s in chosen)
            best_overall.extend(sorted(scored, key=lambda s: -s.score)[:2])
        if not draft.claims:
            seen: set[tuple[str, int]] = set()
            for s in sorted(best_overall, key=lambda s: -s.score):
                if (s.doc_id, s.start) not in seen and len(draft.closest) < 2:
                    seen.add((s.doc_id, s.start))
                    draft.closest.append(QuoteClaim(s.doc_id, s.text, s.start))
        return draft

    def _sentence_vectors(self, sentences: list[Sentence]) -> np.ndarray:
        missing = [s for s in sentences if s.key not in self._cache]
        if missing:
            if len(self._cache) > 50_000:
                self._cache.clear()
            for s, v in zip(missing, self.embedder.embed([m.text for m in missing])):
                self._cache[s.key] = v
        return np.stack([self._cache[s.key] for s in sentences]) if sentences else np.zeros((0, 384))

    def _score(self, info: QuestionInfo, question: str, sentences: list[Sentence]) -> list[Scored]:
        """Coverage and eligibility for every sentence; embedding similarity only for eligible ones."""
        total_w = sum(c.weight for c in info.concepts) or 1.0
        content_w = sum(c.weight for c in info.concepts if not c.is_entity)
        w = self.config.sim_weight
        rows = []
        for s in sentences:
            forms, near = Tokens.of(s.text), Tokens.of(s.before + " " + s.text)
            hits = [c for c in info.concepts if _hit(c, near if c.is_entity else forms)]
            coverage = sum(c.weight for c in hits) / total_w
            entity_ok = all(_hit(c, near) for c in info.entities)
            content_ok = not content_w or sum(c.weight for c in hits if not c.is_entity) / content_w >= self.config.min_content
            rows.append((s, coverage, entity_ok and content_ok and _type_ok(info, s.text, s.before)))
        # only the best-covered eligible sentences are embedded: the rest could not win anyway
        eligible = [s for s, _, ok in sorted(rows, key=lambda r: -r[1]) if ok][:self.config.max_embedded]
        sims = dict(zip((s.key for s in eligible), self._sentence_vectors(eligible) @ self.embedder.embed([question])[0]))
        return [Scored(s.doc_id, s.start, s.end, s.text, w * float(sims.get(s.key, 0.0)) + (1 - w) * cov, ok)
                for s, cov, ok in rows]

    def _select(self, scored: list[Scored]) -> list[Scored]:
        """The best eligible sentence if it clears the bar, plus close runners-up, other sources first."""
        cfg = self.config
        ranked = sorted((s for s in scored if s.eligible), key=lambda s: -s.score)
        if not ranked or ranked[0].score < cfg.threshold:
            return []
        bar = max(cfg.threshold, ranked[0].score - cfg.near_best)
        chosen: list[Scored] = []
        per: dict[str, int] = {}
        for s in ranked:  # the best sentence of every source first, then seconds
            if s.score >= bar and s.doc_id not in per:
                chosen.append(s)
                per[s.doc_id] = 1
        for s in ranked:
            if s.score >= max(bar, ranked[0].score - cfg.near_best / 3) and s not in chosen \
                    and per.get(s.doc_id, 0) < cfg.per_source:
                chosen.append(s)
                per[s.doc_id] += 1
        return sorted(chosen, key=lambda s: -s.score)[:cfg.max_quotes]


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str
    before: str  # the previous sentence: where "the country" / "it" got its name

    @property
    def key(self) -> tuple[str, int, int]:
        return self.doc_id, self.start, self.end


def _candidate_sentences(retrieved: list[RetrievedChunk]) -> list[Sentence]:
    """Unique sentences of the retrieved chunks, with offsets into their document."""
    seen: set[tuple[str, int]] = set()
    out = []
    for r in retrieved:
        c = r.chunk
        prev = ""
        for sp in sentence_spans(c.text):
            text = c.text[sp.start:sp.end]
            key = (c.doc_id, c.start + sp.start)
            if key not in seen and len(words(text)) >= 4:
                seen.add(key)
                out.append(Sentence(c.doc_id, c.start + sp.start, c.start + sp.end, text, prev))
            prev = text
    return out


@dataclass(frozen=True)
class Tokens:
    """A text's stemmed words, as a set and as a padded string for phrase lookups."""

    stems: tuple[str, ...]
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> "Tokens":
        ws = tuple(words(text))
        return cls(tuple(stem(w) for w in ws), ws)

    @property
    def joined(self) -> str:
        return " " + " ".join(self.stems) + " "


def _mentions(concept_forms: frozenset[str], toks: Tokens) -> bool:
    """True if any form occurs (phrases as word runs; long words up to a typo)."""
    stems = set(toks.stems)
    for f in concept_forms:
        if (" " in f and f" {f} " in toks.joined) or f in stems:
            return True
        parts = f.split()
        if len(parts) >= 3 and (2 * sum(p in stems for p in parts) >= len(parts) or parts[0] in stems):
            return True  # "Kim" for "Kim Jong Un", "Defense Intelligence Agency" for the "US …" one
    return False


def _mentions_typo(word: str, toks: Tokens) -> bool:
    """A longer question word found in the sentence up to a typo ("Rusia", "warheds")."""
    if len(word) < 5:
        return False
    return any(typo_similarity(word, g) >= TYPO_RATIO for g in {w.lower() for w in toks.words})


def _hit(concept: Concept, toks: Tokens) -> bool:
    return _mentions(concept.forms, toks) or _mentions_typo(concept.raw, toks)


_FUTURE = re.compile(r"\b(?:will|next|upcoming|planned|scheduled|plans? to|is to|are to|expected to)\b", re.I)
_NUMBER_TOKEN = re.compile(rf"^{_NUM}$|^\d[\d,.]*[-–]\d[\d,.]*$|^(?:thousand|million|billion)$", re.I)


def _type_ok(info: QuestionInfo, text: str, before: str = "") -> bool:
    """Does the sentence carry the kind of fact the question asks for?"""
    if info.future and not _FUTURE.search(text):
        return False
    if info.answer_type is None:
        return True
    toks = Tokens.of(text)
    if info.answer_type == "name":
        return _new_name_near(info, toks)
    if info.answer_type == "statement":
        return _speaker_says(info, toks, Tokens.of(before))
    if info.answer_type == "person" and _new_person_name(info, text):
        return True
    if not TYPE_PATTERNS[info.answer_type].search(text):
        return False
    if info.answer_type == "count" and info.head_nouns:
        return any((toks.stems[i] in info.head_nouns or _mentions_typo(info.head_word, Tokens((), toks.words[i:i + 1]))) and
                   any(_NUMBER_TOKEN.match(w) for w in toks.words[max(0, i - 5):i])
                   for i in range(len(toks.stems)))
    return True


_NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b|\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b")


def _new_person_name(info: QuestionInfo, text: str) -> bool:
    """A multi-word proper name the question doesn't contain and that isn't a country or its people."""
    for m in _NAME_RUN.finditer(text):
        parts = [stem(w) for w in words(m.group())]
        if all(p in info.question_stems for p in parts) or " ".join(w.lower() for w in words(m.group())) in ALIAS_WORDS:
            continue
        if m.start() == 0 and len(parts) < 2:
            continue
        return True
    return False


_SPEECH = frozenset((  # surface forms: stems would confuse "stated" with "(United) States"
    "said says say stated warned warns called calls described describes urged urges reiterated announced "
    "announces expressed emphasized emphasised stressed noted added told declared criticized dismissed panned "
    "hailed lauded welcomed condemned claimed argued insisted responded reacted replied reported reports "
    "quoted statement pledged vowed accused").split())


def _speaker_says(info: QuestionInfo, toks: Tokens, before: Tokens, window: int = 8) -> bool:
    """The asked-about speaker is the one speaking: "X said/warned/…", "…, said X" or "according to X"
    ("He said …" counts when the sentence before names X)."""
    if not info.speaker:
        return True
    named_before = any(st in info.speaker for st in before.stems)
    who = [i for i, st in enumerate(toks.stems) if st in info.speaker or (named_before and st in ("he", "she", "they"))]
    verbs = [i for i, w in enumerate(toks.words) if w.lower() in _SPEECH]
    according = [i for i in range(len(toks.stems) - 1) if toks.stems[i] == "accord" and toks.stems[i + 1] == "to"]
    return any(-3 <= v - w <= window for w in who for v in verbs) or \
        any(0 < w - a <= 6 for w in who for a in according)


def _new_name_near(info: QuestionInfo, toks: Tokens, window: int = 3) -> bool:
    """Where the sentence names the asked-about noun, a proper name or code the question doesn't
    already contain must stand next to it ("groups like the Lazarus Group"); a sentence that
    doesn't name it ("which fruit" → "exports quinces") is judged like any other."""
    heads = [i for i, st in enumerate(toks.stems) if st in info.head_nouns]
    if not heads:
        return True
    for i, (w, st) in enumerate(zip(toks.words, toks.stems)):
        is_name = (w[:1].isupper() and i > 0) or bool(re.match(r"^[A-Z]{1,4}-?\d", w))
        if is_name and st not in info.question_stems and any(abs(i - h) <= window for h in heads):
            return True
    return False
