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
from rag.wordnet import noun_forms, noun_lexfiles

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


def _plural(word: str) -> bool:
    """A plural noun form ("tractors", "troops", "women"), not a lemma of its own."""
    return any(x != word.lower() for x in _lemmas(word)) and not noun_lexfiles(word.lower())


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
