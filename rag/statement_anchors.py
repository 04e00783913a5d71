"""Whether a statement gives a figure of its quote to the wrong verb.

"Okonjo was sentenced to six years after stealing £312,000 over three years" under "… sentenced to three
years … after stealing £312,000 over six years" has every figure of its quote, near the same words, so the
number checks (statement_checks) pass it. From the dependency parse (rag/statement_roles.py) each figure is
read with its unit (the noun it counts: "years", "million", "per cent") and its verb (the nearest verb above
it: "sentenced", "stealing"). Refused: a figure the statement puts under a verb that the quote uses with
another figure of the same unit, while the quote has the statement's figure under another verb ("profit fell
9 per cent" under "revenue … up 9 per cent, while pre-tax profit fell 15 per cent").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rag.claims import _NUMWORDS
from rag.statement_roles import parse

_COUNTED = ("nummod", "quantmod", "compound")  # how a number hangs on what it counts


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    value: str  # the same, normalised ("six" and "6" alike, no thousands commas)
    unit: str  # the lemma of what it counts ("year", "million"), "percent"; "" for a bare number
    verb: str  # the lemma of the nearest verb above it


def _value(token: Any) -> str | None:
    """The number a token writes, normalised; None for a scale word alone ("million")."""
    word = token.text.lower().replace(",", "")
    n = _NUMWORDS.get(word)
    if n is None:
        try:
            n = float(word)
        except ValueError:
            return None
    return f"{n:g}"


def _unit(token: Any, counted: Any) -> str:
    """What the number counts: "percent" for "4%", "4 per cent" (the parse hangs "per cent" on the verb), else
    the noun it hangs on."""
    after = token.doc[token.i + 1:token.i + 3].text.lower()
    if after.startswith(("%", "per cent", "percent")):
        return "percent"
    return counted.lemma_.lower() if counted.i != token.i else ""


def figures(text: str) -> list[Figure]:
    """Each number of the text with its unit and its verb (numbers under no verb are left out)."""
    out = []
    for t in parse(text):
        value = _value(t) if t.like_num and t.pos_ == "NUM" else None
        if value is None:
            continue
        counted = t
        while counted.dep_ in _COUNTED and counted.head.i != counted.i and \
                counted.head.pos_ in ("NOUN", "NUM", "SYM", "PROPN"):
            counted = counted.head
        verb = counted
        while verb.pos_ != "VERB" and verb.head.i != verb.i:
            verb = verb.head
        if verb.pos_ == "VERB":
            out.append(Figure(t.text, value, _unit(t, counted), verb.lemma_.lower()))
    return out


def anchor_problems(statement: str, quote: str) -> list[str]:
    """A figure under a verb the quote gives another figure of its unit, the figure being another verb's there."""
    quoted = figures(quote)
    problems = []
    for f in figures(statement):
        theirs = [q for q in quoted if q.verb == f.verb and q.unit == f.unit]
        if not theirs or any(q.value == f.value for q in theirs):
            continue
        elsewhere = next((q for q in quoted if q.value == f.value and q.unit == f.unit and q.verb != f.verb), None)
        if elsewhere:
            problems.append(f"the quote gives {f.text} for '{elsewhere.verb}' and {theirs[0].text} for '{f.verb}'")
    return problems
