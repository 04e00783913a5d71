"""Shared fixtures: no network beyond loopback, a fake embedder, and one real index of the seed corpus."""
from __future__ import annotations

import hashlib
import os
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
_LOOPBACK = ("127.0.0.1", "::1", "localhost")
_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in _LOOPBACK and self.family in (socket.AF_INET, socket.AF_INET6):
        raise OSError(f"network access blocked in tests: {address}")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect


class FakeEmbedder:
    """Deterministic bag-of-words vectors; counts embedded texts so tests can see re-embedding."""

    name = "fake"
    max_tokens = 256

    def __init__(self):
        self.embedded = 0

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed(self, texts):
        self.embedded += len(texts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 384] += 1.0
            out[i] /= max(np.linalg.norm(out[i]), 1e-9)
        return out


ARTICLE = "---\ntitle: {title}\noutlet: Test Post\npublished: 2024-01-02\n---\n{body}\n"


def write_article(corpus: Path, name: str, title: str, body: str) -> None:
    """A Markdown article with front matter, in the corpus folder."""
    (corpus / name).write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")


@pytest.fixture
def fake_embedder():
    return FakeEmbedder()


@pytest.fixture
def make_settings(tmp_path):
    from rag.settings import Settings

    def make(corpus: Path | None = None, **kw):
        corpus = corpus or tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        return Settings(RAG_CORPUS_DIR=str(corpus), RAG_DATA_DIR=str(tmp_path / "data"), **kw)
    return make


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory) -> Path:
    """A data dir with the bundled corpus ingested by the real embedder (once per session)."""
    from rag.index import Index
    from rag.settings import Settings

    data = tmp_path_factory.mktemp("seed-index")
    report = Index(Settings(RAG_CORPUS_DIR=str(CORPUS), RAG_DATA_DIR=str(data))).ingest()
    assert not report.failed and report.added
    return data


@pytest.fixture(scope="session")
def seed_settings(seed_data_dir):
    from rag.settings import Settings
    return Settings(RAG_CORPUS_DIR=str(CORPUS), RAG_DATA_DIR=str(seed_data_dir))


@pytest.fixture(scope="session")
def seed_chain(seed_settings):
    from rag.chain import build_chain
    return build_chain(seed_settings)


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst
