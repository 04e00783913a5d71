"""Evidence features that need no model: name matching, values near asked words, the answer slot."""

from rag.answer_slots import answer_slot
from rag.evidence import _entity_cover, _value_near_term
from rag.query import analyze
from rag.values import values


def test_names_match_whole_by_head_word_acronym_or_typo():
    assert _entity_cover(analyze("When was Harry Parkes born?"), "Harry Parkes was born in 1888.") == 1.0
    assert _entity_cover(analyze("When was Harry Parkes born?"), "Parkes was born in 1888.") == 0.5
    # the first word of a two-word name is not the name: "Fort Worth" is not "Fort Buchanan"
    assert _entity_cover(analyze("Where is Fort Buchanan located?"), "It is in the Fort Worth district.") == 0.0
    assert _entity_cover(analyze("What did Kim Jong Un say?"), "Kim said the plan was on track.") == 0.5
    assert _entity_cover(analyze("Where is YHSS located?"), "Yangchenphug Higher Secondary School is in Thimphu.") == 1.0
    assert _entity_cover(analyze("Which US drone is mentioned?"), "The United States flies the MQ-9.") == 1.0
    assert _entity_cover(analyze("Where is Altrincham?"), "Altrinchem is a town near Manchester.") == 0.8
    assert _entity_cover(analyze("what is the capital?"), "anything") == 1.0  # no names asked


def test_value_near_an_asked_word():
    info = analyze("How many engineers work at the plant?")
    near = "About 300 engineers work there."
    far = "The plant opened in 1990 with 300 staff, and since then it has hired new engineers every year."
    assert _value_near_term(info, near, values(info, near))
    assert not _value_near_term(info, far, values(info, far))


def test_answer_slot_is_the_value_nearest_the_asked_words():
    info = analyze("When was the city established?")
    text = "A village stood there in 1847, and the city was established in 1861 by a royal charter."
    slot = answer_slot(info, text, values(info, text))
    assert slot.kind == "date" and slot.text == "1861"
    why = analyze("Why did it happen?")
    assert answer_slot(why, text, values(why, text)) is None


def test_idf_of_the_subject_of_a_small_corpus_still_counts():
    from rag.lexical import LexicalIndex
    from rag.models import Chunk, DocMeta
    from rag.text import stem

    texts = ["The harbor ferry sails daily.", "The harbor opened in 1958.", "A new harbor pier was built."]
    lex = LexicalIndex([(Chunk(f"c{i}", f"d{i}", 0, t, 0, len(t)), DocMeta(f"d{i}.md")) for i, t in enumerate(texts)])
    common, rare, unseen = lex.idf(stem("harbor")), lex.idf(stem("ferry")), lex.idf("zeppelin")
    assert 1.0 < common < rare < unseen  # in every chunk, yet not worth nothing


def test_a_demonym_in_the_question_is_named_by_its_place():
    from rag.evidence import _name_match

    assert _name_match("Chinese", "Drones made in China sell well.") == 1.0
    assert _name_match("Korean", "Korea tested a missile.") >= 0.8  # also a near spelling
    assert _name_match("Mexican", "Mexico City hosted the talks.") == 1.0
    assert _name_match("Chinese", "Drones made in Brazil sell well.") == 0.0
    assert _name_match("Iran", "Iranian officials denied it.") == 1.0
    assert _name_match("Russia", "The Russian president spoke.") == 1.0
    assert _name_match("Iran", "Iraqi officials denied it.") == 0.0
    assert _name_match("Oldman", "An old man walked by.") == 0.0


