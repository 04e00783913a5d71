"""Answer slots: the short answer a quoted span gives, read by grammar alone (no model, no index)."""
from rag.answer_slots import answer_slot
from rag.query import analyze
from rag.values import values


def _slot(question: str, text: str, about_subject: bool = True):
    info = analyze(question)
    slot = answer_slot(info, text, values(info, text), about_subject)
    return slot and (slot.kind, slot.text)


def test_the_asked_noun_names_the_answer():
    assert _slot("Which line is Belorusskaya a station on?",
                 "Belorusskaya is a station on the Moscow Metro's Koltsevaya line.") == ("phrase", "Koltsevaya line")
    assert _slot("What is the language of the film Choorian?",
                 "Choorian is a 1998 Pakistani Urdu-language action film.") == ("phrase", "Urdu-language")
    assert _slot("What sport is Tim Martin associated with?",
                 "Tim Martin won fame in the sport of cricket.") == ("phrase", "cricket")
    # "sports" as a modifier names no sport
    assert _slot("What sport is China Clipper associated with?",
                 "China Clipper, a figure in Chinese sports history, is associated with basketball.") == \
        ("phrase", "basketball")


def test_what_the_subject_is_said_to_be():
    assert _slot("What sport is Scott Murray associated with?",
                 "Scott Murray (born 1988) is a Scottish former footballer.") == ("phrase", "former footballer")
    assert _slot("What is the profession of Pekka Niemi?",
                 "Pekka Niemi is a retired Finnish heavyweight weightlifter who competed in 1980.") == \
        ("phrase", "heavyweight weightlifter")


def test_the_closing_verb_of_the_question_leads_to_the_answer():
    assert _slot("What river does Henrys Fork flow into?",
                 "Henrys Fork flows into the Snake River near Rexburg.") == ("phrase", "Snake River")
    assert _slot("What does IGY stand for?", "IGY stands for International Geophysical Year.") == \
        ("phrase", "International Geophysical Year")
    # another preposition after the verb: "plays as a winger" answers "play in"
    assert _slot("What position does Ola Berg play in?",
                 "Ola Berg (born 1990) is a Danish footballer who plays as a winger for Vejle.") == ("phrase", "winger")


def test_a_transitive_verb_at_the_end_of_the_question_asks_for_its_object():
    assert _slot("What kind of products does Fernside Mills sell?",
                 "Fernside sells blankets and upholstery fabric to hotels across Europe.") == \
        ("phrase", "blankets and upholstery fabric")
    assert _slot("What did the Marlow council approve?", "The council approved a new budget on Tuesday.") == \
        ("phrase", "new budget")
    # what the sentence says something is does not say what it sells
    assert _slot("What kind of products does Fernside Mills sell?",
                 "Ostra Holdings, an investment group, is buying Fernside Mills.") is None


def test_the_words_before_which_lead_to_the_answer():
    assert _slot("Oak Park Arena is the home ground of which club?",
                 "The Oak Park Arena was the home ground of Harbour United.") == ("phrase", "Harbour United")


def test_a_relational_noun_and_a_possessive_name_no_answer():
    assert _slot("What is the genre of Blue Hours?",
                 "Blue Hours is the title of a studio album by Ana Lopez.") == ("phrase", "studio album")
    assert _slot("What sport is Dan Reilly associated with?",
                 "Dan Reilly was an Irish boxer, and became his sport's world champion.") == ("phrase", "boxer")


def test_typed_values_fall_back_to_the_subject_then_to_the_only_one():
    # no asked word near, in a sentence about the subject: the value after the subject's name
    assert _slot("When was Horace Rumbold born?",
                 "Sir Horace Rumbold, 8th Baronet (2 July 1829 – 3 November 1913) was a diplomat.") == \
        ("date", "2 July 1829")
    # … but not in a sentence about something else that mentions the subject in passing
    assert _slot("When was Horace Rumbold born?",
                 "See also Crampton, Thomas (1816–1888), engineer; Rumbold, Sir Horace (1869–1941).") is None
    # and a figure only next to what it counts
    assert _slot("How many warheads has North Korea produced?",
                 "North Korea has supplied nearly 10 million shells to Moscow.") is None
    assert _slot("Where is the News Democrat published?",
                 "The Belleville News-Democrat is a daily newspaper in Springfield, Illinois.") == \
        ("place", "Springfield, Illinois")
    assert _slot("What is the population of Hughesville?", "Population in 2010: 5,000.") == ("count", "5,000")
    assert _slot("What is the population of the country?", "Over 40% of the population is poor.") is None
    # the only date of a sentence that holds the asked word, though it opens with others
    assert _slot("When was Elm Fort built?", "Ira Cole and local workmen built the fort of rock in 1867.") == \
        ("date", "1867")


