"""Values of the asked kind read from text (rag/values.py): patterns alone, no model, no index."""
from rag.query import analyze
from rag.values import values


def _texts(question: str, text: str) -> list[str]:
    return [v.text for v in values(analyze(question), text)]


def test_a_number_ends_at_its_last_digit():
    assert _texts("How many people were moved?", "They moved about 1,234.") == ["1,234"]
    assert _texts("How many shares were sold?", "The thermometer hit 40.9C on Tuesday.") == []  # no "40." count


def test_a_temperature_is_a_measure():
    assert _texts("What was the highest temperature?", "It hit 40.9C, then 41°C, then 41.3 degrees.") == ["40.9C", "41°C", "41.3 degrees"]


def test_a_figure_question_reads_every_kind_once():
    found = values(analyze("What was the turnout in the Port Calder election?"),
                   "Turnout was 58 percent, or 41,000 voters, and the count cost 2 million euros.")
    assert [(v.kind, v.text) for v in found] == [("percent", "58 percent"), ("count", "41,000"),
                                                  ("money", "2 million euros")]


def test_a_day_of_the_week_is_a_date():
    assert _texts("When did the ferry terminal open?", "The terminal opened on Monday after three years.") == ["Monday"]
    assert _texts("When is admission free?", "Admission is free on Thursdays.") == ["Thursdays"]
    assert _texts("When did it open?", "It opened in May.") == ["May"]


def test_a_height_or_size_is_no_span_of_time():
    assert _texts("How tall is the dam?", "It ended an eight-year project and rises 142 metres.") == ["142 metres"]
    assert _texts("How long did the dam take to build?", "It ended an eight-year project.") == ["eight-year"]


def test_a_scaled_measure_or_a_singular_currency_counts_nothing():
    assert _texts("How many workers died building the dam?", "It holds back 1.1 billion cubic metres of water.") == []
    assert _texts("How many lawmakers voted for it?", "Morvany will receive a 1.8 billion dollar loan.") == []
    assert _texts("How much water does the reservoir hold?", "It holds 1.1 billion cubic metres.") == ["1.1 billion cubic metres"]
    assert _texts("How much was the donation?", "It was built with a 14 million pound donation.") == ["14 million pound"]
    assert _texts("How many litres will the plant use?", "It would use up to 20 million litres a day.") == ["20 million"]


def test_power_and_energy_are_measures():
    assert _texts("How much power will the dam generate?", "It will generate 620 megawatts, or 2.1 terawatt-hours a year.") \
        == ["620 megawatts", "2.1 terawatt-hours"]


def test_an_amount_in_another_currency_than_the_asked_one_is_no_answer():
    text = "The fire caused 3 million dollars of damage; insurers put it at €2.5m."
    assert _texts("How much damage in euros has the fire caused?", text) == ["€2.5m"]
    assert _texts("How much damage has the fire caused?", text) == ["3 million dollars", "€2.5m"]


def test_by_how_much_asks_for_a_change_in_any_unit():
    assert _texts("By how much did the share price drop?", "The share price fell 12 percent to $40.") == ["12 percent", "$40"]


def test_a_height_is_no_power_output():
    assert _texts("How tall will the turbines be?", "The 960 megawatt farm's turbines will stand 260 metres tall.") \
        == ["260 metres"]


def test_what_year_asks_for_a_year():
    text = "Since assuming power in 2011, he has ruled alone, state media reported on Friday."
    assert _texts("In what year did he assume power?", text) == ["2011"]
    assert _texts("When did he assume power?", text) == ["2011", "Friday"]
    assert _texts("Which year did the plant open?", "The plant opened last year, on June 9.") == ["last year"]


def test_a_height_is_a_length_not_a_volume():
    text = "The dam is 142 metres high and holds back a reservoir of 1.1 billion cubic metres."
    assert _texts("How tall is the dam?", text) == ["142 metres"]
    assert _texts("How high did temperatures climb?", "Temperatures climbed to 41 degrees.") == ["41 degrees"]
    assert _texts("How big is the reservoir?", text) == ["142 metres", "1.1 billion cubic metres"]


