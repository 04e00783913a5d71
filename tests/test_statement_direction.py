"""The direction checks of the statement gate: swapped roles and opposite direction words."""
from rag.statement_direction import direction_problems, opposite_problems, role_problems

QUOTE = "Arlen Mining has sold its Tesk smelter to Covar Group for $40m, the company said on Monday."


def test_swapped_names_around_the_same_verb_are_caught():
    assert role_problems("Covar Group has sold its Tesk smelter to Arlen Mining for $40m.", QUOTE)


def test_swapped_figures_around_the_same_word_are_caught():
    quote = "The union asked for 9% and the employer offered 4%, talks that ended without a deal."
    assert role_problems("The union asked for 4% and the employer offered 9%.", quote)


def test_same_roles_in_other_words_pass():
    assert not role_problems("Arlen Mining sold the Tesk smelter to Covar Group for $40m.", QUOTE)
    assert not role_problems("Covar Group bought the Tesk smelter from Arlen Mining for $40m.", QUOTE)
    # the passive puts the doer after the verb: no anchor
    assert not role_problems("The Tesk smelter was sold to Covar Group by Arlen Mining for $40m.", QUOTE)
    assert not role_problems("The Tesk smelter has been sold by Arlen Mining to Covar Group.", QUOTE)


def test_a_reordered_list_on_the_same_side_passes():
    quote = "Researchers from Peru, Chile and Ghana took part in the study led by Lena Ost."
    assert not role_problems("Researchers from Ghana, Chile and Peru took part in the study led by Lena Ost.", quote)


def test_opposite_direction_words_are_caught():
    assert opposite_problems("Shares in Lumina fell 3% after the results.",
                             "Shares in Lumina rose 3% after the results.")
    assert opposite_problems("The council rejected the plan.", "The council approved the plan on Tuesday.")
    assert opposite_problems("The zoo stayed open.", "The heat forced the closure of the zoo.")
    assert opposite_problems("A jury convicted Lena Ost of fraud.", "A jury acquitted Lena Ost of fraud on Friday.")
    assert opposite_problems("The appeal court upheld the ban.", "The appeal court overturned the ban.")


def test_direction_words_the_quote_shares_pass():
    assert not opposite_problems("Shares rose 3%.", "Shares rose 3% on Monday.")
    assert not opposite_problems("Shares went up 3%.", "Shares rose 3% on Monday.")  # the same direction
    # the quote uses both directions: the statement may restate either
    assert not opposite_problems("Imports rose 2%.", "Exports fell 5% while imports rose 2%.")
    assert not opposite_problems("Unemployment fell to 4%.", "Unemployment stood at 4%.")  # no opposite in it


def test_role_words_taking_the_other_party_are_caught():
    quote = "Top seed Ana Verholt was knocked out in the second round by qualifier Jessa Moor."
    assert direction_problems("Qualifier Jessa Moor was knocked out in the second round by Ana Verholt.", quote)
    fares = "Single fares will change from £1.80 to £2.10 in January, the authority said."
    assert direction_problems("Single fares will change from £2.10 to £1.80 in January.", fares)
    assert not direction_problems("Fares will rise to £2.10 from £1.80 in January.", fares)
    # "according to" gives no role
    assert not direction_problems("According to the NWS, floods will reach Ellis Bay from Monday.",
                                  "The NWS said floods will spread from Monday to Ellis Bay.")


def test_a_figure_given_for_the_other_month_or_place_is_caught():
    quote = "Unemployment rose from 6.1% in March to 7.4% in June, the statistics office reported."
    assert direction_problems("Unemployment stood at 7.4% in March and 6.1% in June.", quote)
    assert not direction_problems("Unemployment was 7.4% in June, up from 6.1% in March.", quote)


def test_the_number_a_verb_takes_is_compared():
    quote = "Workers walked out after the operator rejected their demand for a 6% raise and offered 2% instead."
    assert direction_problems("The operator offered workers 6% after it rejected their demand for 2%.", quote)
    assert not direction_problems("The operator offered 2% and rejected a demand for 6%.", quote)


def test_a_converse_verb_with_its_own_role_words_passes():
    quote = "Velmar Rovers beat Ashcombe United 2-0 at Tollgate Park on Saturday."
    assert not direction_problems("Ashcombe United lost 2-0 to Velmar Rovers at Tollgate Park on Saturday.", quote)
    assert not direction_problems("Ashcombe United were beaten 2-0 by Velmar Rovers on Saturday.", quote)


def test_the_two_sides_of_instead_of_swapped_are_caught():
    quote = "The council voted to spend the grant on resurfacing the roads instead of building a new leisure centre."
    assert direction_problems("The council voted to spend the grant on a new leisure centre instead of the roads.",
                              quote)
    assert not direction_problems("The council chose resurfacing the roads rather than building a leisure centre.",
                                  quote)


def test_words_that_only_look_like_roles_or_verbs_are_none():
    # "by 6 percent": the role word marks the amount, not the month after it
    assert not direction_problems("Tariffs rise 6 percent from April, as announced by Solmara Utilities.",
                                  "Solmara Utilities said it would raise tariffs by 6 percent from April.")
    # "speed" is no past tense, "now" no verb after "will"
    assert not direction_problems("Kelvedon Road will keep its speed limit when Tarrington brings in 20 mph.",
                                  "Tarrington will bring in a 20 mph speed limit, but Kelvedon Road keeps its own.")
    assert not direction_problems("The cost has risen to 410 million euros and it will now open in 2026, not 2024.",
                                  "Originally due in 2024, it will now open in 2026 at a cost of 410 million euros.")


def test_a_thing_said_to_go_the_other_way_beside_it_is_caught():
    from rag.statement_direction import beside_problems
    quote = "The new ferry uses 12 per cent less fuel than the old one while carrying 30 more cars."
    assert beside_problems("The new ferry burns 12 per cent more fuel but carries 30 more cars.", quote)
    assert not beside_problems("The new ferry uses 12 per cent less fuel and carries 30 more cars.", quote)
    # different things going different ways stay apart
    assert not beside_problems("Imports rose 2%.", "Exports fell 5% while imports rose 2%.")


def test_a_figure_given_for_a_place_the_quote_gives_another_figure_for_is_caught():
    from rag.statement_direction import paired_problems
    quote = "The storm brought gusts of 88 mph to the exposed Tarn headland and 64 mph in the town of Orvik."
    assert paired_problems("Gusts reached 88 mph in the town of Orvik.", quote)
    assert not paired_problems("Gusts reached 64 mph in the town of Orvik.", quote)
    # two figures of one month, both for it: no problem
    assert not paired_problems("Diesel averaged 1.87 euros in March after a rise of 4.2 cents.",
                               "Diesel rose by 4.2 cents a litre in March to 1.87 euros.")


def test_two_things_told_apart_by_a_grade_word_swapped_around_the_verb_are_caught():
    quote = "Astronomers say the larger star in the pair is pulling gas from its smaller companion."
    assert role_problems("Astronomers say the smaller star in the pair is pulling gas from its larger companion.",
                         quote)
    assert not role_problems("The larger star in the pair is pulling gas from its smaller companion.", quote)
