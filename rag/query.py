"""Question analysis: expected answer type, key concepts (with aliases), sub-questions, follow-ups."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from rag.models import Turn
from rag.text import STOPWORDS, stem, terms, words

# Countries and the capitals, demonyms and acronyms news copy uses for them.
ALIASES: dict[str, tuple[str, ...]] = {
    "russia": ("moscow", "russian", "kremlin"),
    "north korea": ("pyongyang", "north korean", "dprk"),
    "south korea": ("seoul", "south korean"),
    "united states": ("us", "u.s", "usa", "washington", "american", "america"),
    "china": ("beijing", "chinese"),
    "japan": ("tokyo", "japanese"),
    "ukraine": ("kyiv", "kiev", "ukrainian"),
    "iran": ("tehran", "iranian"),
    "united kingdom": ("uk", "britain", "london", "british"),
    "germany": ("berlin", "german"),
    "france": ("paris", "french"),
    "israel": ("israeli",),
}
ALIAS_WORDS = {w for canon, alts in ALIASES.items() for w in (canon, *alts)}
SYNONYMS: tuple[frozenset[str], ...] = tuple(frozenset(stem(w) for w in group) for group in (
    ("give", "gave", "given", "provide", "provided", "supply", "supplied", "send", "sent", "receive", "received",
     "aid", "paid", "pay", "return", "get", "got", "obtain", "exchange"),
    ("troop", "soldier", "personnel", "force", "army", "military"),
    ("weapon", "arm", "munition", "ammunition", "missile"),
    ("pact", "treaty", "agreement", "deal", "accord"),
    ("drone", "uav", "unmanned"),
    ("ai", "artificial"),
    ("undernourish", "hunger", "malnourish", "food"),
    ("defector", "escape", "fled", "flee"),
    ("people", "population", "inhabitant", "resident", "citizen"),
    ("meet", "met", "meeting", "appear", "appeared", "summit", "talks"),
))

ANSWER_TYPES = {
    "money": re.compile(r"\bhow much\b(?! (?:time|longer|more time))|\b(?:value|cost|price|amount|worth|funding)\b", re.I),
    "percent": re.compile(r"\bwhat (?:percent(?:age)?|share|proportion|fraction)\b|\bhow many percent\b", re.I),
    "count": re.compile(r"\bhow many\b|\b(?:number|size) of\b|\bhow (?:big|large)\b", re.I),
    "measure": re.compile(r"\bhow (?:long|tall|high|far|wide|deep|heavy|old)\b(?! ago)", re.I),
    "date": re.compile(r"^\W*when\b|\bwhat (?:year|date|day|month|time)\b|\bin which (?:year|month)\b|\bhow long ago\b", re.I),
    "person": re.compile(r"^\W*who(?:m|se)?\b|\bwhich (?:person|leader|official)\b", re.I),
    "place": re.compile(r"^\W*where\b|\b(?:in|at) (?:which|what) (?:city|country|place|location|meeting|venue)\b", re.I),
}
_AUX = r"(?:did|does|do|are|were|is|was|has|have|had|will|can|could|would|that|who)"
_HOW_MANY = re.compile(rf"\bhow many\s+((?:[\w\-]+\s+){{0,2}}?[\w\-]+?)(?:\s+{_AUX}\b|\W*$)", re.I)
_WHICH = re.compile(r"^\W*(?:(?:to|in|from|of|for|at|by|with)\s+)?(?:which|what\s+(?:is|are|was|were)\s+the\s+"
                    r"(?=names?\b|models?\b|types?\b|kinds?\b)|what\s+(?=names?\b|models?\b|types?\b|kinds?\b|brands?\b))"
                    r"(?:(?:names?|models?|types?|kinds?|brands?)\s+of\s+(?:the\s+|a\s+)?)?(?P<rest>.*)$", re.I)
_KIND_WORDS = {"model", "type", "kind", "name", "brand", "make", "version", "series"}
_NP_STOP = re.compile(rf"^(?:{_AUX}|with|of|in|on|for|to|from|by|about|at|and|or|\w+ed)$", re.I)


def _which_head(question: str) -> list[str] | None:
    """The noun phrase a "which X …" question asks about: "which news agency reported …" → [news, agency]."""
    m = _WHICH.search(question)
    if not m:
        return None
    nouns: list[str] = []
    after_adverb = False  # "domestically produced" is part of the phrase, not its verb
    ws = re.findall(r"[\w’'\-]+", m.group("rest"))[:6]  # hyphenated words stay whole here
    for i, w in enumerate(ws):
        low = w.lower()
        if low in _KIND_WORDS and ws[i + 1:i + 2] == ["of"] or low == "of" and not nouns:
            continue  # "which model of fighter jet" asks about the jet
        if _NP_STOP.match(w) and nouns and low != "and" and not after_adverb:
            break  # "which news agency reported …" stops at the verb
        after_adverb = low.endswith("ly")
        if low != "and" and not after_adverb:
            nouns.append(re.sub(r"[’']s$", "", w))
        if re.search(r"[’']s$", w):
            break  # "which body's session" asks about the body
    return nouns or None


_SPEAKER = re.compile(  # verbs in lower case only: "the U.S. State Department" is not "… state"
    r"\b(?i:what|how)\s+(?i:did|does|do|has|have|had)\s+(?P<who>.{2,60}?)\s+(?:say|said|think|believe|claim|state|"
    r"warn|argue|announce|describe|call|respond|react|reply)\b"
    r"|\b(?P<who2>[A-Z][\w. ]{1,40}?)['’]s\s+(?:opinion|view|position|reaction|response|stance)\b")
_LEAD = re.compile(r"^\W*(?:and|also|so|but|ok|okay)\b[\s,]*", re.I)
_WHAT_ABOUT = re.compile(r"^\W*(?:and\s+)?(?:what|how)\s+about\s+(.+?)\W*$", re.I)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there)\b", re.I)
_QWORDS = {"what", "who", "whom", "whose", "when", "where", "why", "how", "which", "did", "does", "do", "is",
           "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "should", "i", "and",
           "according", "quote", "tell", "in", "percentage", "percent", "number", "amount", "value", "year",
           "date", "much", "many", "exactly", "total", "long", "tall", "high", "far", "wide", "deep", "big", "large",
           "heavy", "old", "on", "of", "the", "a", "an", "to"}


@dataclass(frozen=True)
class Concept:
    """A question term with the spellings that count as mentioning it."""

    forms: frozenset[str]
    weight: float
    is_entity: bool
    raw: str = ""  # the word as asked (lower case), for typo-tolerant matching


@dataclass
class QuestionInfo:
    text: str
    answer_type: str | None
    concepts: list[Concept] = field(default_factory=list)
    future: bool = False  # asks about something still to come ("will", "next")
    head_nouns: frozenset[str] = frozenset()  # "how many X" / "which X": stems of X and synonyms
    head_word: str = ""  # X as asked, for typo-tolerant matching
    question_stems: frozenset[str] = frozenset()  # every word of the question (with aliases), stemmed
    speaker: frozenset[str] = frozenset()  # "what did X say …": stems of X (with aliases)

    @property
    def entities(self) -> list[Concept]:
        return [c for c in self.concepts if c.is_entity]


def entities(text: str) -> list[str]:
    """Capitalised word runs (proper names, acronyms), skipping a question's leading words."""
    out = []
    for m in re.finditer(r"(?:[A-Z][\w.\-]*|\d{4})(?:\s+(?:of\s+|the\s+)?[A-Z][\w.\-]*)*", text):
        phrase = m.group().strip(" .’'")
        first = phrase.split()[0].lower().rstrip("’'s")
        if m.start() == 0 or text[:m.start()].strip() in ("", "And", "and"):
            if first in _QWORDS or first in STOPWORDS:
                rest = phrase.split()[1:]
                if not rest:
                    continue
                phrase = " ".join(rest)
        if phrase.lower() in _QWORDS:
            continue
        if re.fullmatch(r"[A-Z]{2,3}s?", phrase) and phrase.lower() not in ALIAS_WORDS:
            continue  # AI, UAV, ICBM-like acronyms are topics, not names: matched as ordinary terms
        out.append(phrase)
    return out


