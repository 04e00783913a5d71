"""The web chat: HTML rendering and corpus handling (fast), and the `/ask` API of a running `rag serve`."""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

try:
    from tests.loopback_site import site  # noqa: F401  (fixtures, found by name)
    from tests.ui_server import ui_server  # noqa: F401
except ImportError:  # tests/ itself on sys.path
    from loopback_site import site  # noqa: F401
    from ui_server import ui_server  # noqa: F401

from rag.models import Answer, AnswerSlot, Conflict, DocMeta, Document, Quote, Source

REPO = Path(__file__).resolve().parent.parent
RUSSIA_Q = "How much did Russia give North Korea?"
BOTH = {"gateofwise-kim-ai-drones-top-defense-priority.md", "kim-ai-top-priority-strongest-position.md"}
CONTRACT_KEYS = {"question", "answer", "abstained", "quotes", "conflicts", "timings_ms"}


# ---- rendering (no server) ---------------------------------------------------
def _doc(text: str, **meta) -> Document:
    return Document(id="d1", text=text, meta=DocMeta(path=meta.pop("path", "a/b.md"), **meta))


def _quote(doc: Document, text: str, qid: int = 1) -> Quote:
    start = doc.text.index(text)
    return Quote(id=qid, text=text, source=Source.from_meta(doc.id, doc.meta), start=start, end=start + len(text))


def test_passage_in_context_marks_exactly_the_quote_and_escapes():
    from ui import render

    doc = _doc("Intro <script>alert(1)</script> & more. " + "x " * 300 + "The cost was $5bn. " + "y " * 300)
    q = _quote(doc, "The cost was $5bn.")
    html = render.passage_in_context(doc, q.start, q.end)
    assert "<mark>The cost was $5bn.</mark>" in html
    assert html.startswith('<span class="ellipsis">…</span>') and html.endswith('<span class="ellipsis">…</span>')
    card = render.quote_card(3, q, doc)
    assert 'id="src-3-1"' in card and "b.md" in card and "src-answer" not in card
    q.answer_slot = AnswerSlot(kind="money", text="$5bn <b>")
    assert '<div class="src-answer"><span class="slot-kind">money</span> $5bn &lt;b&gt;</div>' in \
        render.quote_card(3, q, doc)
    whole = render.full_documents(3, [q], lambda _id: doc)
    assert "<script>" not in whole and "&lt;script&gt;" in whole
    assert '<mark data-quote="1">The cost was $5bn.<sup>1</sup></mark>' in whole


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,"])
def test_source_links_are_only_ever_web_links(url):
    from ui import render

    # e.g. a document indexed before load-time sanitising, or one stored by another tool
    html = render.source_meta_html(Source(id="d1", path="a/b.md", url=url))
    assert "href" not in html and "script:" not in html.lower() and "data:" not in html and "a/b.md" in html
    web = render.source_meta_html(Source(id="d1", path="a/b.md", url="https://news.example/story"))
    assert 'href="https://news.example/story"' in web


def test_answer_message_links_markers_and_shows_disagreement_callout():
    from ui import render

    doc = _doc("A said less than $1.2 billion. B said $457m to $1.19bn.", outlet="A <b>Times</b>")
    q1, q2 = _quote(doc, "A said less than $1.2 billion.", 1), _quote(doc, "B said $457m to $1.19bn.", 2)
    ans = Answer(question="q", answer="**A**: “A said less than $1.2 billion.” [1]\n\n**B**: “B said…” [2]\n\n"
                 "**Sources differ.** A says less [1]; B gives a range [2].", abstained=False, quotes=[q1, q2],
                 conflicts=[Conflict(topic="aid", kind="differs", note="A says less [1]; B gives a range [2].",
                                     quote_ids=[1, 2])], interpreted_as="How much aid?")
    html = render.answer_message(4, ans)
    assert html.count('href="#src-4-1"') >= 2 and 'href="#src-4-2"' in html
    assert 'class="conflict-callout"' in html and "badge-differs" in html
    assert html.count("Sources differ.") == 0  # the paragraph is replaced by the callout
    assert "The sources differ" in html and "sources disagree" not in html  # both figures may hold
    both = ans.model_copy(update={"conflicts": [ans.conflicts[0].model_copy(update={"kind": "contradiction"})]})
    assert "The sources disagree" in render.answer_message(4, both)
    assert "Interpreted as" in html and "How much aid?" in html
    assert "<b>Times</b>" not in html and "&lt;b&gt;Times&lt;/b&gt;" in html
    assert render.link_markers("see [7]", 1, [1]) == "see [7]"  # no card, no link


