"""The statement gate's figure checks: a figure given to another verb, a sum going the other way, a figure
given to another of the quote's names."""
import pytest

from rag.statement_anchors import anchor_problems, figures, flow_problems, holder_problems

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


RAIN = "Rainfall reached 80mm in the hill town of Dorrow on Friday, while the coastal city of Pelt recorded just 12mm."
SHARES = "Kelvo Bank now holds 38% of the savings market, ahead of Arden Mutual on 22%, the regulator said."


def test_a_figure_given_to_another_of_the_quotes_names_is_caught():
    assert holder_problems("Rainfall reached 80mm in Pelt on Friday, while Dorrow recorded just 12mm.", RAIN)
    assert holder_problems("Arden Mutual now holds 38% of the savings market, ahead of Kelvo Bank on 22%.", SHARES)


def test_a_figure_kept_with_its_names_passes():
    assert not holder_problems("Dorrow had 80mm of rain on Friday; Pelt recorded just 12mm.", RAIN)
    assert not holder_problems("Rainfall reached 80mm in Dorrow on Friday.", RAIN)
    assert not holder_problems("Kelvo Bank holds 38% of the savings market, the regulator said.", SHARES)
    # a verb that goes either way by "to" and "from", and a passive's doer after "by"
    assert not holder_problems("The Ostra Trust leased the old mill from the Varn council for £1 a year.",
                               "The Varn council leased the old mill to the Ostra Trust for £1 a year.")
    assert not holder_problems("The Kell Bridge will be resurfaced by engineers from Tarr Build over eight weeks.",
                               "Engineers from Tarr Build will resurface the Kell Bridge over eight weeks.")
