"""The optional LLM answerer against a loopback OpenAI-compatible stub: its quotes pass the same verifier."""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rag.chain import build_chain
from rag.settings import Settings

pytestmark = [pytest.mark.server, pytest.mark.slow]

REAL = ("Reports suggest North Korea has supplied Moscow with nearly $10 billion worth of weapons and tens of "
        "thousands of troops for the war in Ukraine, but received less than $1.2 billion in food")
FAKE = "Russia gave North Korea $5 billion in cash"


@pytest.fixture
def stub_llm():
    """Replies with one real quote and one invented one, for whatever passages it is shown."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = body["messages"][-1]["content"]
            seen.append(prompt)
            passages = re.split(r"\n+\[(\d+)\] ", prompt)  # [intro, "1", text1, "2", text2, ...]
            n_real = next(int(n) for n, text in zip(passages[1::2], passages[2::2]) if REAL in text)
            claims = [{"statement": "GateOfWise reports North Korea got less than $1.2 billion.", "passage": n_real,
                       "quote": REAL.replace("’", "'")},
                      {"statement": "Russia paid $5 billion.", "passage": 1, "quote": FAKE}]
            reply = {"id": "x", "object": "chat.completion", "created": 0, "model": "stub",
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": json.dumps({"claims": claims})}}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", seen
    server.shutdown()


def test_llm_quotes_are_verified_and_invented_ones_dropped(stub_llm, seed_settings):
    url, seen = stub_llm
    settings = Settings(RAG_CORPUS_DIR=str(seed_settings.corpus_dir), RAG_DATA_DIR=str(seed_settings.data_dir),
                        RAG_ANSWERER="llm", RAG_LLM_MODEL="stub", RAG_LLM_BASE_URL=url, RAG_LLM_API_KEY="x")
    answer = build_chain(settings).invoke("How much did Russia give North Korea?")
    assert seen and not answer.abstained
    assert [q.text for q in answer.quotes] == [REAL]  # only the verified quote survives
    assert "$5 billion" not in answer.answer and "1 statement(s) were left out" in answer.answer
    assert "GateOfWise reports" in answer.answer and "[1]" in answer.answer


def test_missing_llm_model_is_a_clear_error(seed_settings):
    from rag.llm_answerer import LLMError
    with pytest.raises(LLMError, match="RAG_LLM_MODEL"):
        build_chain(Settings(RAG_DATA_DIR=str(seed_settings.data_dir), RAG_ANSWERER="llm"))
