"""The LangChain retriever: one class, stable metadata with None kept, k / filters / search_kwargs, picklable."""
from __future__ import annotations

import pickle

import pytest
from langchain_core.documents import Document
from langchain_core.prompts import PromptTemplate, format_document

from rag.index import Index
from rag.lc_retriever import METADATA_KEYS, GroundedRetriever
from rag.retrieve import HybridRetriever
from tests.small_corpus import indexed



@pytest.fixture
def hybrid(make_settings, fake_embedder):
    return HybridRetriever(indexed(make_settings(), fake_embedder))  # bridge.txt: no outlet, no date


def test_one_class_and_a_stable_metadata_schema_with_none_kept(hybrid):
    a, b = hybrid.as_langchain(), hybrid.as_langchain()
    assert type(a) is type(b) is GroundedRetriever
    docs = a.invoke("ferry")
    assert {d.metadata["source"] for d in docs} == {"ferry.md", "bridge.txt"}
    assert all(tuple(d.metadata) == METADATA_KEYS for d in docs)
    bridge = next(d for d in docs if d.metadata["source"] == "bridge.txt")
    assert bridge.metadata["outlet"] is None and bridge.metadata["published"] is None
    assert isinstance(bridge.metadata["rrf_score"], float) and "score" not in bridge.metadata
    text = hybrid.index.document(bridge.metadata["doc_id"]).text
    assert text[bridge.metadata["start"]:bridge.metadata["end"]] == bridge.page_content
    prompt = PromptTemplate.from_template("{outlet} ({published}): {page_content}")
    assert format_document(bridge, prompt).startswith("None (None): The old bridge")


def test_k_filters_and_search_kwargs(hybrid):
    assert len(hybrid.as_langchain(k=1).invoke("ferry")) == 1
    only = hybrid.as_langchain(filters={"outlets": ["Island Post"]}).invoke("ferry")
    assert [d.metadata["source"] for d in only] == ["ferry.md"]
    dated = hybrid.as_langchain(search_kwargs={"filters": {"published_from": "2025-05-01"}, "k": 5}).invoke("ferry")
    assert [d.metadata["published"] for d in dated] == ["2025-05-02"]
    retriever = hybrid.as_langchain(k=5)
    assert len(retriever.invoke("ferry", k=1)) == 1  # a call's own options win
    with pytest.raises(TypeError, match="top_k"):
        retriever.invoke("ferry", top_k=2)
    with pytest.raises(ValueError, match="search_kwargs"):
        hybrid.as_langchain(search_kwargs={"top_k": 2})


def test_to_document_roundtrip_is_a_langchain_document(hybrid):
    doc = hybrid.as_langchain(k=1).invoke("terminal cost")[0]
    assert isinstance(doc, Document) and doc.id.startswith(doc.metadata["doc_id"])


@pytest.mark.slow
def test_pickle_reopens_the_same_index(seed_settings):
    retriever = HybridRetriever(Index(seed_settings)).as_langchain(k=3, filters={"outlets": ["GateOfWise"]})
    before = retriever.invoke("How much did Russia give North Korea?")
    clone = pickle.loads(pickle.dumps(retriever))
    assert clone.k == 3 and clone.filters == retriever.filters and clone.settings.data_dir == seed_settings.data_dir
    assert [d.id for d in clone.invoke("How much did Russia give North Korea?")] == [d.id for d in before]
    assert GroundedRetriever(settings=seed_settings, k=2).invoke("North Korea reservists")
