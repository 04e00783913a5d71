"""Whether a statement gives a figure of its quote to the wrong verb or name, or sends a sum the other way.

"Okonjo was sentenced to six years after stealing £312,000 over three years" under "… sentenced to three
years … after stealing £312,000 over six years" has every figure of its quote, near the same words, so the
number checks (statement_checks) pass it. From the dependency parse (rag/statement_roles.py) each figure is
read with its unit (the noun it counts: "years", "million", "per cent") and its verb (the nearest verb above
it: "sentenced", "stealing"). Refused: a figure the statement puts under a verb that the quote uses with
another figure of the same unit, while the quote has the statement's figure under another verb ("profit fell
9 per cent" under "revenue … up 9 per cent, while pre-tax profit fell 15 per cent").

A sum or count that a verb of giving ("provided", "paid", "sent") or getting ("received", "bought") takes is
read with its giver and its recipient. Refused: the same figure (the typed values of rag/claims.py) going
the other way between the quote's parties ("Covar paid Arlen Mining $10m" under "Arlen Mining has provided
$10m in equipment to Covar": the statement's recipient is the quote's giver). Converse verbs keep the way
("Covar received $10m from Arlen Mining").

A figure under the same verb in both texts is read with the names that verb holds it with (its doer's, else
its clause's). Refused: each text holds it with a name the other names but does not hold it with ("38C in
Kessin, while Ambrel recorded 24C" under the other way round).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rag.claims import _NUMWORDS, MONTHS, WEEKDAYS, Mention, _amounts
from rag.statement_roles import parse

_COUNTED = ("nummod", "quantmod", "compound")  # how a number hangs on what it counts


@dataclass(frozen=True)
class Figure:
    text: str  # as written
    value: str  # the same, normalised ("six" and "6" alike, no thousands commas)
    unit: str  # the lemma of what it counts ("year", "million"), "percent"; "" for a bare number
    verb: str  # the lemma of the nearest verb above it


_GLUED = re.compile(r"(\d+(?:\.\d+)?)([a-z°]+)")  # a number with its unit written on: "38C", "5km"


def _value(token: Any) -> str | None:
    """The number a token writes, normalised; None for a scale word alone ("million")."""
    word = token.text.lower().replace(",", "")
    glued = _GLUED.fullmatch(word)
    word = glued.group(1) if glued else word
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
    glued = _GLUED.fullmatch(token.text.lower().replace(",", ""))
    if glued:
        return glued.group(2)
    return counted.lemma_.lower() if counted.i != token.i else ""


def _verb_above(token: Any) -> Any | None:
    """The nearest verb above a token in the parse (None when it hangs on no verb)."""
    while token.pos_ != "VERB" and token.head.i != token.i:
        token = token.head
    return token if token.pos_ == "VERB" else None


def _figure_tokens(text: str) -> list[tuple[Figure, Any, Any]]:
    """Each number of the text as a Figure, with its token and its verb's (numbers under no verb are left out)."""
    out = []
    for t in parse(text):
        value = _value(t) if t.pos_ == "NUM" and (t.like_num or _GLUED.fullmatch(t.lower_)) else None
        if value is None:
            continue
        counted = t
        while counted.dep_ in _COUNTED and counted.head.i != counted.i and \
                counted.head.pos_ in ("NOUN", "NUM", "SYM", "PROPN"):
            counted = counted.head
        verb = _verb_above(counted)
        if verb is not None:
            out.append((Figure(t.text, value, _unit(t, counted), verb.lemma_.lower()), t, verb))
    return out


def figures(text: str) -> list[Figure]:
    """Each number of the text with its unit and its verb (numbers under no verb are left out)."""
    return [f for f, _, _ in _figure_tokens(text)]


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


# verbs of giving (the subject gives to the one after "to" or to the other object) and of getting (the subject
# gets from the one after "from"); general English
_GIVE = frozenset("""give provide pay send supply sell lend loan donate transfer grant award deliver export offer
contribute hand ship""".split())
_GET = frozenset("receive get obtain buy borrow import acquire take earn collect".split())
_TRANSFER = _GIVE | _GET


@dataclass(frozen=True)
class Flow:
    """A sum or count given or got: who it went from and to (the words naming each; empty when untold)."""
    figure: Mention
    source: frozenset[str]
    recipient: frozenset[str]


def _named(token: Any | None) -> frozenset[str]:
    """The words of a party's name: the noun and the nouns compounded with it ("Arlen Mining"), and so those of
    a name in apposition ("the developer Arlen Mining")."""
    if token is None or token.pos_ not in ("NOUN", "PROPN"):
        return frozenset()
    words = {token.lemma_.lower()}
    for c in token.children:
        if c.dep_ in ("compound", "flat"):
            words.add(c.lemma_.lower())
        elif c.dep_ == "appos":
            words |= _named(c)
    return frozenset(words)


