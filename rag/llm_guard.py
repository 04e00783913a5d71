"""The LLM answerer with the extractive answerer behind it: degrade, don't fail.

When the model cannot be used (unreachable, timed out, rate limited, an unreadable or empty reply) or
none of its statements is supported by its quote, the answer is the extractive one with a notice.
"The sources don't say" needs both readers: when the model finds no answer but the extractive reader
does, the extractive answer is shown, with a notice. Quotes that address the model with instructions
(an injected prompt) are never shown, whichever reader picked them.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator

from rag.answer import Answerer, Draft
from rag.llm_answerer import LLMAnswerer, LLMError
from rag.models import ChainInput, Document, RetrievedChunk
from rag.statement_checks import instruction_around, is_instruction
from rag.verify import QuoteClaim

log = logging.getLogger(__name__)
UNVERIFIED = "The model's answer could not be verified ({why}); showing quotes found directly."
INJECTED = "A passage that gives instructions to AI models was left out: it is not evidence."
NO_ANSWER = "The model found no answer in the passages, but quotes that answer the question were found directly."


def _injected(quote: QuoteClaim, documents: dict[str, Document]) -> bool:
    doc = documents.get(quote.doc_id)
    if doc is None or quote.hint_start is None:
        return is_instruction(quote.text)
    return instruction_around(doc.text, quote.hint_start, quote.hint_start + len(quote.text))


class GuardedAnswerer:
    """An `Answerer` that streams the model's draft and always ends with a checked Draft."""

    def __init__(self, llm: LLMAnswerer, extractive: Answerer):
        self.llm, self.extractive = llm, extractive

    def draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
              documents: dict[str, Document]) -> Draft:
        *_, final = self.stream_draft(request, question, retrieved, documents)
        return final

    def stream_draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
                     documents: dict[str, Document]) -> Iterator[str | Draft]:
        """Markdown previews of the model's unchecked draft, then the final Draft."""
        args = (request, question, retrieved, documents)
        try:
            result = yield from self.llm.run(*args)
        except LLMError as e:
            log.warning("LLM answer unusable, answering extractively: %s", e)
            yield self._extractive(*args, notice=UNVERIFIED.format(why=str(e).rstrip(".")))
            return
        if not result.answerable:
            fallback = self._extractive(*args)
            if fallback.claims:
                fallback.notices.insert(0, NO_ANSWER)
            yield fallback
        elif result.passed == 0:
            why = (f"none of its {result.statements} statement(s) was supported by its quote" if result.statements
                   else "it gave no statement")
            yield self._extractive(*args, notice=UNVERIFIED.format(why=why))
        else:
            yield result.draft

    def _extractive(self, request, question, retrieved, documents, notice: str | None = None) -> Draft:
        draft = self.extractive.draft(request, question, retrieved, documents)
        kept = [c for c in draft.claims if not _injected(c.quote, documents)]
        if len(kept) < len(draft.claims):
            draft.notices.append(INJECTED)
        draft.claims = kept
        draft.closest = [q for q in draft.closest if not _injected(q, documents)]
        if notice:
            draft.notices.insert(0, notice)
        return draft
