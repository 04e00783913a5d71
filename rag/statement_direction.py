"""Whether a statement turns its quote around: swaps who did what to whom, or says "fell" for "rose".

"Covar Group sold its smelter to Arlen Mining" under "Arlen Mining has sold its smelter to Covar Group"
names the same things as its quote and is close to it in meaning, so neither the typed checks nor the
similarity see it. It is caught by position: around a word both texts write once (an anchor: "sold"),
the statement has a name (or number) before the anchor that the quote's sentence has only after it, and
one after it that the quote's sentence has only before it: the two exchanged their roles. Anchors are verbs
written once in each text; a passive one ("was provided by …") reverses the sides, so it is none, and a list
reordered on the same side ("Peru, Chile and Ghana") keeps every item on its side.

A direction word ("rose", "above", "approved") whose kind the quote never uses, while it uses the
opposite kind ("fell", "below", "rejected"), says the opposite of the quote.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from rag.query import IRREGULAR_PARTICIPLES
from rag.text import STOPWORDS, stem

_WORD = re.compile(r"[A-Za-z][\w’'\-]*|\$?\d[\d,.]*%?")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]|\s-\s")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_PASSIVE_BEFORE = frozenset("is are was were be been being get gets got".split())
_AUXILIARY = frozenset("has have had will would can could may might must shall should did does do".split())
# past forms that do not end in -ed (general English), beside the participles
_IRREGULAR_PAST = IRREGULAR_PARTICIPLES | frozenset("""gave took beat rose fell began ran wrote grew threw chose drew
sang rang went came saw told said met left kept overtook undertook outsold outran became bore broke drove fled flew
forgave froze knew lent meant rode sank sat shook slid sought spoke stood stole swore swept thought tore withdrew
woke wore""".split())
# words that look like verbs but are not one (general English): "-ed" nouns, adverbs after an auxiliary
_NOT_PAST = frozenset("speed need feed seed breed greed creed deed reed steed weed tweed hundred kindred".split())
_ADVERBS = frozenset("now also already still just never then since again even only soon yet ever once".split())
_PAIR_REACH = 6  # words from a number to the name it is given for ("38C in the northern port of Kessin")
_PLACE_WORD = re.compile(r"\b(?:in|at|on|for)\b", re.I)  # how a number is given for a name
_JOINERS = frozenset({"of", "the", "&", "de", "van", "von"})
# words that tell two things of one kind apart (general English): "the larger star … its smaller companion"
_GRADES = frozenset("""larger smaller bigger older younger elder higher lower longer shorter faster slower heavier
lighter richer poorer stronger weaker wider narrower deeper greater lesser former latter first second third fourth
fifth last""".split())


@dataclass(frozen=True)
class _Item:
    kind: str  # "name" or "number"
    key: str
    start: int
    end: int


def _starts_sentence(text: str, at: int) -> bool:
    """Nothing but a sentence end, an opening quote or bracket and spaces stands before `at`."""
    i = at - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in ".!?\"“‘("


@lru_cache(maxsize=64)
def _items(text: str) -> tuple[_Item, ...]:
    """The names (runs of capitalised words, a sentence's common first word left out), numbers and words telling
    two things apart ("larger", "second") of a text (read once per text: each check of `direction_problems`
    needs them)."""
    out: list[_Item] = []
    run: list[re.Match] = []

    def close() -> None:
        while run and run[-1].group().lower() in _JOINERS:
            run.pop()
        if run:
            key = " ".join(m.group().lower().removesuffix("’s").removesuffix("'s") for m in run)
            out.append(_Item("name", key, run[0].start(), run[-1].end()))
        run.clear()

    for m in _WORD.finditer(text):
        w = m.group()
        if w[0] in "$0123456789":
            close()
            digits = re.sub(r"[^\d.]", "", w).strip(".")
            if digits:
                out.append(_Item("number", digits, m.start(), m.end()))
        elif w.lower() in _GRADES and not run:
            out.append(_Item("grade", w.lower(), m.start(), m.end()))
        elif w[0].isupper() and not (_starts_sentence(text, m.start()) and w.lower() in STOPWORDS):
            if run and _CLAUSE_BREAK.search(text, run[-1].end(), m.start()):
                close()
            run.append(m)
        elif run and w.lower() in _JOINERS and not text[run[-1].end():m.start()].strip():
            run.append(m)
        else:
            close()
    close()
    return tuple(out)


def _anchors(text: str) -> dict[str, re.Match]:
    """The verbs written once in the text, by stem, each at its place (a passive verb is none): a past form
    ("provided", "sold"), a word after an auxiliary ("will leave") or a progressive ("is suing"). Nouns are
    none: "Covar bought the smelter from Arlen" keeps the roles of "Arlen sold the smelter to Covar"."""
    seen: dict[str, list[re.Match]] = {}
    tokens = list(_WORD.finditer(text))
    for i, m in enumerate(tokens):
        w = m.group()
        if not w[0].islower() or len(w) < 3 or w in STOPWORDS:
            continue
        past = len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST or w in _IRREGULAR_PAST
        after = tokens[i - 1].group().lower() if i else ""
        if w in _ADVERBS or w.endswith("ly") or \
                not (past or after in _AUXILIARY or after in _PASSIVE_BEFORE and w.endswith("ing")):
            continue
        passive = past and after in _PASSIVE_BEFORE or \
            (i + 1 < len(tokens) and tokens[i + 1].group().lower() == "by")
        seen.setdefault(stem(w), []).append(None if passive else m)
    return {s: ms[0] for s, ms in seen.items() if len(ms) == 1 and ms[0] is not None}


def _clause(text: str, at: re.Match, sentence: bool = False) -> tuple[int, int]:
    """The bounds of the clause (or the sentence) around a word."""
    breaks = [m.start() for m in _SENTENCE_END.finditer(text)] + \
        ([] if sentence else [m.start() for m in _CLAUSE_BREAK.finditer(text)])
    start = max((b + 1 for b in breaks if b < at.start()), default=0)
    end = min((b for b in breaks if b >= at.end()), default=len(text))
    return start, end


def _side(items: Sequence[_Item], kind: str, at: re.Match, side: str, bounds: tuple[int, int]) -> list[_Item]:
    """The items of a kind on one side of the anchor, within the bounds (its sentence or clause)."""
    if side == "before":
        return [i for i in items if i.kind == kind and bounds[0] <= i.start and i.end <= at.start()]
    return [i for i in items if i.kind == kind and at.end() <= i.start and i.end <= bounds[1]]


def _same(a: str, b: str) -> bool:
    """Two keys name the same thing: one holds the other's words ("estova", "the republic of estova")."""
    x, y = set(a.split()), set(b.split())
    return x <= y or y <= x


def _only_on(items: Sequence[_Item], key: str, at: re.Match, side: str, bounds: tuple[int, int]) -> bool:
    """The item is within the bounds (the anchor's sentence or clause), and there only on this side of it."""
    places = [i for i in items if _same(i.key, key) and bounds[0] <= i.start and i.end <= bounds[1]]
    if side == "before":
        return bool(places) and all(i.end <= at.start() for i in places)
    return bool(places) and all(i.start >= at.end() for i in places)


def role_problems(statement: str, quote: str) -> list[str]:
    """Anchors around which the statement puts a name or number on the other side than its quote does."""
    s_items, q_items = _items(statement), _items(quote)
    q_anchors = _anchors(quote)
    problems = []
    for key, s_at in _anchors(statement).items():
        q_at = q_anchors.get(key)
        if q_at is None:
            continue
        s_bounds, q_bounds = _clause(statement, s_at, sentence=True), _clause(quote, q_at, sentence=True)
        for kind in ("name", "number", "grade"):
            before = [i for i in _side(s_items, kind, s_at, "before", s_bounds)
                      if _only_on(q_items, i.key, q_at, "after", q_bounds)]
            after = [i for i in _side(s_items, kind, s_at, "after", s_bounds)
                     if _only_on(q_items, i.key, q_at, "before", q_bounds)]
            if before and after and not _same(before[-1].key, after[0].key):
                problems.append(f"the statement puts “{statement[before[-1].start:before[-1].end]}” before "
                                f"“{s_at.group()}” and “{statement[after[0].start:after[0].end]}” after it; "
                                f"the quote the other way round")
        # the number a verb takes: "offered 6%" where the quote has "offered 2%" and 6% only before it
        said = _side(s_items, "number", s_at, "after", _clause(statement, s_at))
        quoted = _side(q_items, "number", q_at, "after", _clause(quote, q_at))
        if said and quoted and said[0].key != quoted[0].key and any(i.key == quoted[0].key for i in s_items) \
                and _only_on(q_items, said[0].key, q_at, "before", q_bounds):
            problems.append(f"the statement has “{s_at.group()} {statement[said[0].start:said[0].end]}” where the "
                            f"quote has “{q_at.group()} {quote[quoted[0].start:quoted[0].end]}”")
    return list(dict.fromkeys(problems))


# words that give what follows them a role (general English): "to" the receiver, "from" the giver or the
# start, "than" and "against" the other side of a comparison, "by" the doer, "instead of" the one not chosen
_ROLE_WORDS = re.compile(r"\b(?:(?<!according )(?<!due )(?<!thanks )(?<!up )(?<!close )(?<!addition )to|"
                         r"from|than|against|by|instead of|ahead of|rather than)\b", re.I)  # not "according to"
_LIST_JOIN = re.compile(r"\s*(?:,\s*)?(?:(?:and|or)\s+)?(?:the\s+)?", re.I)
_ROLE_REACH = 5  # words from a role word to what it marks ("to the arts charity Brightside")


def _reach(text: str, at: int, words: int) -> int:
    """Where the next `words` words after `at` end, or the clause ends if sooner."""
    ends = [w.end() for w in islice(_WORD.finditer(text, at), words)]
    brk = _CLAUSE_BREAK.search(text, at)
    return min(ends[-1] if ends else at, brk.start() if brk else len(text))


def _marked(text: str, items: Sequence[_Item]) -> dict[tuple[str, str], set[str]]:
    """(role word, kind) -> the keys of the first name and the first number after each use of the role word,
    within a few words and its clause."""
    out: dict[tuple[str, str], set[str]] = {}
    for m in _ROLE_WORDS.finditer(text):
        end = _reach(text, m.end(), _ROLE_REACH)
        for kind in ("name", "number"):
            of_kind = [i for i in items if i.kind == kind]
            at = next((n for n, i in enumerate(of_kind) if m.end() <= i.start and i.end <= end), None)
            if at is None or kind == "name" and any(m.end() <= i.start < of_kind[at].start for i in items
                                                    if i.kind == "number"):
                continue  # "by 6 percent from April": the role word marks the number, not the name
            keys = out.setdefault((m.group().lower(), kind), set())
            keys.add(of_kind[at].key)
            for prev, item in zip(of_kind[at:], of_kind[at + 1:]):  # the rest of a list: "from A, B and the C"
                if not _LIST_JOIN.fullmatch(text, prev.end, item.start):
                    break
                keys.add(item.key)
    return out


def marked_problems(statement: str, quote: str) -> list[str]:
    """Role words ("to", "from", "than" …) after which the statement and the quote put two things the other
    way round: the statement's is in the quote but not there, the quote's is in the statement but not there."""
    s_items, q_items = _items(statement), _items(quote)
    said, quoted = _marked(statement, s_items), _marked(quote, q_items)

    def within(key: str, keys) -> bool:
        return any(_same(key, k) for k in keys)

    problems = []
    for (word, kind), mine in said.items():
        theirs = quoted.get((word, kind), set())
        moved_in = sorted(k for k in mine if not within(k, theirs) and within(k, (i.key for i in q_items)))
        moved_out = sorted(k for k in theirs if not within(k, mine) and within(k, (i.key for i in s_items)))
        if moved_in and moved_out:
            problems.append(f"the statement has “{word} {moved_in[0]}” where the quote has "
                            f"“{word} {moved_out[0]}”")
    return problems


_CONTRAST = re.compile(r"\b(?:instead of|rather than|in place of)\b", re.I)
_CONTRAST_REACH = 4  # content words on each side of "instead of" that say what was chosen and what not


def _contrasted(text: str) -> list[tuple[set[str], set[str]]]:
    """For each "A instead of B" of the text: the content stems of A (just before it, in its clause) and of B."""
    out = []
    for m in _CONTRAST.finditer(text):
        start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())), default=0)
        brk = _CLAUSE_BREAK.search(text, m.end())
        end = brk.start() if brk else len(text)
        before = [w for w in _WORD.findall(text[start:m.start()]) if w.lower() not in STOPWORDS]
        after = [w for w in _WORD.findall(text[m.end():end]) if w.lower() not in STOPWORDS]
        out.append(({stem(w) for w in before[-_CONTRAST_REACH:]}, {stem(w) for w in after[:_CONTRAST_REACH]}))
    return out


