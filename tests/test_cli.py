"""The `rag` command line as a user runs it (subprocesses on the session's seed index)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.slow


def rag(*args, data_dir, corpus=CORPUS, stdin=None):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_CORPUS_DIR": str(corpus)}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env,
                          input=stdin, cwd=REPO, timeout=300)


def test_ask_json_is_one_answer_object(seed_data_dir):
    r = rag("ask", "--json", "How much did Russia give North Korea?", data_dir=seed_data_dir)
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    assert set(a) >= {"question", "answer", "abstained", "quotes", "conflicts", "timings_ms"}
    q = a["quotes"][0]
    assert set(q["source"]) >= {"id", "path", "title", "outlet", "published", "url"}
    assert {x["source"]["path"] for x in a["quotes"]} >= {"gateofwise-kim-ai-drones-top-defense-priority.md",
                                                          "kim-ai-top-priority-strongest-position.md"}


def test_ask_jsonl_answers_every_line_in_order_with_pure_stdout(seed_data_dir, tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join([
        json.dumps({"question": "How many reservists does North Korea have?"}),
        "not json",
        json.dumps({"question": "What is the capital of France?"}),
        json.dumps({"question": "and what did it get in return?",
                    "history": [{"question": "How much did Russia give North Korea?"}]}),
    ]), encoding="utf-8")
    r = rag("ask", "--jsonl", str(f), data_dir=seed_data_dir)
    answers = [json.loads(line) for line in r.stdout.splitlines()]
    assert [a["question"] for a in answers] == ["How many reservists does North Korea have?",
                                                "What is the capital of France?", "and what did it get in return?"]
    assert [a["abstained"] for a in answers[:2]] == [False, True]
    assert answers[2]["interpreted_as"]
    assert "q.jsonl:2: skipped" in r.stderr and r.returncode == 1


def test_ask_human_readable(seed_data_dir):
    r = rag("ask", "Who is Park Ji-hoon?", data_dir=seed_data_dir)
    assert r.returncode == 0 and "Park Ji-hoon" in r.stdout and "Sources:" in r.stdout


def test_search_json(seed_data_dir):
    r = rag("search", "--json", "--k", "3", "How many reservists does North Korea have?", data_dir=seed_data_dir)
    rows = json.loads(r.stdout)
    assert len(rows) == 3 and {"score", "path", "start", "end", "text"} <= set(rows[0])


def test_ingest_summary_and_failures(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Headline\nThe pier is 300 metres long, the council said.", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage")
    r = rag("ingest", data_dir=tmp_path / "d", corpus=corpus)
    assert r.returncode == 0
    assert "1 added" in r.stdout and "1 failed" in r.stdout and "bad.txt: binary file" in r.stderr
    r = rag("ingest", data_dir=tmp_path / "d", corpus=corpus)
    assert "1 unchanged" in r.stdout and "0 chunks embedded" in r.stdout


def test_missing_corpus_says_what_to_run(tmp_path):
    r = rag("ask", "anything?", data_dir=tmp_path / "d", corpus=tmp_path / "nope")
    assert r.returncode == 2 and "rag --corpus FOLDER ingest" in r.stderr and not r.stdout
