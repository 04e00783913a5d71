"""The Gradio web chat: streamed grounded answers, a sources panel, corpus management.

`rag serve` calls `serve(settings, host, port)`; `build_app(settings)` gives the
`gr.Blocks` for tests and embedding. The only public API endpoint is `/ask`
(question, history_json) -> the Answer JSON of DESIGN.md.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr  # noqa: E402

from rag.chain import GroundedQAChain, build_chain  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.models import MAX_HISTORY_TURNS, MAX_TURN_CHARS, InputError, clean_text  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.store import StoreError  # noqa: E402
from ui import render  # noqa: E402
from ui.corpus import TABLE_HEADERS, UPLOAD_SUFFIXES, Library, Outcome  # noqa: E402
from ui.inputs import DATE_HINT, check_dates, parse_history  # noqa: E402
from ui.llm_view import LLM_CSS  # noqa: E402
from ui.render import ChatTurn, esc  # noqa: E402
from ui.theme import CSS, HEAD, theme  # noqa: E402

log = logging.getLogger(__name__)

EXAMPLES = [
    "How much did Russia give North Korea?",
    "How many reservists does North Korea have?",
    "When did Kim and Putin sign their defence pact?",
]


class Chains:
    """One chain per answerer, built on first use, all sharing one index."""

    def __init__(self, settings: Settings, index: Index):
        self.settings, self.index = settings, index
        self._chains: dict[str, GroundedQAChain] = {}
        self._lock = threading.Lock()

    def get(self, answerer: str | None = None) -> GroundedQAChain:
        name = answerer if answerer in self.allowed() else self.default()
        with self._lock:
            if name not in self._chains:
                self._chains[name] = build_chain(self.settings.model_copy(update={"answerer": name}), index=self.index)
            return self._chains[name]

    def allowed(self) -> list[str]:
        return ["extractive", "llm"] if self.settings.llm_configured else ["extractive"]

    def default(self) -> str:
        return self.settings.answerer if self.settings.answerer in self.allowed() else "extractive"

    def document(self, doc_id: str):
        return self.get().documents(doc_id)


# ---- chat helpers ------------------------------------------------------------
def chat_messages(turns: list[ChatTurn]) -> list[dict[str, str]]:
    """The whole conversation for the Chatbot, rebuilt from the session's turns (never read back from it)."""
    out = []
    for t in turns:
        out.append({"role": "user", "content": esc(t.question)})
        out.append({"role": "assistant", "content": render.answer_message(t.number, t.answer)})
    return out


def history_of(turns: list[ChatTurn]) -> list[dict[str, str]]:
    """The latest finished exchanges, within the chain's history limits (long answers are clipped),
    as the chain takes them for rewriting follow-up questions."""
    done = [t for t in turns if t.answer is not None and t.answer.complete][-MAX_HISTORY_TURNS:]
    return [{"question": t.question, "answer": t.answer.answer[:max(0, MAX_TURN_CHARS - len(t.question))]}
            for t in done]


