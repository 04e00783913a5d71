"""The short answer a quoted span gives to the question (its answer slot).

For a question asking for a typed value (an amount, date, place, person, name …) the slot is
the value of that kind nearest a word the question asks about, else nearest the question's
subject, else the span's only value. For "What sport / political party / language … is X?"
it is the phrase the asked noun names in the sentence ("the Koltsevaya line", "Urdu-language",
"the sport of cricket"), or else what the sentence says X is ("X is a Scottish former
footballer" → "former footballer"). Only a span about the question's subject gets a slot: a
sentence about another bridge of the same kind answers nothing about this one.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from rag.models import AnswerSlot
from rag.query import QuestionInfo
from rag.text import SPEECH, STOPWORDS, stem, words
from rag.values import DEMONYM, Value, asks_age, distance_to_terms, in_clause_with_terms, is_term, near_terms

SLOT_WINDOW = 4  # a value this close to an asked word is the answer
SUBJECT_WINDOW = 8  # else one this close to the subject's name
OPENING_WORDS = 3  # a sentence whose subject is among its first words is about it
VERB_REACH = 6  # words from the asked verb to its preposition ("named Hyloscirtus marevae, after …")
AGENT_REACH = 3  # words from the asked verb to the "by" of its agent ("directed and produced by …")
FIGURES = frozenset({"money", "count", "percent", "measure", "size", "figure"})
PHRASE_WORDS = 2  # a predicate noun phrase keeps its last words only ("retired Finnish heavyweight weightlifter")
_TOKEN = re.compile(r"[\w’']+(?:-[\w’']+)*")
_CAPS = re.compile(r"[A-Z][\w’'\-]*")
_NAME_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'\-]*)*")
_WORD_AFTER = re.compile(r"\s+([a-z][\w\-]*)")
_LABELLED = re.compile(r"\s*:\s*(?P<v>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*(?![\w’'\-]|\s*:)){0,3}|"
                       r"[a-z][\w\-]+(?:\s+[a-z][\w\-]+(?![\w\-]|\s*:))?)")  # up to the next label
# what a sentence says its subject is: "X is a/an/the …", "X worked as a …", "X, a … ,", "her talent as an actor"
_NOUN_PHRASE = (r"(?P<np>[^,.;:()\"“”\[\]]{1,80}?)(?=\s+(?:who|which|that|whose|from|in|of|for|with|at|on|and|or|"
                r"born|based|known|since|by|to|between|during|after|before|where|whom)\b|\s*[,.;:()\"“”\[\]]|\s*$)")
_PREDICATE = re.compile(r"(?:(?:\b(?:is|was|are|were|became|becomes|remains|as)\s+|,\s+)(?:a|an|the)\s+|"
                        r"(?<!such )\bas\s+(?-i:(?=[A-Z])))" + _NOUN_PHRASE, re.I)  # or a name: "elected as Republican"
# after an opening time or place phrase too: "Last year it carried …", "In 2019, she …"
_OPENER = r"(?:(?:In|On|At|By|Since|After|Before|During|Until|Last|This|Next|Earlier|Later|Each|Every)(?:\s+[\w’']+){1,2},?\s+)?"
_BACK_REFERENCE = re.compile(r"^\W*" + _OPENER + r"(?i:it|its|he|his|she|her|they|their)\b|^\W*(?:This|These)\b|"
                             r"^\W*(?:Each|Both|All)\s+(?:one|of\s+them|of\s+these|of\s+the\s+[a-z]+)\b|"
                             r"^\W*The\s+(?P<noun>[a-z]+)\b")
# a sentence-opening adverb and its comma ("However, …", "Meanwhile, …", "Separately, …")
_OPENING_CONNECTIVE = re.compile(r"\W*(?:[A-Z][a-z]+ly|However|Meanwhile|Moreover|Furthermore|Nevertheless|Nonetheless|"
                                 r"Instead|Still|Yet|Thus|Therefore|Hence|Indeed|Besides|Otherwise|Likewise|"
                                 r"Consequently|Overall|Today|Yesterday|Now|Then|Also|Next|Later|Earlier|Meantime)\s*")
_OF_A = re.compile(r"\s+of\s+(?:a|an)\s+" + _NOUN_PHRASE, re.I)  # "the title of a studio album": "studio album"


def answer_slot(info: QuestionInfo, text: str, found: Sequence[Value], about_subject: bool = True
                ) -> AnswerSlot | None:
    """The sentence's answer to the question, or None when it has none it can be read from. `found` are the
    values of the asked kind in it (rag/values.py); `about_subject`: the span names the question's subject
    (a surname will do) and its document names it in full."""
    if not about_subject or info.answer_type == "statement":
        return None  # what someone said is the whole quote
    open_ended = info.answer_type in (None, "name")
    phrase = named_by_head(info, text) if open_ended else None
    if not phrase and found:
        v = opening_subject(info, text, found) or _chosen_value(info, text, list(found))
        return AnswerSlot(kind=v.kind, text=v.text) if v else None
    # what a sentence says something is answers "What sport is X associated with?", not what X sells or approved
    transitive = bool(info.asked_verb) and not info.asked_verb[1]
    phrase = phrase or (after_asked_verb(info, text) or (None if transitive else _predicate(info, text))
                        if open_ended else None)
    return AnswerSlot(kind="phrase", text=phrase) if phrase else None


_OBJECT_QUESTION = re.compile(r"\b(?:did|does|do)\b", re.I)  # "Who did X beat?" asks for the object
# "by" and what describes the doer: "by Park Ji-yeon", "by the band Anthrax", "by British rock band The Beatles"
_AGENT = re.compile(r"\bby\s+(?:(?:the|a|an)\s+)?(?:(?:[a-z][\w\-]*|[A-Z][a-z]+(?:ish|ese|ian|ean|ican))\s+){0,4}"
                    r"(?:The\s+)?$")


def _chosen_value(info: QuestionInfo, text: str, found: list[Value]) -> Value | None:
    """The value nearest an asked word (or in its clause). In a sentence that opens with the subject ("X is
    a newspaper in …", "X (15 May 1885 – …)", "It measures …") or holds an asked word, else the nearest one
    after the subject's name, else the only one; a figure is only ever read next to what it counts, unless
    nothing but the subject's size is asked ("How big is X?")."""
    subject = info.subject_stems
    asked = any(stem(w) in info.content_terms for w in words(text))  # "… built the fort … in 1867"
    # a figure is read next to what it counts, unless the question only asks how big or tall the subject is, or
    # how old (an age is no other figure: "Vandermeer painted it in 1874. She was only 19 at the time")
    fallback = (info.answer_type not in FIGURES or not info.asked_terms or asks_age(info.text)) and \
        (asked or _opens_with(text, subject) or points_back(info, text))
    after = _after_asked_preposition(info, text, found)
    if after:
        return after
    near = [(d, v) for v in found if (d := near_terms(text, v, info.asked_terms, SLOT_WINDOW)) is not None]
    if info.answer_type == "person" and not _OBJECT_QUESTION.search(info.text):
        # who did something: the agent of a passive ("the debut EP by Park Ji-yeon", "directed by John M. Stahl"),
        # before a name nearer an asked word that only names the work ("the musical setting of the Divine Liturgy")
        agents = {v: m for v in found if (m := _AGENT.search(text, 0, v.start))}  # each with its "by …"
        # the agent of the asked verb itself ("was designed by the architect Ilona Vesterby"), before one of
        # another word that stands nearer it ("a performance by the Northern Symphony Orchestra, was designed")
        own = [v for v, by in agents.items() if _after_asked_word(info, text, by.start())]
        near = [(0, v) for v in own[:1]] or [(d, v) for d, v in near if v in agents] or \
            [(0, v) for v in list(agents)[:1]] or near
    if not near and fallback:
        near = [(d, v) for v in found
                if (d := distance_to_terms(text, v, subject, after_only=True)) is not None and d <= SUBJECT_WINDOW]
    if near:
        return _span_end(info, text, min(near, key=lambda dv: dv[0])[1], found)
    # the only value of the asked kind in a span about the subject answers; a figure only in the clause of a
    # word the question asks about ("The museum said the project came in at 92 million dollars")
    only = len({v.text for v in found}) == 1
    return found[0] if only and (fallback or info.answer_type not in FIGURES
                                 or in_clause_with_terms(text, found[0], info.asked_terms)) else None


def _after_asked_word(info: QuestionInfo, text: str, at: int) -> bool:
    """One of the AGENT_REACH words before offset `at` is a word the question asks about ("designed" in "was
    designed by …", "directed and produced by …" for "Who produced …")."""
    return any(is_term(stem(t), info.asked_terms) for t in _TOKEN.findall(text[:at])[-AGENT_REACH:])


def _after_asked_preposition(info: QuestionInfo, text: str, found: Sequence[Value]) -> Value | None:
    """For a who / where question closing on a verb and its preposition ("Who is the species named after?",
    "Where did the contamination come from?"): the first value a few words after that preposition where it
    follows the verb ("named it after Mareva Oduya", "named Hyloscirtus marevae, after field assistant …")."""
    if not info.asked_verb or not info.asked_verb[1] or info.answer_type not in ("person", "place", "name"):
        return None
    verb, prep = info.asked_verb
    toks = list(_TOKEN.finditer(text))
    for i, t in enumerate(toks):
        if t.group().lower() != prep or not any(stem(w.group()) == verb for w in toks[max(0, i - VERB_REACH):i]):
            continue
        reach = toks[min(i + SLOT_WINDOW, len(toks) - 1)].end()
        value = next((v for v in found if t.end() <= v.start < reach), None)
        if value:
            return value
    return None


# words asking when something ended (general English): "(5 May 1831 – 8 November 1903)" answers "When did … die?"
# with its second date
_ENDING = frozenset(stem(w) for w in "die death dead end close finish retire dissolve abolish demolish resign "
                                     "expire".split())
_SPAN_JOIN = re.compile(r"\s*(?:[–—-]|to|until)\s*")


def _span_end(info: QuestionInfo, text: str, chosen: Value, found: Sequence[Value]) -> Value:
    """The date after the chosen one when the two make a span ("A – B", "from A to B") and the question asks
    when something ended; else the chosen one."""
    if info.answer_type != "date" or not any(t in _ENDING for t in info.asked_terms):
        return chosen
    after = next((v for v in found if v.start >= chosen.end), None)
    return after if after and _SPAN_JOIN.fullmatch(text, chosen.end, after.start) else chosen


def opening_subject(info: QuestionInfo, text: str, found: Sequence[Value]) -> Value | None:
    """For a question asking who or which organisation did something to what it names ("Which company is buying
    Fernside Mills?", "Who won the women's race at the Tour of Ostra?"): the name the sentence opens with,
    when an asked word and then every name of the question follow it ("Marlow Capital, an investment group
    based in Kestel, has agreed to buy Fernside Mills"). Not an owner ("Kestel's biggest employer …")."""
    if info.answer_type not in ("person", "name") or not info.entity_names or _OBJECT_QUESTION.search(info.text):
        return None
    first = next((v for v in found if not text[:v.start].strip(" \"“‘(")), None)
    if first is None or text.startswith(("'s", "’s"), first.end):
        return None
    verb = next((m for m in _TOKEN.finditer(text, first.end) if is_term(stem(m.group()), info.asked_terms)), None)
    if verb is None:
        return None
    rest = text[verb.end():].lower()
    return first if all(any(re.search(rf"\b{re.escape(alt.lower())}\b", rest) for alt in name.split("/"))
                        for name in info.entity_names) else None


def points_back(info: QuestionInfo, text: str) -> bool:
    """The sentence opens by pointing back to what its document is about: a pronoun ("It measures …", "Its
    council …", "Last year it carried …", "Each one will stand …"), the last word of a name the question asks
    about ("The house …" for "Bonner House") or a noun it asks about ("The turbines …" for "How tall will the
    Skerrow Bank turbines be?")."""
    m = _BACK_REFERENCE.match(text)
    return bool(m) and (not m.group("noun") or any(words(n)[-1].lower() == m.group("noun")
                                                   for n in info.entity_names if words(n))
                        or stem(m.group("noun")) in info.content_terms)


def _opens_with(text: str, stems: list[str]) -> bool:
    """One of the words is among the sentence's first few: the sentence is about it."""
    return any(stem(w) in stems for w in words(text)[:OPENING_WORDS])


def _asked(info: QuestionInfo, phrase: str) -> bool:
    """Every word of the phrase is in the question: it is the subject, not an answer."""
    ws = words(phrase)
    return not ws or all(stem(w) in info.stems or w.lower() in STOPWORDS for w in ws)


def named_by_head(info: QuestionInfo, text: str) -> str | None:
    """The phrase the asked noun names (None without one): a name right before it ("the Green River",
    "Urdu-language"), or a name or a word right after it ("the river Thames", "the sport of cricket")."""
    toks = list(_TOKEN.finditer(text)) if info.head else []
    for i, m in enumerate(toks):
        parts = m.group().split("-")
        if len(parts) > 1 and stem(parts[-1]) == info.head and not _asked(info, parts[0]):
            return m.group()
        if stem(m.group()) != info.head or m.group().lower().endswith(("'s", "’s")):
            continue  # "his sport's world title" names no sport
        label = _LABELLED.match(text, m.end())  # a label and its value: "Architectural style : Baroque"
        if label and not _asked(info, label.group("v")):
            return label.group("v")
        before, nxt = [], m
        for t in reversed(toks[max(0, i - 3):i]):
            if not _CAPS.fullmatch(t.group()) or text[t.end():nxt.start()].strip() or \
                    t.group().lower().endswith(("'s", "’s")):  # "Metro's Koltsevaya line": the owner is no part
                break
            before.insert(0, t)
            nxt = t
        after = _WORD_AFTER.match(text, m.end())
        if len(before) == 1 and DEMONYM.search(before[0].group()) and after and after.group(1) not in STOPWORDS:
            continue  # "Japanese sports history" names no sport
        if before and not _asked(info, " ".join(t.group() for t in before)):
            return text[before[0].start():m.end()]
        # a name right after it ("the river Thames", "countries like Chile"), a word only after "of", "is" …
        rest = re.match(r"\s+(?:(?:like|such as|including|of|is|was)\s+|,\s*)?(?:the\s+)?"
                        r"(?P<v>[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3})|"
                        r"\s+(?:of\s+|is\s+|was\s+|,\s*)(?:the\s+)?(?P<w>[a-z][\w\-]+)", text[m.end():])
        found_after = rest and (rest.group("v") or rest.group("w"))
        if m.group().islower() and found_after and found_after.lower() not in STOPWORDS and \
                not _asked(info, found_after):
            return found_after
    return None


def after_asked_verb(info: QuestionInfo, text: str) -> str | None:
    """What follows the question's closing verb and preposition in the sentence: "associated with" →
    "associated with basketball", "flow into" → "flows into the Snake River"."""
    if not info.asked_verb:
        return None
    verb, prep = info.asked_verb
    return next((p for p in (_after(info, text, verb, prep), _after(info, text, verb, "as")) if p), None)


def _after(info: QuestionInfo, text: str, verb: str, prep: str) -> str | None:
    """The phrase after the (stemmed) verb and the preposition in the text ("plays as a winger": "winger")."""
    for m in _TOKEN.finditer(text):
        if stem(m.group()) != verb:
            continue
        # after the preposition, a phrase ending before the next one or a coordination; with no preposition,
        # a transitive verb's object, coordination included ("sells blankets and upholstery fabric to hotels")
        stops = r"in|on|at|of|for|from|with|by|to|as|since|during|which|who|that" + (r"|and|or" if prep else "")
        lead = rf"{prep}\s+" if prep else ""
        rest = re.match(rf"\s+(?:\w+ly\s+)?{lead}(?:the\s+|a\s+|an\s+|his\s+|her\s+|its\s+|their\s+)?"
                        rf"(?P<v>[\w’'\-]+(?:\s+(?!(?:{stops})\b)[\w’'\-]+){{0,3}})", text[m.end():], re.I)
        phrase = rest and rest.group("v")
        if phrase and phrase[0].isupper():  # a name ends where its capitals do ("the Snake River near …")
            phrase = _NAME_RUN.match(phrase).group()
        if phrase and not _asked(info, phrase):
            return phrase
    return None


def _predicate(info: QuestionInfo, text: str) -> str | None:
    """What the sentence says its subject is, in its last few lower-case words ("former footballer"),
    ending before an adverb or participle that starts a clause ("a term often associated with …"); or a
    short name ("elected as a Republican")."""
    for m in _PREDICATE.finditer(text) if info.head or info.definition else ():
        if SPEECH.search(m.group("np")) or _OPENING_CONNECTIVE.fullmatch(text, 0, m.start()):
            continue  # "…, the interior ministry said", "However, an analysis …": no appositive to a subject
        np_words = m.group("np").split()
        inner = _OF_A.match(text, m.end()) if len(np_words) == 1 else None
        np_words = inner.group("np").split() if inner else np_words
        cut = next((i for i, w in enumerate(np_words) if i and re.search(r"(?:ly|ed)$", w)), len(np_words))
        kept = [w for w in np_words[:cut] if w[0].islower() and w.lower() not in STOPWORDS]
        phrase = " ".join(kept[-PHRASE_WORDS:])
        if not kept and len(np_words) <= PHRASE_WORDS:
            phrase = " ".join(np_words)  # a name: "was elected as (a) Republican"
        if phrase and not _asked(info, phrase):
            return phrase
    return None
