"""The learned answer scorer: small gradient-boosted trees over evidence features (rag/evidence.py).

The trees and the calibrated bars ship as `answer_scorer.json`, written by
`python -m rag.train_scorer` (scikit-learn at training time); scoring walks every tree at once
with numpy, a few array operations per level, so answering imports nothing heavy.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.evidence import FEATURES
from rag.settings import SettingsError

WEIGHTS_FILE = Path(__file__).with_name("answer_scorer.json")


@dataclass(frozen=True)
class Trees:
    """Every tree's nodes in padded arrays of shape (trees, nodes); node 0 is each root."""

    feature: np.ndarray
    threshold: np.ndarray  # go left when x[feature] <= threshold
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray  # a leaf's contribution to the log-odds
    leaf: np.ndarray
    sizes: np.ndarray  # real nodes per tree (the rest is padding)
    depth: int

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values for each row of x."""
        n_trees, width = self.feature.shape
        first = np.arange(n_trees)[:, None] * width  # each tree's root in the flattened node arrays
        rows = np.arange(len(x))[None, :]
        columns = np.ascontiguousarray(np.asarray(x).T)
        feature, threshold, left, right, leaf = (a.ravel() for a in (self.feature, self.threshold, self.left,
                                                                     self.right, self.leaf))
        node = np.zeros((n_trees, len(x)), dtype=np.int64)
        for _ in range(self.depth):
            at = first + node
            step = np.where(columns[feature[at], rows] <= threshold[at], left[at], right[at])
            node = np.where(leaf[at], node, step)
        return self.value.ravel()[first + node].sum(0)

    def to_json(self) -> list[list[list]]:
        """Per tree: [feature, threshold, left, right, value, leaf] per node (leaf padding left out)."""
        return [[[int(self.feature[t, i]), float(self.threshold[t, i]), int(self.left[t, i]), int(self.right[t, i]),
                  float(self.value[t, i]), int(self.leaf[t, i])] for i in range(int(self.sizes[t]))]
                for t in range(len(self.feature))]

    @classmethod
    def from_nodes(cls, trees: list[list[list]]) -> "Trees":
        width = max(len(t) for t in trees)
        arr = np.zeros((len(trees), width, 6))
        arr[:, :, 5] = 1  # padding is a leaf worth nothing
        for i, t in enumerate(trees):
            arr[i, :len(t)] = t
        depth = _depth(arr)
        return cls(arr[:, :, 0].astype(np.int64), arr[:, :, 1], arr[:, :, 2].astype(np.int64),
                   arr[:, :, 3].astype(np.int64), arr[:, :, 4], arr[:, :, 5].astype(bool),
                   np.array([len(t) for t in trees]), depth)


def _depth(arr: np.ndarray) -> int:
    """The longest root-to-leaf path of any tree."""
    best = 0
    for t in arr:
        stack = [(0, 0)]
        while stack:
            i, d = stack.pop()
            if t[i, 5]:
                best = max(best, d)
            else:
                stack += [(int(t[i, 2]), d + 1), (int(t[i, 3]), d + 1)]
    return best


@dataclass(frozen=True)
class AnswerScorer:
    """P(span answers the question) = sigmoid(baseline + sum of the trees' leaf values)."""

    trees: Trees
    baseline: float
    threshold: float  # abstain when no span scores this high (calibrated on held-out questions)
    source_threshold: float  # a further source is quoted when its best span scores this high

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = self.baseline + self.trees.raw(np.asarray(x, dtype=np.float64))
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_json(self, extra: dict | None = None) -> str:
        return json.dumps({"features": list(FEATURES), "baseline": round(self.baseline, 6),
                           "threshold": round(self.threshold, 4), "source_threshold": round(self.source_threshold, 4),
                           **(extra or {}), "trees": self.trees.to_json()}, separators=(",", ":"))


@lru_cache(maxsize=4)
def load_scorer(path: Path = WEIGHTS_FILE) -> AnswerScorer:
    """The shipped scorer, or the one in `path`; a missing file, or one trained on other features, is refused
    with the command that makes it."""
    if not path.is_file():
        raise SettingsError(f"no answer scorer weights at {path}: write them with `python -m rag.train_scorer "
                            f"--out {path}`")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise RuntimeError(f"{path} was trained on other features than rag/evidence.py computes: "
                           "retrain with `python -m rag.train_scorer`")
    return AnswerScorer(Trees.from_nodes(raw["trees"]), float(raw["baseline"]), float(raw["threshold"]),
                        float(raw["source_threshold"]))
