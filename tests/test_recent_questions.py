"""The question embedder remembers its last few single texts: the retriever and the answerer embed a question once."""
from __future__ import annotations

import numpy as np

from rag.embed import RecentQuestions


class _Counting:
    name, max_tokens = "counting", 256

    def __init__(self):
        self.calls: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed(self, texts):
        self.calls.append(list(texts))
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_a_question_is_embedded_once_and_its_vector_cannot_be_changed_by_a_caller():
    inner = _Counting()
    e = RecentQuestions(inner, size=2)
    first = e.embed(["How long is the bridge?"])
    first[0, 0] = -1.0  # a caller scribbling on its copy
    again = e.embed(["How long is the bridge?"])
    assert inner.calls == [["How long is the bridge?"]]
    assert again[0, 0] == len("How long is the bridge?")
    assert e.name == "counting" and e.count_tokens("a b c") == 3


def test_batches_pass_through_and_the_oldest_question_is_forgotten():
    inner = _Counting()
    e = RecentQuestions(inner, size=2)
    e.embed(["one", "two"])
    e.embed(["one", "two"])
    assert len(inner.calls) == 2  # several texts at once (ingest) are never cached
    for q in ("a?", "b?", "c?", "a?"):
        e.embed([q])
    assert inner.calls[2:] == [["a?"], ["b?"], ["c?"], ["a?"]]  # "a?" was pushed out by "b?" and "c?"


def test_forget_drops_every_remembered_question():
    inner = _Counting()
    e = RecentQuestions(inner)
    e.embed(["a?"])
    e.forget()
    e.embed(["a?"])
    assert inner.calls == [["a?"], ["a?"]]
