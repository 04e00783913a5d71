"""BM25 index over chunk texts (bm25s), persisted beside the Chroma store.

It also keeps each chunk's text, offsets and document metadata so retrieval can
build results without a round trip to Chroma. It is rebuilt from Chroma, the
system of record, whenever the two disagree.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from rag.models import Chunk, DocMeta, Filters
from rag.text import STOPWORDS, TYPO_RATIO, stem, terms, typo_similarity, words


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the embedding model's vocabulary: real words are never "corrected"."""
    from rag.embed import model_dir

    vocab = (model_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocab if w.isalpha())


BACKGROUND_CHUNKS = 1000  # the prior of `LexicalIndex.idf`
MIN_RELATIVE_SCORE = 0.1  # matches scoring under 10% of the best one only share common words: not evidence


class LexicalIndex:
    def __init__(self, records: list[tuple[Chunk, DocMeta]], bm25=None):
        """Index `records`, or take `bm25`, an index of them loaded from disk."""
        import bm25s

        self.records = records
        self.position = {c.id: i for i, (c, _) in enumerate(records)}
        if bm25 is None:
            bm25 = bm25s.BM25()
            if records:
                bm25.index([terms(c.text) or ["∅"] for c, _ in records], show_progress=False)
        self._bm25 = bm25
        self._vocab = set(getattr(bm25, "vocab_dict", None) or ())

    @cached_property
    def _words(self) -> dict[tuple[str, int], list[str]]:
        """(first letter, length) -> corpus words, for spelling correction (built on first use)."""
        out: dict[tuple[str, int], list[str]] = {}
        for w in {w.lower() for c, _ in self.records for w in words(c.text) if len(w) >= 4 and w.isalpha()}:
            out.setdefault((w[0], len(w)), []).append(w)
        return out

    @cached_property
    def _filter_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Outlet and published date (YYYYMMDD, 0 when unknown) of every record, for vectorised filters."""
        outlets = np.array([m.outlet or "" for _, m in self.records], dtype=object)
        published = np.array([int(m.published.replace("-", "")) if m.published else 0 for _, m in self.records])
        return outlets, published

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks, as if the corpus also held
        BACKGROUND_CHUNKS chunks without it: in a small corpus on one subject, the subject's own words
        (a country's name in every chunk) still weigh like ordinary words instead of nothing."""
        vocab = getattr(self._bm25, "vocab_dict", None) or {}
        df = 0
        if term in vocab:
            indptr = self._bm25.scores["indptr"]
            df = int(indptr[vocab[term] + 1] - indptr[vocab[term]])
        return float(np.log((len(self.records) + BACKGROUND_CHUNKS) / (df + 0.5)))

    def search(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        """Top-n (record position, BM25 score), filters applied."""
        q = [t for t in terms(query) if t in self._vocab]
        if not q or not self.records:
            return []
        scores = np.asarray(self._bm25.get_scores(q), dtype=np.float32)
        if not filters.empty:
            scores = scores * self.filter_mask(filters)
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
        best = max(((typo_similarity(word, w), w) for w in candidates), default=(0.0, None))
        return best[1] if best[0] >= TYPO_RATIO else None

    def filter_mask(self, filters: Filters) -> np.ndarray:
        """1.0 for every record that passes the metadata filters, else 0.0."""
        outlets, published = self._filter_columns
        mask = np.ones(len(self.records), dtype=bool)
        if filters.outlets:
            mask &= np.isin(outlets, list(filters.outlets))
        if filters.published_from:
            mask &= published >= int(filters.published_from.replace("-", ""))
        if filters.published_to:
            mask &= (published > 0) & (published <= int(filters.published_to.replace("-", "")))
        return mask.astype(np.float32)

    # ---- persistence -----------------------------------------------------
    def save(self, directory: Path) -> None:
        """Records and the BM25 matrix; records.json is written last, so a half-saved index is not loaded."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "records.json").unlink(missing_ok=True)
        if self.records:
            self._bm25.save(str(directory / "bm25"))
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
            records = [(Chunk(**c), DocMeta(**m)) for c, m in raw]
            bm25 = None
            if records and (directory / "bm25").is_dir():
                import bm25s
                bm25 = bm25s.BM25.load(str(directory / "bm25"))
            return cls(records, bm25)
        except (ValueError, TypeError, KeyError, OSError):
            return None  # unreadable: the caller rebuilds it from Chroma