def test_a_title_before_a_surname_and_initials_across_at():
    from rag.evidence import _acronyms, _name_match

    assert _name_match("Justice Dunn", "Dunn graduated from Blue Hill Academy.") == 1.0
    assert _name_match("Attorney General Russell", "Russell was called to the Bar in 1859.") == 1.0
    assert "upra" in _acronyms("the University of Puerto Rico at Aguadilla offers degrees")
    assert _name_match("US Defense Intelligence Agency", "The U.S. Defense Intelligence Agency has noted it.") == 1.0
    assert _name_match("U.S.-South Korea", "US-South Korea drills began.") == 1.0
    from rag.evidence import _spelt_out
    assert _spelt_out("MMR", "Take the measles, mumps and rubella vaccine.")
    assert not _spelt_out("MMR", "Measles cases rose in March.")


def test_a_short_first_name_and_alternative_names_name_the_subject():
    from rag.evidence import _name_match
    from rag.query import entities

    assert _name_match("Nicholas Hill", "Nick Hill is an American football coach.") == 1.0
    assert _name_match("Nicholas Hill", "Hill was signed by the Bears.") == 0.5  # the surname alone
    assert _name_match("Nicholas Hill", "Ned Hill is a coach; Nick Carter sings.") == 0.5  # another first name
    assert _name_match("C. Mayer", "Christa Mayer is a basketball player.") == 1.0  # an initial
    assert _name_match("C. Mayer", "Anna Mayer is a basketball player.") == 0.5
    assert entities("What is the estimated population of Hajin/Nor Hachn?") == ["Hajin/Nor Hachn"]
    assert _name_match("Hajin/Nor Hachn", "Nor Hachn had a population of 9,307.") == 1.0
    assert _name_match("Hajin/Nor Hachn", "Hajin had a population of 37,935.") == 1.0
    assert _name_match("Hajin/Nor Hachn", "Aleppo had a population of 2 million.") == 0.0
    # a possessive ends a name: the owner and the thing owned are two names, neither with "'s"
    assert entities("What stands in the way of Ostra's AI plans?") == ["Ostra", "AI"]
    assert entities("When did the Bank of Kestel’s Monetary Board meet?") == ["Bank of Kestel", "Monetary Board"]
    assert entities("What is Marlow's population?") == ["Marlow"]


def test_the_question_word_decides_the_answer_type_and_names_are_no_keywords():
    from rag.query import analyze

    assert analyze("When was Walter Price born?").answer_type == "date"
    assert analyze("What was the price of the deal?").answer_type == "money"
    assert analyze("Who paid the price?").answer_type == "person"


def test_a_past_date_does_not_answer_when_something_will_happen(fake_embedder):
    text = ("Elbonia held a drone test on March 3, 2024. "
            "Officials said Elbonia will hold its next drone test on June 1, 2026.")
    cands = _candidates(fake_embedder, text, "When will Elbonia hold its next drone test?", title="Elbonia")
    eligible = {c.sentence.text[:20]: c.eligible for c in cands}
    assert eligible == {"Elbonia held a drone": False, "Officials said Elbon": True}


def test_ages_and_incomes_ask_for_figures():
    from rag.query import analyze

    assert analyze("What is the median age in Elmwood?").answer_type == "measure"
    assert analyze("What is the median income for a household in Elmwood?").answer_type == "money"


def test_a_date_without_its_year_is_a_date():
    from rag.query import analyze
    from rag.values import values

    info = analyze("When will the council meet for the first time?")
    assert [v.text for v in values(info, "Its council is due to meet for the first time on June 9.")] == ["June 9"]
    assert [v.text for v in values(info, "It meets on 2 June, at 10am.")] == ["2 June"]
    assert values(info, "Prices may 5 times rise.") == []


def test_a_size_is_a_measure_or_a_count():
    from rag.query import analyze
    from rag.values import values

    frog, army = analyze("How big is the Sarrow frog?"), analyze("How large is the Elbonian army?")
    assert frog.answer_type == army.answer_type == "size"
    assert [(v.kind, v.text) for v in values(frog, "It measures 2.3 centimetres, found in 2024.")] == \
        [("measure", "2.3 centimetres")]
    assert [(v.kind, v.text) for v in values(army, "It has about one million troops.")] == [("count", "one million")]
    turbines = analyze("How many turbines will the wind farm have?")
    assert values(turbines, "The wind farm, 22 kilometres off the coast, cost $5m.") == []  # a distance, a price
    assert [v.text for v in values(turbines, "It will have 64 turbines.")] == ["64"]
    days = analyze("How many days did the strike last?")  # unless the measure's unit is what is counted
    assert [v.text for v in values(days, "The strike lasted 12 days and cost $5m.")] == ["12"]


