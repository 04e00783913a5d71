"""Retrieval latency at scale: N synthetic chunks in Chroma + BM25, timed with the real query embedder.

    .venv/bin/python bench/retrieval_scale.py --chunks 100000

Documents are synthetic (sentences recombined from corpus/ words) with random unit vectors, so only
the timing is meaningful, not the ranking. The design budget is retrieval <= 30 ms at 100k chunks.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.embed import OnnxEmbedder  # noqa: E402
from rag.index import Index  # noqa: E402
from rag.models import Chunk, DocMeta, Document, Filters  # noqa: E402
from rag.retrieve import HybridRetriever  # noqa: E402
from rag.settings import Settings  # noqa: E402
from rag.text import words  # noqa: E402

QUESTIONS = ["How much did Russia give North Korea?", "How many reservists does North Korea have?",
             "When did Kim and Putin sign the defense pact?", "Who is Park Ji-hoon?",
             "What share of the population is undernourished?", "Which hacking group is blamed for cyberattacks?"]


def synthetic_chunks(n: int, per_doc: int, vocab: list[str], rng: random.Random):
    for d in range(0, n, per_doc):
        texts = [" ".join(rng.choices(vocab, k=60)) + "." for _ in range(min(per_doc, n - d))]
        text = " ".join(texts)
        doc = Document(f"doc{d:08d}", text, DocMeta(path=f"synthetic/{d}.md", outlet=rng.choice(["A", "B", "C"]),
                                                     published=f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
        chunks, pos = [], 0
        for i, t in enumerate(texts):
            chunks.append(Chunk(f"{doc.id}-{i}", doc.id, i, t, pos, pos + len(t)))
            pos += len(t) + 1
        yield doc, chunks


def time_searches(retriever, questions: list[str], filters: Filters, n: int) -> list[float]:
    """Milliseconds of `n` searches (query embedding included), cycling through `questions`."""
    times = []
    for q in (questions * n)[:n]:
        t = time.perf_counter()
        retriever.search(q, filters=filters)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=20)
    ap.add_argument("--queries", type=int, default=60)
    args = ap.parse_args()
    rng, nrng = random.Random(0), np.random.default_rng(0)
    vocab = sorted({w for p in Path("corpus").glob("*.md") for w in words(p.read_text(encoding="utf-8"))})
    embedder = OnnxEmbedder()
    with tempfile.TemporaryDirectory(prefix="rag-scale-") as tmp:
        index = Index(Settings(RAG_DATA_DIR=tmp, RAG_CORPUS_DIR=tmp), embedder=embedder)
        t0 = time.perf_counter()
        for doc, chunks in synthetic_chunks(args.chunks, args.per_doc, vocab, rng):
            vecs = nrng.normal(size=(len(chunks), 384)).astype(np.float32)
            index.store.put_document(doc, chunks, vecs / np.linalg.norm(vecs, axis=1, keepdims=True))
        stored = time.perf_counter() - t0
        t0 = time.perf_counter()
        index._rebuild_lexical()
        lexical = time.perf_counter() - t0
        t0 = time.perf_counter()
        fresh = Index(Settings(RAG_DATA_DIR=tmp, RAG_CORPUS_DIR=tmp), embedder=embedder)
        fresh.lexical  # what a new process pays to load the lexical index
        load = time.perf_counter() - t0
        retriever = HybridRetriever(fresh, k=10, per_source_cap=4)
        retriever.search("warm up")
        for label, filters in (("no filter", Filters()), ("outlet + date filter",
                                                          Filters(outlets=("A",), published_from="2025-03-01"))):
            times = sorted(time_searches(retriever, QUESTIONS, filters, args.queries))
            print(f"{args.chunks} chunks, {label}: retrieval median {statistics.median(times):.1f} ms, "
                  f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms (incl. query embedding)")
        print(f"store {stored:.0f} s, lexical build {lexical:.1f} s, lexical load in a new process {load:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
