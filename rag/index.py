"""The index: keeps Chroma and the BM25 index in step with a set of articles.

Ingest is idempotent (ids are content hashes): unchanged documents cost no
embedding work, changed ones replace their old version, and `prune` removes
documents whose files are gone. Documents stream through in batches
(rag/batch_ingest.py) and the lexical index gets one update per run
(rag/lexical_sync.py). A failed file is reported and skipped; nothing already
indexed is lost, and an interrupted run resumes where it stopped.
"""
from __future__ import annotations

import threading
from collections.abc import Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from rag.batch_ingest import BatchWriter, IngestProgress, Pending
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

    def __init__(self, settings: Settings | None = None, embedder=None, ingest_embedder=None):
        """`embedder` embeds questions (and, unless `ingest_embedder` is given, documents too); by default
        both come from the settings."""
        self.settings = settings or Settings()
        self._embedder = embedder
        self._ingest_embedder = ingest_embedder or embedder
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

    @property
    def ingest_embedder(self):
        """The embedder for documents: the question embedder, or with `RAG_INGEST_EMBEDDER=int8` the int8 model
        (about twice as fast, same retrieval recall@10; opt-in: bench/quantize_check.py and the README)."""
        with self._lock:
            if self._ingest_embedder is None:
                s = self.settings
                if s.ingest_embedder == "int8" and s.embedder == "onnx":
                    from rag.embed import make_embedder
                    self._ingest_embedder = make_embedder("onnx-int8")
                else:
                    self._ingest_embedder = self.embedder
            return self._ingest_embedder

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
        """Load, chunk, embed and store sources (default: the corpus folder), one document at a time.

        URLs are fetched under `fetch` (default: the settings' policy, which refuses private addresses).
        """
        corpus = self.settings.corpus_dir
        items, errors, unsupported = expand_sources([corpus] if sources is None else sources)
        report = IngestReport(failed=errors, unsupported=unsupported)
        if fetch is None and any(isinstance(i, str) for i in items):
            from rag.fetch import FetchPolicy
            fetch = FetchPolicy.from_settings(self.settings)
        for e in errors:
            if on_error:
                on_error(e)

        def load() -> Iterator[Document]:
            for item in items:
                try:
                    yield load_url(item, fetch) if isinstance(item, str) else load_path(item, corpus)
                except IngestError as e:
                    report.failed.append(e)
                    if on_error:
                        on_error(e)
        return self._put_documents(load(), report, progress, prune, total=len(items))

    def add_documents(self, docs: Iterable[Document], progress: bool = False) -> IngestReport:
        """Store documents loaded elsewhere (e.g. fetched without holding a lock), as `ingest` would; a
        generator is consumed as the documents are stored."""
        total = len(docs) if isinstance(docs, Sized) else 0
        return self._put_documents(docs, IngestReport(), progress, prune=False, total=total)

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
            self.versions.commit(self.versions.update())  # an empty generation: nothing old is served any more
            return self.ingest(sources, progress=progress, on_error=on_error, fetch=fetch)

    def _put_documents(self, docs: Iterable[Document], report: IngestReport, progress: bool, prune: bool,
                       total: int) -> IngestReport:
        """Skip unchanged documents, store changed and new ones in batches, publish, then delete replaced
        versions and (with `prune`) documents whose files are gone."""
        s = self.settings
        with self.versions.writing():
            by_path: dict[str, list[str]] = {}
            for doc_id, meta in self.store.documents():
                by_path.setdefault(meta.path, []).append(doc_id)
            update = self.versions.update()
            bar = IngestProgress(total, progress)

            def stored(p: Pending) -> None:
                (report.updated if p.replaces else report.added).append(p.doc.meta.path)
                report.chunks_embedded += len(p.chunks)
                update.add(p.doc.id, p.chunks, p.doc.meta)
                update.drop.update(p.replaces)
                bar.stored(len(p.chunks))

            embedder = self.ingest_embedder
            writer = BatchWriter(embedder, self.store, stored)
            seen: set[str] = set()
            try:
                for doc in docs:
                    seen.add(doc.meta.path)
                    old = by_path.get(doc.meta.path, [])
                    if old == [doc.id]:
                        report.skipped.append(doc.meta.path)
                    else:
                        chunks = chunk_document(doc, embedder.count_tokens, s.chunk_max_tokens,
                                                s.chunk_overlap_sentences)
                        writer.add(Pending(doc, chunks, [i for i in old if i != doc.id]))
                    bar.article()
                writer.flush()
            except BaseException:
                update.builder.discard()  # what was stored stays in Chroma: the next run skips it
                raise
            finally:
                bar.close()
            if prune:
                seen |= {e.source for e in report.failed}
                for p in by_path:
                    if p not in seen and not is_url(p) and not (s.corpus_dir / p).exists():
                        update.drop.update(by_path[p])
                        report.removed.append(p)
            self.versions.commit(update)  # publishes only when something changed
        return report

    def remove(self, path_or_id: str) -> list[str]:
        """Remove a document by corpus-relative path, URL or id; returns the removed ids."""
        with self.versions.writing():
            ids = [i for i, m in self.store.documents() if path_or_id in (i, m.path)]
            if ids:
                update = self.versions.update()
                update.drop.update(ids)
                self.versions.commit(update)
        return ids

    def _rebuild_lexical(self) -> LexicalIndex:
        """Bring the lexical index in step with Chroma and publish it (after storing chunks directly)."""
        with self.versions.writing(reopen=False):
            return self.versions.commit(self.versions.update())[1]
