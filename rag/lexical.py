"""BM25 index over chunk texts (bm25s), persisted beside the Chroma store.

It also keeps each chunk's text, offsets and document metadata so retrieval can
build results without a round trip to Chroma. It is rebuilt from Chroma, the
system of record, whenever the two disagree.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from rag.models import Chunk, DocMeta, Filters
from rag.text import terms


class LexicalIndex:
    def __init__(self, records: list[tuple[Chunk, DocMeta]]):
        import bm25s

        self.records = records
        self.position = {c.id: i for i, (c, _) in enumerate(records)}
        self._bm25 = bm25s.BM25()
        tokens = [terms(c.text) or ["∅"] for c, _ in records]
        if records:
            self._bm25.index(tokens, show_progress=False)
        self._vocab = set(t for ts in tokens for t in ts)

    @property
    def fingerprint(self) -> tuple[int, str]:
        return len(self.records), str(hash(tuple(sorted(self.position))))

    def search(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        """Top-n (record position, BM25 score) with a positive score, filters applied."""
        q = [t for t in terms(query) if t in self._vocab]
        if not q or not self.records:
            return []
        scores = np.asarray(self._bm25.get_scores(q), dtype=np.float32)
        if not filters.empty:
            scores = scores * self._filter_mask(filters)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _filter_mask(self, filters: Filters) -> np.ndarray:
        def ok(meta: DocMeta) -> bool:
            if filters.outlets and meta.outlet not in filters.outlets:
                return False
            if filters.published_from and (not meta.published or meta.published < filters.published_from):
                return False
            if filters.published_to and (not meta.published or meta.published > filters.published_to):
                return False
            return True
        return np.array([ok(m) for _, m in self.records], dtype=np.float32)

    # ---- persistence -----------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "records.json.tmp"
        tmp.write_text(json.dumps([[asdict(c), asdict(m)] for c, m in self.records]), encoding="utf-8")
        tmp.replace(directory / "records.json")

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex | None":
        path = directory / "records.json"
        if not path.exists():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls([(Chunk(**c), DocMeta(**m)) for c, m in raw])
        except (ValueError, TypeError, KeyError):
            return None  # unreadable: the caller rebuilds it from Chroma
