"""Optional LLM answerer: a LangChain chat model phrases the answer; nothing it writes is shown unchecked.

The model sees the best passages that fit its token budget (rag/llm_budget.py) as delimited data
(rag/llm_prompt.py) and returns statements, each with a passage number and a verbatim quote, through
`with_structured_output` (JSON in text when the provider has no structured output: rag/llm_schema.py).
Each quote must be found verbatim in its source (rag/verify.py) and must support its statement
(rag/statements.py); a statement its quote does not support is replaced by that quote, marked as a
quote. Any failure of the model raises `LLMError`; rag/llm_guard.py then answers extractively.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

from rag.answer import Draft, DraftClaim
from rag.llm_budget import Packed, Packing, context_tokens, count_tokens, margin, pack
from rag.llm_prompt import Prompt, build_prompt, passage_block, without_passages
from rag.llm_schema import LLMReply, LLMStatement, MalformedReply, partial_items, read_reply, reply_schema
from rag.models import ChainInput, Document, RetrievedChunk
from rag.settings import Settings
from rag.statement_checks import instruction_around
from rag.statements import StatementGate, Verdict
from rag.text import sentence_spans
from rag.verify import QuoteClaim, verify

log = logging.getLogger(__name__)
_TRANSPORT = {"ModelConnectionError", "ModelTimeoutError", "ModelRateLimitError",  # langchain-core's own
              "APIConnectionError", "APITimeoutError", "RateLimitError", "TimeoutException", "ConnectError",
              "ReadTimeout", "ConnectTimeout", "TimeoutError", "ConnectionError", "TransportError"}
LEFT_OUT = "_(a statement was left out here: its quote does not support it)_"
Checked = tuple[QuoteClaim | None, Verdict | None]
Preview = Callable[[object], str | None]


class LLMError(RuntimeError):
    """The model could not be used (unreachable, timed out, rate limited, unreadable reply) or is misconfigured."""


@dataclass(frozen=True)
class LLMConfig:
    model: str
    context_tokens: int  # the model's window (RAG_LLM_CONTEXT_TOKENS or its family's default)
    output_tokens: int = 1024  # kept free for the reply
    structured: str = "auto"  # json_schema | function_calling | json_mode | text | auto (provider's own)
    timeout: float = 60.0  # seconds for the whole reply


@dataclass
class LLMResult:
    """The checked draft, what the model said about answerability, and how its statements fared."""

    draft: Draft
    answerable: bool
    statements: int  # statements the model gave
    passed: int  # statements shown in the model's words


def _is_transport(e: Exception) -> bool:
    """Unreachable, timed out or rate limited: asking again in another format would not help."""
    status = getattr(e, "status_code", None)
    return bool({c.__name__ for c in type(e).__mro__} & _TRANSPORT) or status in (408, 429, 503)


def _reason(e: Exception) -> str:
    """What went wrong, short and fit for a reader: no keys or tokens an error message may quote."""
    text = re.sub(r"\b((?:sk|pk|rk)-|bearer\s+)[\w*.\-]{6,}", r"\1…", str(e), flags=re.I)
    return f"{type(e).__name__}: {text[:200].strip().rstrip('.')}"


def _text(chunk) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return content if isinstance(content, str) else ""


def _partial(text: str):
    """The JSON a streamed text holds so far (None when there is none yet)."""
    from langchain_core.utils.json import parse_partial_json

    m = re.search(r"[\[{]", text)
    try:
        return parse_partial_json(text[m.start():]) if m else None
    except ValueError:
        return None


def _whole_sentences(quote: QuoteClaim, doc: Document) -> QuoteClaim:
    """The sentences a quote lies in: a refused statement's quote is shown whole, not as a fragment."""
    start, end = quote.hint_start, quote.hint_start + len(quote.text)
    spans = [sp for sp in sentence_spans(doc.text) if sp.start < end and start < sp.end]
    if not spans:
        return quote
    lo, hi = min(start, spans[0].start), max(end, spans[-1].end)
    return QuoteClaim(quote.doc_id, doc.text[lo:hi], lo)


