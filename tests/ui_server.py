"""Start the web chat (`rag serve`) in a subprocess on a free 127.0.0.1 port, for the UI tests.

The server gets a temporary RAG_DATA_DIR and a temporary copy of corpus/ as
RAG_CORPUS_DIR, so uploads and removals never touch the repository. Use the
`ui_server` fixture (module scoped: one server per test module):

    from tests.ui_server import ui_server  # noqa: F401  (pytest finds the fixture by name)

    def test_x(ui_server):
        url = ui_server.url
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 180.0  # a first start ingests the corpus and may export the ONNX model


@dataclass
class UIServer:
    url: str
    corpus_dir: Path
    data_dir: Path
    log: Path
    process: subprocess.Popen

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    import httpx

    try:
        r = httpx.get(url + "/gradio_api/info", timeout=2.0)
        return r.status_code == 200 and "/ask" in r.text
    except httpx.HTTPError:
        return False


def start(tmp: Path, env_extra: dict[str, str] | None = None) -> UIServer:
    corpus, data = tmp / "corpus", tmp / "data"
    shutil.copytree(REPO / "corpus", corpus)
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(data), "RAG_CORPUS_DIR": str(corpus), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", "PYTHONUNBUFFERED": "1",
           **(env_extra or {})}
    for key in ("RAG_UI_PASSWORD", "RAG_URL_ALLOW"):  # an open server with the default fetch policy,
        if not (env_extra or {}).get(key):              # unless the tests ask otherwise
            env.pop(key, None)
    log = tmp / "server.log"
    with open(log, "wb") as out:
        # cwd=tmp: no .env of the repository leaks into the server's settings
        proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = UIServer(f"http://127.0.0.1:{port}", corpus, data, log, proc)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rag serve exited with {proc.returncode}:\n{server.log_tail()}")
        if _ready(server.url):
            return server
        time.sleep(0.5)
    stop(server)
    raise RuntimeError(f"rag serve not ready after {READY_TIMEOUT:.0f} s:\n{server.log_tail()}")


def stop(server: UIServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


@pytest.fixture(scope="module")
def ui_server():
    """A running `rag serve` on 127.0.0.1 with a private copy of the corpus; stopped after the module."""
    tmp = Path(tempfile.mkdtemp(prefix="rag-ui-"))
    server = start(tmp)
    try:
        yield server
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