def test_abstention_has_its_own_style():
    from ui import render

    ans = Answer(question="q", answer="**The sources don't say.** None of the indexed articles answers this question.",
                 abstained=True)
    html = render.answer_message(1, ans)
    assert 'class="abstained"' in html and "The sources don’t say" in html
    assert "**" not in html


def test_date_checks():
    from ui.inputs import DATE_HINT, check_dates

    assert check_dates("", "") == (None, None, DATE_HINT)
    assert check_dates("2025-01-01", "2025-12-31")[:2] == ("2025-01-01", "2025-12-31")
    for bad in ("2025-13-01", "yesterday", "2025-1-1"):
        assert "not a date" in check_dates(bad, "")[2]
    assert "after" in check_dates("2025-12-31", "2025-01-01")[2]


def test_history_json():
    import gradio as gr

    from ui.inputs import parse_history

    assert parse_history("[]") == []
    assert parse_history('[{"question": "q", "answer": "a"}, ["q2", "a2"]]') == [
        {"question": "q", "answer": "a"}, {"question": "q2", "answer": "a2"}]
    for bad in ("{", '{"question": "q"}', "[1]"):
        with pytest.raises(gr.Error):
            parse_history(bad)


def test_launch_options_bind_loopback_and_use_password_only_when_set(make_settings):
    from ui.app import launch_options

    opts = launch_options(make_settings())
    assert opts["server_name"] == "127.0.0.1" and opts["auth"] is None and opts["ssr_mode"] is False
    assert launch_options(make_settings(RAG_UI_PASSWORD="s3cret"))["auth"] == ("rag", "s3cret")
    assert "fonts.googleapis" not in json.dumps(opts["theme"].to_dict())


# ---- corpus handling (fake embedder, no server) --------------------------------
def test_upload_never_overwrites_and_failures_leave_nothing(make_settings, fake_embedder, tmp_path):
    from rag.index import Index
    from ui.corpus import Library, unique_destination

    settings = make_settings()
    (settings.corpus_dir / "story.md").write_text("---\ntitle: Old\n---\nAn old story about a bridge.\n")
    new = tmp_path / "upload" / "story.md"
    new.parent.mkdir()
    new.write_text("---\ntitle: New\n---\nA new story: the harbour cost 2 million euros.\n")
    assert unique_destination(settings.corpus_dir, "story.md", new) == (settings.corpus_dir / "story-2.md", False)

    lib = Library(Index(settings, embedder=fake_embedder))
    out = lib.add_files([str(new)])
    assert out.kind == "ok", out
    assert (settings.corpus_dir / "story.md").read_text().startswith("---\ntitle: Old")
    assert [m.path for _, m in lib.documents()] == ["story-2.md"]
    assert lib.add_files([str(new)]).details == ["story-2.md: already indexed, unchanged"]

    empty = tmp_path / "upload" / "empty.md"
    empty.write_text("---\ntitle: Empty\n---\n\n")
    bad = lib.add_files([str(empty)])
    assert bad.kind == "error" and "empty.md" in bad.details[0]
    assert not (settings.corpus_dir / "empty.md").exists()
    assert [m.path for _, m in lib.documents()] == ["story-2.md"]

    doc_id = lib.documents()[0][0]
    assert "still in the corpus folder" in lib.remove(doc_id).message
    assert lib.documents() == [] and (settings.corpus_dir / "story-2.md").exists()
    lib.add_files([str(settings.corpus_dir / "story-2.md")])
    lib.remove(lib.documents()[0][0], delete_file=True)
    assert not (settings.corpus_dir / "story-2.md").exists()


# ---- the chat handler (in-process, real chain) -----------------------------------
def _chat(app, question: str) -> list:
    """Every update the chat handler streams for a question, checked to be sendable as Gradio sends it (orjson)."""
    import orjson

    respond = next(f.fn for f in app.fns.values() if f.name == "respond")
    updates = list(respond(question, [], 8, [], "", "", "extractive"))
    for u in updates:
        orjson.dumps(u[0] if isinstance(u[0], list) else None)
    return updates


