"""The index: keeps Chroma and the BM25 index in step with a set of articles.

Ingest is idempotent (ids are content hashes): unchanged documents cost no
embedding work, changed ones replace their old version, and `prune` removes
documents whose files are gone. A failed file is reported and skipped;
nothing already indexed is lost.
"""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from rag.chunk import chunk_document
from rag.ingest import SUPPORTED_SUFFIXES, IngestError, is_url, load_path, load_url
from rag.lexical import LexicalIndex
from rag.models import DocMeta, Document
from rag.settings import Settings
from rag.store import StoreError
from rag.versions import DocumentCache, Versions

if TYPE_CHECKING:
    from rag.fetch import FetchPolicy


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # files in a folder that are not a supported type
    chunks_embedded: int = 0

    def summary(self, show: int = 10) -> str:
        line = (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.skipped)} unchanged, "
              f"{len(self.removed)} removed, {len(self.failed)} failed ({self.chunks_embedded} chunks embedded)")
        if self.unsupported:
            more = len(self.unsupported) - show
            line += ("\nskipped (unsupported type): " + ", ".join(self.unsupported[:show])
                     + (f" and {more} more" if more > 0 else ""))
        return line

    @property
    def any_ok(self) -> bool:
        """Whether any source was indexed, found unchanged or pruned."""
        return bool(self.added or self.updated or self.skipped or self.removed)


def expand_sources(sources: Iterable[str | Path]) -> tuple[list[str | Path], list[IngestError], list[str]]:
    """Files, folders (recursively, supported types) and URLs -> (sources, errors, unsupported files in folders)."""
    out: list[str | Path] = []
    errors: list[IngestError] = []
    unsupported: list[str] = []
    for s in sources:
        if isinstance(s, str) and is_url(s):
            out.append(s)
            continue
        p = Path(s)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if not f.is_file() or any(part.startswith(".") for part in rel.parts):
                    continue
                if f.suffix.lower() in SUPPORTED_SUFFIXES:
                    out.append(f)
                else:
                    unsupported.append(rel.as_posix())
        elif p.is_file():
            out.append(p)
        else:
            errors.append(IngestError(str(s), "no such file or folder"))
    return out, errors, unsupported


class EmptyIndexError(StoreError):
    """Nothing is indexed: answering would only ever say "the sources don't say"."""


