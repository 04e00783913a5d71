"""Reading from a read-only index folder."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, REPO


def _rag(*args, data_dir: Path, prefix: list[str] = (), corpus: Path = CORPUS):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_CORPUS_DIR": str(corpus)}
    return subprocess.run([*prefix, sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)


def read_only_prefix(path: Path) -> list[str]:
    """A command prefix running a program with `path` truly read-only, for root too (a read-only bind
    mount in a private mount namespace; for other users, `chmod -R a-w` is enough). Skips the test when
    neither is possible."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(path)], check=True)
        return []
    unshare = shutil.which("unshare")
    prefix = [unshare, "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
              str(path)] if unshare else []
    probe = subprocess.run([*prefix, "touch", str(path / ".probe")], capture_output=True, text=True) if prefix else None
    if probe is None or "Read-only file system" not in probe.stderr:
        pytest.skip("cannot make a folder read-only for root here (needs unshare -m and mount)")
    return prefix


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_ask_and_search_work_from_a_read_only_index(seed_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    before = _digest(data)
    ro = read_only_prefix(data)
    try:
        r = _rag("ask", "--json", "How much did Russia give North Korea?", data_dir=data, prefix=ro)
        assert r.returncode == 0, r.stderr
        assert {q["source"]["path"] for q in json.loads(r.stdout)["quotes"]} >= {
            "gateofwise-kim-ai-drones-top-defense-priority.md", "kim-ai-top-priority-strongest-position.md"}
        r = _rag("search", "--json", "North Korea reservists", data_dir=data, prefix=ro)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)
        r = _rag("ingest", data_dir=data, prefix=ro)
        assert r.returncode == 2
        assert f"the data folder {data} is read-only" in r.stderr and "Traceback" not in r.stderr
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(data)])
    assert _digest(data) == before