def test_the_speaker_asked_about_must_be_named():
    from rag.evidence import _names_speaker
    from rag.query import analyze

    info = analyze("What did the trawler owners' association say about the wind farm?")
    assert info.answer_type == "statement" and info.speaker == "the trawler owners' association"
    assert _names_speaker(info, "The Grisholm Trawler Owners' Association said the farm would close cod grounds.")
    assert not _names_speaker(info, "The energy minister said the farm would open next year.")
    assert _names_speaker(analyze("What did China say about it?"), "Chinese officials warned against it.")
    # a near spelling counts, but no function word is one: "While" does not name the White House
    white_house = analyze("What did the White House say about the talks?")
    assert not _names_speaker(white_house, "While the talks went on, the agency said it was hopeful.")
    assert _names_speaker(white_house, "The Whte House said on Monday that the talks went well.")
    assert _names_speaker(analyze("What did the Trawler Owners say?"), "While at sea, the Trawler Ownrs said no.")


def test_what_someone_said_is_only_answered_by_reported_speech(fake_embedder):
    from rag.query import analyze

    text = ("Elbonia has become a big exporter of farm drones. "
            "Officials in Elbonia warned that the drone program could strain the budget. "
            "“We will not cut the drone program,” an Elbonia minister told reporters. "
            "The budget grew. Kim urged more drone production. The United States sells drones.")
    assert analyze("What did Elbonia say about the drone program?").answer_type == "statement"
    cands = _candidates(fake_embedder, text, "What did Elbonia say about the drone program?", title="Elbonia")
    eligible = {c.sentence.text[:12]: c.eligible for c in cands}
    assert eligible == {"Elbonia has ": False, "Officials in": True, "“We will not": True,
                        "Kim urged mo": False, "The United S": False}  # said by someone else; no one says
    assert all(c.slot is None for c in cands)  # the answer is the whole quote


def test_declaring_stressing_and_vowing_report_speech_too():
    from rag.query import analyze
    from rag.values import values

    info = analyze("What did the Elbonian minister call a top priority?")
    assert info.answer_type == "statement"
    for verb in ("declared", "stressed", "called", "vowed", "emphasised", "pledged"):
        assert values(info, f"The minister {verb} the canal plan a top priority."), verb
    assert not values(info, "The minister opened the canal plan in May.")


def test_a_figure_between_two_parties_is_quoted_from_a_span_naming_both(fake_embedder):
    text = ("Elbonia also received $2 billion in fuel from Sylvania. "
            "Elbonia and Freedonia signed a trade pact. Freedonia sent Elbonia $5 billion in grain.")
    cands = _candidates(fake_embedder, text, "How much did Sylvania give Freedonia?", title="Elbonia")
    eligible = {c.sentence.text[:12]: c.eligible for c in cands}
    assert eligible == {"Elbonia and ": False, "Freedonia se": False, "Elbonia also": False}  # never both
    cands = _candidates(fake_embedder, text, "How much did Sylvania give Elbonia?", title="Elbonia")
    assert {c.sentence.text[:12]: c.eligible for c in cands}["Elbonia also"]


def test_a_name_the_question_gives_as_a_setting_is_no_party(fake_embedder):
    text = "Bluewake Ferries has been fined €450,000 after a ship sailed short-staffed. It was on the Gressholm route."

    def eligible(question: str) -> bool:
        cands = _candidates(fake_embedder, text, question, title="Fine")
        return next(c.eligible for c in cands if c.sentence.text.startswith("Bluewake"))

    assert eligible("How much was Bluewake Ferries fined over the Gressholm ferry incident?")  # where, not who
    assert not eligible("How much did Bluewake Ferries pay Gressholm?")  # two parties: the span names one


