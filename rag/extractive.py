"""The default answerer: quotes the best answer-bearing span of every source that has one. No LLM.

Every sentence of the retrieved documents is a candidate (rag/evidence.py); a learned scorer
(rag/scorer.py, trained by rag/train_scorer.py) gives each the probability that it answers
the question. Only documents that name what the question names (a surname, an acronym's
spelt-out name or a misspelling counts) are evidence, and a question asking for a figure or
a date is only answered by a span that holds one (what someone said, by a span that reports
speech), and "How many …" not by a span that only counts things of another kind (rag/noun_kinds.py).
Each source's best span is quoted when it clears the calibrated bar, best first, up to
`max_sources` different passages; when the answer is a figure, so is a source below the bar whose span
gives a figure of that kind next to a word the question asks about, or its one figure in the answer's unit
in a span about the subject, so that its figure is compared.
When no span clears the bar the answer abstains and shows the closest passages.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag.answer import Draft, DraftClaim
from rag.answer_slots import FIGURES
from rag.evidence import FEATURES, Candidate, Sentence, candidate_sentences, document_sentences, featurize
from rag.models import AnswerSlot, ChainInput, Document, RetrievedChunk
from rag.noun_kinds import asked_count_noun, asks_for_a_thing, counted_noun, other_kinds, reads_a_person
from rag.query import QuestionInfo, analyze, split_question
from rag.scorer import AnswerScorer, load_scorer
from rag.slot_conflicts import figure_unit
from rag.stories import same_story
from rag.text import normalize
from rag.verify import QuoteClaim


_ENTITY_DOCUMENT = FEATURES.index("entity_document")  # how fully a candidate's document names the subject
_VALUE_NEAR_TERM = FEATURES.index("value_near_term")  # a value of the asked kind next to an asked word
WITNESS_FLOOR = 0.03  # the least score of a further source that gives the figure asked for (below the bar)
_ENTITY_CONTEXT = FEATURES.index("entity_context")  # how fully the span with the sentence before names the subject
_CONTENT_OVERLAP = FEATURES.index("content_overlap")  # the question's words other than its names, in the span
_UNIT_FIGURES = {"money", "percent", "measure"}  # kinds whose unit says what is measured (a count's does not)
_PREFERRED_SLOTS = FIGURES | {"date"}  # a source is quoted by its span that gives one of these, if its best gives none


def _lone_figure(s: Scored, answer: AnswerSlot) -> Scored | None:
    """The span read as giving its one figure of the answer's kind and unit ("put the final bill at 16.5 million
    euros" beside "cost 14 million euros"), when it names the subject, holds a word of the question other than
    its names and scores at least WITNESS_FLOOR; else None."""
    c = s.candidate
    unit = figure_unit(answer.text)
    same = {v.text for v in c.values if v.kind == answer.kind and figure_unit(v.text) == unit}
    if s.p < WITNESS_FLOOR or unit is None or answer.kind not in _UNIT_FIGURES or len(same) != 1 or \
            c.features[_ENTITY_CONTEXT] < 1.0 or not c.features[_CONTENT_OVERLAP]:
        return None
    return Scored(replace(c, slot=AnswerSlot(kind=answer.kind, text=same.pop())), s.p)


def _other_unit(answer: AnswerSlot | None, slot: AnswerSlot | None) -> bool:
    """Both give a figure of one kind that says what it measures, in different units ("138 metres" against
    "620 megawatts")."""
    return answer is not None and slot is not None and answer.kind == slot.kind and answer.kind in _UNIT_FIGURES \
        and figure_unit(answer.text) != figure_unit(slot.text)


def _in_answer_unit(s: Scored, ranked: list[Scored], answer: AnswerSlot) -> Scored:
    """A further source's span that gives its one figure in the answer's unit (`_lone_figure`), over its best span,
    which gives another measure ("650 megawatts" over "rises 138 metres" when the answer is in megawatts)."""
    same_doc = (_lone_figure(r, answer) for r in ranked if r.candidate.doc_id == s.candidate.doc_id)
    return next((r for r in same_doc if r is not None), s)


def _counts_other_things(asked: str | None, c: Candidate) -> bool:
    """Each count of the span that says what it counts counts things of another kind than `asked`, the noun of "How
    many …" ("about 40,000 dairy farmers" for "How many tractors …"), and one says what it counts."""
    if asked is None:
        return False
    nouns = [n for v in c.values if v.kind == "count" and (n := counted_noun(c.sentence.text[v.end:])) is not None]
    return bool(nouns) and all(other_kinds(asked, n) for n in nouns)


