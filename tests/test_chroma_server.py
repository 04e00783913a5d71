"""The CHROMA_HOST path against a real `chroma run` server on 127.0.0.1, and servers that fail."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from rag.index import Index
from rag.models import Answer
from rag.retrieve import HybridRetriever
from rag.store import StoreError

pytestmark = [pytest.mark.server, pytest.mark.slow]
UNREACHABLE = r"the Chroma server at 127\.0\.0\.1:{port} is unreachable \({why}\)"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ChromaProcess:
    """A `chroma run` on 127.0.0.1 that a test can stop, restart (same port, same data) and pause."""

    path: Path
    port: int
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen([exe, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        pytest.fail("chroma server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            self.proc.wait(timeout=20)

    def pause(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


@pytest.fixture
def chroma(tmp_path):
    server = ChromaProcess(tmp_path / "srv", _free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def chroma_server(chroma):
    return chroma.port


@pytest.fixture
def silent_port():
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    listener.close()


def _stories(s):
    (s.corpus_dir / "a.md").write_text("---\ntitle: Dam\noutlet: Valley News\n---\nThe dam holds 3 million "
                                       "litres of water. It opened in 1961.\n", encoding="utf-8")
    (s.corpus_dir / "b.md").write_text("---\ntitle: Zoo\n---\nThe zoo has 40 elephants.\n", encoding="utf-8")


def test_ingest_and_search_through_a_chroma_server(chroma_server, make_settings, fake_embedder, tmp_path):
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma_server)
    _stories(s)
    r = Index(s, embedder=fake_embedder).ingest()
    assert sorted(r.added) == ["a.md", "b.md"]
    assert not (Path(s.data_dir) / "chroma").exists()  # nothing stored locally but the BM25 mirror
    index = Index(s, embedder=fake_embedder)
    assert index.ingest().skipped == ["a.md", "b.md"]
    hits = HybridRetriever(index).search("how many elephants in the zoo")
    assert hits[0].meta.path == "b.md"
    assert index.document(hits[0].chunk.doc_id).text.startswith("The zoo")


def test_unreachable_server_is_a_clear_error(make_settings, fake_embedder):
    port = _free_port()
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=port)
    with pytest.raises(StoreError, match=UNREACHABLE.format(port=port, why="connection refused")):
        Index(s, embedder=fake_embedder).store


def _in_thread(fn, limit: float = 60.0):
    """Run fn in a thread; (finished, result or exception). Without a client timeout it never finishes."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:  # noqa: BLE001
            out["value"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(limit)
    return not t.is_alive(), out.get("value")


def test_a_port_that_never_answers_is_an_error_not_a_hang(silent_port, make_settings, fake_embedder):
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=silent_port, CHROMA_TIMEOUT=1)
    finished, error = _in_thread(lambda: Index(s, embedder=fake_embedder).store)
    assert finished, "opening the store hung on a server that never answers"
    assert isinstance(error, StoreError)
    assert str(error) == f"the Chroma server at 127.0.0.1:{silent_port} is unreachable (no reply within 1 s)"


def test_rag_ask_on_a_silent_port_exits_with_the_message(silent_port, tmp_path):
    env = {**os.environ, "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(silent_port), "CHROMA_TIMEOUT": "1",
           "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CORPUS_DIR": str(tmp_path)}
    try:
        r = subprocess.run([sys.executable, "-m", "rag.cli", "ask", "How many elephants?"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("rag ask hung on a Chroma port that never answers")
    assert r.returncode == 2
    assert r.stderr.strip().endswith(f"error: the Chroma server at 127.0.0.1:{silent_port} is unreachable "
                                     "(no reply within 1 s)"), r.stderr


def test_a_stopped_or_paused_server_is_a_clear_error_and_answering_resumes(chroma, make_settings, fake_embedder):
    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma.port, CHROMA_TIMEOUT=1)
    _stories(s)
    index = Index(s, embedder=fake_embedder)
    index.ingest()
    search = HybridRetriever(index).search

    def zoo() -> str:
        return search("how many elephants in the zoo")[0].meta.path

    assert zoo() == "b.md"
    chroma.stop()
    with pytest.raises(StoreError, match=UNREACHABLE.format(port=chroma.port, why="connection refused")):
        zoo()
    chroma.start()  # same port, same data
    assert zoo() == "b.md"  # the same index object answers again, no restart

    chroma.pause()
    try:
        finished, error = _in_thread(zoo)
        assert finished, "a search hung on a paused Chroma server"
        assert isinstance(error, StoreError) and "is unreachable (no reply within 1 s)" in str(error)
    finally:
        chroma.resume()
    assert zoo() == "b.md"


def test_the_web_chat_says_which_server_is_unreachable(chroma, make_settings, tmp_path):
    import gradio as gr

    from ui.app import build_app

    s = make_settings(CHROMA_HOST="127.0.0.1", CHROMA_PORT=chroma.port, CHROMA_TIMEOUT=1)
    _stories(s)
    Index(s).ingest()
    app = build_app(s)
    ask = next(f.fn for f in app.fns.values() if f.name == "ask")
    respond = next(f.fn for f in app.fns.values() if f.name == "respond")
    question = "How many elephants does the zoo have?"
    assert Answer.model_validate_json(ask(question)).question == question
    chroma.stop()
    with pytest.raises(gr.Error, match=UNREACHABLE.format(port=chroma.port, why="connection refused")):
        ask(question)
    said = list(respond(question, [], 8, [], "", "", "extractive"))[-1][0][-1]["content"]
    assert f"the Chroma server at 127.0.0.1:{chroma.port} is unreachable" in said and "ConnectError" not in said
    chroma.start()
    assert Answer.model_validate_json(ask(question)).question == question  # answering resumes by itself
