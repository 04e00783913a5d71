"""The quote gate: every quote must be found in its source document.

Matching tolerates whitespace and typography (curly vs straight quotes, dash
variants) but the accepted text is always the exact source slice
`doc.text[start:end]`. Anything that cannot be located is dropped.
"""
from __future__ import annotations

from dataclasses import dataclass

from rag.models import Document, Quote, Source
from rag.text import normalize, normalize_with_map

MIN_QUOTE_CHARS = 12  # shorter "quotes" ("the", "$1") would match almost anywhere


@dataclass(frozen=True)
class QuoteClaim:
    """A quote an answerer proposes: text it says is in document `doc_id` (near `hint_start`)."""

    doc_id: str
    text: str
    hint_start: int | None = None


def locate(doc_text: str, claimed: str, hint_start: int | None = None) -> tuple[int, int] | None:
    """(start, end) of `claimed` in `doc_text` up to whitespace/typography, or None."""
    needle = normalize(claimed)
    if len(needle) < MIN_QUOTE_CHARS:
        return None
    if hint_start is not None:  # fast path: the answerer's own offsets, checked exactly
        end = hint_start + len(claimed)
        if doc_text[hint_start:end] == claimed:
            return hint_start, end
    hay, index_map = normalize_with_map(doc_text)
    positions = []
    i = hay.find(needle)
    while i >= 0:
        positions.append(i)
        i = hay.find(needle, i + 1)
    if not positions:
        return None
    best = min(positions, key=lambda p: abs(index_map[p] - hint_start)) if hint_start is not None else positions[0]
    return index_map[best], index_map[best + len(needle) - 1] + 1


def verify(claims: list[QuoteClaim], documents: dict[str, Document]) -> list[Quote | None]:
    """A verified Quote (numbered later) per claim, or None where the claim is not in its source."""
    out: list[Quote | None] = []
    for claim in claims:
        doc = documents.get(claim.doc_id)
        span = locate(doc.text, claim.text, claim.hint_start) if doc else None
        if span is None:
            out.append(None)
            continue
        start, end = span
        out.append(Quote(id=0, text=doc.text[start:end], source=Source.from_meta(doc.id, doc.meta),
                         start=start, end=end))
    return out
