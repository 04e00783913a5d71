"""Disagreement beyond numbers: sources whose answers to a single-valued question name different things.

Each quote's answer slot (rag/values.py: the date, place, person, name … the question asks
for) is compared across sources. A quote without a typed slot that is a near-copy of
another quote with a few words changed ("played rugby league" / "played cricket") takes
the changed words as its slot. Equal answers in other words agree: a surname and the full
name, "the U.S." and "United States", a country and its capital, "1972" and "October 1972". Different answers are a
`contradiction`, with the number of independent sources on each side.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal

from rag.answer_slots import FIGURES
from rag.countries import country_of, is_country
from rag.disagree import sides_note
from rag.models import AnswerSlot, Conflict, Document, Quote
from rag.query import QuestionInfo, analyze, asked_head_word
from rag.stories import quoted_together
from rag.text import STOPWORDS, TITLES, normalize, same_start, words
from rag.values import in_clause_with_terms, no_span_of_time_for_duration, values

_MULTI = re.compile(r"^\W*(?:what|which|who|where)\s+(?:[\w\-]+\s+){0,5}?(?:are|were|have)\b|"
                    r"\b(?:list|names of|all the)\b", re.I)
_MAX_CHANGED_WORDS = 4  # a near-copy "changes the answer" in at most this many words per side
_MIN_COPY_RATIO = 0.6
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", normalize(text).lower()) if w not in ("the", "a", "an", "of")]


def _date_parts(text: str) -> tuple[int | None, int | None, int | None]:
    low = text.lower()
    year = re.search(r"\b(\d{4})\b", low)
    month = next((n for m, n in _MONTHS.items() if re.search(rf"\b{m}[a-z]*\.?\b", low)), None)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b\d{4}\b", "", low))
    return (int(year.group(1)) if year else None, month, int(day.group(1)) if day and month else None)


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in STOPWORDS)


Relation = Literal["same", "different", "unknown"]


APART = 1000  # figures of one unit more than this many times apart are not two answers to one question


def relation(a: AnswerSlot, b: AnswerSlot) -> Relation:
    """Do two slots give the same answer (up to wording and precision), different ones, or can't this
    tell? Figures compare by value in the same unit ("$10bn" = "$10 billion" ≠ "$7bn"); in other units
    they are "unknown", left to the typed claims of rag/disagree.py (intervals, conversions)."""
    named = a.kind in _NAMED and b.kind in _NAMED  # compared without owners and titles (`bare_name`)
    ta, tb = (_tokens(bare_name(a.text)), _tokens(bare_name(b.text))) if named else (_tokens(a.text), _tokens(b.text))
    if {a.kind, b.kind} & FIGURES:
        fa, fb = _figure(a.text), _figure(b.text)
        if not (fa and fb):
            return "same" if ta == tb else "unknown"
        if fa[1] != fb[1] or a.kind != b.kind:
            return "unknown"  # other units or currencies: the typed claims of rag/disagree.py compare those
        if min(fa[0], fb[0]) * APART < max(fa[0], fb[0]):
            return "unknown"  # so far apart they count different things: a ticket's price, a building's cost
        return "same" if abs(fa[0] - fb[0]) <= 0.005 * max(fa[0], fb[0]) else "different"
    if a.kind == "date" or b.kind == "date":  # the parts both give decide ("June 9" and "June 2" differ)
        shared = [(x, y) for x, y in zip(_date_parts(a.text), _date_parts(b.text)) if x is not None and y is not None]
        if not shared:
            return "unknown"
        return "same" if all(x == y for x, y in shared) else "different"
    if not ta or not tb:
        return "unknown"
    ca, cb = "".join(ta), "".join(tb)
    if _within(ta, tb) or _within(tb, ta) or ca == _acronym(tb) or cb == _acronym(ta) or ca == cb:
        return "same"  # a surname and the full name, a title with or without a word, an acronym
    country_a, country_b = country_of(a.text), country_of(b.text)
    if country_a and country_a == country_b:
        return "same"  # a country and its capital, demonym or code
    if named and bool(country_a) != bool(country_b):
        if a.kind == b.kind == "place" and not (is_country(a.text) or is_country(b.text)):
            return "different"  # two towns, one a capital ("Copenhagen", "Rotterdam")
        return "unknown"  # a country and a person, a company or a town: no two answers of one kind ("Kim" vs
        # "United States"), or a place that may lie in that country ("Lyon", "France")
    return "different"


_NAMED = frozenset({"person", "name", "place"})
# who someone is before their name: an owner ("Kenya’s"), a title and what qualifies it ("Kenyan President")
_TITLE_REACH = 4  # a title stands among a name's first words ("Foreign Minister Jon Harl")
_OWNER = re.compile(r"^(?:[A-Z][\w\-]*\s+){0,3}?[A-Z][\w\-]*[’']s\s+")


def bare_name(text: str) -> str:
    """A name without who it belongs to or its title: "Ostra’s Anna Vell", "Ostran President Anna Vell" and
    "President Anna Vell" → "Anna Vell", "Prime Minister Jon Harl" → "Jon Harl". Only a name that
    still holds a capitalised word is cut ("Ostra’s president" stays whole: another country's president is
    someone else)."""
    ws = _OWNER.sub("", text).split()
    titled = [i for i, w in enumerate(ws[:_TITLE_REACH]) if w.lower().rstrip(".") in TITLES and i < len(ws) - 1]
    rest = ws[titled[-1] + 1:] if titled else ws
    return " ".join(rest) if any(w[:1].isupper() for w in rest) else text


def _alike(x: str, y: str) -> bool:
    """The same word, or one word the start of the other ("football", "footballer")."""
    return same_start(x, y, 5)


def _within(small: list[str], big: list[str]) -> bool:
    return all(any(_alike(x, y) for y in big) for x in small)


_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9,
           "trillion": 1e12}


_UNIT_ALIASES = {"c": "degree", "° c": "degree", "°": "degree"}  # "40.9C", "41°C" and "41.3 degrees" (Celsius)


def _figure(text: str) -> tuple[float, str] | None:
    """A written figure as (value, unit): "$5bn" → (5e9, "$"), "12 per cent" → (12, "per cent");
    None when it holds no plain number or is a range ("50-70")."""
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not m or re.search(r"\d\s?[-–]\s?\d", text):
        return None
    value = float(m.group().replace(",", ""))
    unit = []
    for w in re.findall(r"[a-z]+|[^\w\s.,]", text[:m.start()] + " " + text[m.end():].lower()):
        if w in _SCALES:
            value *= _SCALES[w]
        else:
            unit.append(w.rstrip("s") if len(w) > 3 else w)
    unit = " ".join(unit).replace("per cent", "%").replace("percent", "%")
    return value, _UNIT_ALIASES.get(unit, unit)


def figure_unit(text: str) -> str | None:
    """The unit of a written figure ("euro" for "16.5 million euros"), or None when it is no plain figure."""
    figure = _figure(text)
    return figure[1] if figure else None


def _changed_words(a: str, b: str) -> tuple[str, str] | None:
    """The words a near-copy changed: (in a, in b), or None when the texts are not near-copies."""
    wa, wb = a.split(), b.split()
    m = SequenceMatcher(None, [w.lower() for w in wa], [w.lower() for w in wb], autojunk=False)
    if m.ratio() < _MIN_COPY_RATIO:
        return None
    changed = [op for op in m.get_opcodes() if op[0] != "equal"]
    if len(changed) != 1 or changed[0][0] != "replace":
        return None
    _, i1, i2, j1, j2 = changed[0]
    if i2 - i1 > _MAX_CHANGED_WORDS or j2 - j1 > _MAX_CHANGED_WORDS:
        return None
    x, y = " ".join(wa[i1:i2]).strip(".,;:"), " ".join(wb[j1:j2]).strip(".,;:")
    if not _tokens(x) or not _tokens(y) or all(t in STOPWORDS for t in _tokens(x) + _tokens(y)):
        return None
    return x, y


def _slots(quotes: list[Quote]) -> dict[int, AnswerSlot]:
    """Each quote's answer slot: its typed one, else the words a near-copy of it changed."""
    slots = {q.id: q.answer_slot for q in quotes if q.answer_slot}
    for i, qa in enumerate(quotes):
        for qb in quotes[i + 1:]:
            if qa.id in slots and qb.id in slots:
                continue
            diff = _changed_words(qa.text, qb.text)
            if diff:
                slots.setdefault(qa.id, AnswerSlot(kind="name", text=diff[0]))
                slots.setdefault(qb.id, AnswerSlot(kind="name", text=diff[1]))
    return slots