def test_an_age_is_no_figure_between_two_parties(fake_embedder):
    text = "The Blue Harbour hangs in Orvik. Mara Kell finished it in 1874. She was only 19 at the time."
    cands = _candidates(fake_embedder, text, "How old was Mara Kell when she painted The Blue Harbour?", title="Art")
    assert {c.sentence.text[:12]: c.eligible for c in cands}["She was only"]  # the work need not be named again


def test_a_sentence_pointing_back_is_about_its_documents_subject(fake_embedder):
    text = ("Voters approved the merger of Elbonia and Freedonia. The combined town will have 7,000 residents. "
            "Its council is due to meet for the first time on June 9. A council in Sylvania met on May 3.")
    cands = _candidates(fake_embedder, text, "When will the Elbonia-Freedonia council meet for the first time?",
                        title="Merger")
    slots = {c.sentence.text[:12]: c.slot and c.slot.text for c in cands}
    assert slots["Its council "] == "June 9"
    assert slots["A council in"] is None  # names no subject and points back to none


def _candidates(embedder, text: str, question: str, title: str):
    """The candidates of one document (one chunk) for a question, as the answerer featurizes them."""
    from rag.evidence import candidate_sentences, document_sentences, featurize
    from rag.models import Chunk, DocMeta, Document, RetrievedChunk
    from rag.query import analyze

    doc = Document(id="d", text=text, meta=DocMeta(path="d.md", title=title))
    chunk = RetrievedChunk(Chunk(id="c", doc_id="d", index=0, text=text, start=0, end=len(text)), doc.meta, 1.0)
    info = analyze(question)
    rows = candidate_sentences([chunk], lambda _: document_sentences(doc))
    return featurize(info, embedder.embed([info.text])[0], rows, embedder.embed, lambda t: 1.0, {"d": doc})


def test_a_source_named_in_the_preamble_must_be_named_by_the_document(fake_embedder):
    from rag.query import analyze

    q = "According to the Harbour Gazette article, how many ships did Elbonia build?"
    assert analyze(q).text == "how many ships did Elbonia build?" and analyze(q).sources == ["Harbour Gazette"]
    text = "Elbonia built 12 ships last year."
    assert not any(c.eligible for c in _candidates(fake_embedder, text, q, title="Elbonia"))
    assert any(c.eligible for c in _candidates(fake_embedder, text, q, title="Harbour Gazette: Elbonia"))


def test_a_preamble_the_question_points_back_to_is_its_subject():
    from rag.query import analyze

    info = analyze("2nd Duke of Newcastle, what year was he born?")
    assert info.entity_names == ["Duke of Newcastle"] and info.answer_type == "date"
    # no pronoun: the preamble is an instruction, and a source named is no subject
    assert analyze("Answer from memory without quotes: how many ships does Elbonia have?").entity_names == ["Elbonia"]
    assert analyze("According to the Harbour Gazette, how many ships did it build?").entity_names == []


def test_a_name_written_a_and_b_is_one_name_when_a_document_joins_them():
    from rag.evidence import joined_names
    from rag.query import analyze

    def doc(text: str) -> list[str]:
        return [text]

    info = analyze("Where is the Kestel and Ostra Railway Depot located?")
    assert info.entity_names == ["Kestel", "Ostra Railway Depot"]  # the question alone cuts it in two
    assert joined_names(info, doc("A station of the Kestel & Ostra line.")).entity_names == \
        ["Kestel and Ostra Railway Depot"]
    two = analyze("When did Kestel and Ostra sign the pact?")
    assert joined_names(two, doc("Kestel and the Ostran government signed it.")).entity_names == ["Kestel", "Ostra"]


