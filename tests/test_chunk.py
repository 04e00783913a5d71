"""Sentence-aware chunking: offsets, the 256 word-piece window, overlap, over-long sentences."""
from __future__ import annotations

import pytest

from rag.chunk import chunk_document
from rag.embed import MAX_TOKENS, OnnxEmbedder
from rag.ingest import load_path
from rag.models import DocMeta, Document
from rag.text import sentence_spans
from tests.conftest import CORPUS


class _Tok(OnnxEmbedder):
    """Just the real tokenizer (no ONNX session) for counting word pieces."""

    def __init__(self):
        self._init_tokenizer()


@pytest.fixture(scope="module")
def tok():
    return _Tok()


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.md")), ids=lambda p: p.name)
def test_offsets_and_window(tok, path):
    doc = load_path(path, CORPUS)
    chunks = chunk_document(doc, tok.count_tokens, max_tokens=200, overlap=1)
    assert chunks
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert tok.count_tokens(c.text) + 2 <= MAX_TOKENS
    starts = {s.start for s in sentence_spans(doc.text)}
    assert all(c.start in starts for c in chunks)  # chunks begin on sentence boundaries
    assert chunks[-1].end == len(doc.text.rstrip())


def test_overlap_repeats_last_sentence(tok):
    text = " ".join(f"Sentence number {i} talks about item {i} in some detail here." for i in range(60))
    doc = Document("d", text, DocMeta("d.txt"))
    chunks = chunk_document(doc, tok.count_tokens, max_tokens=80, overlap=1)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end  # shares the last sentence of a


def test_overlong_sentence_is_split_at_words(tok):
    text = "Intro sentence. " + " ".join(f"word{i}" for i in range(2000)) + " end. Outro sentence."
    doc = Document("d", text, DocMeta("d.txt"))
    chunks = chunk_document(doc, tok.count_tokens, max_tokens=100, overlap=0)
    assert all(tok.count_tokens(c.text) + 2 <= 100 for c in chunks)
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert all(not c.text[0].isspace() for c in chunks)


def test_sentence_splitter_keeps_abbreviations_and_decimals():
    text = "The U.S. Defense Intelligence Agency said $1.2 billion was sent. Dr. Kim agreed. Then it ended."
    got = [text[s.start:s.end] for s in sentence_spans(text)]
    assert got == ["The U.S. Defense Intelligence Agency said $1.2 billion was sent.", "Dr. Kim agreed.",
                   "Then it ended."]
