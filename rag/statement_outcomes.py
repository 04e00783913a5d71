"""Whether a statement gives a contest's result the wrong way round: "Kirkhope won 3-2 against Ashdown" under
"Ashdown came from behind to beat Kirkhope 3-2".

The direction check (rag/statement_direction.py) needs a verb both texts write; results are worded with
different verbs ("beat", "lost to", "won … against", "finished ahead of", "was defeated by"). Each text's
results are read as (winner, loser) pairs of the names around such a phrase; a statement whose winner is
named as the quote's loser and whose loser as the quote's winner, more than either is named as the same
side (a place after both: "at Meadow Park"), turns the result around. General English, no topic.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rag.text import STOPWORDS, WORD_TOKEN

# the winner before the phrase, the loser after it
_WINS = re.compile(r"\b(?:beat|beats|beating|defeated|defeats|defeating|overcame|overcomes|edged(?:\s+out)?|"
                   r"thrashed|outpolled|outsold|overtook|overtakes|eliminated|knocked\s+out|won\s+(?:[\w\-]+\s+)?"
                   r"(?:against|over)|(?:finished|came|ended|stayed|remained|narrowly|well|comfortably)?\s*ahead\s+of|"
                   r"ahead\s+of)\b", re.I)
# the loser before the phrase, the winner after it
_LOSES = re.compile(r"\b(?:(?:was|were|been|being)\s+(?:\w+\s+)?(?:beaten|defeated|edged(?:\s+out)?|thrashed|"
                    r"eliminated|knocked\s+out|overtaken|outpolled|outsold)\s+(?:[\w\-]+\s+){0,2}?by|"
                    r"lost\s+(?:[\w\-]+\s+){0,2}?to|losing\s+(?:[\w\-]+\s+){0,2}?to|"
                    r"(?:finished|ended)\s+(?:(?!from)\w+\s+)?behind|trailed)\b", re.I)  # not "came from behind to win"
_BEFORE_WORDS = 8  # words before the phrase that name its first party ("X came from two goals down to beat")
_AFTER_WORDS = 5  # words after it that name the other


def _names(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words if w[0].isupper() and w.lower() not in STOPWORDS)


@lru_cache(maxsize=64)
def results(text: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(winner's name words, loser's name words) of each result the text states with a named party each side."""
    out = []
    for rx, winner_first in ((_WINS, True), (_LOSES, False)):
        for m in rx.finditer(text):
            before = _names([w.group() for w in WORD_TOKEN.finditer(text, 0, m.start())][-_BEFORE_WORDS:])
            after = _names([w.group() for w in WORD_TOKEN.finditer(text, m.end())][:_AFTER_WORDS])
            if before and after and not before & after:
                out.append((before, after) if winner_first else (after, before))
    return tuple(out)


def outcome_problems(statement: str, quote: str) -> list[str]:
    """A result the statement gives to the party its quote has lose it."""
    quoted = results(quote)
    for winner, loser in results(statement):
        for q_winner, q_loser in quoted:
            swapped, kept = (winner & q_loser, loser & q_winner), (winner & q_winner, loser & q_loser)
            if all(swapped) and sum(map(len, swapped)) > sum(map(len, kept)):
                return ["the statement gives the win to the side its quote has lose"]
    return []
