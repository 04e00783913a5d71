"""Words a sentence uses for what the question asks about ("troops" for "soldiers", "staff" for "employees").

A figure is read next to the word it counts, and sources word it differently. A sentence word stands for an
asked word when their word embeddings (the index's sentence model, no word list) are close. Only words near
the sentence's values are compared: they are the ones a figure or date could be read beside.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from rag.query import QuestionInfo
from rag.text import STOPWORDS, stem, words
from rag.values import CLAUSE_WINDOW, Value

SYNONYM = 0.65  # cosine of two words' embeddings at or above which one stands for the other
_WORD = re.compile(r"[A-Za-z][a-z]{2,}(?:-[a-z]+)*")  # lower-case words (a capitalised one is a name)


def asked_words(info: QuestionInfo) -> list[str]:
    """The question's words (as written, lower-cased) whose stems it asks about."""
    asked = set(info.asked_terms)
    return list(dict.fromkeys(w.lower() for w in words(info.text) if stem(w) in asked))


def near_values(text: str, found: Sequence[Value], window: int = CLAUSE_WINDOW) -> list[str]:
    """The lower-case content words of the text within `window` words of one of the values."""
    tokens = list(_WORD.finditer(text))
    # each value's place among the tokens: the first token after its start, the last one before its end
    bounds = [(sum(1 for t in tokens if t.end() <= v.start), sum(1 for t in tokens if t.start() < v.end) - 1)
              for v in found]
    out = []
    for i, m in enumerate(tokens):
        w = m.group().lower()
        if w in STOPWORDS or not m.group()[0].islower():
            continue
        if any((first - i if i < first else max(0, i - last)) <= window for first, last in bounds):
            out.append(w)
    return out


def synonym_stems(info: QuestionInfo, sentence_words: Sequence[Sequence[str]],
                  vectors: Callable[[list[str]], np.ndarray]) -> list[list[str]]:
    """For each sentence's candidate words, the stems of those that stand for an asked word (not the asked
    words themselves: they already match)."""
    asked = asked_words(info)
    asked_stems = set(info.asked_terms)
    pool = list(dict.fromkeys(w for ws in sentence_words for w in ws if stem(w) not in asked_stems))
    if not asked or not pool:
        return [[] for _ in sentence_words]
    vecs = vectors(asked + pool)
    sims = vecs[len(asked):] @ vecs[:len(asked)].T
    close = {w for w, row in zip(pool, sims) if float(row.max()) >= SYNONYM}
    return [list(dict.fromkeys(stem(w) for w in ws if w in close)) for ws in sentence_words]