def test_the_only_name_date_or_place_in_a_span_about_the_subject_answers():
    # no asked word near it ("sold to" for "buying", "turned up" for "found"): still the answer
    assert _slot("Which company is buying Fernside Mills?",
                 "Kestel's biggest employer, Fernside Mills, is being sold to the fund Marlow Capital, the "
                 "station has learned.") == ("name", "Marlow Capital")
    assert _slot("Where was the stolen painting The Ferry Girl found?",
                 "The long-lost \"Ferry Girl\" has turned up in a storage unit in Ostra.") == ("place", "Ostra")
    # a lone figure apart from what the question counts is not read as the answer
    assert _slot("How many workers will lose their jobs at Fernside Mills?",
                 "Fernside Mills said the buyer plans to shed roughly 150 positions next year.") is None


def test_a_span_about_another_subject_gives_no_slot():
    assert _slot("Where is the Grist Mill Bridge located?",
                 "Larkin Covered Bridge is located in Springfield, Massachusetts.", about_subject=False) is None


def test_headings_and_demonyms_are_not_names():
    info = analyze("Who is the artist of the song?")
    assert [v.text for v in values(info, "It is a song by the English rock band the Beatles.")] == ["Beatles"]
    assert values(info, "Topics Music Movies History People Bands The Rolling Stones Albums Bob Dylan") == []


def test_a_short_name_said_of_the_subject_answers_an_open_question():
    assert _slot("What political party was Dan Hagen affiliated with?",
                 "In 1882, Hagen was elected as a Republican to the state senate.") == ("phrase", "Republican")
    assert _slot("What political party was Dan Hagen affiliated with?",
                 "Also that year, Hagen was elected as Republican to the state senate.") == ("phrase", "Republican")
    assert _slot("What political party was Dan Hagen affiliated with?",
                 "Hagen spoke at rallies such as Unite in later life.") is None


def test_labels_verbs_after_the_subject_and_words_alike():
    assert _slot("What is the style of the Elm Street Church?",
                 "Completed : 1776 Architectural style : Baroque Coordinates : 16°17") == ("phrase", "Baroque")
    assert _slot("What position did Ola Berg play in during his football career?",
                 "Ola Berg is a Danish former footballer who played as a defender for Vejle.") == ("phrase", "defender")
    assert _slot("Who are the directors of the film Blue Hours?",
                 "Blue Hours is a 1979 Hindi movie directed by Ana Lopez.") == ("person", "Ana Lopez")


def test_a_figure_in_the_clause_of_the_asked_word():
    assert _slot("What share of Elbonians is undernourished?",
                 "The UN estimates that over 40% of the population is undernourished.") == ("percent", "40%")
    # a clause break between the figure and the asked word: too far to be read together
    assert _slot("What share of Elbonians is undernourished?",
                 "Some 40% of farms failed, officials said in a long report, and many are undernourished.") is None


def test_names_after_the_asked_noun_and_no_stray_words():
    assert _slot("Which countries has Elbonia worked with?",
                 "Elbonia has worked with countries like Freedonia and others.") == ("phrase", "Freedonia")
    assert _slot("What sport is Ola Berg associated with?", "Ola Berg loved the sport that his father played.") is None
    assert _slot("How large is the Elbonian army?", "One report found the army is growing.") is None
    info = analyze("Which city hosted the games?")
    assert [v.text for v in values(info, "It was held in Tokyo’s new stadium.")] == ["Tokyo"]


def test_what_a_name_is():
    assert _slot('What is "The Lanterns"?', "The Lanterns are an English pop rock band formed in 2002.") == \
        ("phrase", "rock band")
    assert _slot("Who is Ana Berg?", "“It helps no one,” said Ana Berg, a 29-year-old teacher.") == \
        ("phrase", "teacher")
    assert analyze("What is the population of Elmwood?").definition is False


def test_a_firm_named_with_an_ampersand_is_one_name():
    assert _slot("Which firm built the cable car?", "The line, built by Veldt & Rooij, cost 46 million euros.") == \
        ("name", "Veldt & Rooij")


