"""bench/scale_corpus.py: deterministic, and every article passes the project's loader."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rag.ingest import load_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import scale_corpus  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return scale_corpus.train(scale_corpus.training_topics())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def test_same_seed_same_bytes_and_prefix_stable(tmp_path, model):
    a, b, c, small = (scale_corpus.generate(tmp_path / n, 8 if n != "small" else 3, seed, model)
                      for n, seed in (("a", 7), ("b", 7), ("c", 8), ("small", 7)))
    files_a = _files(tmp_path / "a")
    assert len(files_a) == 8
    assert files_a == _files(tmp_path / "b")
    assert files_a != _files(tmp_path / "c")
    assert _files(tmp_path / "small").items() <= files_a.items()  # a smaller corpus is a prefix


def test_loader_accepts_every_article_with_its_front_matter(tmp_path, model):
    paths = scale_corpus.generate(tmp_path, 12, 0, model)
    docs = [load_path(p, tmp_path) for p in paths]
    for doc in docs:
        assert doc.meta.title and doc.meta.outlet in scale_corpus.OUTLETS
        assert doc.meta.published and "2023-01-01" <= doc.meta.published <= "2025-12-31"
        assert doc.meta.url and doc.meta.url.startswith("https://")
        assert len(doc.text.split()) >= 100
    assert len({d.meta.outlet for d in docs}) > 1 and len({d.meta.published for d in docs}) > 1
