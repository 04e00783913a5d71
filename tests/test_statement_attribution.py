"""The statement gate's checks of who said it, of a number said of the wrong thing or in another unit, of words
added, a negation dropped, a time frame changed, and of names written with a hyphen."""
from rag.statement_attribution import speaker_problems, speeches
from rag.statement_checks import added_words, misplaced_numbers, typed_problems, written

TWO_SPEAKERS = ("Mayor Ines Calloway said the new bridge would 'change how this town breathes', while "
                "engineer Piet Rosmalen told the council the steel deck would arrive in March.")


def test_words_of_one_speaker_given_to_the_other_are_caught():
    assert speaker_problems("Piet Rosmalen said the new bridge would 'change how this town breathes'.", TWO_SPEAKERS)
    assert speaker_problems("Ines Calloway said the steel deck for the bridge would arrive in March.", TWO_SPEAKERS)
    # a speaker after what is said: "…,' said X"
    quote = ("'We will not close a single ward this winter,' said health chief Orla Brennan, after union leader "
             "Sami Haddad warned of staff shortages.")
    assert speaker_problems("Sami Haddad said: 'We will not close a single ward this winter.'", quote)
    assert "Orla Brennan" in typed_problems("Sami Haddad said they would not close a single ward this winter.",
                                            quote)[0]


def test_each_speaker_kept_with_their_own_words_passes():
    assert not speaker_problems("Ines Calloway said the bridge would 'change how this town breathes'.", TWO_SPEAKERS)
    assert not speaker_problems("The steel deck will arrive in March, engineer Piet Rosmalen said.", TWO_SPEAKERS)
    assert not speaker_problems("According to Piet Rosmalen, the steel deck arrives in March.", TWO_SPEAKERS)
    # narration outside anyone's speech is no evidence against a speaker
    quote = "Ticket prices rose by a fifth in May, and manager Ada Kors said demand was still growing."
    assert not speaker_problems("Ada Kors said ticket prices rose by a fifth in May.", quote)
    # a speaker the quote names only as a role ("officials said") is not compared
    assert not speaker_problems("Ada Kors said demand kept growing.", "Demand kept growing, officials said.")


def test_speech_events_and_what_is_said():
    said = [(s.name, TWO_SPEAKERS[s.start:s.end].strip()) for s in speeches(TWO_SPEAKERS)]
    assert said[0][0] == "Mayor Ines Calloway" and "change how this town breathes" in said[0][1]
    assert said[1] == ("Piet Rosmalen", "the council the steel deck would arrive in March.")
    # a clause opening after a comma is no title: "…, after union leader X warned" puts X before what X says
    quote = "'No,' said Lia Ferro, after coach Tom Reyes warned that the pitch was unsafe."
    assert [s.name for s in speeches(quote)] == ["Lia Ferro", "Tom Reyes"]
    # a possessive's apostrophe closes no quotation: "Farmers' leader X said …" says it after
    quote = "Farmers' leader Gwen Holt said the levy was unfair."
    assert quote[speeches(quote)[0].start:].strip() == "the levy was unfair."


def test_a_number_said_of_what_the_quote_gives_another_number_for_is_caught():
    quote = ("The Arden tunnel, first due to open in 2027, will now be finished in spring 2029 at a cost of "
             "880 million euros.")
    assert misplaced_numbers("The Arden tunnel will now be finished in spring 2027.", quote)
    assert not misplaced_numbers("The Arden tunnel will now be finished in spring 2029.", quote)
    assert not misplaced_numbers("The tunnel had first been due to open in 2027.", quote)
    # two numbers that change places with their subjects keep both: a reordering, not an error
    quote = "Velo Cars outsold Brannock Motors in May, selling 4,120 cars to its rival's 3,905."
    assert not misplaced_numbers("Brannock Motors sold 3,905 cars in May to Velo Cars' 4,120.", quote)


def test_a_scale_is_shared_only_by_a_range():
    assert [n.value for n in written("between 2 and 3 million people")] == [2e6, 3e6]
    assert [n.value for n in written("in 2026 at a cost of 410 million euros")] == [2026, 410e6]