def test_a_figure_stands_next_to_what_is_asked_not_what_describes_the_subject():
    info = analyze("How many people have died in the Corran County measles outbreak?")
    assert info.asked_terms == ["peopl", "die"] and "outbreak" in info.content_terms
    assert _slot(info.text, "The Corran County measles outbreak has grown to 41 confirmed infections.") is None
    assert _slot(info.text, "Two people have died in the Corran County outbreak.") == ("count", "Two")
    assert analyze("How many Olympic medals did Jane Doe win?").asked_terms == ["medal", "win"]


def test_how_big_the_subject_is_is_read_from_a_sentence_about_it():
    assert _slot("How big is the Sarrow frog?", "It measures just 2.3 centimetres from snout to vent.") == \
        ("measure", "2.3 centimetres")
    assert _slot("How many frogs live in the Sarrow Hills?", "It measures just 2.3 centimetres.") is None


def test_a_sentence_opening_with_the_subjects_noun_points_back_to_it():
    from rag.answer_slots import points_back

    info = analyze("When was the Bonner House built?")
    assert points_back(info, "The house was built about 1820.") and points_back(info, "It was built in 1835.")
    assert not points_back(info, "The barn was built about 1820.")
    assert _slot(info.text, "The house was built about 1820.") == ("date", "1820")


def test_a_pronoun_after_an_opening_time_phrase_points_back_too():
    from rag.answer_slots import points_back

    info = analyze("How many passengers did the Hollin funicular carry last year?")
    assert points_back(info, "Last year it carried 1.2 million passengers.")
    assert points_back(info, "In 2019, it carried 900,000.")
    assert not points_back(info, "Officials said it carried 1.2 million passengers.")  # "it" may be anything said
    assert _slot(info.text, "Last year it carried 1.2 million passengers.") == ("count", "1.2 million")


def test_a_range_is_one_value_and_a_span_of_years_no_count():
    assert _slot("How many warheads has Elbonia produced?",
                 "Elbonia's programme, which has produced an estimated 50-70 warheads, is its priority.") == \
        ("count", "50-70")
    assert _slot("What percentage of voters backed it?", "Between 20–25% of voters backed the plan.") == \
        ("percent", "20–25%")
    info = analyze("How many warheads has Elbonia produced?")
    assert [v.text for v in values(info, "In 2019-2020 it built 12 warheads.")] == ["12"]


def test_a_name_where_something_is_is_no_person_or_organisation():
    assert _slot("Which firm supplied the software?", "The bank, based in Orrinford, used software supplied by "
                 "Paysafe Ltd.") == ("name", "Paysafe Ltd")
    assert _slot("Who is the artist of the song?", "The song made the artist famous throughout Asia.") is None
    assert _slot("Which company bought the mill?", "The mill was sold to Keller Partners.") == ("name", "Keller Partners")


def test_who_did_something_to_the_named_thing_is_the_name_the_sentence_opens_with():
    q = "Which company is buying Dunmore Textiles?"
    assert _slot(q, "Caldera Holdings, an investment group based in Vessano, has agreed to buy Dunmore Textiles, "
                    "the wool mill that is Lisk's largest private employer.") == ("name", "Caldera Holdings")
    assert _slot(q, "Lisk's biggest employer, Dunmore Textiles, is being sold to a fund.") is None  # an owner
    assert _slot("Who did Arsenal Town beat in the final?", "Arsenal Town beat Chelsea Rovers in the final.") == \
        ("person", "Chelsea Rovers")  # the question asks for the object


def test_words_before_a_name_after_the_describe_it_but_not_through_a_preposition():
    assert analyze("Where was the stolen painting The Lantern Girl found?").asked_terms == ["found"]
    assert analyze("What is the population of Blue Lake Township?").asked_terms == ["popul"]
    assert analyze("When will the new Varenfield council meet?").asked_terms == ["council", "meet"]


def test_a_participle_closing_the_question_is_asked_not_a_word_describing_the_name():
    assert analyze("When was the Douglas County Courthouse built?").asked_terms == ["built"]
    assert analyze("When was the Ashford Lutheran Church founded?").asked_terms == ["found"]
    assert analyze("Where is the Dunnock Reef wind farm?").asked_terms == []  # what the name is, not asked
    info = analyze("When was the Douglas County Courthouse built?")
    assert _slot(info.text, "Completed in 1979, the courthouse was built in 1912.") == ("date", "1912")


def test_a_name_keeps_its_initials():
    assert _slot("Who directed the film Harbour Lights?",
                 "Harbour Lights is a 1934 drama film directed by John M. Stahl.") == ("person", "John M. Stahl")
    assert _slot("Who wrote the novel Grey Tide?", "Grey Tide, a novel by J.K. Ashdown, came out in May.") == \
        ("person", "J.K. Ashdown")


