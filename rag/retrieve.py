"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused by reciprocal rank."""
from __future__ import annotations

from typing import Any

from rag.models import Filters, RetrievedChunk

RRF_K = 60
OVERFETCH = 5  # unfiltered dense candidates per wanted one, before metadata filters apply
GUARANTEED = 2  # top hits of each retriever that always make the result list


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
        dense = self._dense(self.index.embedder.embed([query])[0], n, filters)
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

        ranked = sorted(fused.items(), key=lambda kv: -kv[1]["score"])
        # Each retriever's own best hits always get in: a strong match one side alone finds
        # (a rare term BM25 sees, a paraphrase only the embedding sees) is not outvoted.
        guaranteed = [p for p, f in ranked if f.get("dense", 99) <= GUARANTEED or f.get("lexical", 99) <= GUARANTEED]
        picked = self._pick([(p, fused[p]) for p in guaranteed], [], k, cap)
        picked = self._pick(ranked, picked, k, cap)
        return sorted(picked, key=lambda r: -r.score)

    def _pick(self, candidates, results: list[RetrievedChunk], k: int, cap: int) -> list[RetrievedChunk]:
        """Add candidates in order, skipping duplicates and overlaps and respecting the per-source cap."""
        lex = self.index.lexical
        results = list(results)
        taken = {r.chunk.id for r in results}
        for pos, f in candidates:
            if len(results) >= k:
                break
            chunk, meta = lex.records[pos]
            key = " ".join(chunk.text.split())
            if chunk.id in taken or sum(r.chunk.doc_id == chunk.doc_id for r in results) >= cap:
                continue
            if any(" ".join(r.chunk.text.split()) == key or
                   (r.chunk.doc_id == chunk.doc_id and _overlap(r.chunk, chunk) > 0.5) for r in results):
                continue
            taken.add(chunk.id)
            results.append(RetrievedChunk(chunk, meta, f["score"], f.get("dense"), f.get("lexical")))
        return results

    def _dense(self, vector, n: int, filters: Filters) -> list[tuple[str, float]]:
        """Nearest chunks passing the filters. Chroma's filtered query is slow on large stores (0.2-0.9 s at
        100k chunks), so over-fetch without filters and filter here, fetching 4x more while too few pass;
        only a selective filter, which few of any over-fetch would pass, goes to Chroma's own."""
        store = self.index.store
        if filters.empty:
            return store.query(vector, n, filters)
        lex = self.index.lexical
        mask = lex.filter_mask(filters)
        if not len(mask) or mask.mean() * n * OVERFETCH < n / 2:
            return store.query(vector, n, filters)
        fetch = n * OVERFETCH
        while True:
            kept = [(cid, sim) for cid, sim in store.query(vector, fetch, Filters())
                    if (pos := lex.position.get(cid)) is not None and mask[pos]]
            if len(kept) >= n or fetch >= len(mask):
                return kept[:n]
            fetch = min(4 * fetch, len(mask))

    def as_langchain(self, **fields: Any):
        """The same retriever as a LangChain `BaseRetriever` (rag.lc_retriever.GroundedRetriever; fields: k,
        filters, search_kwargs)."""
        from rag.lc_retriever import GroundedRetriever  # imports LangChain: only when asked for

        return GroundedRetriever.from_hybrid(self, **fields)


def _overlap(a, b) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(inter, 0) / max(1, min(a.end - a.start, b.end - b.start))


def __getattr__(name: str):
    if name == "LangChainRetriever":  # the old name, kept importable
        from rag.lc_retriever import GroundedRetriever
        return GroundedRetriever
    raise AttributeError(name)
