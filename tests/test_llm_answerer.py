"""The LLM answerer against OpenAI-compatible stubs on 127.0.0.1, through the real ChatOpenAI client.

Each test runs the whole pipeline on the seed index; the stub decides what the "model" replies. Nothing
invented may reach the answer, and any failure of the model gives the extractive answer with a notice.
"""
from __future__ import annotations

import json
import socket

import pytest

from rag.pipeline import build_pipeline
from rag.render import answer_to_text
from tests.llm_stub import Reply, llm_settings, statement, stub_server

pytestmark = [pytest.mark.server, pytest.mark.slow]

QUESTION = "How much did Russia give North Korea?"
REAL = ("Reports suggest North Korea has supplied Moscow with nearly $10 billion worth of weapons and tens of "
        "thousands of troops for the war in Ukraine, but received less than $1.2 billion in food, fuel, air defense "
        "systems, and possibly some fighter jets in return.")
TRUE = "GateOfWise reports that North Korea received less than $1.2 billion in return."
LIE = "Russia gave North Korea $9.9 trillion in cash, the source says."
FALLBACK = "The model's answer could not be verified"


@pytest.fixture(scope="module")
def index(seed_settings):
    from rag.index import Index

    return Index(seed_settings)


def ask(index, seed_settings, behaviour, question: str = QUESTION, **extra):
    with stub_server(behaviour) as stub:
        answer = build_pipeline(llm_settings(seed_settings, stub.url, **extra), index=index).invoke(question)
    return answer, stub


def real(req):
    return req.passage_with(REAL[:60])


def test_faithful_model_statements_show_with_their_quotes(index, seed_settings):
    answer, stub = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), REAL, TRUE)]}))
    assert stub.requests[0].mode == "json_schema" and not answer.abstained and not answer.notices
    assert [(q.text, q.statement) for q in answer.quotes] == [(REAL, TRUE)]
    assert answer.answer.startswith(f"{TRUE} [1]\n> “{REAL}”")
    text = answer_to_text(answer)  # the CLI: the quote indented under its statement
    assert f"{TRUE} [1]\n    > “Reports suggest" in text
    assert json.loads(answer.model_dump_json())["quotes"][0]["statement"] == TRUE  # the JSON


def test_a_true_quote_under_a_false_statement_is_not_shown(index, seed_settings):
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), REAL, TRUE), statement(real(req), REAL, LIE)]}))
    assert "9.9 trillion" not in answer.model_dump_json()
    assert [q.statement for q in answer.quotes] == [TRUE]  # the lie's quote is shown once, under the truth
    assert "1 statement(s) were left out because their quotes do not support them" in answer.answer


def test_statements_that_turn_their_quote_around_or_overstate_it_are_not_shown(index, seed_settings):
    swapped = "Moscow has supplied North Korea with nearly $10 billion worth of weapons, reports suggest."
    overstated = "North Korea received less than $1.2 billion in return, all of it in food and fuel."
    unhedged = "North Korea received fighter jets in return for its weapons."
    caused = "North Korea received less than $1.2 billion in return because Moscow was short of cash."
    reversed_sum = "Moscow paid North Korea nearly $10 billion for weapons and troops."  # the sum went the other way
    lies = (swapped, overstated, unhedged, caused, reversed_sum)
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), REAL, TRUE)] + [statement(real(req), REAL, s) for s in lies]}))
    assert [q.statement for q in answer.quotes] == [TRUE]
    assert "5 statement(s) were left out because their quotes do not support them" in answer.answer
    assert not any(s in answer.answer for s in lies)


def test_only_false_statements_fall_back_to_the_extractive_answer(index, seed_settings):
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), REAL, LIE)]}))
    assert "9.9 trillion" not in answer.model_dump_json() and not answer.abstained
    assert answer.notices == [f"{FALLBACK} (none of its 1 statement(s) was supported by its quote); showing quotes "
                              "found directly."]
    assert answer.answer.startswith(f"_{FALLBACK}") and all(q.statement is None for q in answer.quotes)