def _no_person_for_a_thing(s: Scored) -> Scored:
    """The span without its answer slot when that reads a person's name ("chief executive Saskia Doorn"), for a
    question asking which thing ("Which company won the contract …?"): that person is no answer to compare."""
    c = s.candidate
    at = next((v.start for v in c.values if v.text == c.slot.text), None) if c.slot is not None else None
    return Scored(replace(c, slot=None), s.p) if at is not None and reads_a_person(c.sentence.text, at, c.slot.text) \
        else s


def _passage_key(c: Candidate) -> str:
    """The passage a candidate quotes, as syndicated copies share it."""
    return normalize(c.sentence.text).lower()


@dataclass
class ExtractiveConfig:
    max_sources: int = 5  # independent sources quoted per (sub-)question, best first
    threshold: float | None = None  # the abstention bar; None: the scorer's calibrated one


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    p: float


class ExtractiveAnswerer:
    def __init__(self, embedder, idf: Callable[[str], float] | None = None, scorer: AnswerScorer | None = None,
                 config: ExtractiveConfig | None = None):
        self.embedder = embedder
        self.idf = idf or (lambda term: 1.0)
        self.scorer = scorer or load_scorer()
        self.config = config or ExtractiveConfig()
        self._vectors: dict[str, np.ndarray] = {}
        self._sentences: dict[str, list[Sentence]] = {}

    @property
    def threshold(self) -> float:
        """Abstain when no span scores this high."""
        return self.scorer.threshold if self.config.threshold is None else self.config.threshold

    @property
    def source_threshold(self) -> float:
        """Once the question is answered, a further source is quoted when its best span scores this high."""
        return self.scorer.source_threshold

    # ---- evidence ------------------------------------------------------------
    def _embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of texts, cached across questions (read into a local map: other threads may clear the cache)."""
        found = {t: v for t in texts if (v := self._vectors.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.embedder.embed(missing)))
            if len(self._vectors) > 50_000:
                self._vectors.clear()
            self._vectors.update((t, found[t]) for t in missing)
        return np.stack([found[t] for t in texts])

    def _document_sentences(self, documents: dict[str, Document]) -> Callable[[str], list[Sentence]]:
        def of(doc_id: str) -> list[Sentence]:
            doc = documents.get(doc_id)
            if doc is None:
                return []
            sentences = self._sentences.get(doc.id)
            if sentences is None:
                sentences = document_sentences(doc)
                if len(self._sentences) > 5_000:
                    self._sentences.clear()
                self._sentences[doc.id] = sentences
            return sentences
        return of

    def candidates(self, question: str, retrieved: list[RetrievedChunk],
                   documents: dict[str, Document]) -> tuple[QuestionInfo, list[Candidate]]:
        """The question's analysis and every candidate span with its features."""
        info = analyze(question)
        rows = candidate_sentences(retrieved, self._document_sentences(documents))
        q_vec = self.embedder.embed([info.text])[0]
        return info, featurize(info, q_vec, rows, self._embed, self.idf, documents)

    def scored(self, question: str, retrieved: list[RetrievedChunk],
               documents: dict[str, Document]) -> tuple[QuestionInfo, list[Scored]]:
        info, cands = self.candidates(question, retrieved, documents)
        if not cands:
            return info, []
        p = self.scorer.probability(np.stack([c.features for c in cands]))
        return info, sorted((Scored(c, float(x)) for c, x in zip(cands, p)), key=lambda s: -s.p)

    # ---- the answer ----------------------------------------------------------
    def draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
              documents: dict[str, Document]) -> Draft:
        parts = split_question(question)
        draft = Draft(parts=parts)
        runners_up: list[Scored] = []
        for i, part in enumerate(parts):
            info, ranked = self.scored(part, retrieved, documents)
            if ranked:
                draft.confidence = max(draft.confidence or 0.0, ranked[0].p)
            for s in self.select(ranked, info, documents):
                c = s.candidate
                draft.claims.append(DraftClaim(QuoteClaim(c.doc_id, c.text, c.start), part=i,
                                               slot=c.slot, score=s.p))
            runners_up.extend(ranked[:2])
        if not draft.claims:
            for s in sorted(runners_up, key=lambda s: -s.p)[:2]:
                draft.closest.append(QuoteClaim(s.candidate.doc_id, s.candidate.text, s.candidate.start))
        return draft

    def select(self, ranked: list[Scored], info: QuestionInfo | None = None,
               documents: dict[str, Document] | None = None) -> list[Scored]:
        """The best span of each source that clears the bar, up to `max_sources` different passages
        (a passage that syndicated copies share is quoted from each copy but counts once). For "How many …" (given
        the question's `info`), a span whose every count counts things of another kind is no answer, and for "Which
        company …", a person's name no answer slot (`_no_person_for_a_thing`). For a question
        that names nothing ("How many people were taken to hospital?"), given the `documents`, a further source must
        tell the best source's story (rag/stories.py): it also retrieves other stories' figures. (A question that
        names something is tied to its sources by that name: sources about two bearers of it both answer.)"""
        counted = asked_count_noun(info.text) if info is not None and info.answer_type == "count" else None
        ranked = [s for s in ranked if s.candidate.eligible and not _counts_other_things(counted, s.candidate)]
        if not ranked or ranked[0].p < self.threshold:
            return []
        if documents is not None and info is not None and not info.entity_names and \
                ranked[0].candidate.doc_id in documents:
            story = documents[ranked[0].candidate.doc_id]
            ranked = [s for s in ranked if s.candidate.doc_id not in documents
                      or same_story(story, documents[s.candidate.doc_id])]
        thing = info is not None and info.answer_type == "name" and asks_for_a_thing(info.text)
        chosen: list[Scored] = []
        docs: set[str] = set()
        texts: set[str] = set()
        for s in ranked:
            if chosen and s.p < self.source_threshold:
                break
            s = self._with_slot(s, ranked)
            if thing:
                s = _no_person_for_a_thing(s)
            if chosen and _other_unit(chosen[0].candidate.slot, s.candidate.slot):
                s = _in_answer_unit(s, ranked, chosen[0].candidate.slot)
            if chosen and chosen[0].candidate.features[_ENTITY_DOCUMENT] >= 0.8 > \
                    s.candidate.features[_ENTITY_DOCUMENT]:
                continue  # the best source names the subject in full; one naming only its last word may not be about it
            if chosen and chosen[0].candidate.slot is not None and chosen[0].candidate.slot.kind in FIGURES and \
                    not s.candidate.values:
                continue  # the best source gives the figure asked for; one that holds no figure of its kind gives none
            key = _passage_key(s.candidate)
            if s.candidate.doc_id in docs or key not in texts and len(texts) >= self.config.max_sources:
                continue
            docs.add(s.candidate.doc_id)
            texts.add(key)
            chosen.append(self._extended(s, ranked))
        return chosen + self._figure_witnesses(chosen, ranked, docs, texts)

    def _figure_witnesses(self, chosen: list[Scored], ranked: list[Scored], docs: set[str],
                          texts: set[str]) -> list[Scored]:
        """For a figure asked for: further sources, below the bar, whose span gives a figure of the same kind
        next to a word the question asks about ("It cost 64 million euros") in a document that names the
        subject in full: what they give is compared with the answer, so a different figure is noted. Only a
        source's best span is one: below it, a figure is more likely about something else ("Two people were taken
        to hospital" under "1,400 residents were moved to shelters", for "How many people were evacuated?")."""
        best = chosen[0].candidate if chosen else None
        if best is None or best.slot is None or best.slot.kind not in FIGURES:
            return []
        out = []
        seen: set[str] = set()
        for s in ranked:
            c = s.candidate
            if len(texts) >= self.config.max_sources or s.p < WITNESS_FLOOR:
                break
            best_of_source = c.doc_id not in seen
            seen.add(c.doc_id)
            key = _passage_key(c)
            if c.doc_id in docs or key in texts or c.features[_ENTITY_DOCUMENT] < 0.8 or not best_of_source:
                continue
            if c.slot is None:
                s = _lone_figure(s, best.slot)
                if s is None:
                    continue
            elif c.slot.kind != best.slot.kind or not c.features[_VALUE_NEAR_TERM]:
                continue
            docs.add(c.doc_id)
            texts.add(key)
            out.append(s)
        return out

    def _with_slot(self, best: Scored, ranked: list[Scored]) -> Scored:
        """A source's best span, or, when that gives no answer slot, its best span that gives the figure or date
        asked for and clears the bar for a further source ("Each one will stand 260 metres tall" over the span
        that names the wind farm). (Names and phrases read so gave false notes: "naval officer" against
        "company".)"""
        if best.candidate.slot is not None:
            return best
        return next((s for s in ranked if s.candidate.doc_id == best.candidate.doc_id and s.candidate.slot is not None
                     and s.candidate.slot.kind in _PREFERRED_SLOTS and s.p >= self.source_threshold), best)

    def _extended(self, best: Scored, ranked: list[Scored]) -> Scored:
        """The source's best span, or a longer span of the same source that holds it and clears the bar for a
        further source (the sentence after it, joined to it because it names no subject of its own: "The stolen
        data included names, addresses and account numbers.")."""
        b = best.candidate
        longer = next((s.candidate for s in ranked if s.p >= self.source_threshold and s.candidate.doc_id == b.doc_id
                       and s.candidate.start <= b.start and s.candidate.end > b.end), None)
        if longer is None or b.slot is not None and any(v.text != b.slot.text for v in longer.values):
            return best  # a second value of the asked kind would go uncompared
        return Scored(replace(b, start=longer.start, end=longer.end, text=longer.text, slot=b.slot or longer.slot),
                      best.p)
