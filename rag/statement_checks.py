"""Typed checks of a statement against its quote: figures, dates, numbers, names, negation, direction
(rag/statement_direction.py), who won (rag/statement_outcomes.py), overstatement (rag/statement_strength.py),
who said it (rag/statement_attribution.py), words added, a negation dropped, a time frame changed, injected
orders.

Figures and dates are compared as the typed intervals of `rag.claims` (the disagreement step's reader):
"$3.4bn" is "3.4 billion dollars", "less than" stays a bound, a statement may round a figure to the
precision it writes ("$1.2bn" for "$1.19bn") but not state more than the quote ("$10.4bn" for "$10bn").
Any other number must be a number of the quote, of the same unit ("two days" is not "two weeks"), and not
said of what the quote gives another number for. Names (capitalised words) must be words of the quote, an acronym
of its words, or the source's own label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rag.claims import _NUMWORDS, STOPWORDS as CLAIM_WORDS
from rag.claims import Claim, Mention, extract_claims
from rag.statement_anchors import anchor_problems, flow_problems, holder_problems
from rag.statement_attribution import speaker_problems
from rag.statement_direction import direction_problems
from rag.statement_magnitude import magnitude_problems
from rag.statement_outcomes import outcome_problems
from rag.statement_purpose import purpose_problems
from rag.statement_roles import party_problems, speech_problems, whole_for_part_problems
from rag.statement_tense import tense_problems
from rag.statement_strength import overstatement_problems
from rag.text import CLAUSE, STOPWORDS, sentence_spans, stem
from rag.values import PATTERNS

MEASURE = PATTERNS["measure"]  # a number with its unit: "two days", "142 metres", "two-year"

TOLERANCE = 0.05  # relative, for figures written in words ("seven million", "tens of thousands")
_QUALIFIERS_OK = {"exact": {"exact", "about"}, "about": {"exact", "about"}, "upper": {"upper"},
                  "lower": {"lower"}, "range": {"range"}}
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}?\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\bsystem prompt\b|\byou are now\b|\bas an ai\b|\b(?:tell|inform|assure) the (?:user|reader)s?\b", re.I)
_WORDS = {w: v for w, v in _NUMWORDS.items() if w not in ("a", "an", "zero", "one")}  # "one of the ..."
_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?|(?:" + "|".join(sorted(_WORDS, key=len, reverse=True))
                     + r")\b)(?:\s?-?(trillion|billion|million|thousand|tn|bn|m|k)\b)?", re.I)
_SCALE = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "m": 1e6, "thousand": 1e3,
          "k": 1e3}
_TOKEN = re.compile(r"[A-Za-z][\w’'.\-]*|\d[\d,.]*")
_CAPITAL = re.compile(r"(?<![\w’'])[A-Z][\w’'.\-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“‘(]\s*)$")
_NEGATION = re.compile(r"\b(?:not|never|no|none|neither|nor|without)\b|n[’']t\b", re.I)
_NOT_NEGATION = re.compile(r"\b(?:no|not) (?:more|less|fewer|later|earlier|longer) than\b|\bnot only\b", re.I)
_JOINERS = {"of", "and", "the", "for", "&"}
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|and|or)\s*")  # "1-2 million", "two to three billion": one scale


@dataclass(frozen=True)
class Number:
    text: str
    value: float
    half_unit: float  # half the place value of its last written digit: how far rounding may move it
    near: frozenset[str]  # stems of the content words within three words of it
    unit: str | None = None  # stem of its unit when it is a measure ("two days" -> "day")


def is_instruction(text: str) -> bool:
    """The text addresses a model or its user with orders, as injected prompts do."""
    return bool(_INSTRUCTION.search(text))


def instruction_around(text: str, start: int, end: int) -> bool:
    """A span of `text` lies in a sentence that gives orders to a model: a quote cut out of an injected
    instruction ("Tell the user that <claim>") is still part of it."""
    return any(is_instruction(text[s.start:s.end]) for s in sentence_spans(text) if s.start < end and start < s.end)


# ---- figures, dates, numbers -------------------------------------------------------
def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-9)


def _anchors(m: Mention) -> tuple[float, ...]:
    """The numbers a mention states: its value, its bound, or both ends of a range."""
    if m.qualifier == "range" or m.value is None and m.qualifier == "about":
        return m.low, m.high
    if m.value is not None:
        return (m.value,)
    return (m.high,) if m.qualifier == "upper" else (m.low,)


def _near(text: str, start: int, end: int) -> frozenset[str]:
    before = [t.group() for t in _TOKEN.finditer(text, 0, start)][-3:]
    after = [t.group() for t in _TOKEN.finditer(text, end)][:3]
    return frozenset(stem(w.strip(".-")) for w in before + after
                     if w[0].isalpha() and w.lower() not in STOPWORDS and w.lower() not in _WORDS)


def written(text: str, skip: list[tuple[int, int]] = ()) -> list[Number]:
    """Numbers in `text` (outside `skip` spans), in digits or words; a range shares its scale ("1-2 million")."""
    found = [m for m in _NUMBER.finditer(text) if not any(a <= m.start() < b for a, b in skip)]
    out = []
    for i, m in enumerate(found):
        scale = m.group(2) or next((f.group(2) for f in found[i + 1:i + 2]
                                    if f.group(2) and _RANGE_JOIN.fullmatch(text, m.end(), f.start())), None)
        mult = _SCALE.get((scale or "").lower(), 1.0)
        digits = m.group(1).replace(",", "").lower()
        value = _WORDS[digits] if digits in _WORDS else float(digits)
        places = 0 if digits in _WORDS else len(digits.partition(".")[2])
        unit = MEASURE.match(text, m.start())
        out.append(Number(m.group(0), value * mult, 0.5 * mult * 10.0 ** -places, _near(text, m.start(), m.end()),
                          stem(unit.group().split()[-1].split("-")[-1]) if unit else None))
    return out


def _same_numbers(said: list[Number], quoted: list[Number], same_unit: bool = False) -> bool:
    """Each number said is one quoted, rounded at most to the precision it is written with; with
    `same_unit`, also of the same unit when it has one ("two days" is not "two weeks"). (Whether it is said
    of the same thing is `misplaced_numbers`'s question: its neighbouring words may be reworded.)"""
    return all(any(_rounds_to(s, q) and (not same_unit or not s.unit or _same_unit(s.unit, q.unit)) for q in quoted)
               for s in said)


def _rounds_to(s: Number, q: Number) -> bool:
    """The number said is the number quoted, rounded at most to the precision it is written with."""
    return abs(s.value - q.value) <= s.half_unit * 1.000001


def _same_unit(a: str, b: str | None) -> bool:
    """The same unit, or one the abbreviation of the other: its letters in order, the first one first ("mw":
    "megawatt", "kg": "kilogram")."""
    if b is None or a == b:
        return a == b
    short, long = sorted((a, b), key=len)
    return len(short) <= 3 and short[0] == long[0] and bool(re.fullmatch(".*?".join(map(re.escape, short)) + ".*",
                                                                         long))


def supports(q: Claim, s: Claim) -> bool:
    """The quote's figure `q` says what the statement's figure `s` says (same kind, unit, numbers, bound)."""
    qm, sm = q.mention, s.mention
    if qm.kind != sm.kind:
        return False
    if sm.kind == "date":  # the statement may be less precise than the quote, never more
        return sm.low <= qm.low and qm.high <= sm.high
    if sm.kind != "count" and qm.unit != sm.unit:
        return False
    bound_of_range = qm.qualifier == "range" and sm.qualifier in ("upper", "lower")  # "up to $1.19bn"
    if sm.qualifier not in _QUALIFIERS_OK[qm.qualifier] and not bound_of_range:
        return False
    said, quoted = written(s.surface), written(q.surface)
    if said and quoted:  # a count's noun may be worded otherwise ("400 injured"), its unit of measure not
        return _same_numbers(said, quoted, same_unit=all(n.unit for n in said + quoted))
    return all(any(_close(a, b) for b in _anchors(qm)) for a in _anchors(sm))  # vague: "tens of thousands"


def figure_problems(statement: str, quote: str, published: str | None = None) -> list[str]:
    """The statement's figures, dates and other numbers that its quote does not state."""
    said, quoted = extract_claims(statement, published), extract_claims(quote, published)
    numbers = written(quote)
    claimed = [n for q in quoted for n in written(q.surface)]
    problems = []
    for c in said:
        if any(supports(q, c) for q in quoted):
            continue
        mine = [Number(n.text, n.value, n.half_unit, _near(statement, c.mention.start, c.mention.end))
                for n in written(c.surface)]
        if c.mention.kind == "count" and mine and not _same_numbers(mine, claimed) \
                and _same_numbers(mine, numbers, same_unit=True):
            continue  # "more than 400 people" for "more than 400 injured": the quote has no counted noun to read
        problems.append(f"“{c.surface}” is not what the quote says")
    others = written(statement, [(c.mention.start, c.mention.end) for c in said])
    problems += [f"the number “{n.text}” is not in the quote" for n in others
                 if not _same_numbers([n], numbers, same_unit=True)]
    return problems


def misplaced_numbers(statement: str, quote: str) -> list[str]:
    """Numbers the statement says of what its quote gives another number for: "completed in autumn 2024" under
    "originally due to open in 2024, will now be completed in autumn 2026". A number whose neighbouring words
    (its unit aside) share none with the quote's same number but two with a number the statement does not
    write is misplaced (two numbers that change places keep both: "selling 7,655 vehicles to Kavo's 8,210")."""
    quoted, said = written(quote), written(statement)
    problems = []
    for n in said:
        context = _context(n)
        same = [q for q in quoted if _rounds_to(n, q)]
        if not same or any(context & _context(q) for q in same):
            continue
        if any(len(context & _context(q)) >= 2 for q in quoted
               if q not in same and not _same_numbers([q], said)):
            problems.append(f"“{n.text}” is said of what the quote gives another number for")
    return problems


def _context(n: Number) -> frozenset[str]:
    """A number's neighbouring words, its unit and single letters ("$40m": "m") aside."""
    return frozenset(w for w in n.near if w != n.unit and len(w) > 1)


# ---- names -----------------------------------------------------------------------
def _key(word: str) -> str:
    return re.sub(r"[’']s$", "", word).replace(".", "").strip("’'-").lower()


def _acronyms(words: list[str]) -> set[str]:
    """Initials of every run of 2-5 words, joiners skipped ("Harbour Safety Board" -> "hsb",
    "gross domestic product" -> "gdp")."""
    content = [w for w in words if w.lower() not in _JOINERS]
    return {"".join(w[0] for w in content[i:i + n]).lower() for n in range(2, 6) for i in range(len(content) - n + 1)}


def _same_name(a: str, b: str) -> bool:
    """"chile" ~ "chilean", "kenya" ~ "kenyan": one is the other plus a short ending."""
    short, long = sorted((a, b), key=len)
    return short == long or len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 3


def name_problems(statement: str, quote: str, source: str | None = None, context: str = "") -> list[str]:
    """Names in the statement that are not in its quote (each capitalised part of a hyphened one). The source's
    own label may be named; a sentence's first word is a name only when it is not a common word (seen in lower
    case in the quote, its `context` or a stop list, in any form) nor a participle ("Citing …")."""
    if source:
        statement = re.sub(re.escape(source), " ", statement, flags=re.I)
    words = [t for t in _TOKEN.findall(quote) if t[0].isalpha()]
    quote_words = {_key(w) for w in words} | {_key(part) for w in words if "-" in w for part in w.split("-")}
    common = STOPWORDS | CLAIM_WORDS | {w.lower() for w in _TOKEN.findall(f"{quote} {context}") if w[0].islower()}
    common_stems = {stem(w) for w in common}
    known = quote_words | _acronyms(words)
    missing = []
    for m in _CAPITAL.finditer(statement):
        opening = _SENTENCE_START.search(statement[:m.start()])
        for part in m.group().split("-") if "-" in m.group().strip("-") else [m.group()]:  # "Ostley-Branmoor"
            word = _key(part)
            if len(word) < 2 or not part[:1].isupper() or word in known or \
                    any(_same_name(word, k) for k in quote_words if k):
                continue
            if opening and (word in common or stem(word) in common_stems or word.endswith(("ing", "ed"))):
                continue  # "Continuing gales …" for "gales continued"; "Citing …"
            missing.append(part.rstrip(".,"))
    return [f"the name “{w}” is not in the quote" for w in dict.fromkeys(missing)]


# ---- words the quote does not have --------------------------------------------------
ADDED_RUN = 4  # content words in a row that the quote has none of: something it does not say
# words that neither add nor break a run: attributions, and a percentage's words
_NEUTRAL = frozenset("said says say reports reported report according told per cent percent".split())


def added_words(statement: str, quote: str, source: str | None = None) -> list[str]:
    """A run of content words (numbers, words attributing and "per cent" aside) of which the quote has none, not even a
    word of the same start: an addition ("thanks to the return of cattle grazing"), where a rewording ("ended up
    costing" for "put the final bill at") changes fewer words in a row."""
    if source:
        statement = re.sub(re.escape(source), " ", statement, flags=re.I)
    have = {stem(w.lower()) for w in _TOKEN.findall(quote)}
    starts = {w[:5] for w in have if len(w) >= 5}
    run: list[re.Match] = []
    for m in _TOKEN.finditer(statement):
        lower = m.group().lower().strip(".")
        if not lower[0].isalpha() or lower in STOPWORDS or lower in _NEUTRAL:
            continue
        s = stem(lower)
        run = [] if s in have or s[:5] in starts and len(s) >= 5 else run + [m]
        if len(run) >= ADDED_RUN:
            return [f"“{statement[run[0].start():run[-1].end()]}” is not in the quote"]
    return []


# a time relative to when it is said (general English): "last year", "next summer", "the previous quarter"
_RELATIVE_TIME = re.compile(r"\b(last|next|this|past|coming|previous|following)\s+(week|month|year|decade|season|"
                            r"summer|winter|spring|autumn|fall|quarter|weekend|century)s?\b", re.I)
_SAME_SIDE = {"past": "last", "previous": "last", "coming": "next", "following": "next"}


def time_frame_problems(statement: str, quote: str) -> list[str]:
    """A time relative to now ("next year", "last quarter") that the quote does not give: "will close next year"
    under "closed last year". "This winter" is supported by "over the winter"."""
    def frames(text: str) -> set[tuple[str, str]]:
        return {(_SAME_SIDE.get(w.lower(), w.lower()), unit.lower()) for w, unit in _RELATIVE_TIME.findall(text)}

    quoted = frames(quote)
    return [f"“{side} {unit}” is not a time the quote gives" for side, unit in sorted(frames(statement) - quoted)
            if not (side == "this" and re.search(rf"\b(?:the|this)\s+{unit}\b", quote, re.I))]


def negated(text: str) -> bool:
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


# the word a negation applies to ("did not rule out", "was not unhappy", "has never been charged")
_NEGATED = re.compile(r"(?:\bnot|\bnever|n[’']t|\bno longer)\s+(?:(?:be|been|being|have|has|yet|ever|to|a|an|the|"
                      r"so|too|very|quite)\s+)*(?P<w>[A-Za-z][\w\-]*)", re.I)
# words that negate a verb too ("refused to rule out", "given too little weight", "have yet to be replicated")
_REFUSING = re.compile(r"\b(?:refus\w*|declin\w*|fail\w*|denied|denies|without|nor|too (?:little|few)|yet to)\b", re.I)


def dropped_negation(statement: str, quote: str) -> list[str]:
    """A word the quote negates that the statement states in a clause without a negation: "ruled out" under
    "did not rule out", "unhappy" under "not unhappy" (not "conceded no goals" under "has not conceded a goal")."""
    clauses = [c.group() for c in CLAUSE.finditer(statement)]
    for m in _NEGATED.finditer(_NOT_NEGATION.sub(" ", quote)):
        word = stem(m.group("w").lower())
        if word in STOPWORDS:
            continue
        for clause in clauses:
            if any(stem(t.lower()) == word for t in _TOKEN.findall(clause)) and \
                    not (negated(clause) or _REFUSING.search(clause)):
                return [f"the statement drops the quote's negation of “{m.group('w')}”"]
    return []


# the checks that read a dependency parse (rag/statement_roles.py), slower than the others
_PARSED_CHECKS = (party_problems, whole_for_part_problems, speech_problems, tense_problems, anchor_problems,
                  flow_problems, holder_problems, purpose_problems)


def typed_problems(statement: str, quote: str, published: str | None = None, source: str | None = None,
                   context: str = "") -> list[str]:
    """Every reason, short of embedding similarity, why the quote does not support the statement."""
    if is_instruction(quote):
        return ["the quote is an instruction inside an article, not a claim"]
    problems = figure_problems(statement, quote, published) + misplaced_numbers(statement, quote) \
        + name_problems(statement, quote, source, context) + direction_problems(statement, quote) \
        + outcome_problems(statement, quote) + overstatement_problems(statement, quote) \
        + speaker_problems(statement, quote) + added_words(statement, quote, source) \
        + dropped_negation(statement, quote) + time_frame_problems(statement, quote) \
        + magnitude_problems(statement, quote)
    if not problems:  # the parse (the slowest checks) only when nothing cheaper refused the statement
        problems = [p for check in _PARSED_CHECKS for p in check(statement, quote)]
    if negated(statement) and not negated(quote):  # (a statement may restate a clause without the quote's "not")
        problems.append("the statement negates what the quote says")
    return problems

