"""bench/load.py against a real `rag serve`: concurrent gradio_client sessions give the serial answers."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_concurrent_sessions_get_the_answers_a_serial_replay_gets(tmp_path):
    out = tmp_path / "load.json"
    r = subprocess.run([sys.executable, str(REPO / "bench" / "load.py"), "--sessions", "6", "--duration", "5",
                        "--json", str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(out.read_text())
    assert report["answers"] > 0 and report["follow_ups"] > 0 and report["replayed"] > 0
    assert report["errors"] == 0 and report["mismatches"] == 0
