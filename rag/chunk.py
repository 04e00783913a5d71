"""Sentence-aware chunking with character offsets into Document.text."""
from __future__ import annotations

import re
from typing import Callable

from rag.models import Chunk, Document
from rag.text import Span, sentence_spans

SPECIAL_TOKENS = 2  # [CLS] and [SEP]


def chunk_document(doc: Document, count_tokens: Callable[[str], int], max_tokens: int = 200,
                   overlap: int = 1) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `max_tokens` word pieces.

    Consecutive chunks share the last `overlap` sentences. A sentence longer than
    the budget alone is split at word boundaries. `doc.text[c.start:c.end] == c.text`.
    """
    budget = max_tokens - SPECIAL_TOKENS
    units: list[tuple[Span, int]] = []
    for s in sentence_spans(doc.text):
        n = count_tokens(doc.text[s.start:s.end])
        units.extend(_split_long(doc.text, s, count_tokens, budget) if n > budget else [(s, n)])

    groups: list[list[tuple[Span, int]]] = []
    cur: list[tuple[Span, int]] = []
    for unit in units:
        if cur and sum(n for _, n in cur) + unit[1] > budget:
            groups.append(cur)
            keep = cur[-overlap:] if overlap else []
            while keep and sum(n for _, n in keep) + unit[1] > budget:
                keep = keep[1:]
            cur = list(keep)
        cur.append(unit)
    if cur:
        groups.append(cur)

    chunks = []
    for i, g in enumerate(groups):
        start, end = g[0][0].start, g[-1][0].end
        chunks.append(Chunk(id=f"{doc.id}-{i}", doc_id=doc.id, index=i, text=doc.text[start:end],
                            start=start, end=end))
    return chunks


def _split_long(text: str, span: Span, count_tokens: Callable[[str], int], budget: int) -> list[tuple[Span, int]]:
    """Cut an over-long sentence into word-boundary pieces that each fit the budget.

    WordPiece splits on whitespace first, so a piece's token count is the sum of its words'.
    """
    pieces: list[tuple[Span, int]] = []
    start, total, pieces_end = span.start, 0, span.start
    for m in re.finditer(r"\S+", text[span.start:span.end]):
        w_start, w_end = span.start + m.start(), span.start + m.end()
        n = count_tokens(m.group())
        while n > budget:  # one "word" longer than the budget: cut it by characters
            if total:
                pieces.append((Span(start, w_start), total))
            cut = w_start + max(1, (w_end - w_start) * budget // n)
            pieces.append((Span(w_start, cut), count_tokens(text[w_start:cut])))
            w_start, start, total = cut, cut, 0
            n = count_tokens(text[w_start:w_end])
        if total and total + n > budget:
            pieces.append((Span(start, pieces_end), total))
            start, total = w_start, 0
        total += n
        pieces_end = w_end
    if total:
        pieces.append((Span(start, span.end), total))
    return pieces
