"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by reciprocal rank."""
from __future__ import annotations

from typing import Any

from rag.models import Filters, RetrievedChunk

RRF_K = 60


class HybridRetriever:
    """Fuses dense and BM25 rankings, drops overlapping duplicates, caps chunks per source."""

    def __init__(self, index, k: int = 8, per_source_cap: int = 3, candidates: int = 40):
        self.index = index
        self.k, self.per_source_cap, self.candidates = k, per_source_cap, candidates

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               per_source_cap: int | None = None) -> list[RetrievedChunk]:
        k = k or self.k
        cap = per_source_cap or self.per_source_cap
        filters = filters or Filters()
        lex = self.index.lexical
        n = max(self.candidates, 4 * k)
        dense = self.index.store.query(self.index.embedder.embed([query])[0], n, filters)
        lexical = lex.search(query, n, filters)

        fused: dict[int, dict[str, Any]] = {}
        for rank, (cid, _sim) in enumerate(dense, 1):
            pos = lex.position.get(cid)
            if pos is not None:
                fused.setdefault(pos, {"score": 0.0})["score"] += 1.0 / (RRF_K + rank)
                fused[pos]["dense"] = rank
        for rank, (pos, _score) in enumerate(lexical, 1):
            fused.setdefault(pos, {"score": 0.0})["score"] += 1.0 / (RRF_K + rank)
            fused[pos]["lexical"] = rank

        results: list[RetrievedChunk] = []
        per_source: dict[str, int] = {}
        seen_text: set[str] = set()
        for pos, f in sorted(fused.items(), key=lambda kv: -kv[1]["score"]):
            chunk, meta = lex.records[pos]
            key = " ".join(chunk.text.split())
            if key in seen_text or per_source.get(chunk.doc_id, 0) >= cap:
                continue
            if any(r.chunk.doc_id == chunk.doc_id and _overlap(r.chunk, chunk) > 0.5 for r in results):
                continue
            seen_text.add(key)
            per_source[chunk.doc_id] = per_source.get(chunk.doc_id, 0) + 1
            results.append(RetrievedChunk(chunk, meta, f["score"], f.get("dense"), f.get("lexical")))
            if len(results) >= k:
                break
        return results

    def as_langchain(self):
        """The same retriever as a LangChain `BaseRetriever`."""
        return _langchain_retriever_cls()(hybrid=self)


def _overlap(a, b) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(inter, 0) / max(1, min(a.end - a.start, b.end - b.start))


def _langchain_retriever_cls():
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document as LCDocument
    from langchain_core.retrievers import BaseRetriever

    class LangChainRetriever(BaseRetriever):
        """LangChain view of HybridRetriever: chunk text plus source metadata and offsets."""

        hybrid: Any
        k: int | None = None

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun):
            return [LCDocument(page_content=r.chunk.text, id=r.chunk.id, metadata={
                "doc_id": r.chunk.doc_id, "start": r.chunk.start, "end": r.chunk.end, "score": r.score,
                **{k: v for k, v in r.meta.__dict__.items() if v is not None}})
                for r in self.hybrid.search(query, k=self.k)]

    return LangChainRetriever


def __getattr__(name: str):
    if name == "LangChainRetriever":  # built lazily: importing langchain costs start-up time
        return _langchain_retriever_cls()
    raise AttributeError(name)
