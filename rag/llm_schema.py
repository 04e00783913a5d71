"""What the model is asked to return, and a tolerant reader of what it actually returns.

The schema (`LLMReply`) goes to LangChain's `with_structured_output` as a JSON schema; a model
without structured output writes the same JSON in text. `read_reply` accepts the shapes models
produce in practice (the object, a bare list, other key names, code fences, prose around the JSON)
and raises `MalformedReply` when there is nothing it can read. Whatever the shape, every statement
still goes through the quote verifier and the statement gate.
"""
from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field


class LLMStatement(BaseModel):
    passage: int = Field(description="the number of the passage the quote is copied from")
    quote: str = Field(description="words copied EXACTLY, character for character, from that passage")
    statement: str = Field(description="one sentence that answers (part of) the question, saying only what the "
                                       "quote says, naming the passage's source")


class LLMReply(BaseModel):
    answerable: bool = Field(description="false when the passages do not answer the question")
    statements: list[LLMStatement] = Field(default_factory=list)


class MalformedReply(ValueError):
    """The reply holds no object or list this module can read as statements."""


def reply_schema() -> dict:
    """`LLMReply` as the JSON schema handed to `with_structured_output` (a dict: partial results stream)."""
    schema = LLMReply.model_json_schema()
    return {"title": "grounded_answer", "description": "Statements answering the question, each with its quote.",
            **{k: v for k, v in schema.items() if k not in ("title", "description")}}


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)
_STATEMENT_KEYS = ("statements", "claims", "answers", "items", "results")
_TEXT_KEYS = ("statement", "claim", "answer", "text", "sentence")
_PASSAGE_KEYS = ("passage", "passage_id", "passage_ids", "passages", "source", "source_id", "id", "ref")
_QUOTE_KEYS = ("quote", "quotes", "evidence", "excerpt", "citation", "span")


def _json_in(text: str) -> Any:
    """The first JSON object or list in `text` (inside a code fence or not)."""
    for candidate in [m.group(1) for m in _FENCE.finditer(text)] + [text]:
        decoder = json.JSONDecoder()
        for m in re.finditer(r"[\[{]", candidate):
            try:
                return decoder.raw_decode(candidate, m.start())[0]
            except ValueError:
                continue
    raise MalformedReply("no JSON object in the model's reply" if text.strip() else "the model's reply was empty")


def _first(item: dict, keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "", [])), None)


def _passage(value: Any) -> int | None:
    """2, "2", "P2", "[2]", [2, 3] -> 2."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    m = re.fullmatch(r"\s*\[?\s*(?:passage|p)?\s*#?\s*(\d{1,4})\s*\]?\s*", str(value or ""), re.I)
    return int(m.group(1)) if m else None


def _statement(item: Any) -> LLMStatement | None:
    if not isinstance(item, dict):
        return None
    quote = _first(item, _QUOTE_KEYS)
    if isinstance(quote, list):
        quote = quote[0] if quote else None
    if isinstance(quote, dict):  # {"passage": 2, "text": "..."}
        item = {**item, "passage": item.get("passage", quote.get("passage"))}
        quote = _first(quote, ("text", "quote"))
    text, passage = _first(item, _TEXT_KEYS), _passage(_first(item, _PASSAGE_KEYS))
    if not isinstance(quote, str) or not isinstance(text, str) or passage is None:
        return None
    return LLMStatement(passage=passage, quote=quote, statement=text.strip())


def read_reply(reply: Any) -> tuple[LLMReply, int]:
    """The reply (a dict, list, pydantic object or text) as `LLMReply`, and how many items were unreadable."""
    data = reply.model_dump() if isinstance(reply, BaseModel) else reply
    if isinstance(data, str):
        data = _json_in(data)
    if isinstance(data, list):
        data = {"statements": data}
    if not isinstance(data, dict):
        raise MalformedReply(f"the model returned {type(data).__name__}, not an object")
    items = _first(data, _STATEMENT_KEYS) or []
    if not isinstance(items, list):
        items = [items]
    found = [_statement(i) for i in items]
    statements = [s for s in found if s is not None]
    flag = data.get("answerable")
    answerable = bool(statements) if not isinstance(flag, bool) else flag
    if not statements and "answerable" not in data and not any(k in data for k in _STATEMENT_KEYS):
        raise MalformedReply("the model's reply has no statements and no answerable flag")
    return LLMReply(answerable=answerable, statements=statements), len(found) - len(statements)


def partial_items(data: Any) -> list[tuple[str, LLMStatement | None]]:
    """(statement text, the statement when all its fields have arrived) for each item of a partial
    (streaming) reply, for the draft shown while the model writes."""
    if isinstance(data, dict):
        data = _first(data, _STATEMENT_KEYS) or []
    if not isinstance(data, list):
        return []
    items = [(_first(i, _TEXT_KEYS), _statement(i)) for i in data if isinstance(i, dict)]
    return [(t, s) for t, s in items if isinstance(t, str) and t.strip()]