def answer_groups(quotes: list[Quote], question: str = "") -> list[list[Quote]]:
    """Quotes grouped by the answer they give (quotes without an answer slot are left out). A quote whose
    slot came from a near-copy's changed words gets it set as its `answer_slot`, so the Answer shows it; a
    slot that can't answer the question (`not_an_answer`) is taken off its quote first."""
    if question:
        info = analyze(question)
        for q in quotes:
            if q.answer_slot and not_an_answer(info, q):
                q.answer_slot = None
        if info.answer_type in FIGURES and single_valued(question):
            _read_lone_figures(info, quotes)
    slots = _slots(quotes)
    groups: list[list[Quote]] = []
    for q in quotes:
        if q.id not in slots:
            continue
        home = next((g for g in groups if relation(slots[g[0].id], slots[q.id]) == "same"), None)
        if home is None:
            groups.append([q])
        else:
            home.append(q)
    for g in groups:
        for q in g:
            q.answer_slot = q.answer_slot or slots[q.id]
    return groups


def _read_lone_figures(info: QuestionInfo, quotes: list[Quote]) -> None:
    """When the figures read alone from the quotes (`read_alone`) are all of one kind, a quote with no slot gets
    its only figure of that kind, where that stands in the clause of a word of the question, the subject's
    included ("Aldmoor sweltered as the thermometer hit 40.9C" beside "… reached 41.3 degrees Celsius"): the
    scorer chose the quote as an answer, so its lone figure is its answer and is compared."""
    kinds = {q.answer_slot.kind for q in quotes if q.answer_slot and q.answer_slot.kind in FIGURES
             and read_alone(info, q)}
    if len(kinds) != 1:
        return
    kind = kinds.pop()
    terms = info.content_terms + info.subject_stems
    for q in quotes:
        found = [v for v in values(info, q.text) if v.kind == kind] if q.answer_slot is None else []
        if len({v.text for v in found}) == 1 and in_clause_with_terms(q.text, found[0], terms):
            q.answer_slot = AnswerSlot(kind=kind, text=found[0].text)


