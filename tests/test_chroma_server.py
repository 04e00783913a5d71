"""The CHROMA_HOST path against a real `chroma run` server started on 127.0.0.1."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.index import Index
from rag.retrieve import HybridRetriever

pytestmark = [pytest.mark.server, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "srv"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_and_search_through_a_chroma_server(chroma_server, make_settings, fake_embedder, tmp_path):
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server)
    (s.corpus_dir / "a.md").write_text("---\ntitle: Dam\noutlet: Valley News\n---\nThe dam holds 3 million "
                                       "litres of water. It opened in 1961.\n", encoding="utf-8")
    (s.corpus_dir / "b.md").write_text("---\ntitle: Zoo\n---\nThe zoo has 40 elephants.\n", encoding="utf-8")
    r = Index(s, embedder=fake_embedder).ingest()
    assert sorted(r.added) == ["a.md", "b.md"]
    assert not (Path(s.data_dir) / "chroma").exists()  # nothing stored locally but the BM25 mirror
    index = Index(s, embedder=fake_embedder)
    assert index.ingest().skipped == ["a.md", "b.md"]
    hits = HybridRetriever(index).search("how many elephants in the zoo")
    assert hits[0].meta.path == "b.md"
    assert index.document(hits[0].chunk.doc_id).text.startswith("The zoo")


def test_unreachable_server_is_a_clear_error(make_settings, fake_embedder):
    from rag.store import StoreError
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=_free_port())
    with pytest.raises(StoreError, match="cannot open the Chroma store at 127.0.0.1"):
        Index(s, embedder=fake_embedder).store
