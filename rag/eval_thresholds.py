"""The one place where the grounding eval's pass/fail thresholds live.

`rag eval` exits non-zero when any metric below misses its bound. Values are
what the system honestly reaches (recalibrate with a fresh report, never by
editing the dataset); quote_verbatim_rate must stay at 1.0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Threshold:
    op: Literal[">=", "<="]
    value: float

    def met(self, measured: float | None) -> bool:
        """A metric that could not be measured (no cases for it) does not fail."""
        if measured is None:
            return True
        return measured >= self.value if self.op == ">=" else measured <= self.value


THRESHOLDS: dict[str, Threshold] = {
    "quote_verbatim_rate": Threshold(">=", 1.0),
    "error_rate": Threshold("<=", 0.0),
    # Provisional: recalibrate from a full `rag eval` run.
    "citation_precision": Threshold(">=", 0.6),
    "source_recall": Threshold(">=", 0.6),
    "fact_recall": Threshold(">=", 0.6),
    "abstention_precision": Threshold(">=", 0.6),
    "abstention_recall": Threshold(">=", 0.6),
    "conflict_precision": Threshold(">=", 0.5),
    "conflict_recall": Threshold(">=", 0.5),
    "retrieval_recall_at_k": Threshold(">=", 0.7),
    "wrong_answer_rate": Threshold("<=", 0.0),
    "latency_p95_ms": Threshold("<=", 2000.0),
}
