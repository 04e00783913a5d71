"""The chain's input, typed: a question with its chat history, filters and k.

History is accepted as {"question", "answer"} turns, (question, answer) pairs, LangChain messages or
{"role", "content"} chat messages; a whole chat (a list of messages) is read as history + last question.
Anything else fails with one `InputError` line.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from rag.models import ChainInput, Filters, InputError, Turn

_ASKER = {"human", "user"}
# A pydantic field type for Filters given as a Filters, a dict or None (checked by Filters.of: InputError)
OptionalFilters = Annotated[Filters | None, BeforeValidator(lambda v: None if v is None else Filters.of(v))]
_ANSWERER = {"ai", "assistant"}


class HistoryTurn(BaseModel):
    """One earlier exchange of the conversation."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="What was asked.")
    answer: str = Field("", description="What was answered (optional).")


class FilterSpec(BaseModel):
    """Metadata filters, combined with AND."""

    model_config = ConfigDict(extra="forbid")
    outlets: list[str] = Field(default_factory=list, description="Only passages from these outlets.")
    published_from: str | None = Field(None, description="Published on or after this date (YYYY-MM-DD).")
    published_to: str | None = Field(None, description="Published on or before this date (YYYY-MM-DD).")


class QARequest(BaseModel):
    """A question for the chain. A bare question string is accepted too."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question (at most 2,000 characters).")
    history: list[HistoryTurn] = Field(default_factory=list, description="Earlier turns, oldest first, used to "
                                       "rewrite a follow-up into a standalone question. LangChain messages and "
                                       '{"role", "content"} messages are accepted too.')
    filters: FilterSpec | None = Field(None, description="Metadata filters for retrieval.")
    k: int | None = Field(None, ge=1, description="Passages to retrieve (default: RAG_RETRIEVAL_K).")

    @model_validator(mode="before")
    @classmethod
    def _from_question_or_chat(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"question": value}
        if isinstance(value, (list, tuple)) and value and all(_message(m) for m in value):
            *earlier, last = value
            role, text = _message(last)
            if role not in _ASKER:
                raise InputError("a chat given as messages must end with the user's question")
            return {"question": text, "history": list(earlier)}
        return value

    @field_validator("history", mode="before")
    @classmethod
    def _turns(cls, value: Any) -> Any:
        return history_turns(value) if isinstance(value, (list, tuple)) else value

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        if value is None:
            return None
        f = Filters.of(value)  # parses dates, checks keys: InputError
        return {"outlets": list(f.outlets), "published_from": f.published_from, "published_to": f.published_to}

    def to_input(self) -> ChainInput:
        """The pipeline's ChainInput (limits and filter dates checked there: InputError)."""
        f = self.filters
        return ChainInput(question=self.question, history=[Turn(t.question, t.answer) for t in self.history],
                          filters=Filters(tuple(f.outlets), f.published_from, f.published_to) if f else Filters(),
                          k=self.k)


def history_turns(items: list | tuple) -> list[Any]:
    """History entries as turn dicts; chat messages are folded (a user message opens a turn, the reply closes it)."""
    out: list[Any] = []
    for item in items:
        message = _message(item)
        if message is None:
            out.append(_turn(item))
        elif message[0] in _ASKER:
            out.append({"question": message[1], "answer": ""})
        elif message[0] in _ANSWERER and out and isinstance(out[-1], dict) and not out[-1].get("answer"):
            out[-1] = {**out[-1], "answer": message[1]}
    return out


def _turn(item: Any) -> Any:
    """A Turn or a (question, answer) pair as a dict; anything else as given (validation reports it)."""
    if isinstance(item, Turn):
        return {"question": item.question, "answer": item.answer}
    if isinstance(item, (list, tuple)) and item:
        return {"question": item[0], "answer": item[1] if len(item) > 1 else ""}
    return item


def _message(item: Any) -> tuple[str, str] | None:
    """(role, text) of a LangChain message or a {"role", "content"} dict; None for anything else."""
    if isinstance(item, dict):
        role, content = item.get("role"), item.get("content")
        if not isinstance(role, str) or set(item) - {"role", "content", "name"}:
            return None
    elif hasattr(item, "type") and hasattr(item, "content"):  # a langchain_core BaseMessage (not imported: slow)
        role, content = item.type, item.content
    else:
        return None
    if isinstance(content, list):  # content blocks: keep the text ones
        content = "".join(b if isinstance(b, str) else b.get("text", "") for b in content if isinstance(b, (str, dict)))
    return (role.lower(), content) if isinstance(content, str) else None


def parse_request(value: Any, k: int | None = None, filters: Any = None) -> ChainInput:
    """The chain input as a ChainInput; `k` and `filters` apply when the input does not set them."""
    if isinstance(value, ChainInput):
        return value
    try:
        request = QARequest.model_validate(value)
        defaults = QARequest.model_validate({"question": "", "k": k, "filters": filters})
    except ValidationError as e:
        raise InputError(_one_line(e)) from None
    request.k = request.k if request.k is not None else defaults.k
    request.filters = request.filters if request.filters is not None else defaults.filters
    return request.to_input()


def _one_line(error: ValidationError) -> str:
    errors = error.errors()
    if errors[0]["type"] == "value_error":  # our own InputError, raised by a validator: its message says it all
        return str(errors[0]["ctx"]["error"])
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in errors[:3])
    return (f"chain input: {problems}. Give a question string or "
            '{"question", "history", "filters": {"outlets", "published_from", "published_to"}, "k"}.')