PERSON_WORDS = 3  # at most this many words: a person's name ("Lee Hsien Loong"), not a run that holds two names
_ACCORDING_TO = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
_AT = re.compile(r"\bat\s+(?:the\s+)?$", re.I)


def not_an_answer(info: QuestionInfo, quote: Quote) -> bool:
    """The quote's slot is the question's own name said in full ("Jon Harl" for "Who did Harl meet?"; not
    "Jon Harl" for "Who is Harl's sister?": kin share names), a "place" that is a source ("according to KNA,
    Harl …"), a "person" right after "at" (a place: "the east stand at Millbrook Park"), or a measure that is
    no span of time for "How long did … take?" ("142 metres")."""
    slot = quote.answer_slot
    if slot.kind == "measure" and no_span_of_time_for_duration(info.text, slot.text):
        return True
    if slot.kind in ("person", "name"):
        if slot.kind == "person" and _right_after(quote, _AT):
            return True  # where something is ("the east stand at Millbrook Park"), no one who did something
        ws = words(re.sub(r"[’']s\b", "", slot.text))
        return any(_fuller_name(name, ws, bool(re.search(rf"\b{re.escape(name)}[’']s?\b", info.text)))
                   for name in info.entity_names)
    if slot.kind == "place":
        return _right_after(quote, _ACCORDING_TO)
    return False


def _right_after(quote: Quote, before: re.Pattern[str]) -> bool:
    """The quote's slot (where it first stands in the quote) comes right after words `before` matches up to it."""
    at = quote.text.find(quote.answer_slot.text)
    return at > 0 and bool(before.search(quote.text, 0, at))


def _fuller_name(name: str, value_words: list[str], possessive: bool = False) -> bool:
    """The value is the name said in full: it opens with it ("Lee" → "Lee Hsien Loong", "St Aldric" → "St
    Aldric's Hospital" for "Who is funding St Aldric's new wing?") or ends with it (the surname "Harl" → "Jon
    Harl"; not when the question writes the name `possessive`: "Who is Harl's sister?", kin share surnames)."""
    ws = words(name)
    n = len(ws)
    opens, ends = value_words[:n] == ws, value_words[-n:] == ws
    return 0 < n < len(value_words) <= PERSON_WORDS and (opens or ends and not possessive)


