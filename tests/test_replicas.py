"""Replicas on one shared `chroma run`: two `rag serve` processes with data folders of their own answer what a third
process ingests, without a restart."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO
from tests.conftest import write_article as _write
from tests.test_chroma_server import ChromaProcess, _free_port
from tests.ui_server import start, stop

pytestmark = [pytest.mark.server, pytest.mark.slow]
QUOKKAS = "The Brindlewood sanctuary shelters 212 quokkas in its eucalyptus groves."
QUESTION = "How many quokkas does the Brindlewood sanctuary shelter?"


@pytest.fixture
def shared(tmp_path):
    """A `chroma run` and two `rag serve` replicas using it, each with its own data folder."""
    chroma = ChromaProcess(tmp_path / "chroma", _free_port())
    chroma.start()
    env = {"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma.port)}
    servers = []
    try:
        for name in ("replica-a", "replica-b"):
            (tmp_path / name).mkdir()
            servers.append(start(tmp_path / name, env))
        yield env, servers
    finally:
        for server in servers:
            stop(server)
        chroma.stop()


def _quoted(client) -> str:
    answer = json.loads(client.predict(QUESTION, "[]", api_name="/ask"))
    return " ".join(q["text"] for q in answer["quotes"] if q["source"]["path"] == "quokka.md")


def _eventually(check, limit: float = 60.0):
    """Ask until `check` holds (a replica looks at the shared collection at most once a second)."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def test_a_document_ingested_elsewhere_is_answered_by_every_replica(shared, tmp_path):
    from gradio_client import Client

    env, servers = shared
    clients = [Client(s.url, verbose=False, download_files=False) for s in servers]
    assert all(_quoted(c) == "" for c in clients)
    corpus, data = tmp_path / "ingester" / "corpus", tmp_path / "ingester" / "data"
    corpus.mkdir(parents=True)

    def ingest():
        r = subprocess.run([sys.executable, "-m", "rag.cli", "ingest"], capture_output=True, text=True, cwd=REPO,
                           env={**os.environ, **env, "RAG_DATA_DIR": str(data), "RAG_CORPUS_DIR": str(corpus)},
                           timeout=300)
        assert r.returncode == 0, r.stderr

    _write(corpus, "quokka.md", "Quokkas of Brindlewood", QUOKKAS)
    ingest()
    for client, server in zip(clients, servers):
        assert _eventually(lambda: "212 quokkas" in _quoted(client)), server.log_tail()
    _write(corpus, "quokka.md", "Quokkas of Brindlewood", QUOKKAS.replace("212", "389"))
    ingest()  # replaces the document: the old version is gone from every replica
    for client, server in zip(clients, servers):
        assert _eventually(lambda: "389 quokkas" in _quoted(client)), server.log_tail()
        assert "212" not in _quoted(client)
