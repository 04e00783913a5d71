"""Batched, streaming ingest: embed calls and upserts per batch, not per document; resume after a cut; lazy input."""
from __future__ import annotations

import pytest
from chromadb.api.models.Collection import Collection

from rag.index import Index
from rag.ingest import make_document
from rag.models import DocMeta
from tests.conftest import FakeEmbedder
from tests.conftest import write_article as _write

DOCS = 60
SENTENCES = 10  # one chunk each with RAG_CHUNK_MAX_TOKENS=16: 600 chunks, 26 documents per batch of 256


def _body(n: int) -> str:
    return " ".join(f"Harbour {n} moved {s} crates of item{n}x{s} across the quay." for s in range(SENTENCES))


class CountingEmbedder(FakeEmbedder):
    """Counts embed calls; with `fail_on`, that call raises (a run cut short in the middle of a batch)."""

    def __init__(self, fail_on: int | None = None):
        super().__init__()
        self.calls, self.fail_on = 0, fail_on

    def embed(self, texts):
        self.calls += 1
        if self.calls == self.fail_on:
            raise KeyboardInterrupt
        return super().embed(texts)


@pytest.fixture
def upserts(monkeypatch) -> list[str]:
    """The collection name of every Chroma upsert."""
    seen: list[str] = []
    real = Collection.upsert

    def spy(self, *args, **kwargs):
        seen.append(self.name)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Collection, "upsert", spy)
    return seen


@pytest.fixture
def settings(make_settings):
    s = make_settings(RAG_CHUNK_MAX_TOKENS=16, RAG_CHUNK_OVERLAP_SENTENCES=0)
    for n in range(DOCS):
        _write(s.corpus_dir, f"a{n:02d}.md", f"Harbour {n}", _body(n))
    return s


def test_embedding_and_upserts_are_batched_across_documents(settings, upserts):
    embedder = CountingEmbedder()
    report = Index(settings, embedder=embedder).ingest()
    assert len(report.added) == DOCS and report.chunks_embedded == DOCS * SENTENCES
    assert embedder.calls == 3  # 600 chunks in batches of >= 256, not 60 calls
    assert upserts == ["news_chunks", "news_docs"] * 3  # one upsert per batch and collection, not 120
    index = Index(settings, embedder=embedder)
    assert len(index.lexical.records) == index.store.count_chunks() == DOCS * SENTENCES


def test_an_interrupted_run_resumes_without_embedding_stored_documents_again(settings):
    with pytest.raises(KeyboardInterrupt):
        Index(settings, embedder=CountingEmbedder(fail_on=2)).ingest()  # cut short in the second batch
    stored = Index(settings, embedder=FakeEmbedder()).documents()
    assert 0 < len(stored) < DOCS

    embedder = CountingEmbedder()
    report = Index(settings, embedder=embedder).ingest()
    assert len(report.skipped) == len(stored) and len(report.added) == DOCS - len(stored)
    assert embedder.embedded == (DOCS - len(stored)) * SENTENCES  # the stored ones were not embedded again
    index = Index(settings, embedder=embedder)
    assert len(index.documents()) == DOCS
    assert len(index.lexical.records) == index.store.count_chunks() == DOCS * SENTENCES


def test_a_document_is_stored_only_with_all_its_chunks(settings, monkeypatch):
    """Cut between a batch's chunk upsert and its document upsert: those documents are not stored; the chunks
    left behind are replaced on the next run, or deleted once nothing claims them."""
    real = Collection.upsert
    calls = {"docs": 0}

    def failing(self, *args, **kwargs):
        if self.name.endswith("_docs"):
            calls["docs"] += 1
            if calls["docs"] == 2:
                raise KeyboardInterrupt
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Collection, "upsert", failing)
    with pytest.raises(KeyboardInterrupt):
        Index(settings, embedder=FakeEmbedder()).ingest()
    monkeypatch.setattr(Collection, "upsert", real)
    index = Index(settings, embedder=FakeEmbedder())
    stored = len(index.documents())
    assert index.store.count_chunks() > stored * SENTENCES  # chunks of the cut batch, without their documents
    for n in range(DOCS):
        (settings.corpus_dir / f"a{n:02d}.md").unlink(missing_ok=n >= stored)  # keep only what was stored
    index = Index(settings, embedder=FakeEmbedder())
    assert len(index.lexical.records) == index.store.count_chunks() == stored * SENTENCES  # repaired on load


def test_a_generator_of_documents_is_consumed_as_it_is_stored(make_settings):
    embedder = CountingEmbedder()
    calls_when_yielded = []

    def documents():
        for n in range(40):
            calls_when_yielded.append(embedder.calls)
            yield make_document(" ".join(f"Sentence {s} of doc {n} with many words in it." for s in range(20)),
                                DocMeta(path=f"gen{n}.md"))
    report = Index(make_settings(RAG_CHUNK_MAX_TOKENS=16), embedder=embedder).add_documents(documents())
    assert len(report.added) == 40
    assert calls_when_yielded[-1] > 0  # later documents were loaded after earlier ones were embedded and stored


def test_progress_bar_shows_articles_and_chunks_per_second(settings, capsys):
    Index(settings, embedder=FakeEmbedder()).ingest(progress=True)
    err = capsys.readouterr().err
    assert "article/s" in err or "s/article" in err
    assert "chunks/s" in err
