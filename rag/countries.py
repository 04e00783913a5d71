"""Countries and the other names news gives them: the capital for its government ("the capital said"),
the demonym, short and official names ("UK", "Republic of Kenya").

Read from the `countryinfo` package (MIT, data of the REST Countries project), not a hand-written
list, so every country is covered alike. Codes ("US", "UAE") count only written
in capitals: "Can" opening a sentence is not Canada.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.text import normalize

MAX_WORDS = 5  # the longest country name or alias looked up in a run of words
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'.\-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'.\-]*)*")


def _key(text: str) -> str:
    """A name's lookup form: no dots, possessive or leading article; lower case unless it is written in
    capitals, so that the code "CAN" is Canada and "Can" opening a sentence is nothing ("the U.S.'s" → "US")."""
    text = normalize(text).replace(".", "")
    text = re.sub(r"[’']s?$", "", text.strip())
    text = " ".join(re.sub(r"^the\s+", "", text, flags=re.I).split())
    return text if re.fullmatch(r"[A-Z]{2,4}", text) else text.lower()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Lookup form of every country name, capital, demonym, code and alias → the country's common name."""
    from countryinfo import all_countries  # ~50 ms, only when a name is looked up

    table: dict[str, str] = {}
    for country in all_countries():
        name = country.name()
        for form in [name, *_capital_forms(country), country.demonym() or "", *country.alt_spellings()]:
            key = _key(form)
            if len(key) > 1 and key.isascii() and "," not in key:
                table.setdefault(key, name)
    return table


def _capital_forms(country) -> list[str]:
    """A country's capitals as news writes them ("Washington D.C." and "Washington")."""
    capitals = country.capital() or []  # a list where a country has several
    capitals = [capitals] if isinstance(capitals, str) else capitals
    return [*capitals, *(c.split(" D.C.")[0] for c in capitals)]


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    """Lookup forms of every capital ("Hamilton", "Victoria" are surnames and first names too)."""
    from countryinfo import all_countries

    return frozenset(_key(c) for country in all_countries() for c in _capital_forms(country))


def is_country(name: str) -> bool:
    """The name is a country's own name, code or other spelling, not only its capital's ("UK", "the United
    States"; not "Hamilton")."""
    return country_of(name) is not None and _key(name) not in _capitals()


def country_of(name: str) -> str | None:
    """The country a name stands for: itself, its capital, its demonym, its code or another of its names."""
    return _aliases().get(_key(name))


@lru_cache(maxsize=256)
def countries_in(text: str) -> frozenset[str]:
    """Every country the text names in any of its forms (a run of capitalised words, or part of one:
    "Kestel-Ostra talks" names both, "the Ostran capital" names Ostra)."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        ws = re.split(r"[\s\-–]+", run.group())
        for i in range(len(ws)):
            for j in range(i + 1, min(len(ws), i + MAX_WORDS) + 1):
                if country := country_of(" ".join(ws[i:j])):
                    found.add(country)
    return frozenset(found)


@lru_cache(maxsize=256)
def country_standing_for(name: str) -> str | None:
    """The one country a building's, organisation's or place's name stands for by its WordNet definitions
    (rag/definitions.py): "the White House" ("… the President of the United States") for the United States,
    "Downing Street" ("the British government") for the United Kingdom; None when they name no country or several
    ("Georgia")."""
    from rag.definitions import definitions

    found = frozenset().union(*(countries_in(d) for d in definitions(name)))
    return next(iter(found)) if len(found) == 1 else None