# ---- the app ---------------------------------------------------------------
def build_app(settings: Settings | None = None) -> gr.Blocks:
    settings = settings or Settings()
    index = Index(settings)
    chains = Chains(settings, index)
    library = Library(index)
    lookup = chains.document

    def respond(question, turns, k, outlets, date_from, date_to, answerer):
        question = clean_text(question or "").strip()  # a lone surrogate would break the page's stream
        turns = list(turns or [])
        d_from, d_to, date_note = check_dates(date_from, date_to)
        date_error = date_note != DATE_HINT
        if not question or date_error:
            if date_error:
                gr.Warning("Fix the date range in Search settings first.", duration=4)
            yield (gr.skip(), turns, gr.skip(), gr.skip(), date_note, gr.Accordion(open=True) if date_error else gr.skip())
            return
        turn = ChatTurn(number=(turns[-1].number + 1 if turns else 1), question=question)
        history = history_of(turns)
        turns.append(turn)
        yield chat_messages(turns), turns, render.sources_panel(turns, lookup), "", date_note, gr.skip()
        payload: dict[str, Any] = {"question": question, "history": history, "k": int(k) if k else None,
                                   "filters": {"outlets": list(outlets or []), "published_from": d_from,
                                               "published_to": d_to}}
        try:
            for ans in chains.get(answerer).stream(payload):
                turn.answer = ans
                yield chat_messages(turns), turns, render.sources_panel(turns, lookup), gr.skip(), gr.skip(), gr.skip()
        except Exception as e:  # show the problem in the page, keep the session usable
            if isinstance(e, (InputError, StoreError)):
                problem = str(e)
            else:
                log.exception("answering failed")
                problem = f"Something went wrong while answering: {type(e).__name__}: {e}"
            turns.pop()
            msgs = chat_messages(turns) + [{"role": "user", "content": esc(question)},
                                           {"role": "assistant", "content": render.error_message(problem)}]
            yield msgs, turns, render.sources_panel(turns, lookup), question, gr.skip(), gr.skip()

    def validate_dates(date_from, date_to):
        return check_dates(date_from, date_to)[2]

    def clear():
        return [], [], render.sources_panel([], lookup), ""

    def ask(question: str, history_json: str = "[]") -> str:
        """Answer a question from the indexed articles.

        Args:
            question: the question (at most 2,000 characters).
            history_json: earlier turns as a JSON list of {"question": ..., "answer": ...} objects ("[]" for none);
                at most 50 turns of at most 4,000 characters (question + answer) each.
        Returns:
            The Answer JSON as a string (json.loads it): answer markdown with [n] markers, verbatim quotes with
            sources, conflicts, abstained. A string, because gradio_client would take the quotes' "path" keys
            for files to download.
        """
        if not isinstance(question, str) or not question.strip():
            raise gr.Error("question must be a non-empty string")
        try:
            answer = chains.get().invoke({"question": question.strip(), "history": parse_history(history_json)})
        except (InputError, StoreError) as e:
            raise gr.Error(str(e)) from None
        return answer.model_dump_json()

    # ---- corpus tab ----
    def corpus_views():
        return (gr.Dataframe(value=library.table()), gr.Dropdown(choices=library.choices(), value=None),
                gr.Dropdown(choices=library.outlets()), header_text())

    def show(outcome: Outcome):
        return render.status_html(outcome.kind, outcome.message, outcome.details)

    def add_files(files, progress=gr.Progress(track_tqdm=True)):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        outcome = library.add_files(paths, progress=lambda frac, desc: progress(frac, desc=desc))
        return (show(outcome), None, *corpus_views())

    def add_url(url, progress=gr.Progress(track_tqdm=True)):
        progress(0.05, desc="Fetching the page")
        outcome = library.add_url(url)
        return (show(outcome), "" if outcome.kind == "ok" else url, *corpus_views())

    def remove(doc_id, delete_file):
        outcome = library.remove(doc_id, bool(delete_file))
        return (show(outcome), render.document_view(None), *corpus_views())

    def pick_row(evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return library.id_at(int(row)) if row is not None else gr.skip()

    def header_text():
        n = len(library.documents())
        return (f"# Ask the news\nAnswers are built only from **verbatim quotes** of the {n} indexed "
                f"article{'s' if n != 1 else ''}, each linked to its source. When the sources disagree you are "
                "told, and when they don't answer you hear *the sources don't say*.")

    with gr.Blocks(title="Ask the news — grounded Q&A", analytics_enabled=False) as app:
        header = gr.Markdown(header_text(), elem_id="app-header")
        turns_state = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=6, min_width=380):
                        chatbot = gr.Chatbot(
                            show_label=False, height="60vh", min_height=360, elem_id="chat", latex_delimiters=[],
                            feedback_options=None, buttons=[], autoscroll=False,
                            placeholder="Ask a question about the articles. Every claim in the answer is a "
                                        "word-for-word quote; click a [n] marker to see it in its source.")
                        with gr.Row(equal_height=True, elem_id="ask-row"):
                            question = gr.Textbox(show_label=False, placeholder="Ask about the articles…", scale=8,
                                                  autofocus=True, elem_id="question", lines=1, max_lines=4)
                            ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ask")
                            clear_btn = gr.Button("New chat", variant="secondary", scale=1, min_width=110)
                        with gr.Row(elem_id="examples-row"):
                            example_btns = [gr.Button(q, size="sm", variant="secondary", scale=0) for q in EXAMPLES]
                        with gr.Accordion("Search settings", open=False, elem_id="search-settings") as settings_box:
                            k = gr.Slider(1, 20, value=settings.retrieval_k, step=1, label="Passages to retrieve (k)",
                                          info="More passages: more chances to find an answer, slower.")
                            outlets = gr.Dropdown(choices=library.outlets(), multiselect=True, value=[],
                                                  label="Outlets",
                                                  info="Only these outlets (articles with no outlet are left out).")
                            with gr.Row():
                                date_from = gr.Textbox(label="Published from", placeholder="YYYY-MM-DD", max_lines=1)
                                date_to = gr.Textbox(label="Published to", placeholder="YYYY-MM-DD", max_lines=1)
                            date_error = gr.HTML(DATE_HINT, elem_id="date-error", js_on_load=None)
                            labels = {"extractive": "Extractive (quotes only, offline)",
                                      "llm": f"LLM ({settings.llm_model})"}
                            answerer = gr.Radio([(labels[a], a) for a in chains.allowed()], value=chains.default(),
                                                label="Answerer")
                            if not settings.llm_configured:
                                gr.HTML('<p class="hint">An LLM answerer appears here when <code>RAG_LLM_MODEL'
                                        '</code> is set in <code>.env</code>.</p>', js_on_load=None)
                    with gr.Column(scale=5, min_width=340, elem_id="sources-col"):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(render.sources_panel([], lookup), elem_id="sources-box", js_on_load=None)
            with gr.Tab("Corpus", id="corpus"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=1, min_width=320):
                        files = gr.File(label=f"Add articles ({' '.join(s for s in UPLOAD_SUFFIXES)})",
                                        file_count="multiple", file_types=list(UPLOAD_SUFFIXES), elem_id="upload",
                                        height=170)
                        with gr.Row(equal_height=False, elem_id="url-row"):
                            url = gr.Textbox(label="Or add a web page", placeholder="https://…", scale=4,
                                             max_lines=1, elem_id="url")
                            url_btn = gr.Button("Fetch and index", scale=1, min_width=120)
                        corpus_status = gr.HTML("", elem_id="corpus-status", js_on_load=None)
                    with gr.Column(scale=1, min_width=320):
                        doc_pick = gr.Dropdown(choices=library.choices(), value=None, label="Document",
                                               info="Choose one (or click its row below) to read it or remove it.",
                                               elem_id="doc-pick")
                        with gr.Row(equal_height=False, elem_id="remove-row"):
                            delete_file = gr.Checkbox(label="Also delete the file from the corpus folder", value=False)
                            remove_btn = gr.Button("Remove from index", variant="stop", size="md", min_width=180, scale=0)
                table = gr.Dataframe(value=library.table(), headers=TABLE_HEADERS, interactive=False, wrap=True,
                                     label="Indexed documents", elem_id="docs-table",
                                     column_widths=["34%", "11%", "10%", "9%", "28%", "8%"])
                preview = gr.HTML(render.document_view(None), elem_id="doc-preview", js_on_load=None)

        ask_inputs = [question, turns_state, k, outlets, date_from, date_to, answerer]
        ask_outputs = [chatbot, turns_state, sources, question, date_error, settings_box]
        private = dict(api_visibility="private")
        answering = dict(concurrency_id="answer", concurrency_limit=settings.ui_concurrency)
        question.submit(respond, ask_inputs, ask_outputs, **private, **answering)
        ask_btn.click(respond, ask_inputs, ask_outputs, **private, **answering)
        for btn, text in zip(example_btns, EXAMPLES):
            btn.click(lambda t=text: t, None, question, **private).then(respond, ask_inputs, ask_outputs, **private,
                                                                        **answering)
        clear_btn.click(clear, None, [chatbot, turns_state, sources, question], **private)
        chatbot.clear(clear, None, [chatbot, turns_state, sources, question], **private)
        for box in (date_from, date_to):
            box.blur(validate_dates, [date_from, date_to], date_error, **private)
            box.submit(validate_dates, [date_from, date_to], date_error, **private)

        views = [table, doc_pick, outlets, header]
        # corpus changes share 2 workers: a slow download (fetched without the lock) never blocks an upload
        changing = dict(concurrency_id="corpus", concurrency_limit=2)
        files.upload(add_files, files, [corpus_status, files, *views], **private, **changing)
        url_btn.click(add_url, url, [corpus_status, url, *views], **private, **changing)
        url.submit(add_url, url, [corpus_status, url, *views], **private, **changing)
        remove_btn.click(remove, [doc_pick, delete_file], [corpus_status, preview, *views], **private, **changing)
        doc_pick.change(lambda i: render.document_view(lookup(i) if i else None), doc_pick, preview, **private)
        table.select(pick_row, None, doc_pick, **private)
        app.load(corpus_views, None, views, **private)

        gr.api(ask, api_name="ask", **answering)
    app.rag_chains = chains  # for serve() to warm up, and for tests
    return app


def launch_options(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: loopback by default, password when configured, no CDN."""
    return dict(server_name=host, server_port=port,
                auth=(settings.ui_user, settings.ui_password) if settings.ui_password else None,
                auth_message="Sign in to ask the news." if settings.ui_password else None,
                theme=theme(), css=CSS + LLM_CSS, head=HEAD, ssr_mode=False, show_error=True,
                footer_links=["api", "settings"], max_file_size="20mb")


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 7860) -> int:
    """Build the app and serve it until interrupted (blocking); returns the exit code."""
    settings = settings or Settings()
    app = build_app(settings)
    app.rag_chains.get().retriever.search("warm up")  # load the embedder and BM25 before the first question
    app.queue(default_concurrency_limit=4)  # the answering and corpus events set their own limits
    try:
        app.launch(**launch_options(settings, host, port))
    except OSError as e:  # e.g. the port is taken
        print(f"error: cannot start the web chat on {host}:{port} ({str(e).split('.')[0]}); "
              f"try another port: rag serve --port {port + 1}", file=sys.stderr)
        return 2  # nothing could be done (the CLI's usage status)
    return 0