def test_a_near_miss_quote_is_dropped_with_its_statement(index, seed_settings):
    near = REAL.replace("less than $1.2 billion", "less than $1.3 billion")
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), near, "North Korea received less than $1.3 billion."),
        statement(real(req), REAL, TRUE)]}))
    shown = [answer.answer] + [q.text for q in answer.quotes] + [q.statement or "" for q in answer.quotes]
    assert not any("1.3" in text for text in shown) and [q.statement for q in answer.quotes] == [TRUE]
    assert "1 statement(s) were left out because their quotes could not be found verbatim" in answer.answer


def test_a_figure_from_the_passage_but_not_from_the_quote_is_refused(index, seed_settings):
    weapons = REAL.split(", but")[0]  # the passage also says "$1.2 billion", this quote does not
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), weapons, "North Korea got less than $1.2 billion for nearly $10 billion of weapons.")]}))
    assert "1.2 billion for" not in answer.answer and answer.notices[0].startswith(FALLBACK)


def test_a_refused_statements_quote_is_shown_whole_and_once(index, seed_settings):
    fragment = "China remains North Korea’s primary partner in both AI and broader economic supp"
    answer, _ = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), fragment, LIE), statement(real(req), REAL, LIE), statement(real(req), REAL, TRUE)]}))
    assert [q.statement for q in answer.quotes] == [None, TRUE]  # REAL is shown once, under the true statement
    assert answer.quotes[0].text.startswith(fragment) and answer.quotes[0].text.endswith("ties with Russia.")
    assert "2 statement(s) were left out because their quotes do not support them" in answer.answer


@pytest.mark.parametrize("reply, method, why", [
    (Reply(text='{"answerable": true, "statements": [{"passage": 1, "quote": "Kim'), "auto", "it gave no statement"),
    (Reply(text="I am sorry, I cannot help with that."), "text", "no JSON object"),
    (Reply(text=""), "auto", "empty"),
    (Reply(data={"answerable": True, "statements": []}), "auto", "it gave no statement"),
    (Reply(status=429), "auto", "Error code: 429"),
    (Reply(status=500), "auto", "Error code: 500"),
])
def test_model_failures_give_the_extractive_answer_with_a_notice(index, seed_settings, reply, method, why):
    answer, _ = ask(index, seed_settings, lambda req: reply, llm_structured=method)
    assert not answer.abstained and answer.quotes and all(q.statement is None for q in answer.quotes)
    assert answer.notices[0].startswith(FALLBACK) and why in answer.notices[0], answer.notices


def test_a_timeout_gives_the_extractive_answer(index, seed_settings):
    answer, stub = ask(index, seed_settings, lambda req: Reply(data={"answerable": False}, delay=3.0),
                       llm_timeout=1.0)
    assert answer.notices[0].startswith(FALLBACK) and "timed out" in answer.notices[0] and answer.quotes
    assert len(stub.requests) == 1  # a timeout is not retried in another format


