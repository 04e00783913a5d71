"""The learned answer scorer: a logistic regression over evidence features (rag/evidence.py).

The weights and the calibrated abstention threshold ship as `answer_scorer.json`, written by
`python -m rag.train_scorer`; scoring is one dot product per candidate (numpy only).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.evidence import FEATURES

WEIGHTS_FILE = Path(__file__).with_name("answer_scorer.json")


@dataclass(frozen=True)
class AnswerScorer:
    """P(span answers the question) = sigmoid(x·w + b) over standardised features."""

    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float  # abstain when no span scores this high (calibrated on held-out questions)
    source_threshold: float  # a further source is quoted when its best span scores this high

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self, extra: dict | None = None) -> str:
        return json.dumps({"features": list(FEATURES), "weights": self.weights.round(6).tolist(),
                           "bias": round(self.bias, 6), "mean": self.mean.round(6).tolist(),
                           "scale": self.scale.round(6).tolist(), "threshold": round(self.threshold, 4),
                           "source_threshold": round(self.source_threshold, 4),
                           **(extra or {})}, indent=1)


@lru_cache(maxsize=4)
def load_scorer(path: Path = WEIGHTS_FILE) -> AnswerScorer:
    """The shipped scorer; a file trained on other features is refused with the command that retrains it."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise RuntimeError(f"{path} was trained on other features than rag/evidence.py computes: "
                           "retrain with `python -m rag.train_scorer`")
    return AnswerScorer(np.array(raw["weights"]), float(raw["bias"]), np.array(raw["mean"]),
                        np.array(raw["scale"]), float(raw["threshold"]), float(raw["source_threshold"]))