class Index:
    """Lazy handle on the embedder, the Chroma store and the lexical index.

    Readers call `refresh()` at the start of each request (see rag/versions.py). Writers hold the
    data folder's write lock, store the new documents, publish the new generation, and only then
    delete what it replaced: a reader still on the old generation finds every document its chunks
    came from.
    """

    def __init__(self, settings: Settings | None = None, embedder=None):
        self.settings = settings or Settings()
        self._embedder = embedder
        self.versions = Versions(self.settings, self._open_store)
        self._docs = DocumentCache()
        self._lock = threading.RLock()  # lazy parts are created once, even by concurrent first calls

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from rag.embed import make_embedder
                self._embedder = make_embedder(self.settings.embedder)
            return self._embedder

    def _open_store(self):
        from rag.store import ChromaStore
        s = self.settings
        return ChromaStore(s.data_dir, s.chroma_collection, self.embedder, s.chroma_host, s.chroma_port,
                           s.chroma_timeout)

    @property
    def store(self):
        return self.versions.store

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index of this thread's request (rebuilt from Chroma when missing or out of step)."""
        return self.versions.lexical

    @property
    def lexical_dir(self) -> Path:
        return self.versions.generations.root

    def refresh(self) -> bool:
        """Start of a request: see what any process published since; True when this thread's version changed."""
        return self.versions.refresh()

    # ---- reading ---------------------------------------------------------
    def documents(self) -> list[tuple[str, DocMeta]]:
        return sorted(self.store.documents(), key=lambda d: d[1].path)

    def document(self, doc_id: str) -> Document | None:
        """The document with this id. Ids are content hashes, so a cached copy is never stale."""
        doc = self._docs.get(doc_id)
        if doc is None:
            doc = self.store.get_document(doc_id)
            if doc is not None:
                self._docs.put(doc)
        return doc

    def is_empty(self) -> bool:
        return self.store.count_chunks() == 0

    def require_documents(self, ingest: bool = False) -> IngestReport | None:
        """Raise EmptyIndexError, saying how to fill it, when nothing is indexed; with `ingest`, first index
        the corpus folder (as `rag ask` does) and return its report."""
        if not self.is_empty():
            return None
        s = self.settings
        report = self.ingest() if ingest and s.corpus_dir.is_dir() else None
        if self.is_empty():
            tried = (f" Ingesting {s.corpus_dir} indexed nothing ({report.summary()})." if report else
                     f" The corpus folder {s.corpus_dir} does not exist." if ingest else "")
            raise EmptyIndexError(
                f"The index in {s.data_dir} (Chroma collection {s.chroma_collection}_chunks) is empty.{tried} "
                f"Index articles first: `rag --corpus FOLDER ingest`, Index(settings).ingest([paths]), or "
                f"build_chain(ingest_if_empty=True) to index the corpus folder ({s.corpus_dir}).")
        return report

    # ---- writing ---------------------------------------------------------
    def ingest(self, sources: Iterable[str | Path] | None = None, prune: bool = False,
               progress: bool = False, on_error: Callable[[IngestError], None] | None = None,
               fetch: FetchPolicy | None = None) -> IngestReport:
        """Load, chunk, embed and store sources (default: the corpus folder).

        URLs are fetched under `fetch` (default: the settings' policy, which refuses private addresses).
        """
        corpus = self.settings.corpus_dir
        items, errors, unsupported = expand_sources([corpus] if sources is None else sources)
        report = IngestReport(failed=errors, unsupported=unsupported)
        if fetch is None and any(isinstance(i, str) for i in items):
            from rag.fetch import FetchPolicy
            fetch = FetchPolicy.from_settings(self.settings)
        docs: list[Document] = []
        for item in items:
            try:
                docs.append(load_url(item, fetch) if isinstance(item, str) else load_path(item, corpus))
            except IngestError as e:
                report.failed.append(e)
        for e in report.failed:
            if on_error:
                on_error(e)
        return self._put_documents(docs, report, progress, prune)

    def add_documents(self, docs: list[Document], progress: bool = False) -> IngestReport:
        """Store documents loaded elsewhere (e.g. fetched without holding a lock), as `ingest` would."""
        return self._put_documents(docs, IngestReport(), progress, prune=False)

    def rebuild(self, sources: Iterable[str | Path] | None = None, progress: bool = False,
                on_error: Callable[[IngestError], None] | None = None,
                fetch: FetchPolicy | None = None) -> IngestReport:
        """Delete the whole index, even a damaged one, without reading it, and ingest the sources again
        (default: the corpus folder). Readers see an empty index until the new one is published."""
        from rag.store import destroy

        s = self.settings
        with self.versions.writing(reopen=False):
            self.versions.drop_store()
            self._docs.clear()
            destroy(s.data_dir, s.chroma_collection, s.chroma_host, s.chroma_port, s.chroma_timeout)
            self._commit([])  # an empty generation: nothing from the old index is served any more
            return self.ingest(sources, progress=progress, on_error=on_error, fetch=fetch)

    def _put_documents(self, docs: list[Document], report: IngestReport, progress: bool, prune: bool) -> IngestReport:
        """Skip unchanged documents, store changed and new ones, publish, then delete replaced versions and
        (with `prune`) documents whose files are gone."""
        with self.versions.writing():
            by_path: dict[str, list[str]] = {}
            for doc_id, meta in self.store.documents():
                by_path.setdefault(meta.path, []).append(doc_id)
            todo = []
            for doc in docs:
                old = by_path.get(doc.meta.path, [])
                if old == [doc.id]:
                    report.skipped.append(doc.meta.path)
                else:
                    todo.append((doc, [i for i in old if i != doc.id]))
            self._embed_and_store(todo, report, progress)
            drop = [i for _, old in todo for i in old]
            if prune:
                corpus = self.settings.corpus_dir
                seen = {d.meta.path for d in docs} | {e.source for e in report.failed}
                for p in by_path:
                    if p not in seen and not is_url(p) and not (corpus / p).exists():
                        drop.extend(by_path[p])
                        report.removed.append(p)
            if todo or drop:
                self._commit(drop)
            else:
                self.versions.snapshot()  # loads it, rebuilding it if it is missing or out of step with Chroma
        return report

    def _embed_and_store(self, todo, report: IngestReport, progress: bool) -> None:
        s = self.settings
        chunked = [(doc, old, chunk_document(doc, self.embedder.count_tokens, s.chunk_max_tokens,
                                             s.chunk_overlap_sentences)) for doc, old in todo]
        total = sum(len(c) for _, _, c in chunked)
        bar = None
        if progress and total:
            from tqdm import tqdm
            bar = tqdm(total=total, unit="chunk", desc="embedding", file=sys.stderr, leave=False)
        for doc, old, chunks in chunked:
            vectors = self.embedder.embed([c.text for c in chunks])
            self.store.put_document(doc, chunks, vectors)  # the old version goes after publishing
            (report.updated if old else report.added).append(doc.meta.path)
            report.chunks_embedded += len(chunks)
            if bar:
                bar.update(len(chunks))
        if bar:
            bar.close()

    def remove(self, path_or_id: str) -> list[str]:
        """Remove a document by corpus-relative path, URL or id; returns the removed ids."""
        with self.versions.writing():
            ids = [i for i, m in self.store.documents() if path_or_id in (i, m.path)]
            if ids:
                self._commit(ids)
        return ids

    def _commit(self, drop: Iterable[str]) -> None:
        """Publish the lexical index of what Chroma holds without the `drop` documents, then delete them."""
        drop = set(drop)
        self.versions.publish(LexicalIndex([(c, m) for c, m in self.store.all_chunks() if c.doc_id not in drop]))
        self.store.delete_documents(drop)

    def _rebuild_lexical(self) -> LexicalIndex:
        """Rebuild the lexical index from Chroma and publish it (after storing chunks directly)."""
        with self.versions.writing(reopen=False):
            return self.versions.publish(LexicalIndex(self.store.all_chunks()))[1]
