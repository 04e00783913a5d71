"""Readers see what another writer published, without a restart, and one consistent version per request."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest

from rag.answer import Draft, DraftClaim
from rag.index import Index
from rag.models import Filters
from rag.pipeline import Pipeline, to_input
from rag.retrieve import HybridRetriever
from rag.verify import QuoteClaim
from tests.conftest import REPO
from tests.conftest import write_article as _write

QUOKKAS = "The Brindlewood sanctuary shelters 212 quokkas in its eucalyptus groves."
WHEEL = "The Harbour Point wheel carries 42 riders. Revision marker zq{}."


def test_a_reader_sees_documents_another_writer_added_or_pruned(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "dam.md", "Dam", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    reader = Index(s, embedder=fake_embedder)  # a server that keeps running
    search = HybridRetriever(reader).search
    reader.refresh()
    assert "quokka.md" not in {h.meta.path for h in search("Brindlewood sanctuary quokkas")}

    _write(s.corpus_dir, "quokka.md", "Quokkas", QUOKKAS)
    Index(s, embedder=fake_embedder).ingest()  # another process ingests
    assert reader.refresh() is True
    assert search("Brindlewood sanctuary quokkas")[0].meta.path == "quokka.md"
    dense = reader.store.query(fake_embedder.embed([QUOKKAS])[0], 3, Filters())
    assert any(cid.startswith(reader.documents()[1][0]) for cid, _ in dense)  # the vector index too, not only BM25
    assert reader.refresh() is False  # nothing new: nothing reloaded

    (s.corpus_dir / "quokka.md").unlink()
    Index(s, embedder=fake_embedder).ingest(prune=True)
    reader.refresh()
    assert "quokka.md" not in {h.meta.path for h in search("Brindlewood sanctuary quokkas")}
    assert [m.path for _, m in reader.documents()] == ["dam.md"]


def test_a_request_keeps_its_version_while_another_thread_moves_on(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "dam.md", "Dam", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    reader = Index(s, embedder=fake_embedder)
    reader.refresh()
    mine = reader.lexical
    _write(s.corpus_dir, "quokka.md", "Quokkas", QUOKKAS)
    Index(s, embedder=fake_embedder).ingest()
    other = threading.Thread(target=reader.refresh)  # another request starts on another thread
    other.start()
    other.join()
    assert reader.lexical is mine  # positions from one version only, for the rest of this request
    reader.refresh()  # this thread's next request
    assert reader.lexical is not mine and len(reader.lexical.records) == len(mine.records) + 1


class ChunkQuoter:
    """Quotes each retrieved chunk as it stands, the way an LLM quotes the passages it was shown."""

    def draft(self, request, question, retrieved, documents) -> Draft:
        claims = [DraftClaim(QuoteClaim(r.chunk.doc_id, r.chunk.text, r.chunk.start)) for r in retrieved]
        return Draft(parts=[question], claims=claims)


@pytest.fixture
def quoting(make_settings, fake_embedder) -> tuple:
    """(settings, a pipeline that quotes whole chunks) over an index of one article, dam.md."""
    s = make_settings()
    _write(s.corpus_dir, "dam.md", "Dam", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    index = Index(s, embedder=fake_embedder)
    return s, Pipeline(index, HybridRetriever(index, k=4), ChunkQuoter())


def test_a_document_replaced_during_a_request_is_answered_from_the_new_version(quoting, fake_embedder):
    s, pipeline = quoting
    _write(s.corpus_dir, "wheel.md", "Wheel", WHEEL.format(0))
    Index(s, embedder=fake_embedder).ingest()
    question = "How many riders does the Harbour Point wheel carry?"
    pipeline.index.refresh()
    request = to_input(question)
    retrieved = pipeline.retrieve(request, question)  # the request has its passages from version zq0 ...
    _write(s.corpus_dir, "wheel.md", "Wheel", WHEEL.format(1))
    Index(s, embedder=fake_embedder).ingest()  # ... when another process replaces zq0 by zq1
    composed = pipeline.answer(request, question, retrieved)
    assert "verbatim" not in composed.markdown, composed.markdown
    assert [q.text for q in composed.quotes if "zq" in q.text] and all("zq1" in q.text for q in composed.quotes
                                                                       if "zq" in q.text)


WRITER = textwrap.dedent('''
    import sys
    from pathlib import Path
    sys.path[:0] = [{repo!r}]
    from rag.index import Index
    from rag.settings import Settings
    from tests.conftest import FakeEmbedder, write_article

    settings = Settings(RAG_CORPUS_DIR={corpus!r}, RAG_DATA_DIR={data!r})
    for n in range({rounds}):
        write_article(Path({corpus!r}), "wheel.md", "Wheel", {wheel!r}.format(n))
        Index(settings, embedder=FakeEmbedder()).ingest()
        print(n, flush=True)
''')


@pytest.mark.slow
def test_answers_during_another_process_updates_keep_every_quote(quoting):
    """Verification uses the version each chunk came from, and the newest version once it is published."""
    s, pipeline = quoting
    rounds = 25
    writer = subprocess.Popen([sys.executable, "-c", WRITER.format(
        repo=str(REPO), corpus=str(s.corpus_dir), data=str(s.data_dir), rounds=rounds, wheel=WHEEL)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers = []
    while writer.poll() is None:
        answers.append(pipeline.invoke("How many riders does the Harbour Point wheel carry?"))
    assert writer.returncode == 0, writer.stderr.read()
    answers.append(pipeline.invoke("How many riders does the Harbour Point wheel carry?"))
    during = [a for a in answers if any(q.source.path == "wheel.md" for q in a.quotes)]
    assert len(during) > 5
    for a in answers:
        assert "verbatim" not in a.answer, a.answer  # no quote was dropped as "not found verbatim"
    assert f"zq{rounds - 1}" in answers[-1].answer  # the newest version, without a restart


@pytest.fixture
def serve(tmp_path):
    from tests.ui_server import start, stop

    server = start(tmp_path)
    yield server
    stop(server)


@pytest.mark.server
@pytest.mark.slow
def test_a_running_server_answers_from_what_rag_ingest_did_in_another_process(serve):
    """New documents become answerable and pruned ones are never quoted, without restarting `rag serve`."""
    import json
    import os

    from gradio_client import Client

    client = Client(serve.url, verbose=False, download_files=False)
    question = "How many quokkas does the Brindlewood sanctuary shelter?"

    def quoted() -> str:
        answer = json.loads(client.predict(question, "[]", api_name="/ask"))
        return " ".join(q["text"] for q in answer["quotes"] if q["source"]["path"] == "quokka.md")

    def ingest(*args):
        env = {**os.environ, "RAG_DATA_DIR": str(serve.data_dir), "RAG_CORPUS_DIR": str(serve.corpus_dir)}
        r = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", *args], capture_output=True, text=True,
                           env=env, cwd=REPO, timeout=300)
        assert r.returncode == 0, r.stderr

    assert quoted() == ""
    _write(serve.corpus_dir, "quokka.md", "Quokkas of Brindlewood", QUOKKAS)
    ingest()
    assert "212 quokkas" in quoted()
    _write(serve.corpus_dir, "quokka.md", "Quokkas of Brindlewood", QUOKKAS.replace("212", "389"))
    ingest()
    assert "389 quokkas" in quoted() and "212" not in quoted()
    (serve.corpus_dir / "quokka.md").unlink()
    ingest("--prune")
    assert quoted() == ""