def _stem_phrase(phrase: str) -> str:
    return " ".join(stem(w) for w in words(phrase.lower()))


def _alias_forms(phrase: str) -> frozenset[str]:
    key = _stem_phrase(re.sub(r"[’']s$", "", phrase))
    forms = {key}
    for canon, alts in ALIASES.items():
        if key in {_stem_phrase(f) for f in (canon, *alts)}:
            forms |= {_stem_phrase(f) for f in (canon, *alts)}
    return frozenset(forms)


_EMBEDDED_QUESTION = re.compile(r"[:;,]\s*((?:how|what|who|whom|when|where|which|why)\b[^:;]*)$", re.I)


_WH = ("what", "which", "who", "when", "where", "why", "how")


def core_question(text: str) -> str:
    """The question itself: without a preamble ("Answer from memory: …"), its first word's typo fixed."""
    m = _EMBEDDED_QUESTION.search(text)
    text = m.group(1) if m and len(words(m.group(1))) >= 3 else text
    first = re.match(r"\s*([A-Za-z]+)", text)
    if first and first.group(1).lower() not in _WH:
        close = get_close_matches(first.group(1).lower(), _WH, n=1, cutoff=0.75)
        if close:
            text = text[:first.start(1)] + close[0] + text[first.end(1):]
    return text