class LLMAnswerer:
    def __init__(self, llm, gate: StatementGate, config: LLMConfig):
        self.llm, self.gate, self.config = llm, gate, config

    @classmethod
    def from_settings(cls, settings: Settings, llm=None) -> "LLMAnswerer":
        """The answerer for the configured model, or for `llm` (any LangChain chat model) when given."""
        from rag.llm_models import chat_model

        config = LLMConfig(model=settings.llm_model or "", structured=settings.llm_structured,
                           context_tokens=context_tokens(settings.llm_model, settings.llm_context_tokens),
                           output_tokens=settings.llm_output_tokens, timeout=settings.llm_timeout)
        return cls(llm if llm is not None else chat_model(settings),
                   StatementGate(threshold=settings.llm_statement_threshold), config)

    # ---- the model -------------------------------------------------------------------
    def _stream(self, runnable, messages, start: float, preview: Preview) -> Generator[str, None, object]:
        """Stream a reply, yielding draft previews; returns the last structured result or the whole text."""
        text, last = "", None
        for chunk in runnable.stream(messages):
            if time.monotonic() - start > self.config.timeout:
                raise LLMError(f"the model took more than {self.config.timeout:g} s (RAG_LLM_TIMEOUT)")
            if hasattr(chunk, "content"):
                text += _text(chunk)
                last = _partial(text)
            else:
                last = chunk
            if last is not None and (shown := preview(last)):
                yield shown
        return last if last is not None and not text else text

    def _reply(self, prompt: Prompt, preview: Preview) -> Generator[str, None, tuple[LLMReply, int]]:
        """The model's reply: structured output first, then JSON in text."""
        start = time.monotonic()
        if self.config.structured != "text":
            method = {} if self.config.structured == "auto" else {"method": self.config.structured}
            try:
                runnable = self.llm.with_structured_output(reply_schema(), **method)
                return read_reply((yield from self._stream(runnable, prompt.messages(), start, preview)))
            except LLMError:
                raise
            except Exception as e:  # noqa: BLE001  (providers fail in their own exception types)
                if _is_transport(e):
                    raise LLMError(_reason(e)) from None
                log.info("structured output failed (%s: %s); asking for JSON in text", type(e).__name__, e)
        try:
            return read_reply((yield from self._stream(self.llm, prompt.messages(json_in_text=True), start, preview)))
        except (LLMError, MalformedReply) as e:
            raise LLMError(str(e)) from None
        except Exception as e:  # noqa: BLE001
            raise LLMError(_reason(e)) from None

    # ---- checking ----------------------------------------------------------------------
    def _passages(self, question: str, retrieved: list[RetrievedChunk]) -> Packing:
        scale = margin(self.config.model)
        fixed = int(count_tokens(without_passages(question)) * scale)
        budget = self.config.context_tokens - self.config.output_tokens - fixed
        packing = pack(retrieved, budget, passage_block, scale)
        if retrieved and not packing.passages:
            raise LLMError(f"no passage fits the model's context of {self.config.context_tokens:,} tokens "
                           "(RAG_LLM_CONTEXT_TOKENS, less RAG_LLM_OUTPUT_TOKENS for the reply)")
        return packing

    def _check(self, item: LLMStatement, packed: list[Packed], documents: dict[str, Document]) -> Checked:
        """The verified quote of a statement (None: not in its source) and the gate's verdict on it."""
        if not 1 <= item.passage <= len(packed):
            return None, None
        chunk = packed[item.passage - 1].retrieved.chunk
        offset = chunk.text.find(item.quote)
        claim = QuoteClaim(chunk.doc_id, item.quote, chunk.start + offset if offset >= 0 else None)
        quote = verify([claim], documents)[0]
        doc = documents[chunk.doc_id]
        if quote is None or instruction_around(doc.text, quote.start, quote.end):  # an injected order is no
            return None, None  # evidence, not even as a quote
        verdict = self.gate.check(item.statement, quote.text, doc.meta.published, quote.source.label, doc.text)
        return QuoteClaim(chunk.doc_id, quote.text, quote.start), verdict

    def run(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
            documents: dict[str, Document]) -> Generator[str, None, LLMResult]:
        """Yield markdown previews of the model's draft as it streams (a finished statement its quote does
        not support is taken out at once); return the checked result."""
        packing = self._passages(question, retrieved)
        checked: dict[tuple, Checked] = {}

        def check(item: LLMStatement) -> Checked:
            key = (item.passage, item.quote, item.statement)
            if key not in checked:
                checked[key] = self._check(item, packing.passages, documents)
            return checked[key]

        def supported(item: LLMStatement | None) -> bool:
            verdict = check(item)[1] if item is not None else None
            return verdict is not None and verdict.ok

        def preview(data) -> str | None:  # every statement but the one being written is finished: check it
            items = partial_items(data)
            last = len(items) - 1
            return "\n\n".join(text if i == last or supported(item) else LEFT_OUT
                               for i, (text, item) in enumerate(items)) or None

        reply, unreadable = yield from self._reply(build_prompt(question, packing.passages), preview)
        draft = Draft(parts=[question], dropped=unreadable)
        if note := packing.notice(self.config.context_tokens):
            draft.notices.append(note)
        checks = [(item, *check(item)) for item in (reply.statements if reply.answerable else [])]
        draft.dropped += sum(quote is None for _, quote, _ in checks)
        checks = [c for c in checks if c[1] is not None]
        shown = {q for _, q, v in checks if v.ok}  # a quote shown once is enough
        for item, quote, verdict in checks:
            if not verdict.ok:
                log.info("statement refused: %r (%s)", item.statement, "; ".join(verdict.reasons))
                draft.unsupported += 1
                quote = _whole_sentences(quote, documents[quote.doc_id])
                if quote in shown:
                    continue
                shown.add(quote)
            draft.claims.append(DraftClaim(quote, statement=item.statement if verdict.ok else None))
        passed = sum(v.ok for _, _, v in checks)
        return LLMResult(draft, reply.answerable, len(reply.statements), passed)
