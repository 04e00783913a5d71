"""`RAG_ANSWERER=llm rag eval` against a faithful loopback model meets the extractive answerer's thresholds.

The faithful stub answers only from the passages in its prompt: it reads them with the pipeline's own
extractive reader (each source's passages together, not the whole documents) and returns each sentence
it picks as a quote, with a statement that says exactly that. Its answers then go through the real client, the verifier,
the statement gate and the fallback, and are scored on the seed eval set.
"""
from __future__ import annotations

import hashlib

import pytest

from rag.eval_data import load_dataset
from rag.evaluate import evaluate
from rag.models import ChainInput, Chunk, DocMeta, Document, RetrievedChunk
from rag.pipeline import build_pipeline
from tests.conftest import REPO
from tests.llm_stub import Reply, llm_settings, stub_server

pytestmark = [pytest.mark.server, pytest.mark.slow]
DATASET = "evals/grounding.jsonl"


def faithful(reader):
    """A model that answers from the passages it is given, and says nothing they do not say."""
    def model(req):
        docs, retrieved, where = {}, [], []  # a source's passages are read together, in prompt order
        key = hashlib.sha256(req.prompt.encode()).hexdigest()[:16]  # the reader caches sentences by document id
        for p in req.passages:
            doc_id, meta = f"{key}-{p.source}", DocMeta(path=p.source, outlet=p.source)
            text = docs[doc_id].text + "\n\n" if doc_id in docs else ""
            where.append((doc_id, len(text), p.number))
            docs[doc_id] = Document(doc_id, text + p.text, meta)
            retrieved.append(RetrievedChunk(Chunk(f"{doc_id}-{p.number}", doc_id, p.number, p.text, len(text),
                                                  len(text) + len(p.text)), meta, 1.0 / p.number))
        draft = reader.draft(ChainInput(question=req.question), req.question, retrieved, docs)
        items = [{"passage": next(n for d, start, n in reversed(where) if d == c.quote.doc_id
                                  and start <= (c.quote.hint_start or 0)),
                  "quote": c.quote.text, "statement": c.quote.text} for c in draft.claims]
        return Reply(data={"answerable": bool(items), "statements": items})
    return model


def test_faithful_model_passes_the_seed_eval_at_the_extractive_thresholds(seed_settings):
    from rag.index import Index

    cases, _ = load_dataset(REPO / DATASET)
    index = Index(seed_settings)
    extractive = evaluate(cases, build_pipeline(seed_settings, index=index), seed_settings.retrieval_k, DATASET)
    reader = build_pipeline(seed_settings, index=index).answerer  # the pipeline's own extractive reader
    with stub_server(faithful(reader)) as stub:
        chain = build_pipeline(llm_settings(seed_settings, stub.url), index=index)
        report = evaluate(cases, chain, seed_settings.retrieval_k, DATASET)
    m = report.metrics
    assert len(stub.requests) >= len(cases)
    assert m["quote_verbatim_rate"] == 1.0 and m["error_rate"] == 0.0 and m["wrong_answer_rate"] == 0.0
    worded = sum(" [1]\n> “" in c.answer for c in report.cases)
    assert worded >= len(cases) // 2, "most answers are the model's statements, not the fallback"
    # Latency is the model's own time here (the stub reads in this process): not a grounding threshold.
    missed = [n for n in report.missed if not n.startswith("latency")]
    assert set(missed) <= set(extractive.missed), {n: (m[n], extractive.metrics[n]) for n in missed}
    if extractive.missed:
        pytest.xfail(f"the extractive answerer itself misses {extractive.missed} on this commit; with the faithful "
                     f"model: {[(n, m[n], extractive.metrics[n]) for n in missed]}")
    assert missed == [], {n: m[n] for n in missed}
