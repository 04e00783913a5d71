"""Whether two words name the same kind of thing ("doctors" and "physicians"), read from the embedder's
word vectors instead of a synonym table, so it holds for any topic."""
from __future__ import annotations

import numpy as np

UNIT_SIMILARITY = 0.8  # MiniLM word cosine: doctors/physicians 0.88, workers/employees 0.85,
# deaths/fatalities 0.83 join; votes/voters 0.76, men/women 0.72, nurses/doctors 0.63, people/residents 0.51 stay apart
_MAX_WORDS = 20_000


class WordSimilarity:
    """Callable `(a, b) -> bool`: the same word, or words whose vectors are at least `threshold` alike."""

    def __init__(self, embedder, threshold: float = UNIT_SIMILARITY):
        self._embedder, self.threshold = embedder, threshold
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, a: str, b: str) -> bool:
        a, b = a.lower().strip(), b.lower().strip()
        if a == b:
            return True
        if not (a.isalpha() and b.isalpha()):
            return False  # currency codes, "%", "pp": only the same one is the same unit
        va, vb = self._vector(a), self._vector(b)
        return float(va @ vb) >= self.threshold

    def _vector(self, word: str) -> np.ndarray:
        v = self._vectors.get(word)
        if v is None:
            v = self._embedder.embed([word])[0]
            if len(self._vectors) >= _MAX_WORDS:
                self._vectors.clear()
            self._vectors[word] = v
        return v