def test_the_share_of_asked_words_no_document_mentions():
    from rag.evidence import _absent_share

    texts = ["The treaty was signed in June.", "Both sides ratified the treaty."]
    assert _absent_share(["treati", "sign"], lambda t: 1.0, texts) == 0.0
    assert _absent_share(["articl", "treati"], lambda t: {"articl": 3.0}.get(t, 1.0), texts) == 0.75
    assert _absent_share([], lambda t: 1.0, texts) == 0.0


def test_a_sentence_naming_a_country_by_its_demonym_is_quoted_alone(fake_embedder):
    q = "How many troops does North Korea have?"
    named = _candidates(fake_embedder, "Talks with North Korea stalled again. North Korean forces number about "
                                       "1.2 million troops.", q, title="Talks")
    assert {c.text for c in named if "troops" in c.text} == {"North Korean forces number about 1.2 million troops."}
    # a sentence that names the subject nowhere is quoted with the one before that does
    unnamed = _candidates(fake_embedder, "Talks with North Korea stalled again. Its forces number about 1.2 million "
                                         "troops.", q, title="Talks")
    assert {c.text for c in unnamed if "troops" in c.text} == {"Talks with North Korea stalled again. Its forces "
                                                              "number about 1.2 million troops."}


def test_an_acronym_another_sentence_spells_out_in_lower_case_gives_no_name_slot(fake_embedder):
    text = ("Ostra has named deep learning (DL) a priority. "
            "The integration of DL into ships raises worries about hacking, which rivals could exploit against Ostra.")
    cands = _candidates(fake_embedder, text, "Which hacking group is blamed for attacks on Ostra?", title="Ostra")
    assert [c.slot for c in cands] == [None, None]  # "DL" would be read as the group's name


def test_a_name_no_document_names_counts_as_the_country_it_stands_for(fake_embedder):
    q = "What did Elbonia get from the Kremlin in exchange for its shells?"
    moscow = "Elbonia received fuel and food from Moscow in exchange for its shells, officials said."
    assert any(c.eligible for c in _candidates(fake_embedder, moscow, q, title="Elbonia"))
    ostra = "Elbonia received fuel and food from Ostra in exchange for its shells, officials said."
    assert not any(c.eligible for c in _candidates(fake_embedder, ostra, q, title="Elbonia"))
    # who is asked to have said something is still named as itself: Moscow's words are not the Kremlin's
    said = "Moscow said on Monday that Elbonia would receive fuel, according to officials."
    assert not any(c.eligible for c in _candidates(fake_embedder, said, "What did the Kremlin say about Elbonia?",
                                                   title="Elbonia"))


def test_a_documents_named_text_is_one_string_for_every_question():
    from rag.evidence import _named_text
    from rag.models import DocMeta, Document

    def doc() -> Document:  # the index hands out equal, not identical, documents
        return Document("d1", "Ostra built 12 ships. " * 50, DocMeta(path="a.md", title="Ships"))

    assert _named_text(doc()) is _named_text(doc())  # the caches keyed by it keep one copy, not one per question


def test_a_country_no_document_names_is_named_by_its_capital(fake_embedder):
    q = "How many ships did Kenya buy last year?"
    assert any(c.eligible for c in _candidates(fake_embedder, "Nairobi bought 12 ships last year, officials said.", q,
                                               title="Ships"))
    assert not any(c.eligible for c in _candidates(fake_embedder, "Lima bought 12 ships last year, officials said.",
                                                   q, title="Ships"))


def test_a_markdown_heading_is_no_answer_of_its_own(fake_embedder):
    text = ("# Norvik sold to Veltra in $2.6bn deal\n\n*The Ledger, 3 June 2026*\n\n"
            "Norvik was founded by Peter Akande in 1994. Veltra will pay $2.6bn for Norvik.")
    cands = _candidates(fake_embedder, text, "Who founded Norvik?", title="Norvik sold to Veltra")
    eligible = {c.sentence.text[:8]: c.eligible for c in cands}
    assert not eligible["# Norvik"] and eligible["Norvik w"] and eligible["Veltra w"]