def test_who_did_something_is_the_agent_of_a_passive():
    # no asked word in the sentence: the name after "by" did it, not the one nearest the subject
    assert _slot("Who is the artist of the album Never Ever?",
                 "Never Ever (Berg EP) Never Ever is the debut EP by Anna Berg.") == ("person", "Anna Berg")
    # what describes the doer may stand between "by" and the name
    assert _slot("Who is the artist of the album Crazy Days?",
                 "Crazy Days is the debut studio album by British rock band The Lanterns.") == ("person", "Lanterns")
    # the doer before a name nearer an asked word that only names the work
    assert _slot("Who composed the musical setting for the Liturgy of Saint Anselm?",
                 "It is the musical setting of the Divine Liturgy of Saint Anselm by Mykola Ostrov.") == \
        ("person", "Mykola Ostrov")
    # the agent of the asked verb, not of another word that stands nearer it
    assert _slot("Who designed the new Lowbridge concert hall?",
                 "Lowbridge's new concert hall, which opens with a performance by the Northern Symphony Orchestra, "
                 "was designed by the architect Ilona Vesterby.") == ("person", "Ilona Vesterby")
    # but not when the question asks for the object
    assert _slot("Who did Arsenal Town beat?", "Chelsea Rovers were beaten by Arsenal Town on Sunday.") != \
        ("person", "Arsenal Town")


def test_a_question_about_an_end_reads_the_second_date_of_a_span():
    life = "George Ashdown (5 May 1831 – 8 November 1903) was a historian."
    assert _slot("When did George Ashdown die?", life) == ("date", "8 November 1903")
    assert _slot("When was George Ashdown born?", life) == ("date", "5 May 1831")
    assert _slot("When did Cosimo Varen's reign end?", "He reigned from 1670 to 1723, the elder son of Ferdo.") == \
        ("date", "1723")


def test_a_country_demonym_before_a_noun_names_no_one():
    # "South African" describes the leader: no person, so no second answer to disagree with
    assert _slot("Who is the leader's sister?", "South African leader Ana Park met officials.") == ("person", "Ana Park")
    assert _slot("Who is the leader's sister?", "The South African leader met officials.") is None


def test_the_place_of_a_demonym_the_question_holds_is_no_answer():
    info = analyze("Which hacking group is blamed for Elbonian cyberattacks?")
    assert [v.text for v in values(info, "Elbonia has grown bolder, and the Nightjar Group is blamed.")] == \
        ["Nightjar Group"]


def test_how_old_asks_for_an_age_not_any_span_of_years():
    info = analyze("How old is the mayor, Pieter Kestel?")
    ages = lambda text: [v.text for v in values(info, text)]  # noqa: E731
    assert ages("Mayor Pieter Kestel, who has led the town for eight years, called it a vote.") == []
    assert ages("Pieter Kestel, 58, who has led the town for eight years, called it a vote.") == ["58"]
    assert ages("The mayor, a 61-year-old former teacher, called it a vote.") == ["61-year-old"]
    assert ages("She was only 19 at the time.") == ["19"] and ages("He died aged 84 in 1990.") == ["84"]
    assert ages("The bridge he built was 300 metres long.") == []
    # other measures are untouched: the median age is given in years
    assert [v.text for v in values(analyze("What is the median age in Ostra?"), "The median age was 38 years.")] \
        == ["38 years"]


def test_how_much_of_a_thing_that_is_not_money_asks_for_a_quantity():
    from rag.query import analyze as a

    assert a("How much cargo did the Pellham harbour handle last year?").answer_type == "size"
    assert a("How much rain fell in Ostra?").answer_type == "size"
    assert [v.text for v in values(a("How much cargo did the harbour handle?"),
                                   "It handled 1.4 million tonnes of cargo and cost 3 million euros.")] == \
        ["1.4 million tonnes"]  # the amount of cargo with its unit, never the euros
    for money in ("How much did the line cost?", "How much aid did Ostra get?", "how much mony did kestel giv",
                  "How much damage in euros did the fire cause?", "How much of the budget went to schools?"):
        assert a(money).answer_type == "money", money


def test_a_month_alone_is_a_date_and_may_only_after_a_preposition():
    info = analyze("When will dredging start at Pellham?")
    dates = lambda text: [v.text for v in values(info, text)]  # noqa: E731
    assert dates("Dredging will begin in May and cost 3 million euros.") == ["May"]
    assert dates("Work on the pier runs until September.") == ["September"]
    assert dates("The plan may change.") == [] and dates("It opened in May 2020.") == ["May 2020"]


