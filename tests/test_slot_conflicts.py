"""Disagreement beyond numbers: answer slots compared across sources (no model, no index)."""
from rag.models import AnswerSlot, Quote, Source
from rag.query import analyze
from rag.slot_conflicts import answer_groups, relation, slot_conflicts


def same_answer(a, b) -> bool:
    return relation(a, b) == "same"
from rag.values import values


def _quote(i: int, text: str, slot: AnswerSlot | None = None, doc: str | None = None) -> Quote:
    src = Source(id=doc or f"d{i}", path=f"d{i}.md")
    return Quote(id=i, text=text, source=src, start=0, end=len(text), answer_slot=slot)


def _name(text: str) -> AnswerSlot:
    return AnswerSlot(kind="name", text=text)


def test_same_entity_in_other_words_agrees():
    assert same_answer(_name("Hollow Pines"), _name("Hollow Pines"))
    assert same_answer(AnswerSlot(kind="person", text="Mike Oldfield"), AnswerSlot(kind="person", text="Oldfield"))
    assert same_answer(_name("U.S."), _name("United States"))
    assert same_answer(_name("The Burgess Company"), _name("Burgess Company"))
    assert same_answer(AnswerSlot(kind="date", text="1972"), AnswerSlot(kind="date", text="October 1972"))


def test_a_name_with_its_owner_or_title_is_the_same_name():
    person = lambda t: AnswerSlot(kind="person", text=t)  # noqa: E731
    assert same_answer(person("Ostra’s Anna Vell"), person("President Anna Vell"))
    assert same_answer(person("Ostran Prime Minister Anna Vell"), person("Vell"))
    assert same_answer(person("Foreign Minister Jon Harl"), person("Kestel’s Jon Harl"))
    # another country's president is someone else, and a name of a title's holder is no title
    assert relation(person("Ostra’s president"), person("Kestel’s president")) == "different"
    assert not same_answer(person("President Anna Vell"), person("President Jon Harl"))


def test_different_entities_and_dates_differ():
    assert not same_answer(_name("Hollow Pines"), _name("The Ferrymen"))
    assert not same_answer(AnswerSlot(kind="date", text="5 January 1884"), AnswerSlot(kind="date", text="26 December 1844"))
    date = lambda t: AnswerSlot(kind="date", text=t)  # noqa: E731
    assert relation(date("June 9"), date("June 2")) == "different"  # news dates often leave out the year
    assert relation(date("June 9"), date("9 June 2025")) == "same"
    assert relation(date("June 9"), date("1998")) == "unknown"
    # a country against a person or a town is no pair of answers of one kind; two countries are
    place = lambda t: AnswerSlot(kind="place", text=t)  # noqa: E731
    assert relation(AnswerSlot(kind="person", text="Kim"), AnswerSlot(kind="person", text="United States")) == "unknown"
    assert relation(place("Lyon"), place("Germany")) == "unknown"
    assert relation(place("France"), place("Germany")) == "different"
    # figures: the same value in other words agrees, another value in the same unit differs, other units can't tell
    assert relation(AnswerSlot(kind="money", text="$10 billion"), AnswerSlot(kind="money", text="$10bn")) == "same"
    assert relation(AnswerSlot(kind="money", text="$5bn"), AnswerSlot(kind="money", text="$7bn")) == "different"
    assert relation(AnswerSlot(kind="count", text="14 million"), AnswerSlot(kind="count", text="14 million")) == "same"
    assert relation(AnswerSlot(kind="count", text="2,197"), AnswerSlot(kind="count", text="5,000")) == "different"
    assert relation(AnswerSlot(kind="measure", text="3 miles"), AnswerSlot(kind="measure", text="5 km")) == "unknown"
    assert relation(AnswerSlot(kind="money", text="$5bn"), AnswerSlot(kind="money", text="€5bn")) == "unknown"


def test_noun_phrases_agree_on_a_shared_word_start_and_differ_otherwise():
    phrase = lambda t: AnswerSlot(kind="phrase", text=t)  # noqa: E731
    assert same_answer(phrase("former footballer"), phrase("footballer"))
    assert same_answer(phrase("football"), phrase("footballer"))
    assert relation(phrase("hockey player"), phrase("cross-country skier")) == "different"


