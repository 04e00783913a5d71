"""The segmented lexical index: exact BM25, incremental updates (no rebuild from Chroma), compaction, old formats."""
from __future__ import annotations

import json

import numpy as np

from rag.index import Index
from rag.lexical import LexicalIndex
from rag.lexical_sync import MAX_SEGMENTS
from rag.models import Filters
from rag.store import ChromaStore
from rag.text import terms
from tests.conftest import write_article as _write


def _index(s, embedder) -> Index:
    index = Index(s, embedder=embedder)
    index.refresh()
    return index


def test_scores_are_those_of_one_bm25_over_all_live_chunks(make_settings, fake_embedder):
    """Chunks spread over segments, some dead, score as one bm25s index of the live chunks would."""
    import bm25s

    s = make_settings()
    bodies = ["The ferry crosses the bay twice a day.", "The bay bridge opened in 1961.",
              "A ferry strike stopped the bay crossing.", "Pelicans nest by the bridge.",
              "Ferry tickets cost more in summer.", "The bay freezes some winters."]
    for n, body in enumerate(bodies):
        _write(s.corpus_dir, f"a{n}.md", f"A{n}", body)
        if n >= 3:
            Index(s, embedder=fake_embedder).ingest()  # a0-a3 in one segment, then one segment per run
    _write(s.corpus_dir, "a1.md", "A1", "The bay bridge opened in 1962 after a ferry fire.")
    Index(s, embedder=fake_embedder).ingest()  # the old a1 is dead in the first segment
    lex = _index(s, fake_embedder).lexical
    assert len(lex.segments) == 4 and len(lex.records) == 6 and sum(seg.n for seg in lex.segments) == 7
    texts = [c.text for c, _ in lex.records]
    ref = bm25s.BM25()
    ref.index([terms(t) for t in texts], show_progress=False)
    q = "ferry bay bridge"
    want = ref.get_scores([t for t in terms(q) if t in ref.vocab_dict])
    got = dict(lex.search(q, 10, Filters()))
    assert np.allclose([got.get(i, 0.0) for i in range(6)], want, atol=1e-5)
    assert "1961" not in " ".join(texts)


def test_adding_a_document_reads_nothing_back_from_chroma(make_settings, fake_embedder, monkeypatch):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    first = _index(s, fake_embedder).lexical.segments[0].name
    read = []
    real = ChromaStore.iter_chunks
    monkeypatch.setattr(ChromaStore, "iter_chunks", lambda self, ids=None: read.append(ids) or real(self, ids))
    _write(s.corpus_dir, "b.md", "B", "The zoo has 40 elephants.")
    Index(s, embedder=fake_embedder).ingest()
    assert read == []  # the new segment is built from what was just stored, the old one is kept as it is
    lex = _index(s, fake_embedder).lexical
    assert [seg.name for seg in lex.segments][0] == first and len(lex.segments) == 2
    assert lex.records[lex.search("elephants zoo", 1, Filters())[0][0]][1].path == "b.md"


def test_many_small_runs_are_compacted(make_settings, fake_embedder):
    s = make_settings()
    for n in range(MAX_SEGMENTS + 3):
        _write(s.corpus_dir, f"a{n}.md", f"A{n}", f"Station {n} logged {n + 10} trains of type zx{n}.")
        Index(s, embedder=fake_embedder).ingest()
    (s.corpus_dir / "a0.md").unlink()
    Index(s, embedder=fake_embedder).ingest(prune=True)
    lex = _index(s, fake_embedder).lexical
    assert len(lex.segments) <= MAX_SEGMENTS
    assert len(lex.records) == MAX_SEGMENTS + 2
    assert lex.records[lex.search("zx5 trains", 1, Filters())[0][0]][1].path == "a5.md"
    assert not lex.search("zx0", 1, Filters())
    generations = Index(s, embedder=fake_embedder).versions.generations
    kept = [p.name for p in generations.root.glob("g*")]
    assert len(kept) == 2  # the newest two generations, and only the segments they use
    used = {name for g in kept for name in generations.manifest(g).segments}
    assert {p.name for p in generations.segments_dir.iterdir()} == used


def test_arrays_load_memory_mapped(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    seg = _index(s, fake_embedder).lexical.segments[0]
    assert isinstance(seg.post_row, np.memmap) and isinstance(seg.texts, np.memmap)


def test_an_index_in_the_old_format_is_rebuilt_from_chroma(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "The dam holds 3 million litres of water.")
    Index(s, embedder=fake_embedder).ingest()
    root = s.data_dir / "lexical-news"
    (root / "g7").mkdir()
    (root / "g7" / "records.json").write_text(json.dumps([]), encoding="utf-8")  # as written before segments
    (root / "CURRENT").write_text("g7", encoding="utf-8")
    index = _index(s, fake_embedder)
    assert [c.text for c, _ in index.lexical.records] == ["The dam holds 3 million litres of water."]
    assert (root / "CURRENT").read_text() != "g7"  # the rebuilt index is published for every process


def test_records_and_positions_count_live_chunks_only(make_settings, fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "A", "Version one of the notice.")
    _write(s.corpus_dir, "b.md", "B", "Another notice entirely.")
    Index(s, embedder=fake_embedder).ingest()
    old = _index(s, fake_embedder).lexical
    _write(s.corpus_dir, "a.md", "A", "Version two of the notice.")
    Index(s, embedder=fake_embedder).ingest()
    lex = _index(s, fake_embedder).lexical
    assert sorted(c.text for c, _ in lex.records) == ["Another notice entirely.", "Version two of the notice."]
    gone = next(c.id for c, _ in old.records if "one" in c.text)
    assert gone not in lex.position and lex.position.get(gone) is None
    assert all(lex.records[lex.position.get(c.id)][0] == c for c, _ in lex.records)
    assert sorted(lex.chunk_counts().values()) == [1, 1]


def test_records_given_directly_are_indexed_in_a_private_folder():
    from rag.models import Chunk, DocMeta

    lex = LexicalIndex([(Chunk("d-0", "d", 0, "Quokkas hop.", 0, 12), DocMeta("d.md"))])
    assert lex.records[0][0].text == "Quokkas hop." and lex.search("quokkas", 3, Filters())[0][0] == 0


def test_spelling_is_corrected_to_corpus_words_and_to_words_that_ask_for_a_kind_of_answer(make_settings,
                                                                                        fake_embedder):
    s = make_settings()
    _write(s.corpus_dir, "a.md", "Ferries", "The harbour ferry carries commuters across the estuary.")
    index = _index(s, fake_embedder)
    index.ingest()
    lex = index.lexical
    assert lex.correct("when does the harbur ferry leave") == "when does the harbour ferry leave"
    assert lex.correct("what percnt of commuters take the ferry") == "what percent of commuters take the ferry"
    assert lex.correct("what does the ferry carry") is None
    # a misspelt opening question word, short or not, is read as the question word it misspells
    assert lex.correct("Wich ferry crosses the estuary?") == "Which ferry crosses the estuary?"
    assert lex.correct("wher does the harbour ferry go") == "where does the harbour ferry go"
    assert lex.correct("Ferries cross what?") is None  # a corpus word opening the question stays
