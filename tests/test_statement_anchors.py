"""The statement gate's figure-to-verb check: a figure of the quote given to another verb."""
import pytest

from rag.statement_anchors import anchor_problems, figures, flow_problems

pytestmark = pytest.mark.slow  # loads spaCy's small English pipeline (about 2 s)

QUOTE = ("A judge jailed former treasurer Ola Brandt for four years on Monday after she admitted taking "
         "£95,000 from the rowing club over seven years.")


def test_figures_exchanged_between_verbs_are_caught():
    problems = anchor_problems("Ola Brandt was jailed for seven years after admitting taking £95,000 from the "
                               "rowing club over four years.", QUOTE)
    assert problems and "jail" in " ".join(problems)


def test_a_figure_of_another_measure_is_caught():
    quote = "Sales rose 12 per cent to £80 million, while operating profit fell 4 per cent to £9 million."
    assert anchor_problems("Operating profit fell 12 per cent to £9 million.", quote)


def test_figures_under_their_own_verbs_pass():
    assert not anchor_problems("Ola Brandt was jailed for four years after taking £95,000 over seven years.", QUOTE)
    assert not anchor_problems("The judge sentenced Ola Brandt to four years.", QUOTE)  # another verb, no figure
    assert not anchor_problems("Ola Brandt, who took £95,000 over 7 years, was jailed for 4 years.", QUOTE)


def test_figures_read_with_their_unit_and_verb():
    (f,) = [f for f in figures("Profit fell 4 per cent.") if f.text == "4"]
    assert (f.value, f.unit, f.verb) == ("4", "percent", "fall")
    assert [(f.value, f.unit) for f in figures("Sales rose to £80 million.")] == [("80", "million")]  # no "million"


GIFT = "The Orla Trust has donated £2.5m to Fenwick Hospital for a new scanner, the hospital said on Monday."


def test_a_sum_going_the_other_way_is_caught():
    assert flow_problems("Fenwick Hospital gave £2.5m to the Orla Trust for a new scanner.", GIFT)
    assert flow_problems("The Orla Trust received £2.5m from Fenwick Hospital.", GIFT)


def test_a_sum_told_with_a_converse_verb_passes():
    assert not flow_problems("Fenwick Hospital received £2.5m from the Orla Trust for a new scanner.", GIFT)
    assert not flow_problems("The Orla Trust gave Fenwick Hospital £2.5m.", GIFT)
    assert not flow_problems("Fenwick Hospital gave £40 to the Orla Trust.", GIFT)  # another sum
