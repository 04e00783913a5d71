"""Eval datasets: the case format (own corpus, or cases carrying their own documents) and its loading."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.models import Turn

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
KINDS = ("differs", "contradiction")


def norm(text: str) -> str:
    """Straight quote marks and single spaces: the form facts and gold are matched in."""
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS)).strip()


def literal_pattern(text: str) -> str:
    """A regex matching `text` as whole words, with any whitespace between them."""
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in norm(text).split()) + r"(?!\w)"


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key must not make a case pass vacuously
    abstain: bool | None = False  # None: either is acceptable
    facts: list[str] = []  # regexes, case-insensitive, over the verbatim quotes
    sources: list[str] = []  # corpus-relative paths that must be cited
    conflict: Literal["differs", "contradiction", "none", "any"] | None = None
    gold: list[str] = []  # passages retrieval should return
    forbid: list[str] = []  # regexes no answer quote may match
    # external cases: do the documents give different answers (True), all the same one (False)?
    # None: not known (own-corpus cases, or no answer at all)
    answers_differ: bool | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    category: str
    question: str
    history: list[Turn] = []  # earlier turns of a chat, for follow-ups
    expect: Expect


class ExternalDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str | None = None
    text: str
    # labels of the training sets (evals/*-train.jsonl): what this document answers; not used by the evals
    answer: str | None = Field(None, description="The answer this document gives (training label).")
    type: str | None = Field(None, description="correct / misinfo / noise (training label).")


class ExternalCase(BaseModel):
    """Public multi-document QA format: the case carries its own documents."""

    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    documents: list[ExternalDoc]
    answers: list[str]
    wrong_answers: list[str] = []
    expect_conflict: bool | None = None
    category: str = Field("external", description="The kind of question, for the per-category table.")

    def to_case(self) -> Case:
        texts = [norm(d.text) for d in self.documents]
        conflict = None if self.expect_conflict is None else ("any" if self.expect_conflict else "none")
        valid = {norm(a).casefold() for a in self.answers}
        # a "wrong" answer that is also listed as valid (public sets have a few) is not misinformation
        wrong = [w for w in self.wrong_answers if norm(w).casefold() not in valid]
        distinct = len(valid | {norm(w).casefold() for w in wrong})
        differ = True if distinct > 1 else False if len(valid) == 1 and not wrong else None
        if self.expect_conflict is False and not wrong:
            differ = False  # the case says its answers are one answer in other words ("€14m", "14 million euros")
        return Case(id=self.id, category=self.category, question=self.question, expect=Expect(
            abstain=not self.answers, conflict=conflict, answers_differ=differ,
            facts=["|".join(literal_pattern(a) for a in self.answers)] if self.answers else [],
            forbid=[literal_pattern(w) for w in wrong],
            gold=[a for a in self.answers if any(norm(a) in t for t in texts)]))


def load_dataset(path: Path) -> tuple[list[Case], list[ExternalDoc]]:
    """Read JSONL grounding cases and/or external cases (rows with `documents`)."""
    cases: list[Case] = []
    docs: list[ExternalDoc] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            if not line.strip():
                continue
            row = json.loads(line)
            if "documents" in row:
                ext = ExternalCase.model_validate(row)
                docs += ext.documents
                cases.append(ext.to_case())
            else:
                cases.append(Case.model_validate(row))
        except ValidationError as e:
            raise ValueError(f"{path}:{n}: {explain(e)}") from None
        except ValueError as e:
            raise ValueError(f"{path}:{n}: {e}") from None
    return cases, docs


def explain(error: ValidationError) -> str:
    """A case's validation errors in one line; a misspelt key names the keys it resembles."""
    import difflib

    known = sorted({f for m in (Case, Expect, ExternalCase, ExternalDoc) for f in m.model_fields})
    parts = []
    for e in error.errors()[:3]:
        where = ".".join(map(str, e["loc"]))
        if e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(e["loc"][-1]), known, n=2, cutoff=0.7)
            parts.append(f"unknown key {where}" + (f" (did you mean {' or '.join(close)}?)" if close else ""))
        else:
            parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


def write_corpus(docs: list[ExternalDoc], folder: Path) -> list[Path]:
    """Write each distinct document as a Markdown file with a title front matter."""
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for doc in docs:
        if texts.setdefault(doc.id, doc.text) != doc.text:
            raise ValueError(f"document id {doc.id!r} is used for two different texts")
    paths = []
    for doc in {d.id: d for d in docs}.values():
        path = folder / f"{len(paths):04d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', doc.id)[:60]}.md"
        path.write_text(f"---\ntitle: {json.dumps(doc.title)}\n---\n{doc.text}\n", encoding="utf-8")
        paths.append(path)
    return paths


def load_pairs(path: Path) -> list:
    """Labelled passage pairs for the disagreement detector (see evals/disagree_pairs.jsonl)."""
    from rag.disagree import PassagePair

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [PassagePair(**{k: v for k, v in row.items() if k not in ("id", "compared")}) for row in rows]
