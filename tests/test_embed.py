"""The fast ONNX embedder gives the sentence-transformers vectors of the packaged model."""
from __future__ import annotations

import numpy as np
import pytest

from rag.embed import OnnxEmbedder, SentenceTransformerEmbedder

pytestmark = pytest.mark.slow

TEXTS = ["How much did Russia give North Korea?", "The bridge is 412 metres long.",
         "North Korea also maintains around one million active duty soldiers. " * 30]  # > 256 pieces: truncated


def test_onnx_matches_sentence_transformers():
    a, b = OnnxEmbedder().embed(TEXTS), SentenceTransformerEmbedder().embed(TEXTS)
    assert a.shape == b.shape == (3, 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert (a * b).sum(axis=1).min() >= 0.9999


def test_batches_keep_input_order():
    e = OnnxEmbedder(batch_size=2)
    texts = ["short", "a much longer sentence about something else entirely", "mid length text"]
    together = e.embed(texts)
    alone = np.stack([e.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_the_int8_model_is_made_once_and_stays_close_to_fp32(tmp_path, monkeypatch):
    from rag.embed import _export_onnx, ensure_int8_model

    raw = _export_onnx()  # the fp32 export, already cached
    monkeypatch.setenv("RAG_MODEL_CACHE", str(tmp_path))
    (tmp_path / raw.name).symlink_to(raw)
    path = ensure_int8_model()
    assert path.parent == tmp_path and path.stat().st_size < raw.stat().st_size / 2
    assert ensure_int8_model() == path and not list(tmp_path.glob("*.tmp"))
    a, b = OnnxEmbedder(path).embed(TEXTS), OnnxEmbedder().embed(TEXTS)
    assert (a * b).sum(axis=1).min() >= 0.98