@pytest.mark.slow
def test_chat_handler_cleans_bad_text_and_refuses_long_questions(seed_settings):
    from ui.app import build_app

    app = build_app(seed_settings)
    last = _chat(app, "How many reservists does North Korea have\udcff?")[-1]
    assert "North Korea have\ufffd?" in last[0][-2]["content"] and "ui-error" not in last[0][-1]["content"]
    assert last[1][-1].answer.complete and not last[1][-1].answer.abstained
    long_q = "x" * 2001
    last = _chat(app, long_q)[-1]
    assert "limit is 2,000" in last[0][-1]["content"] and "Something went wrong" not in last[0][-1]["content"]
    assert last[1] == [] and last[3] == long_q  # nothing kept in the session; the question is back in the box


@pytest.mark.server
def test_web_pages_from_private_addresses_are_refused_unless_allowed(make_settings, fake_embedder, site):
    from rag.index import Index
    from ui.corpus import Library

    lib = Library(Index(make_settings(RAG_URL_ALLOW=""), embedder=fake_embedder))
    out = lib.add_url(f"{site.url}/story.html")
    assert out.kind == "error" and out.details == [f"{site.url}/story.html: refused: 127.0.0.1 is a loopback "
                                                   "address (add it to RAG_URL_ALLOW to allow it)"]
    assert site.hits == [] and lib.documents() == []

    allowed = Library(Index(make_settings(RAG_URL_ALLOW="10.0.0.0/8, 127.0.0.1"), embedder=fake_embedder))
    assert allowed.add_url(f"{site.url}/story.html").kind == "ok"
    assert [m.path for _, m in allowed.documents()] == [f"{site.url}/story.html"]
    bounce = allowed.add_url(f"{site.url}/redirect?to=http://127.0.0.2:{site.port}/story.html")
    assert bounce.kind == "error" and "refused: 127.0.0.2 is a loopback address" in bounce.details[0]


@pytest.mark.server
def test_a_slow_download_holds_up_no_other_upload(make_settings, fake_embedder, site, tmp_path):
    from rag.index import Index
    from ui.corpus import Library

    lib = Library(Index(make_settings(RAG_URL_ALLOW="127.0.0.1", RAG_FETCH_TIMEOUT=3), embedder=fake_embedder))
    lib.documents()  # open the store now, not during the race
    result = {}
    slow = threading.Thread(target=lambda: result.update(out=lib.add_url(f"{site.url}/drip")))
    slow.start()
    while "/drip" not in site.hits:
        time.sleep(0.01)
    story = tmp_path / "harbour.md"
    story.write_text("---\ntitle: Harbour\n---\nThe harbour cost 2 million euros.\n")
    assert lib.add_files([str(story)]).kind == "ok"
    assert slow.is_alive(), "the upload waited for the download to finish"
    slow.join(10)
    assert result["out"].kind == "error" and result["out"].details == [f"{site.url}/drip: timed out after 3 s"]
    assert [m.path for _, m in lib.documents()] == ["harbour.md"]


# ---- the running server's /ask API -------------------------------------------
@pytest.fixture(scope="module")
def client(ui_server):
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)  # exactly as a user would call it


def _ask(client, question: str, history: list | None = None) -> dict:
    return json.loads(client.predict(question, json.dumps(history or []), api_name="/ask"))


def _norm(s: str) -> str:
    s = re.sub(r"[‘’]", "'", re.sub(r"[“”]", '"', s))
    return " ".join(s.split())


@pytest.mark.server
@pytest.mark.slow
def test_ask_quotes_both_sources_verbatim(client, ui_server):
    ans = _ask(client, RUSSIA_Q)
    assert not ans["abstained"]
    assert BOTH <= {q["source"]["path"] for q in ans["quotes"]}
    for q in ans["quotes"]:
        assert re.search(rf"\[{q['id']}\]", ans["answer"])
        assert _norm(q["text"]) in _norm((ui_server.corpus_dir / q["source"]["path"]).read_text(encoding="utf-8"))


@pytest.mark.server
@pytest.mark.slow
def test_answer_json_shape(client):
    ans = _ask(client, RUSSIA_Q)
    assert CONTRACT_KEYS <= set(ans)
    assert isinstance(ans["answer"], str) and isinstance(ans["abstained"], bool)
    for q in ans["quotes"]:
        assert {"id", "text", "source", "start", "end"} <= set(q)
        assert {"id", "path", "title", "outlet", "published", "url"} <= set(q["source"])
        assert q["end"] - q["start"] == len(q["text"])
    for c in ans["conflicts"]:
        assert {"topic", "kind", "note", "quote_ids"} <= set(c) and c["kind"] in ("contradiction", "differs")
    assert {"retrieve", "answer", "total"} <= set(ans["timings_ms"])
    assert Answer.model_validate(ans).question == RUSSIA_Q


