"""Is the int8 ONNX model good enough to replace fp32? Cosine, retrieval recall@10 and tokens/s, fp32 vs int8.

    python bench/quantize_check.py [--dev evals/ramdocs-dev.jsonl]

Cosine: each chunk of corpus/ and of the dev set's documents, embedded by both models. Recall@10: the eval
runner's `retrieval_recall_at_k` (gold passages in the top 10 retrieved chunks) on the seed set and the dev
set, with documents and queries embedded by fp32, by int8, int8 documents with fp32 queries (the default:
int8 for ingest only), and int8 queries over fp32 documents. Tokens/s: word pieces embedded per second over the same chunks, in batches of 256.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rag.chain import build_chain  # noqa: E402
from rag.chunk import chunk_document  # noqa: E402
from rag.embed import OnnxEmbedder, ensure_int8_model, ensure_onnx_model  # noqa: E402
from rag.eval_data import load_dataset, write_corpus  # noqa: E402
from rag.evaluate import compute_metrics, run_case  # noqa: E402
from rag.index import Index, expand_sources  # noqa: E402
from rag.ingest import IngestError, load_path  # noqa: E402
from rag.settings import Settings  # noqa: E402


def chunk_texts(folder: Path, embedder) -> list[str]:
    """The chunks ingest would embed for the loadable files of `folder`."""
    files, _, _ = expand_sources([folder])
    texts = []
    for f in files:
        try:
            texts += [c.text for c in chunk_document(load_path(f, folder), embedder.count_tokens)]
        except IngestError:
            continue
    return texts


def tokens_per_s(embedder, texts: list[str]) -> float:
    embedder.embed(texts[:64])  # warm-up
    tokens = sum(embedder.count_tokens(t) + 2 for t in texts)
    start = time.perf_counter()
    for b in range(0, len(texts), 256):
        embedder.embed(texts[b:b + 256])
    return tokens / (time.perf_counter() - start)


def recall(settings: Settings, cases, doc_embedder, query_embedder, sources) -> float:
    Index(settings, embedder=doc_embedder).ingest(sources)
    chain = build_chain(settings, index=Index(settings, embedder=query_embedder))
    return compute_metrics([run_case(c, chain, 10) for c in cases if c.expect.gold])["retrieval_recall_at_k"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", default=str(REPO / "evals/ramdocs-dev.jsonl"))
    args = ap.parse_args()
    fp32, int8 = OnnxEmbedder(ensure_onnx_model()), OnnxEmbedder(ensure_int8_model())
    with tempfile.TemporaryDirectory(prefix="rag-quant-") as tmp:
        dev_cases, dev_docs = load_dataset(Path(args.dev))
        dev_corpus = Path(tmp, "dev-corpus")
        dev_sources = write_corpus(dev_docs, dev_corpus)
        texts = chunk_texts(REPO / "corpus", fp32) + chunk_texts(dev_corpus, fp32)
        cos = (fp32.embed(texts) * int8.embed(texts)).sum(axis=1)
        print(f"cosine int8 vs fp32 over {len(texts)} chunks: mean {cos.mean():.4f}, min {cos.min():.4f}, "
              f"{(cos < 0.99).mean():.1%} under 0.99")
        speed = {name: tokens_per_s(e, texts) for name, e in (("fp32", fp32), ("int8", int8))}
        print(f"tokens/s: fp32 {speed['fp32']:.0f}, int8 {speed['int8']:.0f} ({speed['int8'] / speed['fp32']:.2f}x)")
        seed_cases, _ = load_dataset(REPO / "evals/grounding.jsonl")
        sets = {"seed": (seed_cases, REPO / "corpus", None), "dev": (dev_cases, dev_corpus, dev_sources)}
        for name, (cases, corpus, sources) in sets.items():
            row = []
            for label, docs, queries in (("fp32", fp32, fp32), ("int8", int8, int8),
                                         ("int8 docs + fp32 queries", int8, fp32),
                                         ("fp32 docs + int8 queries", fp32, int8)):
                data = Path(tmp, f"{name}-{label.split()[0]}-{len(row)}")
                s = Settings(RAG_CORPUS_DIR=str(corpus), RAG_DATA_DIR=str(data))
                row.append(f"{label} {recall(s, cases, docs, queries, sources):.4f}")
            print(f"retrieval recall@10, {name} set ({sum(bool(c.expect.gold) for c in cases)} cases): " + ", ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
