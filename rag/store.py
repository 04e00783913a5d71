"""Chroma store: one collection of chunk vectors, one of whole documents.

Embedded `PersistentClient` under the data dir by default; `HttpClient` when
`CHROMA_HOST` is set. Vectors always come from our Embedder. The collections'
names, metadata and declared embedding function: rag/store_layout.py.

Failures are one clear `StoreError`: an unreachable or silent server (every request has a
deadline, `CHROMA_TIMEOUT`), a damaged database (with how to rebuild it). A store whose folder
cannot be written (a read-only volume) is read from a private copy.
"""
from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from rag.models import Chunk, DocMeta, Document, Filters
from rag.store_layout import CHUNK_KEYS, DOC_KEYS, check_records, collection_names, open_collection

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_META_KEYS = ("title", "outlet", "published", "place", "url")
_BATCH = 2000
_BY_ID = 1000  # up to this many documents, their chunks are read by id; more, by paging through all
STATE_KEY = "rag_state"
_OPEN_LOCK = threading.Lock()  # creating chromadb's first client for a path is not thread-safe


class StoreError(RuntimeError):
    pass


REBUILD_HINT = "rebuild it from the corpus with: rag ingest --rebuild"
_LOCKED = re.compile(r"\(code: 5\)|database is locked", re.I)  # another writer holds SQLite's lock: it passes
LOCK_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries while the store is locked
_DAMAGED = re.compile(r"\(code: (11|26)\)|malformed|not a database", re.I)
_F = TypeVar("_F", bound=Callable)
_T = TypeVar("_T")


def _reason(e: BaseException) -> str:
    """'[Errno 111] Connection refused' -> 'connection refused'."""
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(e).strip()) or type(e).__name__
    return text[0].lower() + text[1:]


