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