def test_a_noun_phrase_the_other_quote_also_uses_is_no_disagreement():
    info = "What is the profession of Ian Murray?"
    a = _quote(1, "Ian Murray is a lawyer and politician.", AnswerSlot(kind="phrase", text="lawyer"))
    b = _quote(2, "Ian Murray was a politician from Leith.", AnswerSlot(kind="phrase", text="politician"))
    c = _quote(3, "Ian Murray was a bishop of Argyll.", AnswerSlot(kind="phrase", text="bishop"))
    assert slot_conflicts(info, answer_groups([a, b]), {}) == []
    assert slot_conflicts(info, answer_groups([b, c]), {})[0].kind == "contradiction"
    # the words must stand together: "basketball coach … Football League" does not say "football coach"
    d = _quote(4, "Ian Murray is a football coach.", AnswerSlot(kind="phrase", text="football coach"))
    e = _quote(5, "Ian Murray is a basketball coach in the National Football League.",
               AnswerSlot(kind="phrase", text="basketball coach"))
    assert slot_conflicts(info, answer_groups([d, e]), {})[0].kind == "contradiction"


def test_an_answer_that_may_agree_is_left_out_of_the_note_not_the_others():
    a = _quote(1, "The award went to Hollow Pines.", _name("Hollow Pines"))
    b = _quote(2, "Nominees: Hollow Pines, Red Barn and others; The Ferrymen won.", _name("The Ferrymen"))
    c = _quote(3, "Judges chose Red Barn.", _name("Red Barn"))
    [note] = slot_conflicts("Who won the award?", answer_groups([a, b, c]), {})
    assert note.quote_ids == [1, 3] and "Ferrymen" not in note.note


def test_a_year_elsewhere_in_a_quote_does_not_give_the_other_quotes_full_date():
    date = lambda t: AnswerSlot(kind="date", text=t)  # noqa: E731
    a = _quote(1, "Maurice Roche (1885 - 1955) was born on 22 October 1885.", date("22 October 1885"))
    b = _quote(2, "Maurice Roche was born on 15 May 1885 in Chelsea.", date("15 May 1885"))
    [note] = slot_conflicts("When was Maurice Roche born?", answer_groups([a, b]), {})
    assert note.kind == "contradiction" and note.quote_ids == [1, 2]
    c = _quote(3, "Maurice Roche, born in 1885, died in 1955.", date("1885"))
    assert slot_conflicts("When was Maurice Roche born?", answer_groups([b, c]), {}) == []  # a year agrees


def test_note_counts_independent_sources_on_each_side():
    quotes = [_quote(1, "The award went to Hollow Pines.", _name("Hollow Pines")),
              _quote(2, "Hollow Pines won the award.", _name("Hollow Pines")),
              _quote(3, "Judges chose Hollow Pines.", _name("Hollow Pines")),
              _quote(4, "The award went to The Ferrymen.", _name("The Ferrymen"))]
    voice = {q.source.id: q.source.id for q in quotes}
    [c] = slot_conflicts("Who won the award?", answer_groups(quotes), voice)
    assert c.kind == "contradiction" and c.quote_ids == [1, 2, 3, 4]
    assert c.note.startswith("3 sources give “Hollow Pines” [1][2][3]; 1 source gives “The Ferrymen” [4]")


def test_copies_of_one_story_count_once():
    quotes = [_quote(1, "a", _name("Hollow Pines"), doc="x"), _quote(2, "b", _name("Hollow Pines"), doc="y"),
              _quote(3, "c", _name("The Ferrymen"), doc="z")]
    [c] = slot_conflicts("Who won?", answer_groups(quotes), {"x": "x", "y": "x", "z": "z"})
    assert c.note.startswith("1 source gives “Hollow Pines” [1][2]")


def test_near_copy_with_changed_words_is_a_disagreement():
    a = "In the single season in which Altrincham played semi-professional rugby league, there are few records."
    b = "In the single season in which Altrincham played semi-professional cricket, there are few records."
    groups = answer_groups([_quote(1, a), _quote(2, b)])
    assert [g[0].answer_slot.text for g in groups] == ["rugby league", "cricket"]
    assert slot_conflicts("What sport is Altrincham associated with?", groups, {})