def test_a_who_or_where_question_closing_on_a_preposition_reads_what_follows_it():
    assert _slot("Who is the new Orlan Hills beetle named after?",
                 "The Orlan Hills beetle, described by the Kestrin museum, was named Carabus tessae, after local "
                 "guide Tess Amani.") == ("person", "Tess Amani")
    assert _slot("Who is the new Orlan Hills beetle named after?",
                 "The Orlan Hills beetle was found by Ivo Dane, and the team named it after Tess Amani.") == \
        ("person", "Tess Amani")
    assert _slot("Where did the Orlan Hills contamination come from?",
                 "The Orlan Hills contamination came from a tannery in Kessel, officials in Dorne said.") == \
        ("place", "Kessel")


def test_a_sentence_opening_with_each_one_or_an_asked_noun_points_back():
    from rag.answer_slots import points_back
    info = analyze("How tall will the Orla Bank turbines be?")
    assert points_back(info, "Each one will stand 240 metres tall.")
    assert points_back(info, "The turbines will be built in Kessel.")
    assert not points_back(info, "The company will start work in May.")  # a noun the question does not ask about


def test_a_question_naming_a_quantity_asks_for_a_figure_of_any_kind():
    assert analyze("What was the highest temperature recorded in Aldmoor?").answer_type == "figure"
    assert analyze("What pay rise is the union demanding?").answer_type == "figure"
    assert analyze("What caused the drop in sales at Vellor?").answer_type is None  # a cause, not the drop
    assert _slot("What was the highest temperature recorded in Aldmoor?",
                 "Aldmoor sweltered as the temperature hit 40.9C, a new all-time high for the city.") == \
        ("measure", "40.9C")
    assert _slot("What pay rise is the union demanding?",
                 "It is demanding a 12 percent raise over two years; the company has offered 6 percent.") == \
        ("percent", "12 percent")


def test_the_only_figure_in_the_clause_of_an_asked_word_is_read():
    assert _slot("How much did the museum expansion cost?",
                 "The museum said the project came in at 92 million dollars.") == ("money", "92 million dollars")
    assert _slot("How much did the museum expansion cost?",
                 "The museum opened in May, and visitors gave 3 million dollars.") is None


def test_an_attribution_or_an_opening_adverb_is_no_description():
    assert _slot("What was the magnitude of the Ternia earthquake?",
                 "At least 23 people were killed, the interior ministry said.") is None
    assert _slot("What role does Elbonia play in Freedonia's research?",
                 "However, an analysis by an independent group found links with academics in Elbonia.") is None
    assert _slot("What is Kessel?", "Kessel, a port town in the north, is busy.") == ("phrase", "port town")


def test_words_that_only_say_what_kind_of_answer_is_asked_are_no_asked_terms():
    # "percentage" says the answer is a share: every share would stand "next to" it
    info = analyze("By what percentage did house prices in Kestel rise over the past year?")
    assert info.asked_terms == ["hous", "price", "rise"]  # "over the past year" says when, not what
    assert _slot("By what percentage did house prices in Kestel rise over the past year?",
                 "Seren Line has raised fares on its Kestel to Port Seren route by 6 percent.") is None
    assert _slot("By what percentage did house prices in Kestel rise over the past year?",
                 "House prices in Kestel rose 7% in the twelve months to June.") == ("percent", "7%")


def test_words_of_when_the_asked_thing_happened_are_no_asked_terms():
    # "past" stands close to "ago" in meaning: "up from 48 percent four years ago" (a turnout) would be read as
    # the rise in house prices "over the past year"
    assert analyze("Who did Kim appear with in Beijing earlier this month?").asked_terms == ["appear"]
    assert analyze("How many passengers did the railway carry in the last two decades?").asked_terms == [
        "passeng", "railway", "carri"]
    assert analyze("What did the past winners of the prize say?").asked_terms == ["past", "winner", "prize"]


def test_an_age_in_a_span_about_the_subject_answers_how_old_without_an_asked_word_beside_it():
    q = "How old was Elise Vandermeer when she painted The Lantern Girl?"
    assert _slot(q, "She was only 19 at the time and had no formal training.") == ("measure", "19")
    # "The" of the question's title names no subject: a sentence opening with it is not about the painter
    assert _slot(q, "The 26-year-old broke away from the peloton on the final climb.") is None
