"""Reading the model's reply: every JSON shape models produce becomes the same statements (or a clear error)."""
from __future__ import annotations

import json

import pytest

from rag.llm_schema import LLMReply, MalformedReply, partial_items, read_reply, reply_schema

ITEM = {"passage": 2, "quote": "received less than $1.2 billion", "statement": "It got under $1.2bn."}


@pytest.mark.parametrize("reply", [
    {"answerable": True, "statements": [ITEM]},
    LLMReply(answerable=True, statements=[ITEM]),
    json.dumps({"answerable": True, "statements": [ITEM]}),
    "Sure! Here is the JSON:\n```json\n" + json.dumps({"statements": [ITEM]}) + "\n```\nHope it helps.",
    [ITEM],
    {"claims": [{"claim": ITEM["statement"], "passage_id": "P2", "evidence": ITEM["quote"]}]},
    {"answers": [{"text": ITEM["statement"], "passages": [2, 3], "quotes": [ITEM["quote"], "other"]}]},
    {"statements": [{"statement": ITEM["statement"], "quote": {"passage": "[2]", "text": ITEM["quote"]}}]},
])
def test_every_shape_reads_as_the_same_statement(reply):
    out, unreadable = read_reply(reply)
    assert out.answerable and unreadable == 0
    assert [(s.passage, s.quote, s.statement) for s in out.statements] == [(2, ITEM["quote"], ITEM["statement"])]


def test_unreadable_items_are_counted_and_the_flag_is_kept():
    out, unreadable = read_reply({"answerable": False, "statements": [ITEM, {"statement": "no quote"}, "text"]})
    assert not out.answerable and len(out.statements) == 1 and unreadable == 2
    assert read_reply({"answerable": False})[0].statements == []


@pytest.mark.parametrize("reply, error", [("", "empty"), ("I cannot help with that.", "no JSON"),
                                          ('{"statements": [', "no JSON"), (42, "int"),
                                          ({"answer": "Russia paid $9.9 trillion"}, "no statements")])
def test_malformed_replies_are_a_clear_error(reply, error):
    with pytest.raises(MalformedReply, match=error):
        read_reply(reply)


def test_partial_items_while_streaming():
    partial = {"answerable": True, "statements": [ITEM, {"passage": 1, "quote": "Kim vis", "statement": "Kim vi"}]}
    items = partial_items(partial)
    assert [t for t, _ in items] == [ITEM["statement"], "Kim vi"] and items[0][1].passage == 2
    assert partial_items({"answerable": True}) == [] and partial_items(None) == []


def test_schema_asks_for_passage_quote_statement_and_the_flag():
    schema = reply_schema()
    assert schema["title"] == "grounded_answer" and set(schema["properties"]) == {"answerable", "statements"}
    item = schema["$defs"]["LLMStatement"]["properties"]
    assert set(item) == {"passage", "quote", "statement"} and "EXACTLY" in item["quote"]["description"]
