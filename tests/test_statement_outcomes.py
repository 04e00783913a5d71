"""The statement gate's check of who won: a result given to the side its quote has lose."""
from rag.statement_outcomes import outcome_problems, results

QUOTE = "Harwick Town came from two goals down to beat Selby Rangers 3-2 at Orme Park on Saturday."


def test_a_result_turned_around_in_other_words_is_caught():
    assert outcome_problems("Selby Rangers won 3-2 against Harwick Town at Orme Park.", QUOTE)
    assert outcome_problems("Harwick Town lost 3-2 to Selby Rangers on Saturday.", QUOTE)
    quote = "Ana Ruiz won the Corve by-election with 9,120 votes, narrowly ahead of the Green candidate Tom Pell."
    assert outcome_problems("Tom Pell narrowly beat Ana Ruiz in the Corve by-election.", quote)


def test_the_same_result_in_other_words_passes():
    assert not outcome_problems("Selby Rangers lost 3-2 to Harwick Town at Orme Park on Saturday.", QUOTE)
    assert not outcome_problems("Selby Rangers were beaten 3-2 by Harwick Town.", QUOTE)
    assert not outcome_problems("Harwick Town won 3-2 against Selby Rangers at Orme Park.", QUOTE)
    # "came from behind" is how the winner won, not a loss
    assert results(QUOTE) == ((frozenset({"harwick", "town"}), frozenset({"selby", "rangers", "orme", "park"})),)