def test_figures_agree_only_when_equal_in_value_and_unit():
    money = lambda i, t: _quote(i, "x", AnswerSlot(kind="money", text=t))  # noqa: E731
    assert len(answer_groups([money(1, "$5bn"), money(2, "$5 billion")])) == 1
    groups = answer_groups([money(1, "$5bn"), money(2, "$7bn")])
    assert len(groups) == 2 and slot_conflicts("How much did it cost?", groups, {})[0].kind == "contradiction"
    other_currency = answer_groups([money(1, "$5bn"), money(2, "€7bn")])
    assert len(other_currency) == 2 and slot_conflicts("How much did it cost?", other_currency, {}) == []
    heat = lambda t: AnswerSlot(kind="measure", text=t)  # noqa: E731
    assert relation(heat("41°C"), heat("41 degrees")) == "same"  # a temperature's unit written three ways
    assert relation(heat("40.9C"), heat("41.3 degrees")) == "different"


def test_a_quote_without_a_slot_gives_its_lone_figure_in_a_clause_of_the_question():
    question = "What was the highest temperature recorded in Aldmoor?"
    heat = AnswerSlot(kind="measure", text="41.3 degrees")
    first = "Temperatures in Aldmoor reached 41.3 degrees Celsius on Tuesday, the highest ever recorded there."
    quotes = [_quote(1, first, heat), _quote(2, "Aldmoor sweltered as the thermometer hit 40.9C, a new high.")]
    groups = answer_groups(quotes, question)
    assert [g[0].answer_slot.text for g in groups] == ["41.3 degrees", "40.9C"]
    assert slot_conflicts(question, groups, {})[0].kind == "contradiction"
    # not when the figure stands apart from every word of the question, or the slot beside it was chosen
    # among several figures, or the quote holds two figures of the kind
    apart = _quote(2, "Crowds gathered; the pool held 39 degrees water.")
    assert answer_groups([_quote(1, first, heat), apart], question)[0] and apart.answer_slot is None
    chosen = _quote(1, "Aldmoor reached 41.3 degrees after 38 degrees on Monday.", heat)
    lone = _quote(2, "Aldmoor hit 40.9C.")
    answer_groups([chosen, lone], question)
    assert lone.answer_slot is None
    two = _quote(2, "Aldmoor hit 40.9C, up from 38C.")
    answer_groups([_quote(1, first, heat), two], question)
    assert two.answer_slot is None


def test_a_length_is_no_answer_to_how_long_something_took():
    def quotes():
        return [_quote(1, "The dam is 142 metres high.", AnswerSlot(kind="measure", text="142 metres")),
                _quote(2, "The dam rises 138 metres.", AnswerSlot(kind="measure", text="138 metres"))]
    took = "How long did the dam take to build?"
    assert answer_groups(quotes(), took) == [] and slot_conflicts(took, answer_groups(quotes(), took), {}) == []
    tall = "How tall is the dam?"
    assert slot_conflicts(tall, answer_groups(quotes(), tall), {})[0].kind == "contradiction"
    years = [_quote(1, "It took 6 years.", AnswerSlot(kind="measure", text="6 years")),
             _quote(2, "It took 8 years.", AnswerSlot(kind="measure", text="8 years"))]
    assert slot_conflicts(took, answer_groups(years, took), {})
    # a race's winning time is a span of time too: the course's length is no answer to it
    race = [_quote(1, "Rennick covered the 212-kilometre course.", AnswerSlot(kind="measure", text="212-kilometre")),
            _quote(2, "Rennick won in 4 hours 52 minutes.", AnswerSlot(kind="measure", text="4 hours 52 minutes"))]
    assert [[q.id for q in g] for g in answer_groups(race, "What was the men's winning time?")] == [[2]]


