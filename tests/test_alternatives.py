"""Either-or questions: sources that support different alternatives contradict each other (no model, no index)."""
from rag.alternatives import alternative_conflicts, alternatives
from rag.models import Quote, Source

Q = "Did the fire start in the kitchen or in the garage?"


def _quote(i: int, text: str, doc: str | None = None) -> Quote:
    return Quote(id=i, text=text, source=Source(id=doc or f"d{i}", path=f"d{i}.md"), start=0, end=len(text))


def test_the_alternatives_are_read_from_the_words_around_or():
    alt = alternatives(Q)
    assert (alt.first, alt.second, alt.rest) == ("in the kitchen", "in the garage", "Did the fire start")
    alt = alternatives("Did the museum open in 2019 or 2020?")
    assert (alt.first, alt.second) == ("2019", "2020")
    assert alternatives("Who started the fire in the kitchen or the garage?") is None  # not a yes/no question
    assert alternatives("Did the fire start in the kitchen?") is None


def test_independent_sources_on_each_side_are_a_contradiction_with_counts():
    quotes = [_quote(1, "Investigators said the fire started in the kitchen of the house."),
              _quote(2, "The fire started in the garage, neighbours said."),
              _quote(3, "According to the brigade, the fire started in the kitchen.")]
    [c] = alternative_conflicts(Q, quotes, {})
    assert c.kind == "contradiction" and c.quote_ids == [1, 2, 3]
    assert c.note == "2 sources give “in the kitchen” [1][3]; 1 source gives “in the garage” [2]."


def test_a_mere_mention_copies_or_one_side_give_no_note():
    mention = [_quote(1, "The fire started in the kitchen."), _quote(2, "The garage was rebuilt last year.")]
    assert alternative_conflicts(Q, mention, {}) == []  # nothing said of a fire starting in the garage
    both = [_quote(1, "The fire started in the kitchen."), _quote(2, "The fire started in the kitchen, not the garage.")]
    assert alternative_conflicts(Q, both, {}) == []  # the second names both: it supports neither alone
    copies = [_quote(1, "The fire started in the kitchen.", "a"), _quote(2, "The fire started in the garage.", "b")]
    assert alternative_conflicts(Q, copies, {"a": "a", "b": "a"}) == []  # one story told twice
