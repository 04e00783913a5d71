"""The statement gate's tense check: what is to come told as done, or the other way round."""
import pytest

from rag.statement_checks import typed_problems
from rag.statement_tense import tense_problems

pytestmark = pytest.mark.slow  # loads spaCy's small English pipeline (about 2 s)

TO_COME = "The Ostby swimming pool will reopen on 4 May after a two-year refurbishment, the council said."
DONE = "The Ostby swimming pool reopened on 4 May after a two-year refurbishment, the council said."


def test_what_is_to_come_told_as_done_is_caught():
    assert tense_problems("The Ostby swimming pool reopened on 4 May, the council said.", TO_COME)
    assert tense_problems("The Ostby swimming pool has reopened after a two-year refurbishment.", TO_COME)
    assert typed_problems("The Ostby swimming pool reopened on 4 May, the council said.", TO_COME)


def test_what_is_done_told_as_to_come_is_caught():
    assert tense_problems("The Ostby swimming pool will reopen on 4 May.", DONE)
    assert tense_problems("The Ostby swimming pool is set to reopen on 4 May.", DONE)


def test_the_same_time_in_other_words_passes():
    assert not tense_problems("The Ostby swimming pool is to reopen on 4 May, the council said.", TO_COME)
    assert not tense_problems("The Ostby swimming pool is due to reopen on 4 May.", TO_COME)
    assert not tense_problems("The pool was reopened on 4 May.", DONE)  # a passive past is done too
    # reported speech: "would" is no tense of its own
    assert not tense_problems("The council said the Ostby swimming pool would reopen on 4 May.", TO_COME)


def test_a_verb_the_quote_tells_both_ways_passes():
    quote = "Ana Kell, who won the race in 2019, will race again in June and hopes to win."
    assert not tense_problems("Ana Kell won the race in 2019.", quote)
    assert not tense_problems("Ana Kell will race again in June.", quote)
