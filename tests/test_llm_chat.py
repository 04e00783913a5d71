"""The web chat with the LLM answerer: the model's tokens stream as a draft, then the checked answer replaces it.

A statement its quote does not support is taken out of the draft as soon as it is finished, and is not
in the final message; each statement that stays shows its verified quote under it.
"""
from __future__ import annotations

import pytest

from tests.llm_stub import Reply, llm_settings, statement, stub_server
from tests.test_llm_answerer import LIE, QUESTION, REAL, TRUE, real

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_draft_streams_then_the_checked_answer_replaces_it(seed_settings):
    from rag.llm_answerer import LEFT_OUT
    from ui.app import build_app
    from ui.render import esc

    def model(req):  # the invented statement first, so that it is finished while the true one streams
        return Reply(data={"answerable": True, "statements": [statement(real(req), REAL, LIE),
                                                              statement(real(req), REAL, TRUE)]}, chunk_delay=0.005)

    with stub_server(model) as stub:
        app = build_app(llm_settings(seed_settings, stub.url))
        respond = next(f.fn for f in app.fns.values() if f.name == "respond")
        messages = [u[0][-1]["content"] for u in respond(QUESTION, [], 8, [], "", "", "llm") if isinstance(u[0], list)]
        turns = list(respond(QUESTION, [], 8, [], "", "", "llm"))[-1][1]
    drafts = [m for m in messages if 'class="llm-draft"' in m]
    assert drafts and "not yet checked" in drafts[0]
    lie_shown = [i for i, m in enumerate(drafts) if "9.9 trillion" in m]
    assert lie_shown, "the draft streams the model's words as they come"
    later = drafts[lie_shown[-1] + 1:]
    assert later and all("9.9 trillion" not in m for m in later)  # taken out as soon as it is finished ...
    assert any(esc("its quote does not support it") in m for m in later) and "left out here" in LEFT_OUT
    final = messages[-1]
    assert 'class="llm-draft"' not in final and "9.9 trillion" not in final  # ... and gone from the answer
    assert f"{esc(TRUE)}" in final and '<blockquote class="stmt-quote">' in final  # the quote under the statement
    assert "left out because their quotes do not support them" in final
    answer = turns[-1].answer
    assert answer.complete and not answer.draft and [q.statement for q in answer.quotes] == [TRUE]


def test_fallback_notice_is_shown_in_the_chat(seed_settings):
    from ui.app import build_app

    with stub_server(lambda req: Reply(text="")) as stub:
        app = build_app(llm_settings(seed_settings, stub.url))
        respond = next(f.fn for f in app.fns.values() if f.name == "respond")
        final = list(respond(QUESTION, [], 8, [], "", "", "llm"))[-1][0][-1]["content"]
    assert '<div class="answer-notice" role="status">The model&#x27;s answer could not be verified' in final
    assert "llm-draft" not in final and "src-" not in final.split("answer-notice")[0]