def flows(text: str) -> list[Flow]:
    """Each sum or count of the text that an active verb of giving or getting takes, with its two parties."""
    doc = parse(text)
    out = []
    for m in _amounts(text, 0, len(text), []):
        tokens = [t for t in doc if t.idx < m.end and t.idx + len(t) > m.start]
        if m.kind == "percent" or not tokens:
            continue
        verb = _verb_above(tokens[-1])
        if verb is None or verb.lemma_.lower() not in _TRANSFER:
            continue
        lemma, kids = verb.lemma_.lower(), list(verb.children)
        if any(c.dep_ in ("nsubjpass", "auxpass") for c in kids):
            continue
        subject = next((c for c in kids if c.dep_ == "nsubj"), None)
        after = {c.lower_: next((p for p in c.children if p.dep_ == "pobj"), None)
                 for c in kids if c.dep_ == "prep" and c.lower_ in ("to", "from")}
        inside = {t.i for t in tokens}
        other = next((c for c in kids if c.dep_ in ("dative", "dobj") and c.i not in inside
                      and c.pos_ == "PROPN"), None)  # "paid Arlen Mining $10m"
        if lemma in _GIVE:
            out.append(Flow(m, _named(subject), _named(after.get("to") or other)))
        else:
            out.append(Flow(m, _named(after.get("from")), _named(subject)))
    return out


def _same_figure(a: Mention, b: Mention) -> bool:
    return a.kind == b.kind and a.unit == b.unit and a.low <= b.high and b.low <= a.high


def flow_problems(statement: str, quote: str) -> list[str]:
    """A sum or count the statement has going the other way between its quote's two parties: the statement's
    recipient is the quote's giver of the same figure (and not its recipient), or its giver the quote's
    recipient ("Covar paid Arlen Mining $10m" under "Arlen Mining has provided $10m in equipment to Covar")."""
    quoted = flows(quote)
    problems = []
    for f in flows(statement):
        for q in quoted:
            if not _same_figure(f.figure, q.figure):
                continue
            if f.recipient & q.source and not f.recipient & q.recipient or \
                    f.source & q.recipient and not f.source & q.source:
                problems.append(f"the statement has {statement[f.figure.start:f.figure.end]} going the other way "
                                "between the quote's parties")
                break
    return problems


# what a figure's verb says besides the figure: clauses of their own are another fact ("…, while Ambrel recorded 24C")
_CLAUSES = frozenset({"advcl", "conj", "ccomp", "xcomp", "relcl", "acl", "parataxis", "csubj"})
_DOERS = frozenset({"nsubj", "agent"})  # the subject of an active verb, "by …" of a passive one
_CALENDAR = frozenset(w.lower() for w in MONTHS + WEEKDAYS)  # no names of a party


@dataclass(frozen=True)
class Holders:
    """The names a figure's verb holds it with: in its doer, and anywhere in its clause; and the prepositions
    "to" and "from" it takes (a verb such as "lease" goes either way by them)."""

    subject: frozenset[str]
    clause: frozenset[str]
    way: frozenset[str]


def _names(tokens: Iterable[Any]) -> set[str]:
    """The lemmas of the proper nouns among the tokens (weekdays and months aside)."""
    return {w.lemma_.lower() for w in tokens if w.pos_ == "PROPN" and w.lower_ not in _CALENDAR}


def _holders(figure: Any, verb: Any) -> Holders:
    subject: set[str] = set()
    clause: set[str] = set()
    way: set[str] = set()
    for c in verb.children:
        if c.dep_ in ("prep", "dative") and c.lower_ in ("to", "from"):
            way.add(c.lower_)
        if c.dep_ in _CLAUSES or c.left_edge.i <= figure.i <= c.right_edge.i:
            continue
        names = _names(c.subtree)
        clause |= names
        if c.dep_ in _DOERS:
            subject |= names
    return Holders(frozenset(subject), frozenset(clause), frozenset(way))


def _exchanged(mine: frozenset[str], theirs: frozenset[str], my_names: set[str], their_names: set[str]) -> bool:
    """Each side holds the figure with a name the other text names but does not hold it with."""
    return bool((mine - theirs) & their_names) and bool((theirs - mine) & my_names)


def holder_problems(statement: str, quote: str) -> list[str]:
    """A figure the statement gives to another of its quote's names under the same verb ("38C in Kessin" under
    "38C in Ambrel, while Kessin recorded 24C"): the names its verb holds it with (the doers', else the
    clause's) and the quote's for the same figure each name the other text's holder, not their own. (Under
    different verbs the doer may change legitimately: "sold to" / "bought from".)"""
    said = _figure_tokens(statement)
    quoted = [(q, _holders(token, verb)) for q, token, verb in _figure_tokens(quote)] if said else []
    if not quoted:
        return []
    my_names, their_names = _names(parse(statement)), _names(parse(quote))
    problems = []
    for f, token, verb in said:
        mine = _holders(token, verb)
        for q, theirs in quoted:
            if (q.value, q.unit, q.verb) != (f.value, f.unit, f.verb) or mine.way != theirs.way:
                continue  # "leased it from the council" / "the council leased it to …"
            if _exchanged(mine.subject, theirs.subject, my_names, their_names) or (
                    not mine.subject and not theirs.subject and
                    _exchanged(mine.clause, theirs.clause, my_names, their_names)):
                problems.append(f"the statement gives {f.text} to another of the quote's names")
                break
    return problems
