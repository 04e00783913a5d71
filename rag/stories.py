"""Whether two documents tell the same story: only then can their answers disagree.

A corpus holds many stories, and a question that names nothing specific ("How many visitors does the
museum expect?") retrieves several of them: three museums' figures are three answers about three
museums, not a disagreement. Two documents are taken to tell one story when they share a name (a
word of a capitalised name that neither writes in lower case: a person, place, organisation or product).
Measured on `evals/news-train.jsonl` (69 articles of 23 stories): all 22 pairs of articles that answer
one question share a name; 139 of the 2,277 pairs of articles of different stories do (6%).
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.lexical import english_words
from rag.models import Document, Quote
from rag.text import STOPWORDS
from rag.values import name_values

_SENTENCE_START = re.compile(r"(?:^|[.!?:\n][\"“”’')\]]*\s+[\"“‘(]*)$")
_SENTENCE_END = re.compile(r"[’']?s?\s*(?:[.:|\n]|$)")
MIN_NAME_LETTERS = 3  # shorter capitalised words ("Mr", "St", "UN") say little about which story it is


@lru_cache(maxsize=512)
def story_names(text: str) -> frozenset[str]:
    """The lower-cased words of the names a text gives ("Kessel Island ferry" → "kessel", "island"); a single
    capitalised English word opening a sentence is no name ("Officials"), nor is a line that is nothing but a
    name (an outlet's, a byline)."""
    out = set()
    for v in name_values(text):
        opens = bool(_SENTENCE_START.search(text, 0, v.start))
        if opens and _SENTENCE_END.match(text, v.end):
            continue  # "Valley Herald.": an outlet's line
        ws = [w for w in (re.sub(r"[’']s$", "", w).lower() for w in v.text.split())
              if len(w) >= MIN_NAME_LETTERS and w not in STOPWORDS]
        if opens and len(ws) == 1 and ws[0] in english_words():
            continue  # "Officials confirmed …": any word is capitalised there ("Lindgate's tram …" is a name)
        out.update(ws)
    return frozenset(out)


def same_story(a: Document, b: Document) -> bool:
    """The two documents share a name, or are one document, or one of them gives no name (nothing tells its
    story from the other's). A word either writes in lower case too is no name ("museum" in "the Hollin
    Museum" and "the museum expects")."""
    na, nb = story_names(a.text), story_names(b.text)
    return a.id == b.id or not na or not nb or bool(na & nb - _lower_case(a.text) - _lower_case(b.text))


@lru_cache(maxsize=512)
def _lower_case(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\b[a-z][a-z\-]+\b", text))


def quoted_together(a: Quote, b: Quote, documents: dict[str, Document]) -> bool:
    """The two quotes' documents (by source id) tell one story; True when either document is unknown."""
    da, db = documents.get(a.source.id), documents.get(b.source.id)
    return da is None or db is None or same_story(da, db)
