"""Countries in their other names (rag/countries.py, from the countryinfo package): no model, no index."""
from rag.countries import countries_in, country_of
from rag.models import AnswerSlot
from rag.query import analyze
from rag.slot_conflicts import relation
from rag.values import values


def test_a_capital_demonym_code_or_official_name_stands_for_its_country():
    assert country_of("Nairobi") == country_of("Kenya") == country_of("Kenyan") == "Kenya"
    assert country_of("the U.S.") == country_of("USA") == country_of("Washington") == "United States"
    assert country_of("U.K.") == country_of("British") == "United Kingdom"
    assert country_of("Elbonia") is None and country_of("Kestel") is None


def test_codes_count_only_in_capitals():
    assert country_of("CAN") == "Canada"
    assert country_of("Can") is None and country_of("It") is None


def test_every_country_a_question_names_in_any_form():
    assert countries_in("Which article of the France-Kenya treaty covers trade?") == {"France", "Kenya"}
    assert countries_in("What did the Kenyan ministry tell Paris?") == {"Kenya", "France"}
    assert countries_in("Can you name the biggest harbour?") == frozenset()


def test_the_capital_of_a_country_the_question_names_is_no_answer():
    info = analyze("Which model of fighter jet did France give Kenya?")
    found = [v.text for v in values(info, "Analysts say Paris has reaped more from the deal than Nairobi.")]
    assert "Paris" not in found and "Nairobi" not in found
    other = analyze("Which city hosted the summit?")
    assert [v.text for v in values(other, "The summit was held in Paris.")] == ["Paris"]


def test_a_country_and_its_capital_agree_two_countries_differ():
    name = lambda t: AnswerSlot(kind="name", text=t)  # noqa: E731
    assert relation(name("Paris"), name("France")) == "same"
    assert relation(name("the U.S."), name("Washington")) == "same"
    assert relation(name("France"), name("Germany")) == "different"


def test_a_seat_of_government_stands_for_its_country_by_its_wordnet_definition():
    from rag.countries import country_standing_for

    assert country_standing_for("Kremlin") == country_standing_for("the Kremlin") == "Russia"
    assert country_standing_for("White House") == "United States"
    assert country_standing_for("Downing Street") == "United Kingdom"
    # defined as a country and as a US state: which one is meant is not known; people's names are never read
    assert country_standing_for("Georgia") is None and country_standing_for("Reed") is None
    assert country_standing_for("Elbonia") is None


def test_a_damaged_wordnet_file_is_a_warning_not_a_failed_answer(tmp_path, monkeypatch):
    import pytest

    from rag import definitions, noun_kinds, wordnet

    def clear():
        for cached in (wordnet.noun_synsets, wordnet.noun_exceptions, wordnet._sense_index, wordnet._noun_senses, wordnet.noun_lexfiles,
                       noun_kinds._lemmas, definitions._proper_names):
            cached.cache_clear()

    (tmp_path / "data.noun").write_bytes(b"00001740 03 n 01 entity 0 003 | \xff\xfe not utf-8\n")
    monkeypatch.setattr(wordnet, "_data_dir", lambda: tmp_path)
    clear()
    try:
        with pytest.warns(UserWarning, match="cannot be read"):
            assert definitions.definitions("White House") == ()
        with pytest.warns(UserWarning, match="cannot be read"):  # missing: kinds unknown, counts are not told apart
            assert not noun_kinds.other_kinds("warheads", "soldiers")
    finally:
        monkeypatch.undo()
        clear()
    assert definitions.definitions("White House")  # the installed data reads again
    assert noun_kinds.other_kinds("warheads", "soldiers")
