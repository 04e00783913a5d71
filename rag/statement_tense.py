"""Whether a statement tells as done what its quote says is to come, or the other way round.

"The leisure centre reopened on 4 May" under "The leisure centre will reopen on 4 May" keeps every word
and figure of its quote; only the tense changed. From the dependency parse (rag/statement_roles.py) a verb
is to come when "will" or "shall" goes with it or it follows "is to", "is set to", "is due to" or "is
scheduled to"; it is done when it is in the past tense or the perfect ("has reopened"). A verb that "would",
"could", "may" or another modal goes with is neither (a hedge is statement_strength's to judge). A statement
is refused when a verb the quote uses only one way is done in one text and to come in the other.
"""
from __future__ import annotations

from typing import Any

from rag.statement_roles import parse

_FUTURE = frozenset({"will", "shall", "'ll", "wo"})  # "wo" is how the parse splits "won't"
_TO_COME = frozenset({"be", "set", "due", "schedule"})  # "is (set / due / scheduled) to reopen"
_MODALS = frozenset({"would", "could", "may", "might", "must", "should", "can"})


def _time(verb: Any) -> str | None:
    """"to come", "done" or None (present, modal or untold)."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lemma_.lower() in _FUTURE or c.text.lower() in _FUTURE for c in auxes):
        return "to come"
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _TO_COME and any(c.lower_ == "to" for c in auxes):
        return "to come"
    if any(c.lemma_.lower() in _MODALS for c in auxes):
        return None
    if verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(c.lemma_.lower() == "have" or c.tag_ == "VBD" for c in auxes):
        return "done"
    return None


def _times(text: str) -> dict[str, set[str | None]]:
    """Each verb lemma of the text with the times it is told in."""
    out: dict[str, set[str | None]] = {}
    for token in parse(text):
        if token.pos_ == "VERB":
            out.setdefault(token.lemma_.lower(), set()).add(_time(token))
    return out


def tense_problems(statement: str, quote: str) -> list[str]:
    """A verb done in one text and to come in the other (see the module)."""
    said, quoted = _times(statement), _times(quote)
    problems = []
    for verb, times in said.items():
        theirs = quoted.get(verb, set())
        if len(theirs) != 1 or None in theirs or None in times:
            continue  # the quote tells it no time, or more than one
        (their_time,) = theirs
        if times == {"done"} and their_time == "to come" or times == {"to come"} and their_time == "done":
            problems.append(f"the statement tells '{verb}' as {next(iter(times))}; the quote as {their_time}")
    return problems
