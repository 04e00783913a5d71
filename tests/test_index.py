"""Idempotent ingest, update, prune, removal and failure isolation (fake embedder: fast)."""
from __future__ import annotations

import shutil

from rag.index import Index
from tests.conftest import write_article as _write


def test_reingest_is_idempotent_and_updates_replace(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "The bridge cost 4 million dollars. It opened in May.")
    _write(s.corpus_dir, "b.md", "B", "The school has 300 pupils. It was built in 1990.")
    index = Index(s, embedder=fake_embedder)
    r1 = index.ingest()
    assert sorted(r1.added) == ["a.md", "b.md"] and r1.chunks_embedded > 0
    before = fake_embedder.embedded
    r2 = index.ingest()
    assert r2.skipped == ["a.md", "b.md"] and fake_embedder.embedded == before  # nothing re-embedded

    _write(s.corpus_dir, "a.md", "A", "The bridge cost 5 million dollars. It opened in June.")
    r3 = Index(s, embedder=fake_embedder).ingest()
    assert r3.updated == ["a.md"] and r3.skipped == ["b.md"]
    index = Index(s, embedder=fake_embedder)
    texts = " ".join(c.text for c, _ in index.lexical.records)
    assert "5 million" in texts and "4 million" not in texts  # old chunks gone
    assert len(index.documents()) == 2


def test_prune_removes_documents_whose_files_are_gone(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "Alpha text about rivers and lakes.")
    _write(s.corpus_dir, "b.md", "B", "Beta text about mountains and hills.")
    Index(s, embedder=fake_embedder).ingest()
    (s.corpus_dir / "b.md").unlink()
    assert Index(s, embedder=fake_embedder).ingest().removed == []  # without --prune nothing is removed
    r = Index(s, embedder=fake_embedder).ingest(prune=True)
    assert r.removed == ["b.md"]
    index = Index(s, embedder=fake_embedder)
    assert [m.path for _, m in index.documents()] == ["a.md"]
    assert all(m.path == "a.md" for _, m in index.lexical.records)


def test_a_bad_file_fails_alone_and_nothing_indexed_is_lost(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "good.md", "Good", "The ferry carries 200 cars a day.")
    Index(s, embedder=fake_embedder).ingest()
    (s.corpus_dir / "good.md").write_bytes(b"\x00\x01binary now")  # the file got corrupted
    _write(s.corpus_dir, "new.md", "New", "The tunnel is 3 kilometres long.")
    errors = []
    r = Index(s, embedder=fake_embedder).ingest(prune=True, on_error=errors.append)
    assert r.added == ["new.md"] and len(r.failed) == 1 and "good.md: binary file" in str(r.failed[0])
    assert errors == r.failed
    paths = sorted(m.path for _, m in Index(s, embedder=fake_embedder).documents())
    assert paths == ["good.md", "new.md"]  # the last good version of good.md is kept, not pruned


def test_remove_and_lexical_rebuild(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "Alpha text about rivers.")
    _write(s.corpus_dir, "b.md", "B", "Beta text about hills.")
    index = Index(s, embedder=fake_embedder)
    index.ingest()
    assert index.remove("b.md")
    assert [m.path for _, m in index.documents()] == ["a.md"]
    # a deleted lexical file is rebuilt from Chroma, the system of record
    shutil.rmtree(index.lexical_dir)
    assert len(Index(s, embedder=fake_embedder).lexical.records) == index.store.count_chunks()


def test_unsupported_files_in_a_folder_are_listed(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "The bridge cost 4 million dollars.")
    (s.corpus_dir / "setup.exe").write_bytes(b"MZ")
    (s.corpus_dir / "sub").mkdir()
    (s.corpus_dir / "sub" / "photos.zip").write_bytes(b"PK")
    (s.corpus_dir / ".DS_Store").write_bytes(b"\x00")  # hidden files are ignored, not listed
    r = Index(s, embedder=fake_embedder).ingest()
    assert r.added == ["a.md"] and not r.failed and r.unsupported == ["setup.exe", "sub/photos.zip"]
    assert r.summary().splitlines()[1] == "skipped (unsupported type): setup.exe, sub/photos.zip"
    assert r.summary(show=1).endswith("skipped (unsupported type): setup.exe and 1 more")
