"""What every answerer produces (a Draft of quote claims) and how a verified Draft becomes an Answer."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from rag.models import AnswerSlot, ChainInput, Document, Quote, RetrievedChunk
from rag.verify import QuoteClaim, verify


@dataclass(frozen=True)
class DraftClaim:
    """One statement of the answer, carried entirely by one quote."""

    quote: QuoteClaim
    part: int = 0  # index of the sub-question it answers
    statement: str | None = None  # an answerer's own wording (LLM); None = attribute the quote
    slot: AnswerSlot | None = None  # the short answer inside the quote
    score: float | None = None  # the answerer's confidence in this claim


@dataclass
class Draft:
    parts: list[str]  # the (sub-)questions answered
    claims: list[DraftClaim] = field(default_factory=list)
    closest: list[QuoteClaim] = field(default_factory=list)  # shown when nothing answers
    dropped: int = 0  # claims refused before verification (malformed)
    confidence: float | None = None  # best evidence score seen (extractive answerer)
    unsupported: int = 0  # statements their verified quote does not support: the quote is shown instead (LLM)
    notices: list[str] = field(default_factory=list)  # how the answer was made (fallback, token budget)


class Answerer(Protocol):
    def draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
              documents: dict[str, Document]) -> Draft: ...


@dataclass
class Composed:
    markdown: str
    quotes: list[Quote]
    abstained: bool
    confidence: float | None = None
    notices: list[str] = field(default_factory=list)


_ATTRIBUTION = re.compile(
    r"^(?P<who>(?:(?:a|an|the|one)\s+)?[\w’'.\- ]{2,60}?)\s+(?:has\s+|had\s+)?(?:recently\s+)?"
    r"(?:reported|reports|said|says|estimated|estimates|found|finds|noted|warned|suggest|suggests|stated)\b",
    re.I)
_ACCORDING = re.compile(r"\baccording to (?P<who>(?:the\s+)?[\w’'.\- ]{2,60}?)(?:[,.(]|$)", re.I)


def cited_party(sentence: str) -> str | None:
    """Who a sentence attributes its claim to ("A Dutch research institute", "the state news agency"), if anyone."""
    m = _ACCORDING.search(sentence) or _ATTRIBUTION.match(sentence)
    if not m:
        return None
    who = m.group("who").strip()
    if len(who.split()) > 7 or who.lower() in ("it", "he", "she", "they", "this", "that"):
        return None
    return who[0].lower() + who[1:] if who.split()[0].lower() in ("a", "an", "the", "one", "reports") else who


def compose(draft: Draft, documents: dict[str, Document]) -> Composed:
    """Verify the draft's quotes, number the survivors, and write the markdown from them only.

    An answerer's own statement (LLM) is written with its verified quote under it; notices come first."""
    checked = verify([c.quote for c in draft.claims], documents)
    quotes: list[Quote] = []
    lines: list[str] = []
    answered_parts: set[int] = set()
    dropped = draft.dropped
    for claim, quote in zip(draft.claims, checked):
        if quote is None:  # not in the source: the claim is dropped with its quote
            dropped += 1
            continue
        quote.id = len(quotes) + 1
        quote.answer_slot = claim.slot
        quote.statement = claim.statement
        quotes.append(quote)
        answered_parts.add(claim.part)
        lines.append(f"{claim.statement} [{quote.id}]\n> “{_shown(quote)}”" if claim.statement
                     else _attributed_line(quote))
    notices = [f"_{n}_" for n in draft.notices]
    left_out = _left_out(dropped, draft.unsupported)
    missing = [p for i, p in enumerate(draft.parts) if i not in answered_parts]
    if not quotes:
        closest = [q for q in verify(draft.closest, documents) if q is not None]
        for q in closest:
            q.id = len(quotes) + 1
            quotes.append(q)
        text = "**The sources don't say.** None of the indexed articles answers this question."
        if quotes:
            refs = " ".join(f"[{q.id}]" for q in quotes)
            text += f" The closest passages ({refs}) are shown for reference; they do not answer it."
        if dropped:
            text += f" ({dropped} statement(s) were left out: their quotes could not be found verbatim in the sources.)"
        return Composed("\n\n".join([text, *notices]), quotes, True, draft.confidence, list(draft.notices))
    if missing:
        lines.append("**Not answered by the sources:** " + "; ".join(f"“{m.rstrip('?')}?”" for m in missing))
    return Composed("\n\n".join(notices + lines + left_out), quotes, False, draft.confidence, list(draft.notices))


def _left_out(dropped: int, unsupported: int) -> list[str]:
    """What the answer says about statements it did not show as they were written."""
    out = []
    if dropped:
        out.append(f"_{dropped} statement(s) were left out because their quotes could not be found verbatim "
                   "in the sources._")
    if unsupported:
        out.append(f"_{unsupported} statement(s) were left out because their quotes do not support them; the "
                   "quotes themselves are shown._")
    return out


def _shown(q: Quote) -> str:
    return " ".join(q.text.split())


def _attributed_line(q: Quote) -> str:
    src = q.source
    label = f"**{src.label}**"
    if src.published:
        label += f" ({src.published})"
    who = cited_party(q.text)
    lead = f"{label}, citing {who}" if who else label
    return f"{lead}: “{_shown(q)}” [{q.id}]"