@pytest.mark.server
@pytest.mark.slow
def test_follow_up_uses_history(client):
    first = _ask(client, RUSSIA_Q)
    follow = _ask(client, "and what did it get in return?", [{"question": RUSSIA_Q, "answer": first["answer"]}])
    assert follow["interpreted_as"], follow
    assert follow["interpreted_as"] != "and what did it get in return?"


@pytest.mark.server
@pytest.mark.slow
def test_unanswerable_question_abstains(client):
    ans = _ask(client, "What is the capital of France?")
    assert ans["abstained"] is True
    assert "don't say" in ans["answer"] or "don’t say" in ans["answer"]


@pytest.mark.server
@pytest.mark.slow
def test_bad_history_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="history_json"):
        client.predict(RUSSIA_Q, "{not json", api_name="/ask")


@pytest.mark.server
@pytest.mark.slow
def test_lone_surrogate_is_cleaned_not_an_internal_error(ui_server):
    import httpx

    # JSON may escape a lone surrogate ("\\udcff"); gradio_client (httpx) cannot send one, so post it raw
    body = json.dumps({"data": ["How many reservists does North Korea have\udcff?", "[]"]})
    event = httpx.post(f"{ui_server.url}/gradio_api/call/ask", content=body,
                       headers={"Content-Type": "application/json"}, timeout=30).json()["event_id"]
    stream = httpx.get(f"{ui_server.url}/gradio_api/call/ask/{event}", timeout=120).text
    assert "event: complete" in stream, stream
    data = next(line[len("data: "):] for line in stream.splitlines() if line.startswith("data: "))
    ans = json.loads(json.loads(data)[0])
    assert ans["question"] == "How many reservists does North Korea have\ufffd?" and not ans["abstained"]


@pytest.mark.server
@pytest.mark.slow
def test_oversized_question_and_history_are_clear_errors(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question is 2,001 characters long; the limit is 2,000"):
        _ask(client, "x" * 2001)
    with pytest.raises(AppError, match="history has 51 turns; the limit is 50"):
        _ask(client, RUSSIA_Q, [{"question": "q", "answer": "a"}] * 51)
    with pytest.raises(AppError, match="History turn 1 is 4,001 characters long"):
        _ask(client, RUSSIA_Q, [{"question": "q", "answer": "a" * 4000}])


@pytest.mark.server
@pytest.mark.slow
def test_private_add_url_handler_refuses_loopback_through_the_queue(ui_server, site):
    """The handler is not in the API, but the queue runs it for anyone: it must refuse by itself."""
    import httpx

    config = httpx.get(f"{ui_server.url}/config").json()
    url_box = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "url")
    dep = next(d for d in config["dependencies"] if d["inputs"] == [url_box] and d["targets"][0][1] == "submit")
    join = {"data": [f"{site.url}/story.html"], "fn_index": dep["id"], "trigger_id": url_box,
            "session_hash": "ssrf-test", "event_data": None}
    assert httpx.post(f"{ui_server.url}/gradio_api/queue/join", json=join).status_code == 200
    with httpx.stream("GET", f"{ui_server.url}/gradio_api/queue/data", params={"session_hash": "ssrf-test"},
                      timeout=60) as events:
        done = next(json.loads(line[5:]) for line in events.iter_lines()
                    if line.startswith("data:") and '"process_completed"' in line)
    assert done["success"], done
    assert "refused: 127.0.0.1 is a loopback address" in done["output"]["data"][0]
    assert site.hits == []


@pytest.mark.slow
def test_answering_events_share_one_deliberate_concurrency_limit(make_settings):
    """/ask and every way the chat asks run in one group of RAG_UI_CONCURRENCY answers; corpus changes in a
    group of 2, so a slow download never blocks an upload (the queue's default would give each event 4)."""
    from ui.app import build_app

    app = build_app(make_settings(RAG_UI_CONCURRENCY=3))
    groups: dict[str, set] = {}
    for f in app.fns.values():
        groups.setdefault(f.name, set()).add((f.concurrency_id, f.concurrency_limit))
    assert groups["ask"] == groups["respond"] == {("answer", 3)}
    assert groups["add_files"] == groups["add_url"] == groups["remove"] == {("corpus", 2)}
