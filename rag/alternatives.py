"""Either-or questions ("Did the fire start in the kitchen or in the garage?"): when independent sources
support different alternatives, the sources contradict each other, and the note says how many stand on
each side.

A quote supports an alternative when it holds every word that alternative does not share with the other
("kitchen", not "in the") and at least half of the rest of the question's content words (what is said of
it: "fire", "start"), so a quote that only mentions a place ("the garage was rebuilt") supports nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.disagree import sides_note
from rag.models import Conflict, Quote
from rag.text import terms
from rag.values import is_term

_YES_NO = re.compile(r"^\W*(?:did|does|do|was|were|is|are|has|have|had|will|would|can|could)\b", re.I)
_OR = re.compile(r"\s+or\s+(?P<b>[^?,;]+?)\W*$", re.I)
_PREPOSITIONS = frozenset("at in on by from to with for into during under after before near inside".split())


@dataclass(frozen=True)
class Alternatives:
    first: str  # "in the kitchen"
    second: str  # "in the garage"
    rest: str  # the question without them: "Did the fire start"


def alternatives(question: str) -> Alternatives | None:
    """The two alternatives a yes/no question offers with "or", when it ends with them: the second is what
    follows "or"; the first starts at the same preposition before it ("in the kitchen or in the garage"),
    else is as many words long ("in 2019 or 2020")."""
    m = _OR.search(question) if _YES_NO.match(question) else None
    if m is None:
        return None
    second, head = m.group("b").strip(), question[:m.start()]
    first_word = second.split()[0].lower()
    if first_word in _PREPOSITIONS:
        start = max((p.start() for p in re.finditer(rf"\b{first_word}\b", head, re.I)), default=None)
    else:
        head_words = list(re.finditer(r"\S+", head))
        n = len(second.split())
        start = head_words[-n].start() if len(head_words) > n + 1 else None
    if start is None or not head[:start].strip():
        return None
    return Alternatives(head[start:].strip(), second, head[:start].strip())


def alternative_conflicts(question: str, quotes: list[Quote], voice: dict[str, str]) -> list[Conflict]:
    """A `contradiction` when independent sources (`voice`: source id → its independent group) support
    different alternatives of an either-or question; nothing when the question offers none, or a source
    supports both or stands on both sides through its copies."""
    alt = alternatives(question)
    if alt is None:
        return []
    a, b = set(terms(alt.first)), set(terms(alt.second))
    only = (a - b, b - a)
    rest = set(terms(alt.rest))
    if not all(only) or not rest:
        return []
    sides: tuple[list[Quote], list[Quote]] = ([], [])
    for q in quotes:
        held = list(set(terms(q.text)))
        said = sum(is_term(w, held) for w in rest) * 2 >= len(rest)  # a word alike counts: "declared", "declaration"
        backs = [said and all(is_term(w, held) for w in words_) for words_ in only]
        if backs[0] != backs[1]:
            sides[0 if backs[0] else 1].append(q)
    voices = [{voice.get(q.source.id, q.source.id) for q in side} for side in sides]
    if not all(voices) or voices[0] & voices[1]:
        return []
    note = sides_note([(voices[0], alt.first, [q.id for q in sides[0]]),
                       (voices[1], alt.second, [q.id for q in sides[1]])])
    return [Conflict(topic="which of the two", kind="contradiction", note=note,
                     quote_ids=sorted(q.id for side in sides for q in side))]