def contrast_problems(statement: str, quote: str) -> list[str]:
    """"A instead of B" where the quote has "B instead of A": what was chosen and what was not swapped."""
    swapped = any(sb & qa and sa & qb and len(sb & qa) + len(sa & qb) > len(sb & qb) + len(sa & qa)
                  for sb, sa in _contrasted(statement) for qb, qa in _contrasted(quote))
    return [f"the statement swaps the two sides of “{_CONTRAST.search(statement).group()}”"] if swapped else []


def _pairs(text: str, items: Sequence[_Item], loose: bool = False) -> dict[str, str]:
    """Each number's key -> the key of the first name after it, within a few words and its clause, that it is
    given for ("7.4% in June", "38C in the northern port of Kessin"; not "2-0 to Velmar Rovers"); `loose`:
    whatever word joins them ("94 mph to the exposed Carrick headland")."""
    out = {}
    for n in (i for i in items if i.kind == "number"):
        end = _reach(text, n.end, _PAIR_REACH)
        name = next((i for i in items if i.kind == "name" and n.end <= i.start and i.end <= end), None)
        if name and (loose or _PLACE_WORD.search(text, n.end, name.start) and
                     not _ROLE_WORDS.search(text, n.end, name.start)):
            out.setdefault(n.key, name.key)
    return out


