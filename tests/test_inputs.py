"""What the chain accepts: cleaned text, bounded questions and chat histories (fast, but for one timing check)."""
from __future__ import annotations

import time

import pytest

from rag.models import (MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_TURN_CHARS, Answer, ChainInput, InputError,
                        Turn, clean_text)
from rag.pipeline import to_input


def test_lone_surrogates_and_control_characters_are_cleaned():
    assert clean_text("pier\udcff?\x1b[31m\x07") == "pier\ufffd?[31m"
    assert clean_text("tabs\tand\nnewlines stay") == "tabs\tand\nnewlines stay"
    req = to_input({"question": "How long\udcff is the pier?", "history": [{"question": "q\ud800", "answer": "a\x00"}]})
    assert req.question == "How long\ufffd is the pier?"
    assert req.history == [Turn("q\ufffd", "a")]
    req.question.encode("utf-8")  # what the tokenizer and the JSON encoder need


def test_limits_are_inclusive_and_over_them_is_a_clear_error():
    full = [Turn("q" * 1000, "a" * (MAX_TURN_CHARS - 1000))] * MAX_HISTORY_TURNS
    ChainInput("x" * MAX_QUESTION_CHARS, history=full)  # exactly at every limit: accepted
    with pytest.raises(InputError, match=r"question is 2,001 characters long; the limit is 2,000"):
        ChainInput("x" * (MAX_QUESTION_CHARS + 1))
    with pytest.raises(InputError, match=r"history has 51 turns; the limit is 50"):
        to_input({"question": "q", "history": [{"question": "q"}] * (MAX_HISTORY_TURNS + 1)})
    with pytest.raises(InputError, match=r"History turn 2 is 4,001 characters long"):
        ChainInput("q", history=[Turn("ok"), Turn("q", "a" * MAX_TURN_CHARS)])
    for bad_k in (0, -1, True, "3"):
        with pytest.raises(InputError, match="k must be"):
            ChainInput("q", k=bad_k)


def test_chat_sends_only_the_latest_turns_within_the_limits():
    from ui.app import history_of
    from ui.render import ChatTurn

    turns = [ChatTurn(n, f"question {n}", Answer(question="q", answer="x" * 9000, abstained=False))
             for n in range(1, 71)]
    turns.append(ChatTurn(71, "still streaming", Answer(question="q", answer="", abstained=False, complete=False)))
    history = history_of(turns)
    assert [h["question"] for h in history] == [f"question {n}" for n in range(21, 71)]
    ChainInput("and then?", history=[Turn(**h) for h in history])  # accepted: no error for a long chat


@pytest.mark.slow
def test_the_largest_history_allowed_is_answered_in_seconds(seed_chain):
    words = "North Korea Russia weapons troops drones Kim Putin pact aid food fuel".split()
    question = " ".join(words[i % len(words)] for i in range(1000))[:MAX_TURN_CHARS]
    t0 = time.perf_counter()
    seed_chain.invoke({"question": "and what did it get in return?",
                       "history": [{"question": question}] * MAX_HISTORY_TURNS})
    assert time.perf_counter() - t0 < 10  # 2,000 such turns took 105 s before the limits
