"""Load test of the web chat's `/ask`: concurrent gradio_client sessions against a fresh `rag serve`.

Starts `rag serve` on 127.0.0.1 (a free port, its own temporary data folder, the bundled corpus) and
runs `--sessions` concurrent sessions for `--duration` seconds (or until `--max-requests` answers).
Each session holds conversations built from the grounding evals: single questions, and (30% of them)
two-turn chats whose follow-up carries the first answer in its history. Then every distinct request
is asked again, one at a time, and the concurrent answers that differ from the serial ones are
counted. Prints answers/s, p50, p95 and mismatches; `--json FILE` writes them. Loopback only; the
server is stopped at the end.

    .venv/bin/python bench/load.py --sessions 20 --duration 60
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_RATE, TARGET_P95 = 20.0, 1.0  # answers/s and seconds, for 20 sessions on 2 cores (issue 14)
REQUEST_TIMEOUT = 60.0
FOLLOW_UP_SHARE = 0.3  # of the conversations a session starts, the share that asks a follow-up


@dataclass(frozen=True)
class Conversation:
    """A first question and, optionally, a follow-up asked with the first answer in the history."""

    question: str
    follow_up: str | None = None


@dataclass
class Call:
    session: int
    question: str
    history: str  # the JSON the client sent
    seconds: float
    answer: dict | None = None
    error: str | None = None


@dataclass
class Report:
    sessions: int
    seconds: float
    answers: int
    errors: int
    answers_per_s: float
    p50_s: float
    p95_s: float
    replayed: int
    mismatches: int
    follow_ups: int
    server_concurrency: str
    machine: str = ""
    load_average: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after the run
    error_samples: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        met = self.answers_per_s >= TARGET_RATE and self.p95_s <= TARGET_P95
        return [f"{self.machine}; load average {self.load_average[0]:.1f} before, {self.load_average[1]:.1f} after; "
                f"RAG_UI_CONCURRENCY={self.server_concurrency}",
                f"{self.sessions} sessions, {self.seconds:.1f} s: {self.answers} answers ({self.follow_ups} "
                f"follow-ups), {self.errors} errors",
                f"answers/s {self.answers_per_s:.1f} (target >= {TARGET_RATE:g})",
                f"latency p50 {self.p50_s:.3f} s, p95 {self.p95_s:.3f} s (target p95 <= {TARGET_P95:g} s)",
                f"serial replay: {self.replayed} distinct requests, {self.mismatches} concurrent answers differ",
                "target met" if met else "target MISSED"]


def conversations(path: Path = REPO / "evals" / "grounding.jsonl") -> list[Conversation]:
    """Every eval question as a one-turn conversation, and each follow-up case as a two-turn one."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        history = case.get("history") or []
        if history:
            out.append(Conversation(history[-1]["question"], case["question"]))
        else:
            out.append(Conversation(case["question"]))
    return out


# ---- the server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(workdir / "data"), "RAG_CORPUS_DIR": str(REPO / "corpus"),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
           "PYTHONPATH": str(REPO), **env_extra}
    env.pop("RAG_UI_PASSWORD", None)
    with open(workdir / "server.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port",
                                 str(port)], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"rag serve exited:\n{(workdir / 'server.log').read_text(errors='replace')[-3000:]}")
        try:
            if "/ask" in httpx.get(f"{url}/gradio_api/info", timeout=2).text:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("rag serve did not start within 300 s")