def paired_problems(statement: str, quote: str) -> list[str]:
    """Numbers the statement gives for another name of the quote than the quote does ("7.4% in March" where
    the quote has "7.4% in June" and names March too), or for a name the quote gives another of its numbers
    for while it gives this one for another name ("94 mph in Ardmore" under "94 mph to the Carrick headland
    and 71 mph in Ardmore")."""
    s_items, q_items = _items(statement), _items(quote)
    said, quoted = _pairs(statement, s_items), _pairs(quote, q_items)
    numbers = {i.key for i in q_items if i.kind == "number"}
    problems = [f"the statement gives {number} for “{name}”, the quote for “{quoted[number]}”"
                for number, name in said.items() if number in quoted and not _same(name, quoted[number])
                and any(_same(name, i.key) for i in q_items) and any(_same(quoted[number], i.key) for i in s_items)]
    beside = _pairs(quote, q_items, loose=True)
    for number, name in said.items():
        given = {n for n, m in quoted.items() if _same(name, m)}
        if number not in quoted and number in numbers and given and number not in given and \
                number in beside and not _same(name, beside[number]):
            problems.append(f"the statement gives {number} for “{name}”, the quote for “{beside[number]}” and "
                            f"{sorted(given)[0]} for “{name}”")
    return problems


# words for a direction and for its opposite (general English): a statement using one where its quote
# uses only the other says the opposite
_OPPOSITES = [tuple(frozenset(side.split()) for side in pair) for pair in (
    ("rise rises rose risen rising increase increases increased increasing grow grows grew grown growing "
     "climb climbs climbed climbing raise raises raised raising up higher above expand expands expanded "
     "widen widens widened strengthen strengthens strengthened",
     "fall falls fell fallen falling decrease decreases decreased decreasing decline declines declined "
     "declining drop drops dropped dropping shrink shrinks shrank shrunk shrinking cut cuts cutting reduce "
     "reduces reduced reducing down lower below narrow narrows narrowed weaken weakens weakened"),
    ("upstream", "downstream"),
    ("approve approves approved approving accept accepts accepted accepting",
     "reject rejects rejected rejecting refuse refuses refused refusing"),
    ("support supports supported supporting", "oppose opposes opposed opposing"),
    ("open opens opened reopen reopens reopened", "close closes closed closure closures shut shuts"),
    ("allow allows allowed allowing lift lifts lifted", "ban bans banned banning"),
    ("win wins won winning", "lose loses lost losing"),
    ("profit profits", "loss losses"),
    ("convict convicts convicted convicting", "acquit acquits acquitted acquitting"),
    ("uphold upholds upheld upholding", "overturn overturns overturned overturning quash quashes quashed"),
    ("confirm confirms confirmed confirming", "deny denies denied denying"),
    ("surplus surpluses", "deficit deficits"),
)]