def test_a_refused_connection_gives_the_extractive_answer_and_the_cli_exits_0(index, seed_settings, monkeypatch,
                                                                              capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
    answer = build_pipeline(llm_settings(seed_settings, url), index=index).invoke(QUESTION)
    assert "Connection error" in answer.notices[0] and answer.quotes and not answer.abstained

    from rag.cli import main

    for key, value in {"RAG_ANSWERER": "llm", "RAG_LLM_MODEL": "stub", "RAG_LLM_BASE_URL": url,
                       "RAG_LLM_API_KEY": "x"}.items():
        monkeypatch.setenv(key, value)
    status = main(["--corpus", str(seed_settings.corpus_dir), "--data-dir", str(seed_settings.data_dir), "ask",
                   QUESTION])
    out = capsys.readouterr().out
    assert status == 0 and FALLBACK in out and "Sources:" in out


def test_without_structured_output_the_model_is_asked_for_json_in_text(index, seed_settings):
    def server(req):  # like a server that refuses response_format and tools
        if req.mode != "text":
            return Reply(status=400)
        return Reply(text="Here you go:\n```json\n" + json.dumps({"answerable": True, "statements": [
            statement(real(req), REAL, TRUE)]}) + "\n```")
    answer, stub = ask(index, seed_settings, server)
    assert [r.mode for r in stub.requests] == ["json_schema", "text"]
    assert "Reply with exactly one JSON object" in stub.requests[1].prompt
    assert [q.statement for q in answer.quotes] == [TRUE] and not answer.notices


@pytest.mark.parametrize("method", ["function_calling", "json_mode", "text"])
def test_every_structured_output_method_reaches_the_same_answer(index, seed_settings, method):
    answer, stub = ask(index, seed_settings, lambda req: Reply(data={"answerable": True, "statements": [
        statement(real(req), REAL, TRUE)]}), llm_structured=method)
    assert stub.requests[0].mode == {"function_calling": "tools", "json_mode": "json_object", "text": "text"}[method]
    assert [q.statement for q in answer.quotes] == [TRUE]


HOSTILE_SHAPES = [
    lambda items: {"answerable": True, "statements": items},
    lambda items: {"claims": [{"claim": i["statement"], "passage_id": f"P{i['passage']}", "evidence": i["quote"]}
                              for i in items]},
    lambda items: items,
    lambda items: {"answer": LIE, "answers": [{"text": i["statement"], "passages": [i["passage"]],
                                               "quotes": [i["quote"]]} for i in items]},
]


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "text"])
@pytest.mark.parametrize("shape", range(len(HOSTILE_SHAPES)))
def test_no_invented_figure_reaches_the_answer_in_any_json_shape(index, seed_settings, shape, method):
    """True quotes under invented statements, near-miss quotes and a statement with no quote, in every shape."""
    def hostile(req):
        p = real(req)
        items = [statement(p, REAL, LIE), statement(p, REAL.replace("$1.2", "$9.9"), LIE),
                 statement(req.passages[0], req.passages[0].text[:80], "Kim said Russia paid $9.9 trillion."),
                 {"passage": 99, "quote": REAL, "statement": LIE}, statement(p, REAL, TRUE)]
        data = HOSTILE_SHAPES[shape](items)
        return Reply(text=f"Answer: {json.dumps(data)}") if method == "text" else Reply(data=data)
    answer, _ = ask(index, seed_settings, hostile, llm_structured=method)
    shown = answer.model_dump_json() + answer_to_text(answer)
    assert "$9.9" not in shown and "trillion" not in shown
    assert [q.statement for q in answer.quotes if q.statement] == [TRUE]


def test_not_answerable_needs_the_extractive_reader_to_agree(index, seed_settings):
    says_no = lambda req: Reply(data={"answerable": False, "statements": []})  # noqa: E731
    answer, _ = ask(index, seed_settings, says_no)  # the extractive reader does answer this one
    assert not answer.abstained and answer.notices[0].startswith("The model found no answer in the passages")
    answer, _ = ask(index, seed_settings, says_no, question="What is the capital of Peru?")
    assert answer.abstained and "The sources don't say" in answer.answer and not answer.notices


def test_configuration_errors_are_clear(seed_settings):
    from rag.llm_answerer import LLMError

    with pytest.raises(LLMError, match="RAG_LLM_MODEL"):
        build_pipeline(seed_settings.model_copy(update={"answerer": "llm"}))
    with pytest.raises(LLMError, match=r"RAG_LLM_PROVIDER=anthropic needs its LangChain integration: pip install "
                                       r"langchain-anthropic"):
        build_pipeline(seed_settings.model_copy(update={"answerer": "llm", "llm_model": "claude-x",
                                                        "llm_provider": "anthropic"}))


def test_passages_beyond_the_token_budget_are_left_out_and_said_so(index, seed_settings):
    from rag.llm_budget import count_tokens

    def model(req):
        p = real(req)
        return Reply(data={"answerable": bool(p), "statements": [statement(p, REAL, TRUE)] if p else []})
    answer, stub = ask(index, seed_settings, model, llm_context_tokens=1500, llm_output_tokens=500)
    req = stub.requests[0]
    assert 0 < len(req.passages) < seed_settings.retrieval_k
    assert count_tokens("\n".join(m["content"] for m in req.body["messages"])) <= 1000  # 1500 - 500 for the reply
    assert req.body.get("max_completion_tokens", req.body.get("max_tokens")) == 500  # the reply's share
    assert [q.statement for q in answer.quotes] == [TRUE]
    assert "RAG_LLM_CONTEXT_TOKENS" in answer.notices[0] and "left out" in answer.notices[0]


def test_failure_notices_never_quote_keys():
    from rag.llm_answerer import _reason

    why = _reason(RuntimeError("Error code: 401 - Incorrect API key provided: sk-proj-abcdef123456. See docs."))
    assert "abcdef" not in why and why.startswith("RuntimeError: Error code: 401")
