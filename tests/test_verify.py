"""The quote gate: tolerant of typography and whitespace, strict about content."""
from __future__ import annotations

import pytest

from rag.models import DocMeta, Document
from rag.verify import QuoteClaim, locate, verify

TEXT = ("Kim said AI is “a top priority” for the military.\nNorth Korea received less than $1.2 billion "
        "in food – and fuel – in return. Moscow’s aid  was small.")
DOC = Document("d1", TEXT, DocMeta("a.md", outlet="Paper"))


@pytest.mark.parametrize("claimed", [
    "Kim said AI is \"a top priority\" for the military.",               # straight quotes
    "North Korea received less than $1.2 billion in food - and fuel - in return.",  # plain dashes
    "for the military. North Korea received",                           # newline vs space
    "Moscow's aid was small.",                                          # apostrophe and double space
])
def test_tolerant_matches_return_the_exact_source_slice(claimed):
    start, end = locate(TEXT, claimed)
    got = verify([QuoteClaim("d1", claimed)], {"d1": DOC})[0]
    assert got is not None and got.text == TEXT[start:end] and (got.start, got.end) == (start, end)


@pytest.mark.parametrize("claimed", [
    "North Korea received less than $1.3 billion in food",              # one digit changed
    "North Korea received more than $1.2 billion in food",              # one word changed
    "North Korea received less than $1.2 billion. Moscow’s aid was small.",  # two places glued together
    "north korea received less than $1.2 billion",                      # case changed
    "North Korea received … in return.",                                # elision
    "a top",                                                            # too short to mean anything
    "",
])
def test_near_misses_are_rejected(claimed):
    assert locate(TEXT, claimed) is None
    assert verify([QuoteClaim("d1", claimed)], {"d1": DOC}) == [None]


def test_unknown_document_and_wrong_hint():
    assert verify([QuoteClaim("nope", "Moscow’s aid  was small.")], {"d1": DOC}) == [None]
    got = verify([QuoteClaim("d1", "Moscow’s aid  was small.", hint_start=0)], {"d1": DOC})[0]
    assert got.text == "Moscow’s aid  was small." and TEXT[got.start:got.end] == got.text
