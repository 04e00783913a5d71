"""The statement gate: a model's statement is shown only when its own verified quote supports it.

A statement passes when the typed checks find nothing (`rag.statement_checks`: the quote is not an
injected instruction; every figure, date, number and name of the statement is in the quote; no invented
negation) and it is close to the quote by embedding similarity, at the threshold calibrated on labelled
faithful/unfaithful pairs (`python -m rag.statement_calibration`, shipped in rag/statement_gate.json).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.statement_checks import typed_problems
from rag.text import sentence_spans

CALIBRATION = Path(__file__).with_name("statement_gate.json")
_CLAUSE = re.compile(r",\s+|;\s+|:\s+|\s[–—-]\s|\s(?=(?:but|while|whereas|although|though)\s)")
_FRAME = re.compile(r"^(?:according to [^,]{2,60},\s*|[\w’'.\- ]{2,60}? (?:reports|reported|says|said|notes|noted|"
                    r"finds|found|estimates|estimated|states|stated)(?: that)?\s+)", re.I)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()  # why the quote does not support the statement
    similarity: float | None = None  # None when a typed check already failed


def load_threshold(path: Path = CALIBRATION) -> float:
    return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])


def quote_pieces(quote: str) -> list[str]:
    """The quote, its sentences, and runs of one to three clauses of each (a statement may restate a part)."""
    pieces = [quote]
    for s in sentence_spans(quote):
        sentence = quote[s.start:s.end]
        clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
        pieces.append(sentence)
        pieces += [" ".join(clauses[i:i + n]) for n in (1, 2, 3) for i in range(len(clauses) - n + 1)
                   if n < len(clauses) and len(" ".join(clauses[i:i + n]).split()) >= 4]
    return list(dict.fromkeys(pieces))


def content(statement: str, source: str | None = None) -> str:
    """The statement without its attribution frame ("GateOfWise reports that ...", "According to X, ...")."""
    text = statement.replace(source, " ") if source else statement
    return _FRAME.sub("", text.strip(), count=1).strip() or statement


class StatementGate:
    """Checks a statement against its verified quote; `threshold` defaults to the calibrated one."""

    def __init__(self, embedder, threshold: float | None = None):
        self.embedder = embedder
        self.threshold = load_threshold() if threshold is None else threshold

    def similarity(self, statement: str, quote: str, source: str | None = None) -> float:
        """Cosine similarity of the statement's content to the closest piece of the quote."""
        pieces = quote_pieces(quote)
        vecs = self.embedder.embed([content(statement, source), *pieces])
        return float(np.max(vecs[1:] @ vecs[0]))

    def check(self, statement: str, quote: str, published: str | None = None, source: str | None = None,
              context: str = "") -> Verdict:
        problems = typed_problems(statement, quote, published, source, context)
        if problems:
            return Verdict(False, tuple(problems))
        sim = self.similarity(statement, quote, source)
        if sim < self.threshold:
            return Verdict(False, (f"the statement is not close to its quote (similarity {sim:.2f} < "
                                   f"{self.threshold:.2f})",), sim)
        return Verdict(True, (), sim)