def test_a_name_right_after_at_is_no_one_who_did_something():
    person = lambda t: AnswerSlot(kind="person", text=t)  # noqa: E731
    coach = "Who was appointed head coach of Rovena Athletic?"

    def quotes(third: str, slot: str):
        first = "Rovena Athletic has appointed Tomas Vellacott as its new head coach."
        return [_quote(1, first, person("Tomas Vellacott")), _quote(2, third, person(slot))]
    stand = quotes("Plans to expand the east stand at Millbrook Park were approved.", "Millbrook Park")
    assert slot_conflicts(coach, answer_groups(stand, coach), {}) == []
    rival = quotes("Rovena Athletic has appointed Jonas Brandt as its new head coach.", "Jonas Brandt")
    assert slot_conflicts(coach, answer_groups(rival, coach), {})[0].kind == "contradiction"


def test_agreement_and_unrelated_sentences_give_no_note():
    same = [_quote(1, "x", _name("Hollow Pines")), _quote(2, "y", _name("Pines"))]
    assert slot_conflicts("Who won?", answer_groups(same), {}) == []
    unrelated = [_quote(1, "The club was founded by local workers in the spring."),
                 _quote(2, "Its stadium holds six thousand people and was rebuilt later.")]
    assert answer_groups(unrelated) == []
    several = [_quote(1, "x", _name("France")), _quote(2, "y", _name("Spain"))]
    assert slot_conflicts("Which countries were members?", answer_groups(several), {}) == []


def test_values_skip_what_the_question_already_holds():
    info = analyze("When was Stephen O'Mara born?")
    assert [v.text for v in values(info, "Stephen O'Mara (born 5 January 1884) was an Irish politician.")] == \
        ["5 January 1884"]
    who = analyze("Who designed the Gunbus?")
    assert "Burgess Company" in [v.text for v in values(who, "The Gunbus was designed by the Burgess Company.")]
    assert values(analyze("How much did it cost?"), "It cost $4.5 million in 2020.")[0].text == "$4.5 million"


def test_the_subject_said_in_full_and_a_news_agency_are_no_answers():
    # "Jon Harl" for a question that names "Harl" is its subject, not whom he met; it is taken off its quote
    met = "Who did Harl meet in Ostra last week?"
    quotes = [_quote(1, "Jon Harl met Anna Vell in Ostra.", AnswerSlot(kind="person", text="Jon Harl")),
              _quote(2, "Harl met Piet Ross on Monday.", AnswerSlot(kind="person", text="Piet Ross"))]
    assert [[q.id for q in g] for g in answer_groups(quotes, met)] == [[2]] and quotes[0].answer_slot is None
    assert slot_conflicts(met, answer_groups(quotes, met), {}) == []
    # but someone's kin often share their name
    kin = [_quote(1, "His sister Ana Harl runs the firm.", AnswerSlot(kind="person", text="Ana Harl"))]
    assert answer_groups(kin, "Who is Harl's sister?") == [kin]
    # yet a name that opens with the asked one is still the subject: the hospital is not its own funder
    funder = [_quote(1, "St Aldric's Hospital will open a new wing.",
                     AnswerSlot(kind="person", text="St Aldric's Hospital")),
              _quote(2, "The wing was built with a donation from the Linwood Trust.",
                     AnswerSlot(kind="person", text="Linwood Trust"))]
    assert [[q.id for q in g] for g in answer_groups(funder, "Who is funding St Aldric's new wing?")] == [[2]]
    # "according to" names a source, not where something happened
    where = "Where did Harl inspect the new trains?"
    agency = [_quote(1, "According to KNA, Harl described the trains.", AnswerSlot(kind="place", text="KNA, Harl")),
              _quote(2, "Harl inspected the trains at Ostra Depot.", AnswerSlot(kind="place", text="Ostra Depot"))]
    assert [[q.id for q in g] for g in answer_groups(agency, where)] == [[2]]


def test_a_range_is_compared_only_when_written_alike():
    from rag.models import AnswerSlot
    from rag.slot_conflicts import relation

    def slot(text):
        return AnswerSlot(kind="count", text=text)

    assert relation(slot("50-70"), slot("60")) == "unknown"  # inside the range: not a disagreement
    assert relation(slot("50-70"), slot("50-80")) == "unknown"
    assert relation(slot("50-70"), slot("50-70")) == "same"