# ---- the load --------------------------------------------------------------------------------
def connect(url: str):
    """A gradio_client session. Plain http on loopback: `ssl_verify=False` spares loading the CA bundle on
    every request (43 ms of the client's CPU per call, on the same 2 cores as the server)."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, ssl_verify=False)


def ask(client, question: str, history: list[dict]) -> tuple[dict, str]:
    payload = json.dumps(history, ensure_ascii=False)
    job = client.submit(question, payload, api_name="/ask")
    return json.loads(job.result(timeout=REQUEST_TIMEOUT)), payload


def run_session(url: str, n: int, pool: list[Conversation], stop: threading.Event, budget: list[int],
                lock: threading.Lock, calls: list[Call]) -> None:
    client = connect(url)
    rng = random.Random(n)
    singles = [c for c in pool if c.follow_up is None]
    chats = [c for c in pool if c.follow_up is not None]
    conv = chats[n % len(chats)]  # every session starts with a conversation, then mixes
    while not stop.is_set():
        history: list[dict] = []
        for question in filter(None, (conv.question, conv.follow_up)):
            with lock:
                if budget[0] <= 0 or stop.is_set():
                    return
                budget[0] -= 1
            t0 = time.perf_counter()
            call = Call(n, question, json.dumps(history, ensure_ascii=False), 0.0)
            try:
                call.answer, call.history = ask(client, question, history)
            except Exception as e:  # noqa: BLE001  (counted and shown, the session goes on)
                call.error = f"{type(e).__name__}: {e}"[:300]
            call.seconds = time.perf_counter() - t0
            with lock:
                calls.append(call)
            if call.answer is None:
                break
            history = history + [{"question": question, "answer": call.answer["answer"]}]
        conv = rng.choice(chats if rng.random() < FOLLOW_UP_SHARE else singles)


def comparable(answer: dict) -> str:
    """The answer without its timings, for comparing runs."""
    return json.dumps({k: v for k, v in answer.items() if k != "timings_ms"}, sort_keys=True, ensure_ascii=False)


def replay(url: str, calls: list[Call]) -> tuple[int, int]:
    """Ask each distinct request once, serially; (distinct requests, concurrent answers that differ)."""
    client = connect(url)
    serial: dict[tuple[str, str], str] = {}
    mismatches = 0
    for c in calls:
        if c.answer is None:
            continue
        key = (c.question, c.history)
        if key not in serial:
            serial[key] = comparable(ask(client, c.question, json.loads(c.history))[0])
        mismatches += serial[key] != comparable(c.answer)
    return len(serial), mismatches


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU") if Path("/proc/cpuinfo").exists() else "unknown CPU"
    return f"{os.cpu_count()} cores ({model}), Python {sys.version.split()[0]}"


def run(url: str, sessions: int, duration: float, max_requests: int, concurrency: str) -> Report:
    pool = conversations()
    calls: list[Call] = []
    stop, lock, budget = threading.Event(), threading.Lock(), [max_requests]
    # a short warm-up so first-use costs (sentence vectors, spelling vocabulary) are not measured
    warm_calls: list[Call] = []
    warm = [threading.Thread(target=run_session, args=(url, 1000 + i, pool, stop, [len(pool)], lock, warm_calls))
            for i in range(2)]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    threads = [threading.Thread(target=run_session, args=(url, i, pool, stop, budget, lock, calls), daemon=True)
               for i in range(sessions)]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    timer = threading.Timer(duration, stop.set)
    timer.start()
    for t in threads:
        t.join(duration + REQUEST_TIMEOUT + 30)
    stop.set()
    timer.cancel()
    elapsed = time.perf_counter() - t0
    load_after = os.getloadavg()[0]
    ok = [c for c in calls if c.answer is not None]
    lat = sorted(c.seconds for c in ok)
    replayed, mismatches = replay(url, ok)
    errors = [c.error for c in calls if c.error]
    return Report(sessions=sessions, seconds=round(elapsed, 2), answers=len(ok), errors=len(errors),
                  answers_per_s=round(len(ok) / elapsed, 2), p50_s=round(percentile(lat, 50), 3),
                  p95_s=round(percentile(lat, 95), 3), replayed=replayed, mismatches=mismatches,
                  follow_ups=sum(c.history != "[]" for c in ok), server_concurrency=concurrency,
                  machine=machine(), load_average=(load_before, load_after), error_samples=errors[:5])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    p.add_argument("--max-requests", type=int, default=5000, help="stop after this many answers")
    p.add_argument("--server-concurrency", type=int, help="RAG_UI_CONCURRENCY for the server it starts")
    p.add_argument("--url", help="an already running server on 127.0.0.1 instead of starting one")
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = p.parse_args(argv)
    if not 1 <= args.sessions <= 100 or not 0 < args.duration <= 600:
        p.error("--sessions must be 1-100 and --duration at most 600 s")
    if args.url and not args.url.startswith(("http://127.0.0.1:", "http://localhost:")):
        p.error("--url must be a loopback address")
    workdir = Path(tempfile.mkdtemp(prefix="rag-load-"))
    proc = None
    try:
        url = args.url
        extra = {"RAG_UI_CONCURRENCY": str(args.server_concurrency)} if args.server_concurrency else {}
        if url is None:
            proc, url = start_server(workdir, extra)
        concurrency = extra.get("RAG_UI_CONCURRENCY") or os.environ.get("RAG_UI_CONCURRENCY", "default")
        report = run(url, args.sessions, args.duration, args.max_requests, concurrency)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report.lines()))
    for e in report.error_samples:
        print("  error:", e)
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    return 0 if report.errors == 0 and report.mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