def _guarded(method: _F) -> _F:
    """Turn a failing Chroma call into one StoreError that names the store and what to do."""
    @functools.wraps(method)
    def call(self: "ChromaStore", *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except Exception as e:  # chromadb and httpx raise many types
            known = self.error(e)
            if known is None:
                raise
            raise known from e
    return call  # type: ignore[return-value]


def _when_unlocked(call: Callable[[], _T]) -> _T:
    """The call, tried again while the embedded store is locked by another writer (a process ingesting,
    Chroma's own background work): opening a store that is busy for a moment is no error."""
    for wait in LOCK_WAITS:
        try:
            return call()
        except Exception as e:  # chromadb raises several types for SQLite errors
            if not _LOCKED.search(str(e)):
                raise
            time.sleep(wait)
    return call()


def destroy(data_dir: Path, collection: str, host: str | None = None, port: int = 8000,
            timeout: float = 15.0) -> None:
    """Delete the store without reading it (it may be damaged): the embedded folder, or the server's collections."""
    if not host:
        shutil.rmtree(data_dir / "chroma", ignore_errors=True)
        return
    store = ChromaStore(data_dir, collection, None, host, port, timeout)
    for name in (store.chunks.name, store.docs.name):
        store.client.delete_collection(name)


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
    def __init__(self, data_dir: Path, collection: str, embedder, host: str | None = None, port: int = 8000,
                 timeout: float = 15.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.path = self.client_path = data_dir / "chroma"  # client_path: a private copy when read-only
        self.read_only = False
        self._system = None
        try:
            def connect() -> tuple:
                with _OPEN_LOCK:  # concurrent first opens failed with "Could not connect to tenant default_tenant"
                    self.client = self._http_client() if host else self._embedded_client(data_dir)
                return tuple(open_collection(self.client, name) for name in collection_names(collection))

            self.chunks, self.docs = _when_unlocked(connect)
        except StoreError:
            raise
        except Exception as e:  # chromadb raises many types while opening
            raise self.error(e) or StoreError(f"cannot open {self.where}: {e}") from None

    @property
    def where(self) -> str:
        return f"the Chroma server at {self.host}:{self.port}" if self.host else f"the index in {self.path}"

    def error(self, e: BaseException) -> StoreError | None:
        """One line saying what is wrong with this store and what to do, for the failures we know."""
        import httpx

        if isinstance(e, httpx.TimeoutException):
            return StoreError(f"{self.where} is unreachable (no reply within {self.timeout:g} s)")
        if isinstance(e, httpx.TransportError) or "Could not connect to a Chroma server" in str(e):
            return StoreError(f"{self.where} is unreachable ({_reason(e)})")
        if _DAMAGED.search(str(e)):
            detail = re.sub(r"^.*\(code: \d+\)\s*", "", str(e).strip())
            return StoreError(f"{self.where} is damaged ({detail}); {REBUILD_HINT}")
        return None

    def _http_client(self):
        """A client whose every request has a deadline (chromadb's own has none): a silent server is an error."""
        import chromadb
        import httpx
        from chromadb.config import Settings as ChromaSettings

        # chromadb cannot be given a timeout before its first requests: ask the server ourselves first
        httpx.get(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=self.timeout).raise_for_status()
        client = chromadb.HttpClient(host=self.host, port=self.port,
                                     settings=ChromaSettings(anonymized_telemetry=False))
        client._server._session.timeout = httpx.Timeout(self.timeout)
        return client

    def _embedded_client(self, data_dir: Path):
        """A client with a System of its own, so it sees what other processes stored so far.

        Chroma caches one System per folder and never reloads its vector index from disk; a new
        System does. A folder that cannot be written is opened from a private copy (Chroma writes
        while opening)."""
        import chromadb
        from chromadb.api.shared_system_client import SharedSystemClient
        from chromadb.config import Settings as ChromaSettings

        path = self.path
        if path.exists() and not _writable(path):
            path, self.read_only = _private_copy(path), True
        elif not path.exists() and not _creatable(data_dir):
            raise StoreError(f"there is no index in {data_dir}, and the folder is read-only")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.client_path = path
        key = str(path)
        SharedSystemClient._identifier_to_system.pop(key, None)  # the previous System stays with its owner
        SharedSystemClient._identifier_to_refcount.pop(key, None)
        client = chromadb.PersistentClient(path=key, settings=ChromaSettings(anonymized_telemetry=False))
        self._system = SharedSystemClient._identifier_to_system.get(key)
        return client

    def close(self) -> None:
        """Free an embedded store's memory (its vector index) and its private copy, if any; the object must
        not be used after this."""
        if self._system is not None:
            self._system.stop()
            self._system = None
        if self.read_only:
            shutil.rmtree(self.client_path.parent, ignore_errors=True)

    # ---- documents -------------------------------------------------------
    @_guarded
    def documents(self) -> list[tuple[str, DocMeta]]:
        got = self.docs.get(include=["metadatas"])
        check_records(self.docs.name, got["ids"], got["metadatas"], DOC_KEYS)
        return [(i, _meta_from_chroma(m)) for i, m in zip(got["ids"], got["metadatas"])]

    @_guarded
    def get_document(self, doc_id: str) -> Document | None:
        got = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        check_records(self.docs.name, got["ids"], got["metadatas"], DOC_KEYS)
        return Document(id=doc_id, text=got["documents"][0], meta=_meta_from_chroma(got["metadatas"][0]))

    @_guarded
    def doc_ids(self) -> set[str]:
        return set(self.docs.get(include=[])["ids"])

    def put_document(self, doc: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Add one document and its chunks (see `put_documents`)."""
        self.put_documents([(doc, chunks, vectors)])

    @_guarded
    def put_documents(self, items: Sequence[tuple[Document, Sequence[Chunk], np.ndarray]]) -> None:
        """Add documents and their chunks, in as few upserts as Chroma allows; callers delete the versions they
        replace afterwards. The document records go last: a document is stored only once all its chunks are."""
        chunk_rows: list[tuple[Chunk, dict, np.ndarray]] = []
        doc_rows = []
        for doc, chunks, vectors in items:
            md = _meta_to_chroma(doc.id, doc.meta)
            chunk_rows += [(c, md, v) for c, v in zip(chunks, vectors)]
            centroid = vectors.mean(axis=0)
            doc_rows.append((doc, {**md, "n_chunks": len(chunks)}, centroid / max(float(np.linalg.norm(centroid)), 1e-12)))
        for b in range(0, len(chunk_rows), self.max_batch):
            part = chunk_rows[b:b + self.max_batch]
            self.chunks.upsert(ids=[c.id for c, _, _ in part], documents=[c.text for c, _, _ in part],
                               embeddings=np.stack([v for _, _, v in part]).tolist(),
                               metadatas=[{**md, "idx": c.index, "start": c.start, "end": c.end} for c, md, _ in part])
        for b in range(0, len(doc_rows), self.max_batch):
            part = doc_rows[b:b + self.max_batch]
            self.docs.upsert(ids=[d.id for d, _, _ in part], documents=[d.text for d, _, _ in part],
                             embeddings=np.stack([v for _, _, v in part]).tolist(), metadatas=[md for _, md, _ in part])

    @functools.cached_property
    def max_batch(self) -> int:
        """The most records one Chroma call may carry."""
        return self.client.get_max_batch_size()

    @_guarded
    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        ids = list(doc_ids)
        if ids:
            self.chunks.delete(where={"doc_id": {"$in": ids}})
            self.docs.delete(ids=ids)

    # ---- chunks ----------------------------------------------------------
    @_guarded
    def count_chunks(self) -> int:
        return self.chunks.count()

    def iter_chunks(self, doc_ids: set[str] | None = None) -> Iterator[tuple[Chunk, DocMeta]]:
        """The chunks of `doc_ids` (default: every chunk), read in pages."""
        if doc_ids is not None and len(doc_ids) <= _BY_ID:
            ids = sorted(doc_ids)
            pages = (self._chunk_page(where={"doc_id": {"$in": ids[b:b + 100]}}) for b in range(0, len(ids), 100))
        else:
            pages = (self._chunk_page(limit=_BATCH, offset=o) for o in range(0, self.count_chunks(), _BATCH))
        for page in pages:
            yield from (r for r in page if doc_ids is None or r[0].doc_id in doc_ids)

    @_guarded
    def _chunk_page(self, **query) -> list[tuple[Chunk, DocMeta]]:
        got = self.chunks.get(include=["documents", "metadatas"], **query)
        check_records(self.chunks.name, got["ids"], got["metadatas"], CHUNK_KEYS)
        return [(Chunk(id=cid, doc_id=m["doc_id"], index=m["idx"], text=text, start=m["start"], end=m["end"]),
                 _meta_from_chroma(m)) for cid, text, m in zip(got["ids"], got["documents"], got["metadatas"])]

    @_guarded
    def delete_orphan_chunks(self) -> int:
        """Delete chunks whose document record is missing (an ingest cut short between the two); how many."""
        docs, orphans = self.doc_ids(), []
        for offset in range(0, self.count_chunks(), _BATCH):
            got = self.chunks.get(include=["metadatas"], limit=_BATCH, offset=offset)
            check_records(self.chunks.name, got["ids"], got["metadatas"], CHUNK_KEYS)  # never delete others' records
            orphans += [i for i, m in zip(got["ids"], got["metadatas"]) if m["doc_id"] not in docs]
        for b in range(0, len(orphans), self.max_batch):
            self.chunks.delete(ids=orphans[b:b + self.max_batch])
        return len(orphans)

    # ---- the collection's state, for replicas ----------------------------
    @_guarded
    def state(self) -> str | None:
        """The token the last write announced (rag/lexical_sync.py), read fresh from the server."""
        return (self.client.get_collection(self.docs.name).metadata or {}).get(STATE_KEY)

    @_guarded
    def set_state(self, token: str) -> None:
        self.docs.modify(metadata={STATE_KEY: token})

    @_guarded
    def query(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity, best first."""
        total = self.chunks.count()
        if total == 0:
            return []
        got = self.chunks.query(query_embeddings=[vector.tolist()], n_results=min(n, total),
                                where=where_clause(filters), include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]


def _writable(path: Path) -> bool:
    """Whether we may write in `path` (False on a read-only mount, even for root)."""
    files = [path / "chroma.sqlite3"] if (path / "chroma.sqlite3").exists() else []
    return all(os.access(p, os.W_OK) for p in [path, *files])


def _creatable(folder: Path) -> bool:
    """Whether `folder` exists and is writable, or could be created."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return _writable(folder)


def _private_copy(path: Path) -> Path:
    """A copy of a read-only store in a temporary folder (removed at exit), for Chroma to open."""
    tmp = Path(tempfile.mkdtemp(prefix="rag-readonly-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    shutil.copytree(path, tmp / "chroma")
    return tmp / "chroma"