def _mentions_other(info: QuestionInfo, a: Quote, b: Quote) -> bool:
    """An answer the other quote also gives ("a lawyer and politician" vs "a politician"; "the museum in
    Lisbon" vs "Lisbon"; "Ana Lopez … though Lisbon gained more" vs "Lisbon"): both may be true, so the two
    are not counted as disagreeing. A description counts when its words stand together in the other quote
    ("basketball coach … National Football League" does not give "football coach"); a name, place or date
    when the other quote holds it as a value of the asked kind, a date as precisely ("1885 – 1955" does not give
    "22 October 1885"). Figures compare by value."""
    kinds = {a.answer_slot.kind, b.answer_slot.kind}
    if kinds & FIGURES:
        return False
    if "phrase" in kinds:
        return _contains(_tokens(a.text), _tokens(b.answer_slot.text)) or \
            _contains(_tokens(b.text), _tokens(a.answer_slot.text))
    return any(relation(AnswerSlot(kind=v.kind, text=v.text), y.answer_slot) == "same"
               and _as_precise(v.text, y.answer_slot) for x, y in ((a, b), (b, a)) for v in values(info, x.text))


def _as_precise(text: str, slot: AnswerSlot) -> bool:
    """A date gives every part (year, month, day) the slot's date gives; other kinds always do."""
    if slot.kind != "date":
        return True
    return all(x is not None or y is None for x, y in zip(_date_parts(text), _date_parts(slot.text)))


def _contains(text: list[str], phrase: list[str]) -> bool:
    """The phrase's words stand in the text in a row (word starts alike: "footballer" for "football")."""
    n = len(phrase)
    return bool(n) and any(all(_alike(x, y) for x, y in zip(phrase, text[i:i + n])) for i in range(len(text) - n + 1))


def single_valued(question: str) -> bool:
    """Does the question ask for one thing ("Who designed …") rather than several ("Which countries were …",
    "To which countries has …")?"""
    head = asked_head_word(question)
    return not _MULTI.search(question) and not (head and head.endswith("s") and not head.endswith("ss"))


def read_alone(info: QuestionInfo, quote: Quote) -> bool:
    """The quote's figure or date is the only one of its kind in it, so reading it as the answer chose nothing
    ("$10bn of weapons … $1.2bn in return" holds two amounts: the slot may be the other side's). Names and
    phrases are read by grammar and count as read alone."""
    slot = quote.answer_slot
    if slot is None:
        return False
    if slot.kind not in FIGURES and slot.kind != "date":
        return True
    return len({v.text for v in values(info, quote.text)}) <= 1


def _clearly_different(info: QuestionInfo, g: list[Quote], h: list[Quote], documents: dict[str, Document]) -> bool:
    """Every answer of one group differs from every answer of the other, neither quote gives the other's, and
    the two groups tell one story (rag/stories.py: a document of each shares a name)."""
    return all(relation(a.answer_slot, b.answer_slot) == "different" and not _mentions_other(info, a, b)
               for a in g for b in h) and any(quoted_together(a, b, documents) for a in g for b in h)


def slot_conflicts(question: str, groups: list[list[Quote]], voice: dict[str, str],
                   documents: dict[str, Document] | None = None) -> list[Conflict]:
    """A `contradiction` when sources that tell one story give different answers (`answer_groups`) to a
    single-valued question. The note names the answers that clearly differ from each other, the best-supported
    first; an answer that may be the same as one of them (other units, a quote that also gives the other
    answer) is left out of it. `documents` (by source id) tell which quotes tell one story."""
    if not single_valued(question) or len(groups) < 2:
        return []
    info = analyze(question)

    def voices(g: list[Quote]) -> set[str]:
        return {voice.get(q.source.id, q.source.id) for q in g}

    sides: list[list[Quote]] = []
    for g in sorted(groups, key=lambda g: -len(voices(g))):
        if all(_clearly_different(info, g, h, documents or {}) for h in sides):
            sides.append(g)
    if len(sides) < 2:
        return []
    note = sides_note([(voices(g), g[0].answer_slot.text, [q.id for q in g]) for g in sides])
    kind = sides[0][0].answer_slot.kind
    return [Conflict(topic=f"the {kind} asked for", kind="contradiction", note=note,
                     quote_ids=sorted(q.id for g in sides for q in g))]