def opposite_problems(statement: str, quote: str) -> list[str]:
    """Direction words of the statement whose kind the quote never uses while it uses the opposite kind."""
    said = {w.lower() for w in _WORD.findall(statement)}
    quoted = {w.lower() for w in _WORD.findall(quote)}
    problems = []
    for a, b in _OPPOSITES:
        for mine, theirs in ((a, b), (b, a)):
            if said & mine and not quoted & mine and quoted & theirs:
                problems.append(f"the statement says “{sorted(said & mine)[0]}” where the quote says "
                                f"“{sorted(quoted & theirs)[0]}”")
    return problems


_COMPARATIVES = (frozenset("more greater".split()), frozenset("less fewer".split()))
_DIRECTION_PAIRS = _OPPOSITES + [_COMPARATIVES]
_DIRECTION_WORDS = frozenset().union(*(a | b for a, b in _OPPOSITES))  # no thing a direction word is said of
_QUANTITY_WORDS = frozenset("per cent percent times".split())  # part of how much, not of what
_BESIDE = 2  # words from a direction word to the thing it says goes up or down ("18 per cent less fuel")


def _directions_beside(text: str) -> dict[str, set[int]]:
    """Each content word with the directions (0 / 1: a side of a pair of `_OPPOSITES`, more / less) of the
    direction words within a couple of words of it: "less fuel" → {"fuel": {the "less" side}}."""
    tokens = [w.lower() for w in _WORD.findall(text)]
    out: dict[str, set[int]] = {}
    for i, w in enumerate(tokens):
        for n, pair in enumerate(_DIRECTION_PAIRS):
            side = 0 if w in pair[0] else 1 if w in pair[1] else None
            if side is None:
                continue
            for near in tokens[max(0, i - _BESIDE):i] + tokens[i + 1:i + 1 + _BESIDE]:
                if near not in STOPWORDS and near not in _QUANTITY_WORDS and near not in _DIRECTION_WORDS and \
                        near[0].isalpha():
                    out.setdefault(stem(near), set()).add(2 * n + side)
    return out


def beside_problems(statement: str, quote: str) -> list[str]:
    """A thing the statement says goes one way that the quote says, next to it, goes the other ("burns 18 per
    cent more fuel" under "uses 18 per cent less fuel … while carrying 40 more cars"): the opposite-word check
    of the whole quote does not see it when the quote uses both directions for different things."""
    quoted = _directions_beside(quote)
    for word, mine in _directions_beside(statement).items():
        theirs = quoted.get(word, set())
        if any(d ^ 1 in theirs and d not in theirs for d in mine):
            return [f"the statement has “{word}” going the other way from the quote"]
    return []


def direction_problems(statement: str, quote: str) -> list[str]:
    """Every way the statement turns its quote around: swapped roles, role words, opposite directions."""
    return role_problems(statement, quote) + marked_problems(statement, quote) + paired_problems(statement, quote) \
        + contrast_problems(statement, quote) + opposite_problems(statement, quote) + beside_problems(statement, quote)
