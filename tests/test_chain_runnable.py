"""The chain as a LangChain Runnable: config and callbacks reach every step, events, schemas, bind/configurable,
an LLM as the answerer, chat messages as history, and clear errors instead of silent wrong results."""
from __future__ import annotations

import asyncio
import json
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import ConfigurableField, RunnableLambda

from rag.models import InputError

pytestmark = pytest.mark.slow
Q = "How much did Russia give North Korea?"
STEPS = {"rewrite", "correct_spelling", "retrieve", "answer", "verify", "disagree"}


class Recorder(BaseCallbackHandler):
    """Every chain and chat-model run: name, parent, tags, inputs, outputs, error."""

    def __init__(self):
        self.runs: dict[UUID, dict] = {}

    def on_chain_start(self, serialized, inputs, *, run_id, parent_run_id=None, tags=None, metadata=None, **kw):
        self.runs[run_id] = {"name": kw.get("name"), "parent": parent_run_id, "tags": tags or [],
                             "metadata": metadata or {}, "inputs": inputs}

    def on_chat_model_start(self, serialized, messages, *, run_id, parent_run_id=None, **kw):
        self.runs[run_id] = {"name": "chat_model", "parent": parent_run_id}

    def on_chain_end(self, outputs, *, run_id, **kw):
        self.runs[run_id]["outputs"] = outputs

    def on_chain_error(self, error, *, run_id, **kw):
        self.runs[run_id]["error"] = error

    def roots(self) -> list[UUID]:
        return [i for i, r in self.runs.items() if r["parent"] is None]

    def children(self, root: UUID) -> dict[str, dict]:
        return {r["name"]: r for r in self.runs.values() if r["parent"] == root}

    def step(self, name: str) -> dict:
        return next(r for r in self.runs.values() if r["name"] == name)


def assert_traced(rec: Recorder, n_roots: int = 1) -> None:
    roots = rec.roots()
    assert len(roots) == n_roots
    for root in roots:
        assert rec.runs[root]["name"] == "GroundedQAChain"
        assert set(rec.children(root)) == STEPS  # each step is a child run of its own call


def test_invoke_batch_stream_and_with_config_report_child_runs(seed_chain):
    rec = Recorder()
    seed_chain.invoke(Q, config={"callbacks": [rec]})
    assert_traced(rec)
    retrieve = rec.step("retrieve")
    assert retrieve["inputs"]["question"] == Q and retrieve["outputs"]  # inputs and outputs are visible

    rec = Recorder()
    seed_chain.batch([Q, "How many reservists does North Korea have?"], config={"callbacks": [rec]})
    assert_traced(rec, n_roots=2)

    rec = Recorder()
    assert [a.complete for a in seed_chain.stream(Q, config={"callbacks": [rec]})][-1] is True
    assert_traced(rec)

    rec = Recorder()
    seed_chain.with_config(callbacks=[rec]).invoke(Q)
    assert_traced(rec)


def test_tags_metadata_and_run_name_reach_the_steps(seed_chain):
    rec = Recorder()
    seed_chain.invoke(Q, config={"callbacks": [rec], "tags": ["t1"], "metadata": {"user": "u"}, "run_name": "qa"})
    (root,) = rec.roots()
    assert rec.runs[root]["name"] == "qa"
    for child in rec.children(root).values():
        assert "t1" in child["tags"] and child["metadata"]["user"] == "u"


def test_astream_events_v2_shows_the_steps_and_astream_matches_stream(seed_chain):
    async def events():
        return [e async for e in seed_chain.astream_events(Q, version="v2")]

    got = asyncio.run(events())
    starts = [e["name"] for e in got if e["event"] == "on_chain_start"]
    assert starts[0] == "GroundedQAChain" and STEPS <= set(starts)
    assert {e["name"] for e in got if e["event"] == "on_chain_end"} >= STEPS
    streamed = [e["data"]["chunk"] for e in got if e["event"] == "on_chain_stream"]
    assert len(streamed) >= 2 and streamed[-1].complete

    async def astream():
        return [a async for a in seed_chain.astream(Q)]

    shown = [(a.complete, a.answer, [q.text for q in a.quotes]) for a in asyncio.run(astream())]
    assert shown == [(a.complete, a.answer, [q.text for q in a.quotes]) for a in seed_chain.stream(Q)]
    assert shown == [(a.complete, a.answer, [q.text for q in a.quotes]) for a in streamed]


