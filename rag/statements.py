"""The statement gate: a model's statement is shown only when its own verified quote supports it.

A statement passes when the typed checks find nothing (`rag.statement_checks`: the quote is not an
injected instruction; every figure, date, number and name of the statement is in the quote; no invented
negation) and its content is close to the quote by embedding similarity. The similarity is token level
(BERTScore precision): each content word piece of the statement, embedded in context by the project's
all-MiniLM-L6-v2, is matched to its closest piece of the quote and the cosines are averaged, so a
statement that restates one clause of a long quote scores as high as the clause itself would. The
threshold is calibrated on labelled faithful/unfaithful pairs (`python -m rag.statement_calibration`,
shipped in rag/statement_gate.json).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.statement_checks import typed_problems
from rag.text import STOPWORDS

CALIBRATION = Path(__file__).with_name("statement_gate.json")
_FRAME = re.compile(r"^(?:according to [^,]{2,60},\s*|(?:[\w’'.\- ]{0,60}?\s)?(?:reports|reported|says|said|notes|"
                    r"noted|finds|found|estimates|estimated|states|stated)(?: that)?\s+)", re.I)
_PIECE = re.compile(r"^(?:##)?\w")


class TokenEncoder(Protocol):
    def content_pieces(self, texts: list[str]) -> list[np.ndarray]:
        """Per text, unit vectors (in context) of its content word pieces: no stop words, punctuation or
        special tokens."""


class OnnxTokenEncoder:
    """Word-piece vectors of the embedder's model (all-MiniLM-L6-v2 on ONNX Runtime), loaded on first use and
    shared by every gate of the process (`OnnxTokenEncoder.shared()`)."""

    def __init__(self):
        self._session = self._tok = None

    @staticmethod
    @lru_cache(maxsize=1)
    def shared() -> "OnnxTokenEncoder":
        return OnnxTokenEncoder()

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from rag.embed import MAX_TOKENS, ensure_onnx_model, model_dir

        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(ensure_onnx_model()), opts, providers=["CPUExecutionProvider"])
        self._tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)

    def content_pieces(self, texts: list[str]) -> list[np.ndarray]:
        if self._session is None:
            self._load()
        out = []
        for enc in self._tok.encode_batch(list(texts)):
            feed = {name: np.array([values], dtype=np.int64) for name, values in
                    (("input_ids", enc.ids), ("attention_mask", enc.attention_mask), ("token_type_ids", enc.type_ids))}
            hidden = self._session.run(None, feed)[0][0]
            keep = [i for i, t in enumerate(enc.tokens)
                    if t not in ("[CLS]", "[SEP]") and _PIECE.match(t) and t.lower() not in STOPWORDS]
            vecs = hidden[keep]
            out.append(vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12))
        return out


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...] = ()  # why the quote does not support the statement
    similarity: float | None = None  # None when a typed check already failed


def load_threshold(path: Path = CALIBRATION) -> float:
    return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])


def content(statement: str, source: str | None = None) -> str:
    """The statement without its attribution frame ("The Harbour Gazette reports that ...", "According to X, ...")."""
    text = statement.replace(source, " ") if source else statement
    return _FRAME.sub("", text.strip(), count=1).strip() or statement


class StatementGate:
    """Checks a statement against its verified quote; `threshold` defaults to the calibrated one."""

    def __init__(self, encoder: TokenEncoder | None = None, threshold: float | None = None):
        self.encoder = encoder or OnnxTokenEncoder.shared()
        self.threshold = load_threshold() if threshold is None else threshold

    def similarity(self, statement: str, quote: str, source: str | None = None) -> float:
        """Mean, over the statement's content pieces, of the cosine to the closest piece of the quote."""
        said, quoted = self.encoder.content_pieces([content(statement, source), quote])
        if not len(said) or not len(quoted):
            return 0.0
        return float((said @ quoted.T).max(axis=1).mean())

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
