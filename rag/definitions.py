"""WordNet's definitions of proper names: "Downing Street" is "the British government", "the White House" "the chief
executive department of the United States government".

Read from WordNet 3.0 (rag/wordnet.py). Only names of buildings, organisations and places are read, never people's:
a name that stands for a country is one of those ("the White House", "Downing Street").
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.wordnet import noun_synsets

_KINDS = {"06", "14", "15"}  # WordNet's lexicographer files: artifacts (buildings), groups, locations


@lru_cache(maxsize=1)
def _proper_names() -> dict[str, tuple[str, ...]]:
    """Each proper name of a building, organisation or place ("white_house") → its definitions, built once."""
    out: dict[str, list[str]] = {}
    for synset in noun_synsets():
        if synset.lexfile in _KINDS:
            for lemma in synset.lemmas:
                if lemma[:1].isupper():
                    out.setdefault(lemma.lower(), []).append(synset.gloss)
    return {k: tuple(v) for k, v in out.items()}


def definitions(name: str) -> tuple[str, ...]:
    """WordNet's definitions of the name as a proper name (a lemma written capitalised) of a building,
    organisation or place ("The White House"); () when it has none or WordNet is not installed."""
    return _proper_names().get("_".join(re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower().split()), ())
