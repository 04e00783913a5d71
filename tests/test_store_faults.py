"""A damaged or read-only index: a clear message, `rag ingest --rebuild`, and reading from a read-only folder."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rag.index import Index
from rag.retrieve import HybridRetriever
from rag.store import StoreError
from tests.conftest import CORPUS, REPO, write_article
DAMAGED = "the index in {path} is damaged ({why}); rebuild it from the corpus with: rag ingest --rebuild"


def corrupt(db: Path, where: str = "pages") -> None:
    """Overwrite the SQLite header, or stretches of the pages after it, with garbage."""
    size = db.stat().st_size
    with open(db, "r+b") as f:
        for offset in ([0] if where == "header" else range(8192, size, 3 * 4096)):
            f.seek(offset)
            f.write(b"\xde\xad\xbe\xef" * 50)


@pytest.mark.parametrize("where,why", [("pages", "database disk image is malformed"),
                                       ("header", "file is not a database")])
def test_a_damaged_store_says_how_to_recover_and_rebuild_restores_it(make_settings, fake_embedder, where, why):
    s = make_settings()
    write_article(s.corpus_dir, "dam.md", "Dam", "The dam holds 3 million litres.")
    write_article(s.corpus_dir, "zoo.md", "Zoo", "The zoo has 40 elephants.")
    Index(s, embedder=fake_embedder).ingest()
    corrupt(s.data_dir / "chroma" / "chroma.sqlite3", where)

    with pytest.raises(StoreError) as failure:
        Index(s, embedder=fake_embedder).documents()
    assert str(failure.value) == DAMAGED.format(path=s.data_dir / "chroma", why=why)

    report = Index(s, embedder=fake_embedder).rebuild()
    assert sorted(report.added) == ["dam.md", "zoo.md"] and not report.failed
    index = Index(s, embedder=fake_embedder)
    assert [m.path for _, m in index.documents()] == ["dam.md", "zoo.md"]
    assert HybridRetriever(index).search("how many elephants at the zoo")[0].meta.path == "zoo.md"


def _rag(*args, data_dir: Path, prefix: list[str] = (), corpus: Path = CORPUS):
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir), "RAG_CORPUS_DIR": str(corpus)}
    return subprocess.run([*prefix, sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=300)


@pytest.mark.slow
def test_rag_ask_on_a_damaged_index_says_how_to_recover_and_rebuild_works(seed_data_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seed_data_dir, data)
    corrupt(data / "chroma" / "chroma.sqlite3")
    r = _rag("ask", "How much did Russia give North Korea?", data_dir=data)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1] == "error: " + DAMAGED.format(path=data / "chroma",
                                                                           why="database disk image is malformed")
    assert "Traceback" not in r.stderr
    r = _rag("ingest", "--rebuild", data_dir=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{len(list(CORPUS.glob('*.md')))} added, 0 updated")
    r = _rag("ask", "--json", "How much did Russia give North Korea?", data_dir=data)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["quotes"]


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


def test_a_store_locked_for_a_moment_opens_once_the_lock_passes(make_settings, fake_embedder, monkeypatch):
    import rag.store
    import rag.store_layout

    monkeypatch.setattr(rag.store, "LOCK_WAITS", (0.0, 0.0, 0.0))
    real, tries = rag.store_layout.open_collection, []

    def busy_twice(client, name):  # another writer holds SQLite's lock for the first two tries
        tries.append(name)
        if len(tries) <= 2:
            raise RuntimeError("Database error: error returned from database: (code: 5) database is locked")
        return real(client, name)

    monkeypatch.setattr(rag.store, "open_collection", busy_twice)
    index = Index(make_settings(), embedder=fake_embedder)
    assert index.store.chunks.count() == 0 and len(tries) == 4  # two failed tries, then both collections

    tries.clear()
    monkeypatch.setattr(rag.store, "open_collection", lambda client, name: (_ for _ in ()).throw(
        RuntimeError("Database error: error returned from database: (code: 5) database is locked")))
    with pytest.raises(StoreError, match="database is locked"):  # a lock that never passes is reported
        Index(make_settings(), embedder=fake_embedder).store