def test_the_same_speaker_in_other_words_passes():
    quote = "The Harbour Safety Authority said the pier would stay closed until June."
    assert not speaker_problems("The HSA said the pier would stay closed until June.", quote)
    quote = "Jo Ward, a spokesman for Aquivale, said the ban would be lifted on Monday."
    assert not speaker_problems("Aquivale said the ban would be lifted on Monday.", quote)


def test_a_run_of_words_the_quote_lacks_is_an_addition():
    quote = "Otter numbers on the River Lenn have doubled since 2015, the wildlife trust said."
    assert added_words("Otter numbers on the River Lenn doubled since 2015 thanks to cleaner farm drainage.", quote)
    # rewordings change fewer words in a row; a source's name and "reports" add nothing
    assert not added_words("The wildlife trust says otters on the Lenn have doubled in number since 2015.", quote)
    assert not added_words("The Lenn Valley Weekly reports otter numbers doubled since 2015.", quote,
                           source="Lenn Valley Weekly")


def test_speakers_named_with_a_title_in_commas_or_after_a_time():
    quote = ("Union official Rhea Moss said the talks were 'going nowhere', while the port's operations chief, "
             "Colm Dever, said a deal was still possible.")
    assert [s.name for s in speeches(quote)] == ["Rhea Moss", "Colm Dever"]
    assert quote[speeches(quote)[1].start:].strip() == "a deal was still possible."
    # a statement naming what its speaker speaks of in the other speaker's words is no misattribution
    assert not speaker_problems("Colm Dever said a deal on the talks was still possible.", quote)
    assert speaker_problems("Colm Dever said the talks were 'going nowhere'.", quote)
    # "…, X told a meeting on Monday": what X says comes before
    quote = "Bed numbers will fall by a tenth, the trust's chief, Ama Osei, told a board meeting on Monday."
    said = speeches(quote)[0]
    assert said.name == "Ama Osei" and "Bed numbers will fall" in quote[said.start:said.end]


def test_a_dropped_negation_is_caught():
    from rag.statement_checks import dropped_negation
    quote = "The harbour master did not rule out closing the marina, but said no decision had been made."
    assert dropped_negation("The harbour master ruled out closing the marina.", quote)
    assert dropped_negation("Coach Ida Brandt said she was unhappy with the draw.",
                            "Coach Ida Brandt said she was 'not unhappy' with the draw.")
    # the negation in other words, or after the word, in the same clause
    assert not dropped_negation("The harbour master refused to rule out closing the marina.", quote)
    assert not dropped_negation("Keeper Lars Vik has conceded no goals in seven games.",
                                "Keeper Lars Vik has not conceded a goal in seven games.")
    assert not dropped_negation("The trial results have yet to be replicated.",
                                "The results had not yet been replicated, the team said.")


def test_names_written_with_a_hyphen_and_opening_participles():
    from rag.statement_checks import name_problems
    quote = "The 26-mile line between Ostley and Branmoor will close, with Park Ji-hoon in charge."
    assert not name_problems("The Ostley-Branmoor line will close under Ji-hoon.", quote)
    assert name_problems("The Ostley-Carden line will close.", quote) == ["the name “Carden” is not in the quote"]
    assert not name_problems("Continuing gales closed the line.", "The line closed as gales continued.")


def test_a_time_frame_the_quote_does_not_give_is_caught():
    from rag.statement_checks import time_frame_problems
    quote = "The Anchor Inn, which dates from 1702, closed last year after its owners failed to find a buyer."
    assert time_frame_problems("The Anchor Inn will close next year.", quote)
    assert not time_frame_problems("The Anchor Inn closed last year.", quote)
    assert not time_frame_problems("The plant's output falls by a third this winter.",
                                   "The plant will cut its output by a third over the winter.")


def test_a_measure_in_another_unit_with_the_same_number_is_caught():
    from rag.statement_checks import figure_problems
    assert figure_problems("The pipeline is 40 kilometres long.", "The pipeline is 40 miles long.")
    assert not figure_problems("The pipeline is 40 km long.", "The pipeline is 40 kilometres long.")
    assert not figure_problems("More than 400 people were hurt.", "More than 400 were injured.")  # a count's noun
