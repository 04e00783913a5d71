"""Chroma store: one collection of chunk vectors, one of whole documents.

Embedded `PersistentClient` under the data dir by default; `HttpClient` when
`CHROMA_HOST` is set. Vectors always come from our Embedder. The collections'
names, metadata and declared embedding function: rag/store_layout.py.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from rag.models import Chunk, DocMeta, Document, Filters
from rag.store_layout import CHUNK_KEYS, DOC_KEYS, check_records, collection_names, open_collection

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_META_KEYS = ("title", "outlet", "published", "place", "url")
_BATCH = 2000
_OPEN_LOCK = threading.Lock()  # creating chromadb's first client for a path is not thread-safe


class StoreError(RuntimeError):
    pass


def _meta_to_chroma(doc_id: str, meta: DocMeta) -> dict:
    md: dict = {"doc_id": doc_id, "path": meta.path}
    md.update({k: getattr(meta, k) for k in _META_KEYS if getattr(meta, k) is not None})
    if meta.published:
        md["published_int"] = int(meta.published.replace("-", ""))
    return md


def _meta_from_chroma(md: dict) -> DocMeta:
    return DocMeta(path=md["path"], **{k: md.get(k) for k in _META_KEYS})


def where_clause(filters: Filters) -> dict | None:
    """Chroma `where` for metadata filters (None when there are none)."""
    parts: list[dict] = []
    if filters.outlets:
        parts.append({"outlet": {"$in": list(filters.outlets)}})
    if filters.published_from:
        parts.append({"published_int": {"$gte": int(filters.published_from.replace("-", ""))}})
    if filters.published_to:
        parts.append({"published_int": {"$lte": int(filters.published_to.replace("-", ""))}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class ChromaStore:
    def __init__(self, data_dir: Path, collection: str, embedder, host: str | None = None, port: int = 8000):
        with _OPEN_LOCK:  # concurrent first opens failed with "Could not connect to tenant default_tenant"
            self._open(data_dir, collection, embedder, host, port)

    def _open(self, data_dir: Path, collection: str, embedder, host: str | None, port: int) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False)
        try:
            if host:
                self.client = chromadb.HttpClient(host=host, port=port, settings=cs)
                self.client.heartbeat()
            else:
                data_dir.mkdir(parents=True, exist_ok=True)
                self.client = chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=cs)
        except Exception as e:  # chromadb raises many types for an unreachable server
            where = f"{host}:{port}" if host else str(data_dir / "chroma")
            raise StoreError(f"cannot open the Chroma store at {where}: {e}") from None
        self.chunks, self.docs = (open_collection(self.client, name) for name in collection_names(collection))

    # ---- documents -------------------------------------------------------
    def documents(self) -> list[tuple[str, DocMeta]]:
        got = self.docs.get(include=["metadatas"])
        check_records(self.docs.name, got["ids"], got["metadatas"], DOC_KEYS)
        return [(i, _meta_from_chroma(m)) for i, m in zip(got["ids"], got["metadatas"])]

    def get_document(self, doc_id: str) -> Document | None:
        got = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        check_records(self.docs.name, got["ids"], got["metadatas"], DOC_KEYS)
        return Document(id=doc_id, text=got["documents"][0], meta=_meta_from_chroma(got["metadatas"][0]))

    def put_document(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Add a document and its chunks; callers delete the version it replaces afterwards."""
        md = _meta_to_chroma(doc.id, doc.meta)
        for b in range(0, len(chunks), _BATCH):
            part = chunks[b:b + _BATCH]
            self.chunks.upsert(
                ids=[c.id for c in part], documents=[c.text for c in part],
                embeddings=vectors[b:b + _BATCH].tolist(),
                metadatas=[{**md, "idx": c.index, "start": c.start, "end": c.end} for c in part])
        centroid = vectors.mean(axis=0)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
        self.docs.upsert(ids=[doc.id], documents=[doc.text], embeddings=[centroid.tolist()],
                         metadatas=[{**md, "n_chunks": len(chunks)}])

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        ids = list(doc_ids)
        if ids:
            self.chunks.delete(where={"doc_id": {"$in": ids}})
            self.docs.delete(ids=ids)

    # ---- chunks ----------------------------------------------------------
    def count_chunks(self) -> int:
        return self.chunks.count()

    def all_chunks(self) -> list[tuple[Chunk, DocMeta]]:
        out = []
        total = self.chunks.count()
        for offset in range(0, total, _BATCH):
            got = self.chunks.get(include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            check_records(self.chunks.name, got["ids"], got["metadatas"], CHUNK_KEYS)
            for cid, text, m in zip(got["ids"], got["documents"], got["metadatas"]):
                out.append((Chunk(id=cid, doc_id=m["doc_id"], index=m["idx"], text=text, start=m["start"],
                                  end=m["end"]), _meta_from_chroma(m)))
        return out

    def query(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity, best first."""
        total = self.chunks.count()
        if total == 0:
            return []
        got = self.chunks.query(query_embeddings=[vector.tolist()], n_results=min(n, total),
                                where=where_clause(filters), include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]
