"""Typed objects passed between the pipeline stages.

Internal stages use frozen dataclasses; everything that becomes JSON (the
Answer contract in DESIGN.md) is a pydantic model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class DocMeta:
    """What an article states about itself; unknown is None, never guessed."""

    path: str  # relative to the corpus folder, or the URL for web pages
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # YYYY-MM-DD
    place: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """A cleaned article. `id` is the content hash of `text` plus metadata."""

    id: str
    text: str
    meta: DocMeta


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences: `doc_text[start:end] == text`."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class RetrievedChunk:
    chunk: Chunk
    meta: DocMeta
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Filters:
    """Metadata filters for retrieval (all optional, combined with AND)."""

    outlets: tuple[str, ...] = ()
    published_from: str | None = None  # YYYY-MM-DD inclusive
    published_to: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.outlets or self.published_from or self.published_to)


# ---- input limits ----------------------------------------------------------
MAX_QUESTION_CHARS = 2_000
MAX_HISTORY_TURNS = 50
MAX_TURN_CHARS = 4_000  # one history turn: question + answer
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InputError(ValueError):
    """A question or chat history the chain does not take; str() says what to change."""


def clean_text(text: str) -> str:
    """Lone surrogates (e.g. undecodable command-line bytes) → U+FFFD; control characters removed."""
    return _CONTROL.sub("", _SURROGATE.sub("\ufffd", text))


@dataclass
class Turn:
    """One earlier exchange of a chat, used to rewrite follow-up questions."""

    question: str
    answer: str = ""

    def __post_init__(self):
        self.question, self.answer = clean_text(self.question), clean_text(self.answer)


@dataclass
class ChainInput:
    """A question with its chat history, cleaned and checked against the limits above (else `InputError`)."""

    question: str
    history: list[Turn] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    k: int | None = None

    def __post_init__(self):
        self.question = clean_text(self.question)
        if len(self.question) > MAX_QUESTION_CHARS:
            raise InputError(f"The question is {len(self.question):,} characters long; the limit is "
                             f"{MAX_QUESTION_CHARS:,}. Ask a shorter question.")
        if len(self.history) > MAX_HISTORY_TURNS:
            raise InputError(f"The chat history has {len(self.history):,} turns; the limit is {MAX_HISTORY_TURNS}. "
                             "Send only the most recent turns.")
        for i, t in enumerate(self.history):
            if (n := len(t.question) + len(t.answer)) > MAX_TURN_CHARS:
                raise InputError(f"History turn {i + 1} is {n:,} characters long (question + answer); the limit "
                                 f"is {MAX_TURN_CHARS:,}.")
        if self.k is not None and (not isinstance(self.k, int) or isinstance(self.k, bool) or self.k < 1):
            raise InputError(f"k must be a whole number of at least 1, not {self.k!r}.")


# ---- JSON contract -------------------------------------------------------

class Source(BaseModel):
    id: str
    path: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None

    @classmethod
    def from_meta(cls, doc_id: str, meta: DocMeta) -> "Source":
        return cls(id=doc_id, path=meta.path, title=meta.title, outlet=meta.outlet,
                   published=meta.published, url=meta.url)

    @property
    def label(self) -> str:
        """How an answer names this source: outlet, else (short) title, else file name."""
        if self.outlet:
            return self.outlet
        if self.title:
            return self.title if len(self.title) <= 60 else self.title[:57].rsplit(" ", 1)[0] + "…"
        return self.path.rsplit("/", 1)[-1]


class AnswerSlot(BaseModel):
    """The short answer a quote gives to the question, with its type."""

    kind: Literal["money", "percent", "count", "measure", "date", "person", "place", "name"]
    text: str  # as written in the quote


class Quote(BaseModel):
    id: int
    text: str
    source: Source
    start: int
    end: int
    answer_slot: AnswerSlot | None = None  # what this quote answers, when the question asks for a typed value
    statement: str | None = None  # the answerer's own sentence this quote supports (LLM), checked against it


class Conflict(BaseModel):
    topic: str
    kind: Literal["contradiction", "differs"]
    note: str
    quote_ids: list[int]


class Timings(BaseModel):
    retrieve: float = 0.0
    answer: float = 0.0
    total: float = 0.0


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool
    quotes: list[Quote] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    timings_ms: Timings = Field(default_factory=Timings)
    independent_sources: int = 0  # distinct stories quoted (syndicated copies count once)
    interpreted_as: str | None = None  # the standalone question when a follow-up was rewritten
    complete: bool = True  # False on partial answers yielded while streaming
    confidence: float | None = None  # the answerer's best evidence score (0-1); abstains under its bar
    notices: list[str] = Field(default_factory=list)  # how the answer was made, when the reader should know
    draft: bool = False  # a streamed, unchecked model draft (complete=False), replaced by the checked answer
