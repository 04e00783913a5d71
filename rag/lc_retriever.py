"""The hybrid retriever as a LangChain `BaseRetriever`: one class, picklable, with `k`, `filters`, `search_kwargs`.

Every document carries the same metadata keys (`METADATA_KEYS`); an unknown value is None, never dropped.
`start`/`end` are offsets into the cleaned document text, as in a Quote; `rrf_score` is the reciprocal-rank
fusion score (about 0.03 at best, ties possible: use it to order, not as a probability).
"""
from __future__ import annotations

import threading
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, PrivateAttr, field_validator

from rag.models import Filters, RetrievedChunk
from rag.request import OptionalFilters
from rag.settings import Settings

METADATA_KEYS = ("source", "doc_id", "chunk_index", "title", "outlet", "published", "place", "url",
                 "start", "end", "rrf_score", "dense_rank", "bm25_rank")
SEARCH_KWARGS = {"k", "filters", "per_source_cap"}


class GroundedRetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval over the index the settings name. Per call, keyword arguments win over
    `search_kwargs` ({"k", "filters", "per_source_cap"}), which win over the `k` and `filters` fields."""

    settings: Settings = Field(default_factory=Settings, description="Which index to open (data dir, collection).")
    k: int | None = Field(None, ge=1, description="Passages per query (default: RAG_RETRIEVAL_K).")
    filters: OptionalFilters = Field(None, description="Metadata filters: outlets, published_from, published_to.")
    search_kwargs: dict[str, Any] = Field(default_factory=dict, description="k, filters and/or per_source_cap.")
    _hybrid: Any = PrivateAttr(None)  # the open HybridRetriever; not pickled, reopened from `settings`
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @field_validator("search_kwargs")
    @classmethod
    def _known_search_kwargs(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            return _check_options(value)
        except TypeError as e:
            raise ValueError(str(e)) from None  # reported by pydantic as a search_kwargs error

    @classmethod
    def from_hybrid(cls, hybrid: Any, **fields: Any) -> GroundedRetriever:
        """A view of an open HybridRetriever (shares its index)."""
        retriever = cls(settings=hybrid.index.settings, **fields)
        retriever._hybrid = hybrid
        return retriever

    @property
    def hybrid(self) -> Any:
        with self._lock:
            if self._hybrid is None:
                from rag.index import Index
                from rag.retrieve import HybridRetriever

                s = self.settings
                self._hybrid = HybridRetriever(Index(s), k=s.retrieval_k, per_source_cap=s.per_source_cap)
            return self._hybrid

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        return {**state, "__pydantic_private__": {"_hybrid": None, "_lock": None}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._lock = threading.Lock()

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[LCDocument]:
        options = {"k": self.k, "filters": self.filters, **self.search_kwargs, **_check_options(kwargs)}
        hits = self.hybrid.search(query, k=options["k"], filters=Filters.of(options["filters"]),
                                  per_source_cap=options.get("per_source_cap"))
        return [to_document(hit) for hit in hits]


def to_document(hit: RetrievedChunk) -> LCDocument:
    """A retrieved chunk as a LangChain Document with every key of METADATA_KEYS."""
    c, m = hit.chunk, hit.meta
    return LCDocument(page_content=c.text, id=c.id, metadata={
        "source": m.path, "doc_id": c.doc_id, "chunk_index": c.index, "title": m.title, "outlet": m.outlet,
        "published": m.published, "place": m.place, "url": m.url, "start": c.start, "end": c.end,
        "rrf_score": hit.score, "dense_rank": hit.dense_rank, "bm25_rank": hit.lexical_rank})


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    if unknown := set(options) - SEARCH_KWARGS:
        raise TypeError(f"unknown search option(s) {sorted(unknown)}; the retriever takes {sorted(SEARCH_KWARGS)}")
    return options
