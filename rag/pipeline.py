"""The grounded QA pipeline: rewrite → retrieve → answer → verify → disagree (no LangChain import: fast start)."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator, TypeVar

from rag.answer import Answerer, Composed, compose
from rag.index import Index
from rag.models import Answer, ChainInput, Document, Filters, RetrievedChunk, Timings, Turn
from rag.query import analyze, rewrite_followup, split_question
from rag.retrieve import HybridRetriever
from rag.settings import Settings

T = TypeVar("T")
Step = Callable[..., Any]  # step(name, fn, **inputs) -> fn(**inputs); the chain's runs each as a traced child run
STALE_RETRIES = 2  # times a request retrieves again when a document vanished under it


def run_step(name: str, fn: Callable[..., T], **inputs: Any) -> T:
    """Run one named step of the pipeline (untraced)."""
    return fn(**inputs)


def to_input(value: Any) -> ChainInput:
    """Accept a question string, a ChainInput, or {"question", "history", "filters", "k"}."""
    if isinstance(value, ChainInput):
        return value
    if isinstance(value, str):
        return ChainInput(question=value)
    if isinstance(value, dict) and isinstance(value.get("question"), str):
        history = [_turn(h) for h in value.get("history") or []]
        f = value.get("filters") or {}
        filters = f if isinstance(f, Filters) else Filters(
            outlets=tuple(f.get("outlets") or ()), published_from=f.get("published_from"),
            published_to=f.get("published_to"))
        return ChainInput(question=value["question"], history=history, filters=filters, k=value.get("k"))
    raise TypeError('chain input must be a question string or {"question": str, "history": [...]}')


def _turn(h: Any) -> Turn:
    if isinstance(h, Turn):
        return h
    if isinstance(h, dict):
        return Turn(question=str(h.get("question", "")), answer=str(h.get("answer", "")))
    if isinstance(h, (list, tuple)) and h:
        return Turn(question=str(h[0]), answer=str(h[1]) if len(h) > 1 else "")
    raise TypeError(f"cannot read a chat history entry: {h!r}")


class Pipeline:
    """Maps a question (and chat history) to an `Answer` whose quotes are verified verbatim."""

    def __init__(self, index: Index, retriever: HybridRetriever, answerer: Answerer):
        self.index, self.retriever, self.answerer = index, retriever, answerer
        self._alike = None  # the unit-word similarity of the disagreement check, made on first use

    def documents(self, doc_id: str) -> Document | None:
        """The document with this id (a content hash: the version its chunks came from), None if removed."""
        return self.index.document(doc_id)

    def _documents_of(self, retrieved: list[RetrievedChunk]) -> dict[str, Document]:
        return {d: doc for d in {r.chunk.doc_id for r in retrieved} if (doc := self.documents(d))}

    # ---- the steps ---------------------------------------------------------
    def standalone(self, req: ChainInput) -> str | None:
        return rewrite_followup(req.question, req.history)

    def retrieve(self, req: ChainInput, question: str) -> list[RetrievedChunk]:
        """Passages for the question, and for each part of a multi-part question."""
        parts = split_question(question)
        results = self.retriever.search(question, k=req.k, filters=req.filters)
        if len(parts) > 1:
            seen = {r.chunk.id for r in results}
            for part in parts:
                extra = [r for r in self.retriever.search(part, k=req.k, filters=req.filters) if r.chunk.id not in seen]
                seen |= {r.chunk.id for r in extra}
                results.extend(extra)
        return results

    def answer(self, req: ChainInput, question: str, retrieved: list[RetrievedChunk], step: Step = run_step) -> Composed:
        *_, composed = self.answer_stream(req, question, retrieved, step, drafts=False)
        return composed

    def answer_stream(self, req: ChainInput, question: str, retrieved: list[RetrievedChunk],
                      step: Step = run_step, drafts: bool = True) -> Iterator[str | Composed]:
        """With `drafts`, an answerer's unchecked draft previews (markdown, when it streams one: LLM); then
        the Composed answer. Without, the answer step runs whole (and is traced as one step)."""
        retrieved, docs = self._with_documents(req, question, retrieved)
        stream = getattr(self.answerer, "stream_draft", None)
        if not (drafts and stream):
            draft = step("answer", self.answerer.draft, request=req, question=question, retrieved=retrieved,
                         documents=docs)
            yield step("verify", compose, draft=draft, documents=docs)
            return
        for item in stream(req, question, retrieved, docs):
            yield item if isinstance(item, str) else step("verify", compose, draft=item, documents=docs)

    def _with_documents(self, req: ChainInput, question: str, retrieved: list[RetrievedChunk]
                        ) -> tuple[list[RetrievedChunk], dict[str, Document]]:
        """The passages and the documents they came from. A document replaced or removed after this request
        began (another process published a new version) makes it retrieve again from that version."""
        docs = self._documents_of(retrieved)
        for _ in range(STALE_RETRIES):
            gone = [r.chunk.id for r in retrieved if r.chunk.doc_id not in docs]
            if not gone:
                break
            self.index.refresh()
            if any(c in self.index.lexical.position for c in gone):
                break  # no newer version is published: answer from the documents still there
            retrieved = self.retrieve(req, question)
            docs = self._documents_of(retrieved)
        return retrieved, docs

    def disagree(self, question: str, composed: Composed) -> tuple[list, str, int]:
        """Disagreement notes, their markdown, and how many independent sources the quotes come from.

        Figures are compared as typed claims (rag/disagree.py); when they give no note, the answers
        themselves (rag/slot_conflicts.py), then the alternatives an either-or question offers
        (rag/alternatives.py). Agreement is stated only when the answers were compared."""
        from rag.alternatives import alternative_conflicts
        from rag.disagree import conflicts_markdown, find_conflicts, independent_groups
        from rag.slot_conflicts import answer_groups, slot_conflicts

        if composed.abstained:
            return [], "", 0
        docs = {q.source.id: self.documents(q.source.id) for q in composed.quotes}
        groups = independent_groups([d for d in docs.values() if d is not None])
        voice = {i: g[0] for g in groups for i in g}
        by_answer = answer_groups(composed.quotes, question)
        if self._alike is None:
            from rag.word_similarity import WordSimilarity
            self._alike = WordSimilarity(self.index.embedder)
        conflicts = find_conflicts(question, composed.quotes, docs, self._alike) or \
            slot_conflicts(question, by_answer, voice, docs) or alternative_conflicts(question, composed.quotes, voice)
        notes = [conflicts_markdown(conflicts)] if conflicts else []
        label = {q.source.id: q.source.label for q in composed.quotes}
        for g in (g for g in groups if len(g) > 1):
            notes.append(f"_{' and '.join(label[i] for i in g)} are copies of the same story: one source, not "
                         f"{len(g)}._")
        if len(groups) > 1 and not conflicts:
            agreement = _agreement(question, composed.quotes, by_answer, voice, docs)
            notes.append(f"_Quoted from {len(groups)} independent sources; {agreement}._")
        return conflicts, "\n\n".join(notes), len(groups)

    # ---- running -----------------------------------------------------------
    def invoke(self, input: Any) -> Answer:
        final = None
        for final in self._run(input):
            pass
        return final

    def stream(self, input: Any) -> Iterator[Answer]:
        """Partial answers (complete=False) as each step finishes, then the final Answer."""
        yield from self._run(input, partial=True)

    def _run(self, input: Any, partial: bool = False, step: Step = run_step) -> Iterator[Answer]:
        t0 = time.perf_counter()
        self.index.refresh()  # see what other processes published; one version for this request
        req = to_input(input)
        rewritten = step("rewrite", self.standalone, req=req)
        corrected = step("correct_spelling", self.index.lexical.correct,  # "hospitl staf" → "hospital staff"
                         query=rewritten or req.question)
        rewritten = corrected or rewritten
        question = rewritten or req.question
        retrieved = step("retrieve", self.retrieve, req=req, question=question)
        t1 = time.perf_counter()
        base = dict(question=req.question, interpreted_as=rewritten)
        if partial:
            yield Answer(**base, answer="", abstained=False, complete=False,
                         timings_ms=Timings(retrieve=(t1 - t0) * 1000))
        for composed in self.answer_stream(req, question, retrieved, step, drafts=partial):
            if partial and isinstance(composed, str):  # the model's draft, before any check
                yield Answer(**base, answer=composed, abstained=False, complete=False, draft=True)
        if partial and not composed.abstained:
            paragraphs = composed.markdown.split("\n\n")
            for n in range(1, len(paragraphs)):
                yield Answer(**base, answer="\n\n".join(paragraphs[:n]), abstained=False,
                             quotes=composed.quotes, complete=False)
        conflicts, note, independent = step("disagree", self.disagree, question=question, composed=composed)
        markdown = composed.markdown + (f"\n\n{note}" if note else "")
        t2 = time.perf_counter()
        yield Answer(**base, answer=markdown, abstained=composed.abstained, quotes=composed.quotes,
                     notices=composed.notices,
                     conflicts=conflicts, confidence=composed.confidence, independent_sources=independent, timings_ms=Timings(retrieve=round((t1 - t0) * 1000, 2),
                                                             answer=round((t2 - t1) * 1000, 2),
                                                             total=round((t2 - t0) * 1000, 2)))


def build_pipeline(settings: Settings | None = None, index: Index | None = None, cls: type = Pipeline):
    """The pipeline (or `cls`, a subclass), wired from settings (env / .env): index, hybrid retriever, answerer."""
    settings = settings or Settings()
    index = index or Index(settings)
    retriever = HybridRetriever(index, k=settings.retrieval_k, per_source_cap=settings.per_source_cap)
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig
    from rag.scorer import load_scorer
    scorer = load_scorer(settings.scorer_weights) if settings.scorer_weights else None
    answerer: Answerer = ExtractiveAnswerer(index.embedder, idf=lambda term: index.lexical.idf(term), scorer=scorer,
                                            config=ExtractiveConfig(max_sources=settings.max_sources,
                                                                    threshold=settings.answer_threshold))
    if settings.answerer == "llm":  # the model phrases; on any failure the extractive answer shows, with a notice
        from rag.llm_answerer import LLMAnswerer
        from rag.llm_guard import GuardedAnswerer
        answerer = GuardedAnswerer(LLMAnswerer.from_settings(settings), answerer)
    return cls(index, retriever, answerer)


def _agreement(question: str, quotes: list, by_answer: list[list], voice: dict[str, str], docs: dict) -> str:
    """What the note says about the answers of several independent sources that raised no disagreement.
    Agreement is stated only between quotes whose answers were compared: each gives the same answer and had no
    other to choose from; quotes that give no answer are said to be left out of the comparison, and quotes
    whose articles may tell another story than the first quote's (rag/stories.py) are said to."""
    from rag.slot_conflicts import read_alone, single_valued
    from rag.stories import quoted_together

    info = analyze(question)
    agreeing = by_answer[0] if len(by_answer) == 1 and single_valued(question) and \
        all(read_alone(info, q) for q in by_answer[0]) else []
    sources = {voice.get(q.source.id, q.source.id) for q in agreeing}
    if len(sources) < 2:
        apart = "".join(f"[{q.id}]" for q in quotes[1:] if not quoted_together(quotes[0], q, docs))
        return "their answers were not compared with each other" + (
            f": {apart} may be about another story than [{quotes[0].id}] (their articles share no name)"
            if apart else "")
    answer = agreeing[0].answer_slot.text
    if len(agreeing) == len(quotes):
        return f"they give the same answer (“{answer}”)"
    cited = "".join(f"[{q.id}]" for q in agreeing)
    return (f"{len(sources)} of them give the same answer (“{answer}”) {cited}; the rest give no answer that could "
            "be compared")
