"""The Chroma collection layout, shared with any other Chroma client (langchain_chroma, chromadb itself).

`CHROMA_COLLECTION` (default "news") is a prefix: `{prefix}_chunks` holds one record per chunk (text, vector,
metadata `CHUNK_KEYS` plus title/outlet/published/place/url/published_int), `{prefix}_docs` one per cleaned
document (text, centroid vector, metadata `DOC_KEYS` plus n_chunks). Distances are cosine. The collections
declare Chroma's built-in default embedding function, all-MiniLM-L6-v2, the model rag embeds with, so any
process can open them and text queries get comparable vectors; rag itself always passes its own vectors.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

log = logging.getLogger(__name__)
CHUNK_KEYS = ("doc_id", "path", "idx", "start", "end")
DOC_KEYS = ("doc_id", "path")
EF_SEARCH = 200  # HNSW candidates per query: dense recall@10 vs exact search at 100k chunks was 0.977 with
# Chroma's default 100, 0.988 with 200 (bench/RESULTS.md). Set when a collection is created; a store made
# before keeps its value until `rag ingest --rebuild`.
SPACE = {"hnsw:space": "cosine", "hnsw:search_ef": EF_SEARCH}
LEGACY_EMBEDDING_FUNCTION = "rag-minilm"  # declared by stores written before this layout: no other process knows it


def collection_names(prefix: str) -> tuple[str, str]:
    """(chunks collection, documents collection) for a CHROMA_COLLECTION prefix."""
    return f"{prefix}_chunks", f"{prefix}_docs"


def open_collection(client: Any, name: str) -> Any:
    """Get or create a collection of the layout; an old store's collection is re-declared (see module doc)."""
    from chromadb.utils.embedding_functions import DefaultEmbeddingFunction

    ef = DefaultEmbeddingFunction()  # declared, never called by rag: vectors are always given
    collection = client.get_or_create_collection(name, embedding_function=ef, metadata=SPACE)
    if _declared(collection) == LEGACY_EMBEDDING_FUNCTION:
        try:
            collection.modify(configuration={"embedding_function": ef})
        except ValueError:  # chromadb stores the change, then fails to load the old, unknown function locally
            pass
        collection = client.get_collection(name, embedding_function=ef)
        if _declared(collection) == LEGACY_EMBEDDING_FUNCTION:
            log.warning("Chroma collection %s declares the embedding function %r, which other processes cannot "
                        "load; re-ingest into a new data dir to fix", name, LEGACY_EMBEDDING_FUNCTION)
    return collection


def _declared(collection: Any) -> str | None:
    ef = (collection.configuration_json or {}).get("embedding_function") or {}
    return ef.get("name")


def check_records(collection: str, ids: Iterable[str], metadatas: Iterable[dict | None], required: tuple) -> None:
    """StoreError for a record rag did not write (e.g. added through langchain_chroma): it lacks `required` keys."""
    from rag.store import StoreError

    for record_id, md in zip(ids, metadatas):
        missing = [k for k in required if (md or {}).get(k) is None]
        if missing:
            raise StoreError(
                f"record {record_id!r} in Chroma collection {collection} was not written by rag (it has no "
                f"{', '.join(missing)}). Add articles with `rag ingest` or Index(settings).add_documents(...), which "
                f"fill both collections; remove this one with collection.delete(ids=[{record_id!r}]).")
