"""The chain's input parsing (no model, no store): every history form, defaults, one-line errors."""
from __future__ import annotations

import datetime

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from rag.models import ChainInput, Filters, InputError, Turn
from rag.request import QARequest, parse_request


def test_every_history_form_becomes_turns():
    history = [Turn("a?", "b"), ("c?", "d"), ["e?"], {"question": "f?"}, HumanMessage("g?"), AIMessage("h"),
               {"role": "user", "content": "i?"}, {"role": "assistant", "content": [{"type": "text", "text": "j"}]}]
    got = parse_request({"question": "q", "history": history}).history
    assert [(t.question, t.answer) for t in got] == [("a?", "b"), ("c?", "d"), ("e?", ""), ("f?", ""), ("g?", "h"),
                                                    ("i?", "j")]


def test_a_chat_as_messages_is_history_plus_the_last_question():
    req = parse_request([SystemMessage("be brief"), HumanMessage("What did A give B?"), AIMessage("Money."),
                         HumanMessage("and then?")])
    assert req.question == "and then?" and [(t.question, t.answer) for t in req.history] == [("What did A give B?",
                                                                                                "Money.")]


def test_defaults_apply_only_when_the_input_is_silent():
    assert parse_request("q", k=3, filters={"outlets": "Wire"}) == ChainInput("q", [], Filters(("Wire",)), 3)
    own = parse_request({"question": "q", "k": 5, "filters": {"published_from": datetime.date(2025, 1, 2)}}, k=3,
                        filters={"outlets": ["Wire"]})
    assert own.k == 5 and own.filters == Filters(published_from="2025-01-02")


@pytest.mark.parametrize("bad,message", [
    ({"question": "q", "filters": {"published_to": "Sept 1"}}, "filters.published_to must be a date like"),
    ({"question": "q", "history": [{"question": "a", "answr": "b"}]}, r"history\.0\.answr: Extra inputs"),
    ({"question": 3}, "question: Input should be a valid string"),
    (None, "Give a question string or"),
])
def test_errors_are_one_line(bad, message):
    with pytest.raises(InputError, match=message) as e:
        parse_request(bad)
    assert "\n" not in str(e.value)


def test_schema_lists_the_fields_and_takes_a_bare_string():
    assert set(QARequest.model_json_schema()["properties"]) == {"question", "history", "filters", "k"}
    assert QARequest.model_validate("q").question == "q"