def analyze(question: str) -> QuestionInfo:
    """Answer type, weighted concepts (entities weigh double) and, for 'how many X', the X."""
    question = core_question(question)
    answer_type = next((t for t, rx in ANSWER_TYPES.items() if rx.search(question)), None)
    concepts: list[Concept] = []
    covered: set[str] = set()
    for ent in entities(question):
        forms = _alias_forms(ent)
        concepts.append(Concept(forms, 2.0, True))
        covered |= {stem(w.lower()) for w in words(ent)}
    raw_words = {stem(w): w.lower() for w in words(question)}
    for t in terms(question):
        if t in covered or t in _QWORDS:
            continue
        covered.add(t)
        forms = {t}
        for group in SYNONYMS:
            if t in group:
                forms |= group
        concepts.append(Concept(frozenset(forms), 1.0, False, raw_words.get(t, "")))
    heads: list[str] = []
    if answer_type == "count" and (m := _HOW_MANY.search(question)):
        heads = [m.group(1).split()[-1]]
    elif answer_type is None and (found := _which_head(question)):
        answer_type, heads = "name", found
    head = heads[-1] if heads else None
    nouns = frozenset(stem(h) for h in heads).union(*(g for g in SYNONYMS if head and stem(head) in g))
    q_stems = frozenset(stem(w) for w in words(question)).union(*(c.forms for c in concepts))
    future = bool(re.search(r"\b(?:will|next|upcoming|going to|plan(?:s|ned)? to)\b", question, re.I))
    speaker: frozenset[str] = frozenset()
    if answer_type in (None, "date") and (m := _SPEAKER.search(question)):
        answer_type = answer_type or "statement"
        who = [w for w in words(m.group("who") or m.group("who2")) if w.lower() not in STOPWORDS]
        speaker = frozenset(stem(w) for w in who).union(*(_alias_forms(w) for w in who))
    return QuestionInfo(question.strip(), answer_type, concepts, future, nouns, (head or "").lower(), q_stems, speaker)


def expansions(question: str) -> list[str]:
    """Aliases and synonyms of the question's words, to widen lexical search ("Russia" → "Moscow")."""
    extra: list[str] = []
    for c in analyze(question).concepts:
        extra.extend(f for f in sorted(c.forms) if f not in extra)
    return extra


def split_question(question: str) -> list[str]:
    """Split 'How much … and when …?' into its parts; a single question stays whole."""
    parts = re.split(r"\s*(?:,\s*)?(?:\band\b|;|\?)\s+(?=(?:what|who|when|where|why|how|which|did|does|is|was)\b)",
                     question.strip(), flags=re.I)
    return [p.strip() for p in parts if len(terms(p)) >= 1] or [question.strip()]


def rewrite_followup(question: str, history: list[Turn]) -> str | None:
    """A standalone version of a follow-up question, or None when it already stands alone."""
    if not history:
        return None
    prev_standalone = _standalone_chain([t.question for t in history])
    q = question.strip()
    prev_entities = entities(prev_standalone)
    m = _WHAT_ABOUT.match(q)
    if m and prev_entities:
        return _replace_first(prev_standalone, prev_entities[0], m.group(1).strip())
    has_own_entity = bool(entities(_LEAD.sub("", q)))
    pron = _PRONOUN.search(q)
    starts_with_lead = bool(_LEAD.match(q))
    short = len(words(q)) <= 5 and not has_own_entity
    if not (pron or starts_with_lead or short) or has_own_entity and not pron:
        return None
    body = _LEAD.sub("", q)
    body = body[0].upper() + body[1:] if body else body
    if pron and prev_entities:
        target = prev_entities[-1]
        word = pron.group(1).lower()
        replacement = target + ("’s" if word in ("its", "their", "his", "her") else "")
        return body[:pron.start() - (len(q) - len(body))] + replacement + body[pron.end() - (len(q) - len(body)):]
    if prev_entities:
        return f"{body.rstrip('?').rstrip()} ({', '.join(prev_entities)})?"
    return body if body != q else None


def _standalone_chain(questions: list[str]) -> str:
    current = questions[0]
    for q in questions[1:]:
        current = rewrite_followup(q, [Turn(current)]) or q
    return current


def _replace_first(text: str, old: str, new: str) -> str:
    i = text.find(old)
    return text[:i] + new + text[i + len(old):] if i >= 0 else f"{text} ({new})"
