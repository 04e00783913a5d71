"""A chain on an empty index is an error that says how to ingest (or ingests, behind an explicit flag)."""
from __future__ import annotations

import pytest

from rag.chain import build_chain
from rag.index import EmptyIndexError, Index
from rag.store import StoreError
from tests.small_corpus import FERRY, write



def test_empty_index_raises_with_how_to_ingest(make_settings, fake_embedder):
    settings = make_settings()
    with pytest.raises(EmptyIndexError) as e:
        build_chain(settings, index=Index(settings, embedder=fake_embedder))
    message = str(e.value)
    assert "is empty" in message and "rag --corpus FOLDER ingest" in message and "ingest_if_empty=True" in message
    assert isinstance(e.value, StoreError)  # the CLI and the web chat already report StoreError in one line


def test_ingest_if_empty_indexes_the_corpus_folder(make_settings, fake_embedder):
    settings = make_settings()
    write(settings, {"ferry.md": FERRY})
    index = Index(settings, embedder=fake_embedder)
    chain = build_chain(settings, index=index, ingest_if_empty=True)
    assert not index.is_empty()
    assert chain.retriever.search("ferry terminal cost", k=1)[0].meta.outlet == "Island Post"


def test_ingest_if_empty_with_nothing_to_ingest_still_raises(make_settings, fake_embedder, tmp_path):
    settings = make_settings().model_copy(update={"corpus_dir": tmp_path / "missing"})
    with pytest.raises(EmptyIndexError, match="does not exist"):
        build_chain(settings, index=Index(settings, embedder=fake_embedder), ingest_if_empty=True)
