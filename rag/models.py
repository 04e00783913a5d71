"""Typed objects passed between the pipeline stages.

Internal stages use frozen dataclasses; everything that becomes JSON (the
Answer contract, docs/answer-contract.md) is a pydantic model with field descriptions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
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
    """Metadata filters for retrieval (all optional, combined with AND).

    Dates may be given as `datetime.date` or ISO text ("2025-09-19", "20250919") and are kept as YYYY-MM-DD;
    anything else raises `InputError`, as does a range that ends before it starts."""

    outlets: tuple[str, ...] = ()
    published_from: str | None = None  # YYYY-MM-DD inclusive
    published_to: str | None = None

    def __post_init__(self):
        outlets = (self.outlets,) if isinstance(self.outlets, str) else tuple(self.outlets or ())
        if not all(isinstance(o, str) for o in outlets):
            raise InputError(f"filters.outlets must be outlet names (strings), not {self.outlets!r}.")
        object.__setattr__(self, "outlets", outlets)
        for name in ("published_from", "published_to"):
            object.__setattr__(self, name, _iso_date(name, getattr(self, name)))
        if self.published_from and self.published_to and self.published_from > self.published_to:
            raise InputError(f"filters.published_from ({self.published_from}) is after filters.published_to "
                             f"({self.published_to}).")

    @classmethod
    def of(cls, value: "Filters | dict | None") -> "Filters":
        """Filters from None, a Filters, or {"outlets", "published_from", "published_to"} (other keys: InputError)."""
        if value is None or isinstance(value, Filters):
            return value or cls()
        if not isinstance(value, dict) or set(value) - {"outlets", "published_from", "published_to"}:
            raise InputError('filters must be {"outlets": [...], "published_from": "YYYY-MM-DD", "published_to": '
                             f'"YYYY-MM-DD"}}, not {value!r}.')
        return cls(**value)

    @property
    def empty(self) -> bool:
        return not (self.outlets or self.published_from or self.published_to)


def _iso_date(name: str, value: object) -> str | None:
    """A filter date as YYYY-MM-DD (None stays None), else InputError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except (AttributeError, TypeError, ValueError):
        raise InputError(f"filters.{name} must be a date like 2025-09-19, not {value!r}.") from None


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
    """The article a quote comes from, as it describes itself (unknown is null, never guessed)."""

    id: str = Field(description="Document id: a content hash of the cleaned text and metadata. "
                                "`chain.documents(id)` returns the document.")
    path: str = Field(description="File path relative to the corpus folder, or the URL of a fetched web page.")
    title: str | None = Field(None, description="Headline, from the front matter or the page.")
    outlet: str | None = Field(None, description="Publisher (e.g. \"Harbour Gazette\").")
    published: str | None = Field(None, description="Publication date, YYYY-MM-DD.")
    url: str | None = Field(None, description="Link to the original article; only http(s) links are kept.")

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

    kind: Literal["money", "percent", "count", "measure", "date", "person", "place", "name", "phrase"] = Field(
        description="What kind of value the question asks for; `phrase` is a noun phrase (\"former footballer\").")
    text: str = Field(description="The value as written in the quote.")


class Quote(BaseModel):
    """A verbatim passage of one source: `documents(source.id).text[start:end] == text`."""

    id: int = Field(description="The number `[n]` that cites this quote in `answer`, from 1.")
    text: str = Field(description="The passage exactly as in the cleaned document text (never paraphrased).")
    source: Source = Field(description="The article the passage comes from.")
    start: int = Field(description="Offset of the first character in the cleaned document text (the article "
                                   "after front matter and site boilerplate lines were removed), not in the "
                                   "file. The same passage is in the file, at a different offset.")
    end: int = Field(description="Offset just after the last character in the cleaned document text.")
    answer_slot: AnswerSlot | None = Field(None, description="The short answer this quote gives, when the "
                                                             "question asks for a typed value; else null.")
    statement: str | None = Field(None, description="The answerer's own sentence this quote supports (LLM "
                                                    "answerer), checked against the quote; else null.")


class Conflict(BaseModel):
    """A note that sources disagree about one figure or answer."""

    topic: str = Field(description="What the sources disagree about.")
    kind: Literal["contradiction", "differs"] = Field(
        description="`contradiction`: the values exclude each other; `differs`: they differ but may both hold "
                    "(a range inside a bound, a rounder figure).")
    note: str = Field(description="One sentence naming each side's value and source.")
    quote_ids: list[int] = Field(description="The quotes (by `Quote.id`) that carry the values compared.")


class Timings(BaseModel):
    """Wall time of the steps, in milliseconds (0 on partial answers)."""

    retrieve: float = Field(0.0, description="Rewriting the question and retrieving passages.")
    answer: float = Field(0.0, description="Answering, verifying the quotes and comparing the sources.")
    total: float = Field(0.0, description="The whole call.")


class Answer(BaseModel):
    """What the chain returns: an answer made of verified quotes, or an abstention."""

    question: str = Field(description="The question as asked (after input cleaning).")
    answer: str = Field(description="Markdown. Each statement ends with `[n]`, citing the quote whose `id` is n; "
                                    "notes on disagreement and on parts left unanswered follow the statements.")
    abstained: bool = Field(description="True when the sources do not answer the question: `answer` then says "
                                        "so and `quotes` holds the closest passages, for reference only.")
    quotes: list[Quote] = Field(default_factory=list, description="The cited passages, in citation order.")
    conflicts: list[Conflict] = Field(default_factory=list, description="Where the quoted sources disagree.")
    timings_ms: Timings = Field(default_factory=Timings, description="Step timings.")
    independent_sources: int = Field(0, description="Distinct stories quoted; syndicated copies count once.")
    interpreted_as: str | None = Field(None, description="The standalone question a follow-up was rewritten "
                                                         "into (or the spelling-corrected question); else null.")
    complete: bool = Field(True, description="False on the partial answers `stream` yields before the final one.")
    confidence: float | None = Field(None, description="The answerer's best evidence score, 0-1; it abstains "
                                                       "below its calibrated bar. Null when the answerer gives none.")
    notices: list[str] = Field(default_factory=list, description="How the answer was made, when the reader "
                                                                 "should know (e.g. the model's answer could not "
                                                                 "be verified and quotes found directly are shown).")
    draft: bool = Field(False, description="True on a streamed, unchecked model draft (complete=False), which the "
                                           "checked answer replaces.")
