"""The statement gate's purpose check: a reason the quote does not give, added in a short "to" clause."""
import pytest

from rag.statement_checks import typed_problems
from rag.statement_purpose import purpose_problems

pytestmark = pytest.mark.slow  # loads spaCy's small English pipeline (about 2 s)

QUOTE = "Ardley council has voted to shut the Mill Lane pool in August, with swimmers offered places at Hexham."


def test_an_added_purpose_is_caught():
    problems = purpose_problems("Ardley council has voted to shut the Mill Lane pool in August to save money.",
                                QUOTE)
    assert problems and "save money" in problems[0]
    assert typed_problems("Ardley council has voted to shut the Mill Lane pool in August to save money.", QUOTE)


def test_a_purpose_the_quote_gives_passes():
    quote = "Ardley council has voted to shut the Mill Lane pool in August in a bid to cut its energy costs."
    assert not purpose_problems("Ardley council voted to shut the Mill Lane pool to cut energy costs.", quote)
    # one of its words in the quote in another form: a restatement
    quote = "Ardley council has voted to shut the Mill Lane pool in August as part of its cost-cutting."
    assert not purpose_problems("Ardley council voted to shut the Mill Lane pool to reduce costs.", quote)


def test_a_clause_with_its_own_subject_or_no_purpose_passes():
    assert not purpose_problems("Ardley council has voted to shut the Mill Lane pool in August.", QUOTE)
    assert not purpose_problems("Swimmers will be offered places at Hexham after the pool shuts.", QUOTE)