def test_a_figure_is_read_alone_only_without_another_of_its_kind_beside_it():
    from rag.slot_conflicts import read_alone
    q = analyze("How much did Ostra get in return?")
    money = AnswerSlot(kind="money", text="$10bn")
    assert not read_alone(q, _quote(1, "Ostra sent $10bn of grain and got $1.2bn in return.", money))
    assert read_alone(q, _quote(2, "Ostra got $10bn in return.", money))
    assert read_alone(q, _quote(3, "Ostra got Kestel's port in return, with $2bn.", _name("Kestel")))
    assert not read_alone(q, _quote(4, "Ostra got $10bn in return."))  # no slot: nothing was read


def test_a_demonym_describing_the_subject_is_no_second_answer():
    """Two quotes that never say who the sister is: one names a father, the other only calls the subject
    "North Korean". The demonym is no person, so there is no second answer and no "sources disagree"."""
    from rag.answer_slots import answer_slot
    question = "Who is Kim Jong Un's sister?"
    info = analyze(question)
    texts = ["Since assuming power following the death of his father, Kim Jong Il, Kim Jong Un has pursued reforms.",
             "North Korean leader Kim Jong Un has elevated drone technology to a central priority."]
    quotes = [_quote(i, t, answer_slot(info, t, values(info, t))) for i, t in enumerate(texts, 1)]
    assert quotes[1].answer_slot is None
    assert slot_conflicts(question, answer_groups(quotes), {}) == []


def test_agreement_is_stated_only_between_the_quotes_that_were_compared():
    from rag.pipeline import _agreement
    question = "What is the population of Varenfield?"
    count = AnswerSlot(kind="count", text="25,600")
    quotes = [_quote(1, "Varenfield has a population of 25,600.", count),
              _quote(2, "About 25,600 people live in Varenfield.", count),
              _quote(3, "Varenfield lies on the river and grew quickly after the war.")]
    groups = answer_groups(quotes)
    assert _agreement(question, quotes, groups, {}, {}) == \
        "2 of them give the same answer (“25,600”) [1][2]; the rest give no answer that could be compared"
    assert _agreement(question, quotes[:2], answer_groups(quotes[:2]), {}, {}) == "they give the same answer (“25,600”)"
    # copies of one story are one source: nothing was compared between independent sources
    assert _agreement(question, quotes, groups, {"d1": "d1", "d2": "d1"}, {}) == \
        "their answers were not compared with each other"
    # a quote holding another figure beside its answer may have been read wrong: no agreement is claimed
    quotes[1] = _quote(2, "About 25,600 people live in Varenfield, 3,000 more than in 2010.", count)
    assert _agreement(question, quotes, answer_groups(quotes), {}, {}) == "their answers were not compared with each other"


def test_a_question_asking_for_several_things_is_not_single_valued():
    from rag.slot_conflicts import single_valued
    assert not single_valued("Which domestically produced Kestrel Union missiles are named?")
    assert not single_valued("Which countries were hit?")
    assert single_valued("Which company is buying Dunmore Textiles?")


def test_figures_thousands_of_times_apart_are_not_set_against_each_other():
    price = "How much do adult tickets cost?"
    quotes = [_quote(1, "Tickets now cost 18 dollars for adults.", AnswerSlot(kind="money", text="18 dollars")),
              _quote(2, "The expansion cost 85 million dollars.", AnswerSlot(kind="money", text="85 million dollars"))]
    assert relation(quotes[0].answer_slot, quotes[1].answer_slot) == "unknown"
    assert slot_conflicts(price, answer_groups(quotes, price), {}) == []
    assert relation(AnswerSlot(kind="money", text="$1.2 million"), AnswerSlot(kind="money", text="$1.2 billion")) \
        == "different"  # a thousand times: a scale misread or misreported is still noted


def test_a_capital_and_another_town_are_two_towns():
    place = lambda t: AnswerSlot(kind="place", text=t)  # noqa: E731
    assert relation(place("Copenhagen"), place("Rotterdam")) == "different"
    assert relation(place("Copenhagen"), place("Denmark")) == "same"
    assert relation(place("Rotterdam"), place("Denmark")) == "unknown"  # a town may lie in a country
    assert relation(AnswerSlot(kind="person", text="Kim"), place("Copenhagen")) == "unknown"
