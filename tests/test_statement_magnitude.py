"""The statement gate's magnitude check: a change sized unlike its quote sizes it."""
from rag.statement_checks import typed_problems
from rag.statement_magnitude import factors, magnitude_problems

QUOTE = "Visitor numbers at the Orrin gallery rose by 35 per cent last year to 54,000, the trust said."


def test_changes_read_as_factors():
    assert factors(QUOTE) == [1.35]
    assert factors("Fares have almost tripled.") == [3.0]
    assert factors("Output fell 20% while staff grew from 400 to 600.") == [0.8, 1.5]


def test_a_change_sized_otherwise_is_caught():
    assert magnitude_problems("Visitor numbers at the Orrin gallery nearly doubled last year to 54,000.", QUOTE)
    assert magnitude_problems("Visitor numbers at the Orrin gallery rose slightly last year.", QUOTE)
    assert typed_problems("Visitor numbers at the Orrin gallery nearly doubled last year to 54,000, the trust "
                          "said.", QUOTE)


def test_a_change_sized_alike_passes():
    assert not magnitude_problems("Visitor numbers rose by about a third to 54,000.", QUOTE)
    assert not magnitude_problems("Fares nearly doubled.", "Fares rose 90 per cent in five years.")
    assert not magnitude_problems("Fares rose slightly.", "Fares rose 4% this year.")
    assert not magnitude_problems("Fares doubled.", "Fares went up, the operator said.")  # no size: no evidence
