"""The overstatement check of the statement gate: strong words and hedges the quote does not support."""
from rag.statement_strength import overstatement_problems


def test_a_strong_word_of_a_kind_the_quote_never_uses_is_refused():
    quote = "Marlow Capital has bought three of the town's mills, the company said."
    assert overstatement_problems("Marlow Capital has bought all of the town's mills.", quote)
    assert overstatement_problems("Marlow Capital is the only buyer of the town's mills.", quote)
    assert overstatement_problems("Marlow Capital made the first purchase of the town's mills.", quote)


def test_a_strong_word_the_quote_uses_in_other_words_passes():
    quote = "Kestel Bridge is the longest crossing in the region and the first to carry trams."
    assert not overstatement_problems("Kestel Bridge is the biggest crossing in the region.", quote)
    assert not overstatement_problems("It was the first bridge in the region to carry trams.", quote)


def test_one_of_the_largest_is_not_the_largest():
    quote = "The Orrin plant is one of the largest employers in the county."
    assert overstatement_problems("The Orrin plant is the largest employer in the county.", quote)
    assert not overstatement_problems("The Orrin plant is among the largest employers in the county.", quote)


def test_a_hedged_claim_stated_as_fact_is_refused():
    quote = "The new timetable may reduce average journey times by as much as ten minutes, officials said."
    assert overstatement_problems("The new timetable cuts average journey times by ten minutes.", quote)
    assert not overstatement_problems("The new timetable could cut average journey times by ten minutes.", quote)
    alleged = "Prosecutors allege that Derrin Holt diverted about £210,000 from the parish trust."
    assert overstatement_problems("Derrin Holt diverted about £210,000 from the parish trust.", alleged)
    assert not overstatement_problems("Prosecutors say Derrin Holt diverted about £210,000.", alleged)


def test_a_statement_of_the_unhedged_part_passes():
    quote = "The plant will cost $4.2bn and may employ 1,800 people when it opens in 2028."
    assert not overstatement_problems("The plant will cost $4.2bn.", quote)
    # "May" the month hedges nothing
    assert not overstatement_problems("The plant opened in May.", "The plant opened in May after two years.")


def test_association_is_no_cause():
    quote = "The restoration project was associated with a rise in breeding bird numbers."
    assert overstatement_problems("The restoration project caused a rise in breeding bird numbers.", quote)
    assert not overstatement_problems("The zoo had to close because of the heat.",
                                      "The heat forced the closure of the zoo.")


def test_some_of_them_is_not_all_or_none_of_them():
    quote = "Many general practices in the district are no longer accepting new patients, a survey found."
    assert overstatement_problems("No general practices in the district are accepting new patients.", quote)
    assert not overstatement_problems("Many practices in the district have stopped taking new patients.", quote)


def test_a_hedge_of_another_clause_does_not_hedge_the_claim():
    quote = "Night trains to Varna are likely to be cancelled on Sunday, with forecasters predicting heavy snow."
    assert overstatement_problems("Night trains to Varna were cancelled on Sunday, with forecasters predicting "
                                  "heavy snow.", quote)
    assert not overstatement_problems("Night trains to Varna could be cancelled on Sunday, with forecasters "
                                      "predicting heavy snow.", quote)
    # a statement that hedges the claim itself passes wherever else it says more
    quote = "Officials said the flu wave may have peaked, with 310 new cases reported last week."
    assert not overstatement_problems("Weekly flu cases stood at 310 and officials said the wave could have "
                                      "peaked.", quote)


def test_a_dropped_condition_is_refused():
    quote = "Subject to a vote by members in May, the Oldfield Bowls Club will merge with its rival Eastway."
    assert overstatement_problems("The Oldfield Bowls Club will merge with its rival Eastway.", quote)
    assert not overstatement_problems("If members approve it in May, Oldfield Bowls Club will merge with Eastway.",
                                      quote)
    assert not overstatement_problems("The merger of Oldfield and Eastway is subject to a members' vote.", quote)


def test_a_shortlist_is_no_selection():
    quote = "Corbel Rail is one of three bidders shortlisted to run the Tayside line, with a decision due in June."
    assert overstatement_problems("Corbel Rail has been chosen to run the Tayside line.", quote)
    assert not overstatement_problems("Corbel Rail is among three shortlisted bidders for the Tayside line.", quote)
    # a choice the quote says was made passes, shortlist or not
    quote = "Mara Quist won the Elden Prize, picked from a shortlist of six, on Friday."
    assert not overstatement_problems("Mara Quist won the Elden Prize on Friday.", quote)


def test_a_cause_the_quote_does_not_give_is_refused_in_any_wording():
    quote = "Footfall in Carrow's high street fell by a fifth last year, the chamber of commerce said."
    for statement in ("Footfall in Carrow's high street fell by a fifth last year because of online shopping.",
                      "Footfall in Carrow's high street fell by a fifth last year due to the new bypass.",
                      "Footfall in Carrow's high street fell by a fifth as a result of parking charges."):
        assert overstatement_problems(statement, quote), statement
    assert not overstatement_problems("The Carrow arts hall is due to open in May.",
                                      "The Carrow arts hall will open in May.")  # a schedule, not a cause
    assert not overstatement_problems("The ferry was cancelled because of the storm.",
                                      "The storm forced the cancellation of the ferry.")


def test_a_part_of_a_plural_given_whole_is_refused():
    quote = "Three of the five unions at Orrin General have accepted the pay offer; the other two are balloting."
    assert overstatement_problems("The unions at Orrin General have accepted the pay offer.", quote)
    assert not overstatement_problems("Three of the unions at Orrin General have accepted the pay offer.", quote)
    assert not overstatement_problems("Most of the unions at Orrin General accepted the offer.",
                                      "Most of the unions at Orrin General accepted the offer on Monday.")
