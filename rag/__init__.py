"""Grounded Q&A over news articles: verbatim quotes, disagreement notes, honest abstention."""
from __future__ import annotations

__all__ = ["build_chain"]


def __getattr__(name: str):
    if name == "build_chain":  # imported lazily so `import rag` stays cheap
        from rag.chain import build_chain
        return build_chain
    raise AttributeError(name)