def test_bind_and_configurable_fields_reach_retrieval(seed_chain):
    rec = Recorder()
    seed_chain.bind(k=1).invoke(Q, config={"callbacks": [rec]})
    assert rec.step("retrieve")["inputs"]["req"].k == 1 and len(rec.step("retrieve")["outputs"]) == 1

    chain = seed_chain.configurable_fields(k=ConfigurableField(id="k"), filters=ConfigurableField(id="filters"))
    assert {s.id for s in chain.config_specs} == {"k", "filters"}
    rec = Recorder()
    answer = chain.invoke(Q, config={"callbacks": [rec], "configurable": {"k": 3, "filters": {"outlets": ["GateOfWise"]}}})
    hits = rec.step("retrieve")["outputs"]
    assert 0 < len(hits) <= 3 and {h.meta.outlet for h in hits} == {"GateOfWise"}
    assert {q.source.outlet for q in answer.quotes} <= {"GateOfWise"}
    rec = Recorder()  # the input's own k wins over the bound one
    seed_chain.bind(k=1).invoke({"question": Q, "k": 2}, config={"callbacks": [rec]})
    assert rec.step("retrieve")["inputs"]["req"].k == 2


def test_configurable_alternatives_switch_the_answerer(seed_chain):
    from rag.chain import build_chain

    silent = build_chain(index=seed_chain.index, llm=FakeListChatModel(responses=['{"claims": []}']))
    chain = seed_chain.configurable_alternatives(ConfigurableField(id="answerer"), default_key="extractive",
                                                 llm=silent)
    assert not chain.invoke(Q).notices
    # a model that gives no statements is a model failure: the extractive answer shows, with a notice
    fallback = chain.invoke(Q, config={"configurable": {"answerer": "llm"}})
    assert fallback.notices and [q.text for q in fallback.quotes] == [q.text for q in chain.invoke(Q).quotes]


def test_llm_answerer_call_is_a_child_of_the_answer_step(seed_chain):
    from rag.chain import build_chain

    reply = {"claims": [{"statement": "Made up.", "passage": 1, "quote": "Russia gave North Korea $5 billion in cash"}]}
    chain = build_chain(index=seed_chain.index, llm=FakeListChatModel(responses=[json.dumps(reply)]))
    rec = Recorder()
    answer = chain.invoke(Q, config={"callbacks": [rec]})
    # the invented quote is dropped with its statement; nothing is left, so the quotes found directly show
    assert "$5 billion in cash" not in answer.model_dump_json() and answer.notices
    assert rec.runs[rec.step("chat_model")["parent"]]["name"] == "answer"


def test_typed_input_and_output_schemas(seed_chain):
    props = seed_chain.get_input_jsonschema()["properties"]
    assert set(props) == {"question", "history", "filters", "k"} and all(p.get("description") for p in props.values())
    assert seed_chain.input_schema.model_validate(Q).question == Q
    assert "quotes" in seed_chain.get_output_jsonschema()["properties"]
    lcel = RunnableLambda(lambda q: {"question": q, "k": 4}) | seed_chain | RunnableLambda(lambda a: a.abstained)
    assert lcel.invoke(Q) is False


def test_history_as_langchain_messages_or_dicts(seed_chain):
    first = "What did Kim Jong Un name a top defense priority?"
    as_dicts = seed_chain.invoke({"question": "And when did he say it?", "history": [{"question": first}]})
    as_messages = seed_chain.invoke({"question": "And when did he say it?",
                                     "history": [HumanMessage(first), AIMessage("AI-powered drones [1]")]})
    as_chat = seed_chain.invoke([HumanMessage(first), AIMessage("AI-powered drones [1]"),
                                 HumanMessage("And when did he say it?")])
    assert as_dicts.interpreted_as and as_dicts.interpreted_as == as_messages.interpreted_as == as_chat.interpreted_as


@pytest.mark.parametrize("bad,message", [
    ({"question": Q, "filters": {"published_from": "2025-9-1"}}, "filters.published_from must be a date like"),
    ({"question": Q, "filters": {"published_from": "2025-10-01", "published_to": "2025-09-01"}}, "is after"),
    ({"question": Q, "filters": {"outlet": "GateOfWise"}}, "filters must be"),
    ({"questoin": Q}, "questoin: Extra inputs are not permitted"),
    ({"question": Q, "k": 0}, "k: Input should be greater than or equal to 1"),
    ([AIMessage("hello")], "must end with the user's question"),
])
def test_bad_input_is_a_clear_error_and_the_run_records_it(seed_chain, bad, message):
    rec = Recorder()
    with pytest.raises(InputError, match=message):
        seed_chain.invoke(bad, config={"callbacks": [rec]})
    (root,) = rec.roots()
    assert isinstance(rec.runs[root]["error"], InputError)


def test_unknown_keyword_is_refused(seed_chain):
    with pytest.raises(TypeError, match="top_k"):
        seed_chain.invoke(Q, top_k=3)
