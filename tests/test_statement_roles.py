"""The statement gate's parse-based party check: who did what to whom, read from a dependency parse."""
import threading

import pytest

from rag.statement_checks import typed_problems
from rag.statement_roles import party_problems, roles, speech_problems, whole_for_part_problems

pytestmark = pytest.mark.slow  # loads spaCy's small English pipeline (about 2 s)

QUOTE = ("A 34-year-old courier has been charged with theft after a shop assistant was threatened outside the "
         "Marlow Street bakery on Friday night, police said.")


def test_parties_exchanged_in_a_passive_are_caught():
    swapped = ("A shop assistant has been charged with theft after a 34-year-old courier was threatened outside "
               "the Marlow Street bakery on Friday night, police said.")
    problems = party_problems(swapped, QUOTE)
    assert problems and "charge" in problems[0]
    assert typed_problems(swapped, QUOTE)  # the gate refuses it too


def test_an_object_given_to_the_other_party_is_caught():
    quote = "The tribunal ordered the landlord to repay the tenants' deposits after it found the flats unsafe."
    assert party_problems("The tribunal ordered the tenants to repay the landlord's deposits.", quote)


def test_a_descriptor_moved_to_the_other_thing_is_caught():
    quote = "A van collided with a delivery lorry near Ostby; the lorry driver was treated for a broken arm."
    problems = party_problems("A lorry collided with a delivery van near Ostby; the van driver was treated for "
                              "a broken arm.", quote)
    assert problems and "lorry driver" in problems[0]
    # a descriptor the quote gives nothing else is no exchange
    assert not party_problems("A van collided with a lorry near Ostby; the delivery lorry driver was treated.",
                              quote)


def test_the_same_parties_in_other_words_pass():
    assert not party_problems("Police said a courier, 34, was charged with theft after a shop assistant was "
                              "threatened outside the bakery.", QUOTE)
    # active for passive: the doer moves, the roles do not
    assert not party_problems("Police charged a 34-year-old courier with theft after someone threatened a shop "
                              "assistant outside the Marlow Street bakery.", QUOTE)


def test_a_verb_with_one_party_names_either():
    quote = "The Ferrow trust will close the Lindale visitor centre at weekends from next month."
    assert not party_problems("The Lindale visitor centre will close at weekends from next month.", quote)
    assert not party_problems("The trust will close the Lindale visitor centre at weekends.",
                              "The Lindale visitor centre will close at weekends from next month.")


def test_a_reordered_list_passes():
    quote = "Delegations from Orsa, Tavel and Quen signed agreements on port fees, visa rules and fishing rights."
    assert not party_problems("Delegations from Quen, Orsa and Tavel signed agreements on fishing rights, visa "
                              "rules and port fees.", quote)


def test_speakers_are_left_to_the_speaker_check():
    quote = "Mayor Ana Lute said the bridge would reopen in May, while engineer Tom Besk warned it might not."
    assert not party_problems("Engineer Tom Besk said the bridge would reopen in May.", quote)


def test_the_whole_for_its_part_is_caught():
    quote = "The Fenmoor gallery's new sculpture wing drew 41,000 visitors in its first month, the director said."
    problems = whole_for_part_problems("The Fenmoor gallery drew 41,000 visitors in a month.", quote)
    assert problems and "wing" in problems[0]
    assert not whole_for_part_problems("The gallery's new wing drew 41,000 visitors.", quote)
    assert not whole_for_part_problems("The Fenmoor gallery drew 41,000 visitors.",
                                       "The Fenmoor gallery drew 41,000 visitors to its new wing.")


SPEECHES = ("Mayor Ana Lute said the new tram line had 'changed the town', while shopkeeper Tom Besk said takings "
            "had fallen since the roadworks began in March.")


def test_words_given_to_the_other_speaker_are_caught():
    problems = speech_problems("Mayor Ana Lute said takings at local shops had fallen since roadworks began in "
                               "March.", SPEECHES)
    assert problems and "Besk" in problems[0]


def test_words_given_to_their_own_speaker_pass():
    assert not speech_problems("Shopkeeper Tom Besk said takings had fallen since March's roadworks began.",
                               SPEECHES)
    assert not speech_problems("Ana Lute said the tram line had changed the town.", SPEECHES)
    # a speaker the quote does not have is the regex speaker check's to judge
    assert not speech_problems("Councillor Joe Pym said takings had fallen since the roadworks began.", SPEECHES)


def test_parses_from_several_threads_agree():
    text = "The council sold the depot to a charity."
    expected = [(r.verb, r.role, r.party.text) for r in roles(text)]
    results: list[list[tuple[str, str, str]]] = []

    def parse():
        for _ in range(5):
            results.append([(r.verb, r.role, r.party.text) for r in roles(text)])

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert expected == [("sell", "doer", "council"), ("sell", "done-to", "depot")]
    assert all(r == expected for r in results) and len(results) == 20
