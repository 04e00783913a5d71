"""An OpenAI-compatible chat server on 127.0.0.1 for the LLM tests, driven by a Python `behaviour`.

It speaks `/v1/chat/completions` as llama.cpp's server, vLLM or Ollama's `/v1` do: plain and streamed
(server-sent events) replies, `response_format` (json_schema / json_object) and tool calls, so the real
`ChatOpenAI` client (and `with_structured_output`) talks to it unchanged. A behaviour gets the parsed
request (question, passages, how the client asked for JSON) and returns a `Reply`.

    with stub_server(lambda req: Reply(data={"answerable": False, "statements": []})) as stub:
        settings = llm_settings(seed_settings, stub.url)
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASSAGE = re.compile(r"<<<PASSAGE (\d+) (\w+)>>>\n\[source: ([^;\]\n]*)[^\]\n]*\]\n(.*?)\n<<<END \1 \2>>>", re.S)


@dataclass
class Passage:
    number: int
    source: str
    text: str


@dataclass
class Request:
    body: dict
    question: str
    passages: list[Passage]
    mode: str  # "json_schema", "json_object", "tools" or "text"

    @property
    def prompt(self) -> str:
        return "\n".join(m["content"] for m in self.body["messages"] if isinstance(m.get("content"), str))

    def passage_with(self, text: str) -> Passage | None:
        return next((p for p in self.passages if text in p.text), None)


@dataclass
class Reply:
    data: object = None  # JSON: sent in the format the client asked for
    text: str | None = None  # raw content instead (malformed JSON, prose, empty)
    status: int = 200
    delay: float = 0.0  # seconds before answering (timeouts)
    chunk_delay: float = 0.0  # seconds between streamed chunks


@dataclass
class Stub:
    url: str
    requests: list[Request] = field(default_factory=list)


def parse(body: dict) -> Request:
    prompt = "\n".join(m["content"] for m in body["messages"] if isinstance(m.get("content"), str))
    q = re.search(r"Question: (.*?)\n", prompt)
    passages = [Passage(int(n), src.strip(), text) for n, _, src, text in PASSAGE.findall(prompt)]
    fmt = (body.get("response_format") or {}).get("type")
    mode = "tools" if body.get("tools") else fmt if fmt in ("json_schema", "json_object") else "text"
    return Request(body, q.group(1) if q else "", passages, mode)


def _chunks(text: str, size: int = 24) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


class _Handler(BaseHTTPRequestHandler):
    behaviour: Callable[[Request], Reply]
    stub: Stub

    def log_message(self, *a):
        pass

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        req = parse(body)
        self.stub.requests.append(req)
        reply = self.behaviour(req)
        time.sleep(reply.delay)
        if reply.status != 200:
            return self._send(reply.status, {"error": {"message": f"stub error {reply.status}", "type": "stub"}})
        content = reply.text if reply.text is not None else json.dumps(reply.data)
        tool = req.mode == "tools" and reply.text is None
        name = body["tools"][0]["function"]["name"] if tool else None
        if body.get("stream"):
            return self._stream(content, name, reply.chunk_delay)
        message = ({"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": content}}]}
            if tool else {"role": "assistant", "content": content})
        self._send(200, {"id": "stub", "object": "chat.completion", "created": 0, "model": body.get("model"),
                         "choices": [{"index": 0, "message": message,
                                      "finish_reason": "tool_calls" if tool else "stop"}],
                         "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

    def _stream(self, content: str, tool: str | None, pause: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()

        def event(delta: dict, finish: str | None = None) -> None:
            chunk = {"id": "stub", "object": "chat.completion.chunk", "created": 0, "model": "stub",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        if tool:
            event({"role": "assistant", "tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                                        "function": {"name": tool, "arguments": ""}}]})
        else:
            event({"role": "assistant", "content": ""})
        for piece in _chunks(content):
            time.sleep(pause)
            event({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]} if tool else {"content": piece})
        event({}, "tool_calls" if tool else "stop")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@contextmanager
def stub_server(behaviour: Callable[[Request], Reply]) -> Iterator[Stub]:
    """A running stub on a free 127.0.0.1 port; `stub.url` is its OpenAI base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    stub = Stub(f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = type("Handler", (_Handler,), {"behaviour": staticmethod(behaviour), "stub": stub})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def llm_settings(base, url: str, **extra):
    """`base` settings switched to the LLM answerer at `url` (an OpenAI-compatible stub)."""
    return base.model_copy(update={"answerer": "llm", "llm_model": "stub-model", "llm_base_url": url,
                                   "llm_api_key": "x", "llm_timeout": 20.0, **extra})


def statement(passage: Passage, quote: str, text: str) -> dict:
    return {"passage": passage.number, "quote": quote, "statement": text}
