"""The `rag` command line as a user runs it (subprocesses on the session's seed index)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, REPO
from tests.loopback_site import site  # noqa: F401  (a fixture, found by name)

pytestmark = pytest.mark.slow


def rag(*args, data_dir, corpus=CORPUS, stdin=None, env=None):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_CORPUS_DIR": str(corpus), **(env or {})}
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
    f.write_bytes(b"\n".join([
        json.dumps({"question": "How many reservists does North Korea have?"}).encode(),
        b"not json",
        b'{"question": "How many reservists \xff\xfe does North Korea have?"}',  # invalid UTF-8
        json.dumps({"question": "What is the capital of France?"}).encode(),
        json.dumps({"question": "Who is Park Ji-hoon\udcff?"}).encode(),  # a lone surrogate: cleaned, answered
        json.dumps({"question": "x" * 2001}).encode(),  # over the limit
        json.dumps({"question": "and what did it get in return?",
                    "history": [{"question": "How much did Russia give North Korea?"}]}).encode(),
    ]))
    r = rag("ask", "--jsonl", str(f), data_dir=seed_data_dir)
    rows = [json.loads(line) for line in r.stdout.splitlines()]  # every stdout line is JSON
    assert [row.get("line") for row in rows] == [None, 2, 3, None, None, 6, None]
    errors = {row["line"]: row["error"] for row in rows if "error" in row}
    assert "not JSON" in errors[2] and "not UTF-8" in errors[3] and "limit is 2,000" in errors[6]
    answers = [row for row in rows if "error" not in row]
    assert [a["question"] for a in answers] == ["How many reservists does North Korea have?",
                                                "What is the capital of France?", "Who is Park Ji-hoon\ufffd?",
                                                "and what did it get in return?"]
    assert [a["abstained"] for a in answers[:3]] == [False, True, False]
    assert answers[3]["interpreted_as"]
    assert "q.jsonl:2: skipped" in r.stderr and "Traceback" not in r.stderr and r.returncode == 1


def test_invalid_utf8_arguments_are_cleaned_not_a_traceback(seed_data_dir):
    question = os.fsdecode(b"How many reservists does North Korea have\xff?")  # the raw byte 0xff on argv
    r = rag("ask", "--json", question, data_dir=seed_data_dir)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    answer = json.loads(r.stdout)
    assert answer["question"] == "How many reservists does North Korea have\ufffd?" and not answer["abstained"]
    r = rag("search", "--k", "2", os.fsdecode(b"reservists \xff\xfe"), data_dir=seed_data_dir)
    assert r.returncode == 0 and r.stdout.startswith("1. ") and "Traceback" not in r.stderr, r.stderr


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
    assert r.returncode == 1  # partial failure
    assert "1 added" in r.stdout and "1 failed" in r.stdout and "bad.txt: binary file" in r.stderr
    r = rag("ingest", data_dir=tmp_path / "d", corpus=corpus)
    assert "1 unchanged" in r.stdout and "0 chunks embedded" in r.stdout


def test_ingest_exit_status_tells_the_truth(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("Headline\nThe pier is 300 metres long, the council said.", encoding="utf-8")
    (corpus / "ok.md").write_text("---\ntitle: Ferry\n---\nThe ferry carries 200 cars a day.\n", encoding="utf-8")
    bad = {"empty.md": b"", "binary.txt": b"\x00\x01PNG\x00" * 20, "latin1.txt": "Caf\xe9".encode("latin-1"),
           "bad-front.md": b"---\ntitle: [unclosed\n---\nBody.\n", "corrupt.pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\nx"}
    for name, data in bad.items():
        (corpus / name).write_bytes(data)
    (corpus / "a.exe").write_bytes(b"MZ")
    (corpus / "b.zip").write_bytes(b"PK")
    data = tmp_path / "d"

    r = rag("ingest", data_dir=data, corpus=corpus)
    assert r.returncode == 1, r.stderr  # 2 good, 5 bad: partial failure
    assert "2 added" in r.stdout and "5 failed" in r.stdout
    assert "skipped (unsupported type): a.exe, b.zip" in r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 5 and all(line.startswith("failed: ") for line in lines), r.stderr
    assert "corrupt.pdf: corrupt or unreadable PDF (EOF marker not found;" in r.stderr  # pypdf's log, in our line

    for name in bad:
        (corpus / name).unlink()
    r = rag("ingest", data_dir=data, corpus=corpus)
    assert r.returncode == 0 and "2 unchanged" in r.stdout

    r = rag("ingest", str(tmp_path / "nope"), data_dir=data, corpus=corpus)
    assert r.returncode == 2 and "nope: no such file or folder" in r.stderr
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "empty.txt").write_bytes(b"")
    r = rag("ingest", str(tmp_path / "junk"), data_dir=data, corpus=corpus)
    assert r.returncode == 2 and "1 failed" in r.stdout  # nothing could be indexed


def test_search_k_below_one_is_a_usage_error(seed_data_dir):
    r = rag("search", "--k", "0", "reservists", data_dir=seed_data_dir)
    assert r.returncode == 2 and not r.stdout and "--k: must be a whole number of at least 1" in r.stderr


@pytest.mark.server
def test_ingest_url_trusts_the_typed_host_but_not_its_redirects(tmp_path, site):
    r = rag("ingest", f"{site.url}/story.html", f"{site.url}/redirect?to=http://127.0.0.2:{site.port}/story.html",
            data_dir=tmp_path / "d", corpus=tmp_path, env={"RAG_URL_ALLOW": ""})
    assert "1 added" in r.stdout and "1 failed" in r.stdout and r.returncode == 1, r.stderr  # partial
    assert "refused: 127.0.0.2 is a loopback address" in r.stderr
    assert site.hits == ["/story.html", f"/redirect?to=http://127.0.0.2:{site.port}/story.html"]


def test_missing_corpus_says_what_to_run(tmp_path):
    r = rag("ask", "anything?", data_dir=tmp_path / "d", corpus=tmp_path / "nope")
    assert r.returncode == 2 and "rag --corpus FOLDER ingest" in r.stderr and not r.stdout


@pytest.mark.server
def test_serve_on_a_taken_port_is_a_usage_error(seed_data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        r = rag("serve", "--port", str(taken.getsockname()[1]), data_dir=seed_data_dir)
    assert r.returncode == 2 and "try another port" in r.stderr