def test_numbers_in_words_are_counts():
    text = "Seventeen people died, a dozen were hurt and half a million fled; ninety homes burned."
    assert _texts("How many people were affected?", text) == ["Seventeen", "a dozen", "half a million", "ninety"]


def test_a_measure_keeps_its_fraction_and_further_parts():
    assert _texts("How long is his prison sentence?", "He got four and a half years, after 12 years in office.") \
        == ["four and a half years", "12 years"]
    assert _texts("How long is his prison sentence?", "He was jailed for four years and six months.") \
        == ["four years and six months"]
    assert _texts("How tall is he?", "He is 5 feet 10 inches tall, 22 kilometres away.") == ["5 feet 10 inches", "22 kilometres"]


def test_won_is_a_currency_only_after_a_number_or_in():
    text = "She took home $2 million, or 2.6 billion won."
    assert _texts("How much prize money has she won?", text) == ["$2 million", "2.6 billion won"]
    assert _texts("How much did she take home in won?", text) == ["2.6 billion won"]


def test_an_acronym_spelt_out_in_lower_case_is_a_kind_of_thing_not_a_name():
    from dataclasses import replace

    from rag.values import common_acronyms

    defined = common_acronyms(["Ostra pursues machine learning (ML) and unmanned surface vessels (USVs).",
                               "The Harbour Safety Board (HSB) reported it; a census-designated place (CDP)."])
    assert defined == {"ML", "MLs", "USV", "USVs", "CDP", "CDPs"}  # "HSB" is spelt in capitals: a name
    info = analyze("Which firm leads the Ostra project?")
    text = "Kessel Systems builds ML tools for Ostra, the HSB said."
    assert _texts("Which firm leads the Ostra project?", text) == ["Kessel Systems", "ML", "HSB"]
    assert [v.text for v in values(replace(info, common_acronyms=defined), text)] == ["Kessel Systems", "HSB"]


def test_currencies_beyond_the_big_four_are_money_and_one_unit_whatever_the_wording():
    from rag.claims import extract_claims
    from rag.currency import currency_named

    text = "Dredging will cost 38 million crowns, the port said; the city pays 12m Swiss francs."
    assert _texts("How much will the dredging cost?", text) == ["38 million crowns"]
    assert currency_named("How much damage in euros?") == currency_named("€5m") == "EUR"
    assert currency_named("How much has she won?") is None
    units = {c.mention.unit for t in ("It cost €14m.", "It cost 14 million euros.", "It cost EUR 14m.")
             for c in extract_claims(t)}
    assert units == {"EUR"}


def test_a_place_or_a_country_is_no_person():
    text = "Kestel debated the Pell Street plan at Kestel Airport; Fox Film Corporation backed Annika Brandvold."
    assert _texts("Who was elected mayor of Kestel?", text) == ["Fox Film Corporation", "Annika Brandvold"]
    assert _texts("Who was elected?", "The winner was Ana Park.") == ["Ana Park"]  # a surname too
    rivals = "China balances its rivalry with the United States, said Lewis Hamilton."
    assert _texts("Who got the better deal?", rivals) == ["Lewis Hamilton"]
    assert _texts("Who won?", "The race was won by Hamilton.") == ["Hamilton"]
    assert _texts("Who won?", "The race was won by Washington.") == ["Washington"]  # a capital written short


def test_a_name_before_a_kind_of_place_is_a_place():
    text = "The wind farm, 22 kilometres off the Grisholm coast, was developed by Nordvale Energy."
    assert _texts("Which company is developing the wind farm?", text) == ["Nordvale Energy"]
    assert _texts("Which town is on the coast nearest the wind farm?", text) == ["Grisholm", "Nordvale Energy"]


def test_a_name_that_opens_with_a_kind_of_place_is_no_person():
    text = "More than 1,000 people fled as the River Aske overflowed, Mayor Helen Okafor said."
    assert _texts("Who is the mayor of Portmere?", text) == ["Mayor Helen Okafor"]  # its title is cut when compared
    assert _texts("Who spoke at Mount Kessel?", "Port Calder and Mount Kessel hosted Ana Park.") == ["Ana Park"]
