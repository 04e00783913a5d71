"""The store opens from langchain_chroma in another process (relevance scores, text queries' embedding function),
gives the same nearest chunk as rag, and a record written through LangChain fails with a clear message."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from rag.index import Index
from rag.models import Filters
from rag.store import StoreError
from rag.store_layout import LEGACY_EMBEDDING_FUNCTION, collection_names
from tests.small_corpus import FERRY, indexed

OPEN_WITH_LANGCHAIN = """
import chromadb
from langchain_chroma import Chroma
from langchain_core.embeddings import DeterministicFakeEmbedding
client = chromadb.PersistentClient(path={path!r})
store = Chroma(client=client, collection_name="news_chunks", embedding_function=DeterministicFakeEmbedding(size=384))
hits = store.similarity_search_with_relevance_scores("ferry terminal", k=1)
assert hits and 0 <= hits[0][1] <= 1, hits
print(client.get_collection("news_chunks").configuration["embedding_function"].name())
"""


def run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip()


@pytest.fixture
def index(make_settings, fake_embedder):
    return indexed(make_settings(), fake_embedder, {"ferry.md": FERRY})


def test_collection_names_follow_the_prefix(index):
    assert collection_names("news") == ("news_chunks", "news_docs")
    assert (index.store.chunks.name, index.store.docs.name) == collection_names(index.settings.chroma_collection)
    assert index.store.chunks.configuration_json["hnsw"]["space"] == "cosine"


@pytest.mark.slow
def test_another_process_opens_it_with_langchain_chroma(index):
    assert run(OPEN_WITH_LANGCHAIN.format(path=str(index.settings.data_dir / "chroma"))) == "default"


@pytest.mark.slow
def test_an_old_store_is_redeclared_so_others_can_open_it(make_settings, fake_embedder):
    settings = make_settings()
    path = str(settings.data_dir / "chroma")
    assert run(f"""
        import chromadb
        class Old:  # the adapter rag used to declare
            def __call__(self, input): return [[0.0] * 384 for _ in input]
            def embed_query(self, input): return self(input)
            @staticmethod
            def name(): return {LEGACY_EMBEDDING_FUNCTION!r}
            def is_legacy(self): return False
            def default_space(self): return "cosine"
            def supported_spaces(self): return ["cosine"]
            def get_config(self): return {{}}
            @staticmethod
            def build_from_config(config): return Old()
        client = chromadb.PersistentClient(path={path!r})
        for name in ("news_chunks", "news_docs"):
            client.get_or_create_collection(name, embedding_function=Old(), metadata={{"hnsw:space": "cosine"}})
        print(client.get_collection("news_chunks", embedding_function=Old()).configuration_json["embedding_function"]["name"])
        """) == LEGACY_EMBEDDING_FUNCTION
    indexed(settings, fake_embedder, {"ferry.md": FERRY})  # opening the store re-declares the collections
    assert run(OPEN_WITH_LANGCHAIN.format(path=path)) == "default"


@pytest.mark.slow
def test_langchain_chroma_finds_what_rag_finds(seed_settings):
    from langchain_chroma import Chroma

    from rag.lc_embeddings import RagEmbeddings

    index = Index(seed_settings)
    store = Chroma(client=index.store.client, collection_name="news_chunks",
                   embedding_function=RagEmbeddings(index.embedder))
    question = "How many reservists does North Korea have?"
    (doc, relevance), = store.similarity_search_with_relevance_scores(question, k=1)
    (chunk_id, similarity), = index.store.query(index.embedder.embed([question])[0], 1, Filters())
    assert doc.id == chunk_id and relevance == pytest.approx(similarity, abs=1e-4)
    assert {"doc_id", "path", "start", "end"} <= set(doc.metadata)


def test_a_record_written_through_langchain_fails_clearly(index, fake_embedder):
    from langchain_chroma import Chroma
    from langchain_core.embeddings import DeterministicFakeEmbedding

    Chroma(client=index.store.client, collection_name="news_chunks",
           embedding_function=DeterministicFakeEmbedding(size=384)).add_texts(["A note."], metadatas=[{"source": "x"}],
                                                                              ids=["foreign-1"])
    with pytest.raises(StoreError, match=r"record 'foreign-1' in Chroma collection news_chunks was not written by "
                                         r"rag \(it has no doc_id, path, idx, start, end\)"):
        Index(index.settings, embedder=fake_embedder).lexical  # the BM25 index is rebuilt from Chroma


def test_a_new_store_searches_hnsw_with_the_wider_candidate_list(tmp_path):
    import chromadb

    from rag.store_layout import EF_SEARCH, open_collection

    client = chromadb.PersistentClient(path=str(tmp_path))
    collection = open_collection(client, "news_chunks")
    assert collection.configuration_json["hnsw"]["ef_search"] == EF_SEARCH == 200
    assert collection.configuration_json["hnsw"]["space"] == "cosine"
