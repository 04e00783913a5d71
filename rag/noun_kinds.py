"""What kind of thing a count counts, from WordNet's lexicographer files: "1,200 tractors" counts artifacts,
"about 40,000 dairy farmers" people, so the second is no answer to "How many tractors …".

Only concrete kinds are told apart (artifacts, people and groups of them, animals, plants, food, substances,
natural objects, places, body parts). A noun with any abstract sense ("pilots" may be test programmes, "deaths"
events) may count anything, and so may a noun WordNet does not know: only two nouns of clearly different kinds
differ.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from rag.lexical import STOPWORDS
from rag.text import TITLES
from rag.wordnet import first_lexfile, noun_forms, noun_lexfiles

_CONCRETE = frozenset({"05", "06", "08", "13", "15", "17", "18", "20", "27"})  # animal, artifact, body, food, location,
# natural object, person, plant, substance
_SAME_KIND = {"14": "18"}  # a group of people is people: "troops" (a group) and "soldiers" (people) count alike
_WORD = re.compile(r"[A-Za-z][\w’'\-]*|\S")
_HOW_MANY = re.compile(r"\bhow\s+many\s+(?P<rest>.+)", re.I)
_RUN = 4  # words after a figure read for what it counts ("one million active duty soldiers")


@lru_cache(maxsize=65536)
def _lemmas(word: str) -> frozenset[str]:
    """The word's possible noun lemmas that WordNet knows ("tractors" → {"tractor"}, "geese" → {"goose"}); read
    once per word, as a figure's next words are read for every candidate span of a count question."""
    return frozenset(x for x in noun_forms(word) if noun_lexfiles(x))


def _kinds(word: str) -> frozenset[str]:
    """The kinds of the word's noun senses, a group of people read as people."""
    return frozenset(_SAME_KIND.get(f, f) for x in _lemmas(word) for f in noun_lexfiles(x))


# nouns that are plural as written, with no singular form, and seldom name another noun's kind ("police officers")
_PLURAL_LEMMAS = frozenset({"people", "personnel"})


def _plural(word: str) -> bool:
    """A plural noun form ("tractors", "troops", "women", "people"), not a lemma of its own unless it has no
    singular."""
    return word.lower() in _PLURAL_LEMMAS or \
        any(x != word.lower() for x in _lemmas(word)) and not noun_lexfiles(word.lower())


def counted_noun(text: str, plural: bool = False) -> str | None:
    """The noun a figure counts, read from the words right after it: the first plural noun of the next few words
    ("active duty soldiers", "of troops"), else (unless `plural`) the last noun before a stop word or punctuation;
    None without one."""
    nouns: list[str] = []
    for i, w in enumerate(m.group() for m in islice(_WORD.finditer(text), _RUN + 1)):
        if w.lower() == "of" and i == 0:
            continue
        if not w[:1].isalpha() or w.lower() in STOPWORDS:
            break
        if _lemmas(w):
            if _plural(w):
                return w
            nouns.append(w)
    return nouns[-1] if nouns and not plural else None


def asked_count_noun(question: str) -> str | None:
    """What "How many …" asks to count, a plural noun: "tractors" in "How many electric tractors has …"; None for
    other questions, or when WordNet knows no plural there (a misspelt "tractrs")."""
    m = _HOW_MANY.search(question)
    return counted_noun(m.group("rest"), plural=True) if m else None


def other_kinds(asked: str, counted: str) -> bool:
    """Both nouns name only concrete things, and none of one kind: "farmers" for "tractors", "ships" for "dock
    workers"; not "troops" for "soldiers", nor "deaths" (also an event) for "people"."""
    a, b = _kinds(asked), _kinds(counted)
    return bool(a) and bool(b) and a <= _CONCRETE and b <= _CONCRETE and not a & b


_PERSON = "18"
_WORD_BEFORE = re.compile(r"([A-Za-z][\w\-]*)\s*$")
_WHICH = re.compile(r"^\W*(?:(?:in|at|from|to|of|on|for|by|with)\s+)?(?:which|what)\s+"
                    r"(?:(?:is|was)\s+the\s+name\s+of\s+(?:the\s+|an?\s+)?)?"
                    r"(?:(?:kind|type|sort)s?\s+of\s+)?(?P<rest>.*)", re.I)


def asks_for_a_thing(question: str) -> bool:
    """A which/what question whose asked nouns (the lower-case ones of its first three words, up to a stop word) are
    none of them a person in their most frequent sense: "Which company won …", "Which article of the treaty …",
    "What is the name of the research institute …"; not "Which striker …" nor "Which company director …"."""
    m = _WHICH.match(question)
    nouns: list[str] = []
    for w in islice(_WORD.finditer(m.group("rest")), 3) if m else ():
        if w.group().lower() in STOPWORDS or not w.group()[:1].isalpha():
            break
        if w.group()[0].islower():
            nouns += [f for x in noun_forms(w.group()) if (f := first_lexfile(x))]
    return bool(nouns) and _PERSON not in nouns


def reads_a_person(text: str, start: int, name: str) -> bool:
    """The name at `start` in the text is a person's: it follows a lower-case noun whose most frequent sense is a
    person ("chief executive Saskia Doorn", "striker Callum Reid"), or a title opens it before a first name and a
    surname ("President Ana Park"; not "General Motors" or "Saint Lucia", names of things)."""
    parts = name.split()
    titled = len(parts) == 3 and parts[0].lower().rstrip(".") in TITLES and not re.search(r"['’]", name)
    before = _WORD_BEFORE.search(text, 0, start)
    return titled or bool(before) and before.group(1).islower() and \
        any(first_lexfile(x) == _PERSON for x in noun_forms(before.group(1)))
