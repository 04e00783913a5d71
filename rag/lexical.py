"""BM25 index over chunk texts (bm25s), persisted beside the Chroma store.

It also keeps each chunk's text, offsets and document metadata so retrieval can
build results without a round trip to Chroma. It is rebuilt from Chroma, the
system of record, whenever the two disagree.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.models import Chunk, DocMeta, Filters
from rag.text import STOPWORDS, stem, terms, words


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the embedding model's vocabulary: real words are never "corrected"."""
    from rag.embed import model_dir

    vocab = (model_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocab if w.isalpha())


MIN_RELATIVE_SCORE = 0.1
EXTRA_WEIGHT = 0.5  # matches scoring under 10% of the best one only share common words: not evidence


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
        self._words: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> corpus words
        for w in {w.lower() for c, _ in records for w in words(c.text) if len(w) >= 4 and w.isalpha()}:
            self._words.setdefault((w[0], len(w)), []).append(w)

    @property
    def fingerprint(self) -> tuple[int, str]:
        return len(self.records), str(hash(tuple(sorted(self.position))))

    def search(self, query: str, n: int, filters: Filters, extra: str = "") -> list[tuple[int, float]]:
        """Top-n (record position, BM25 score), filters applied; `extra` terms (aliases, synonyms) count half."""
        q = [t for t in terms(query) if t in self._vocab]
        x = [t for t in terms(extra) if t in self._vocab and t not in q]
        if not (q or x) or not self.records:
            return []
        scores = np.zeros(len(self.records), dtype=np.float32)
        if q:
            scores += np.asarray(self._bm25.get_scores(q), dtype=np.float32)
        if x:
            scores += EXTRA_WEIGHT * np.asarray(self._bm25.get_scores(x), dtype=np.float32)
        if not filters.empty:
            scores = scores * self._filter_mask(filters)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        floor = max(float(scores[top[0]]) * MIN_RELATIVE_SCORE, 1e-9) if len(top) else 0.0
        return [(int(i), float(scores[i])) for i in top if scores[i] >= floor]

    def correct(self, query: str) -> str | None:
        """The query with misspelt words replaced by the closest corpus word, or None if nothing changed."""
        out, changed = [], False
        for token in re.split(r"(\W+)", query):
            low = token.lower()
            if len(low) >= 5 and low.isalpha() and low not in STOPWORDS and not self._is_word(low) \
                    and low not in english_words():
                best = self._closest(low)
                if best:
                    token, changed = (best.capitalize() if token[0].isupper() else best), True
            out.append(token)
        return "".join(out) if changed else None

    def _is_word(self, word: str) -> bool:
        return stem(word) in self._vocab or word in self._words.get((word[0], len(word)), ())

    def _closest(self, word: str) -> str | None:
        candidates = [w for n in range(len(word) - 2, len(word) + 3) for w in self._words.get((word[0], n), ())]
        scored = [(SequenceMatcher(None, word, w).ratio(), w) for w in candidates
                  if SequenceMatcher(None, word, w).quick_ratio() >= 0.8]
        best = max(scored, default=(0.0, None))
        return best[1] if best[0] >= 0.8 else None

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
