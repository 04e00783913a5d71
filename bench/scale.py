#!/usr/bin/env python3
"""Every row of issue 15's targets table in one run; writes its section of bench/RESULTS.md.

    .venv/bin/python bench/scale.py                      # 10k articles (~100k chunks), under 60 min
    .venv/bin/python bench/scale.py --articles 300 --skip-baseline --out /tmp/RESULTS.md

The generated corpus (bench/scale_corpus.py) is embedded once, by `rag ingest` as a whole process; the
re-ingest, cold ask, retrieval, serve-memory and HNSW rows reuse that index. Each row records the machine's
1-minute load average before and after it. All indexes live in a temporary folder. What each row
measures: bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(BENCH), str(REPO)]

from compare_baseline import DEFAULT_BASELINE, OUR_ENV, log, percentile, rag_command, run_worker  # noqa: E402
from scale_report import HEADING, Row, Run, git_line, section, write_section  # noqa: E402

REAL_DOCS = 1059  # the "1,059 real encyclopedia-style documents"
REAL_SETS = ("ramdocs-train.jsonl", "ramdocs-dev.jsonl")
FP32_LIMIT = 8700.0  # tokens/s: this CPU's limit for all-MiniLM-L6-v2 fp32 (issue 15)
HNSW_EF = (100, 200, 400)  # Chroma's default ef_search is 100
GB = 1e9
EMBED_CALL = 256  # texts per embed call in the standalone row (as batched ingest calls it)


class Bench:
    """Paths, options and the run being reported; `measure` runs one step and keeps RESULTS.md current."""

    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args, self.tmp = args, tmp
        self.corpus, self.data = tmp / "articles", tmp / "articles-data"
        self.env = {**os.environ, **OUR_ENV, "PYTHONPATH": str(REPO)}
        self.run = Run(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), args.articles, args.seed,
                       code=git_line(REPO))
        self.chunk_texts: list[str] = []
        self.chunk_tokens: list[int] = []
        self.embed_rate: float | None = None  # tokens/s of the ingest's embedder alone, wall and CPU
        self.embed_cpu_rate: float | None = None
        self.questions = questions()

    def rag(self, *argv: str, corpus: Path | None = None, data: Path | None = None,
            timeout: float = 7200) -> tuple[float, float, subprocess.CompletedProcess]:
        """Run the `rag` CLI as a whole process: (wall s, CPU s of the child, result)."""
        paths = [*(["--corpus", str(corpus)] if corpus else []), *(["--data-dir", str(data)] if data else [])]
        cpu, t = _children_cpu(), time.perf_counter()
        proc = subprocess.run([*rag_command(), *paths, *argv], capture_output=True, text=True, cwd=self.tmp,
                              env=self.env, timeout=timeout)
        wall = time.perf_counter() - t
        if proc.returncode not in (0, 1) or (proc.returncode == 1 and argv[0] != "eval"):
            raise RuntimeError(f"rag {' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        return wall, _children_cpu() - cpu, proc

    def add(self, row: Row, load: tuple[float, float]) -> None:
        row.load = load
        self.run.rows.append(row)
        log(f"{row.what}: {' | '.join(row.cells()[1:5])}")
        self.save()

    def measure(self, name: str, step: Callable[[], None]) -> None:
        """Run one step; a failure is reported in RESULTS.md and the run goes on."""
        log(f"--- {name}")
        try:
            step()
        except Exception as e:  # noqa: BLE001 - one broken row must not lose the others
            why = " ".join(str(e).split())[:300]
            self.run.facts.append(f"{name}: FAILED ({type(e).__name__}: {why})")
            log(f"{name} failed: {e}")
            self.save()

    def save(self) -> None:
        write_section(self.args.out, section(self.run, REPO), self.run.heading)
        if self.args.json:
            self.args.json.write_text(json.dumps(self.run.to_json(), indent=2), encoding="utf-8")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def loadavg() -> float:
    return os.getloadavg()[0]


def questions() -> list[str]:
    """Real questions on the topics the articles were generated from (the dev and train sets)."""
    out = []
    for name in REAL_SETS:
        for line in (REPO / "evals" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


# ---- rows -----------------------------------------------------------------------------------------
def real_ingest(b: Bench) -> None:
    """1,059 real documents: `rag ingest` whole process vs the baseline's whole index build process."""
    from rag.eval_data import load_dataset, write_corpus

    # the first 1,059 without NUL bytes (a few have them; the loader refuses such a file as binary)
    docs = [d for name in REAL_SETS for d in load_dataset(REPO / "evals" / name)[1] if "\x00" not in d.text]
    docs = docs[:REAL_DOCS]
    folder = b.tmp / "real"
    write_corpus(docs, folder)
    l0 = loadavg()
    ours, ours_cpu, proc = b.rag("ingest", corpus=folder, data=b.tmp / "real-data")
    ours_chunks = re.search(r"\((\d+) chunks embedded\)", proc.stdout + proc.stderr)
    detail = f"{len(docs):,} documents, {ours_chunks.group(1) if ours_chunks else '?'} chunks, {ours_cpu:.0f} CPU s"
    if b.args.skip_baseline:
        b.add(Row(f"ingest, {len(docs):,} real documents, whole process (baseline skipped)", ours, "s",
                  detail=detail), (l0, loadavg()))
        return
    t = time.perf_counter()
    base = run_worker("baseline", {"corpus": str(folder), "baseline": str(b.args.baseline), "phase": "build",
                                   "data_dir": str(b.tmp / "real-baseline"), "cases": []}, b.tmp, "real-baseline")
    base_wall = time.perf_counter() - t
    b.add(Row(f"ingest, {len(docs):,} real documents, whole process, vs the baseline's whole index build",
              ours, "s", "<=", 0.5, versus=base_wall, versus_label=f"baseline ({base_wall:.0f} s)",
              detail=f"{detail}; baseline {base['chunks']} chunks, its build alone {base['build_s']:.0f} s"),
          (l0, loadavg()))


def make_corpus(b: Bench) -> None:
    from scale_corpus import generate

    t = time.perf_counter()
    paths = generate(b.corpus, b.args.articles, b.args.seed)
    b.run.facts.append(f"corpus generated in {time.perf_counter() - t:.1f} s: {len(paths):,} articles, "
                       f"{sum(p.stat().st_size for p in paths) / 1e6:.0f} MB of Markdown")


def chunk_corpus(b: Bench) -> None:
    """The chunks `rag ingest` makes of the corpus (the project's loader and chunker), with their tokens."""
    from rag.chunk import SPECIAL_TOKENS, chunk_document
    from rag.embed import make_embedder
    from rag.ingest import load_path
    from rag.settings import Settings

    s, counter = Settings(_env_file=None), make_embedder()
    for path in sorted(b.corpus.rglob("*.md")):
        for c in chunk_document(load_path(path, b.corpus), counter.count_tokens, s.chunk_max_tokens,
                                s.chunk_overlap_sentences):
            b.chunk_texts.append(c.text)
            b.chunk_tokens.append(counter.count_tokens(c.text) + SPECIAL_TOKENS)
    n = len(b.chunk_texts)
    b.run.facts.append(f"chunks: {n:,} ({n / b.args.articles:.1f} per article), {sum(b.chunk_tokens):,} word "
                       f"pieces ({statistics.mean(b.chunk_tokens):.0f} per chunk, [CLS]/[SEP] included)")


def ingest_10k(b: Bench) -> None:
    """`rag ingest` of the generated corpus, against the standalone embedder's rates (wall and CPU)."""
    tokens = sum(b.chunk_tokens)
    log(f"ingest of {tokens:,} tokens: about {tokens / b.embed_rate / 60:.1f} min at the standalone rate")
    l0 = loadavg()
    wall, cpu, proc = b.rag("ingest", corpus=b.corpus, data=b.data)
    load = (l0, loadavg())
    log(f"ingest: {wall:.0f} s; {(proc.stdout + proc.stderr).strip()[-300:]}")
    n = len(b.chunk_texts)
    b.add(Row(f"ingest of {b.args.articles:,} generated articles ({n:,} chunks), whole process", wall, "s",
              detail=f"{b.args.articles / wall:.1f} articles/s, {n / wall:.0f} chunks/s, {cpu:.0f} CPU s"), load)
    rate = b.embed_rate
    b.add(Row("ingest throughput vs the embedder's own (same chunk texts)", tokens / wall, "tokens/s", ">=", 0.9,
              versus=rate, versus_label=f"embedder alone ({rate:,.0f} tokens/s)"), load)
    b.add(Row("same, in tokens per CPU second (less sensitive to load)", tokens / cpu, "tokens/CPU s", ">=", 0.9,
              versus=b.embed_cpu_rate, versus_label=f"embedder alone ({b.embed_cpu_rate:,.0f})"), load)
    embed_s, embed_cpu = tokens / rate, tokens / b.embed_cpu_rate
    share = (wall - embed_s) / wall
    b.add(Row("storage + BM25 + load/chunk share of the ingest wall time", share, "share",
              "<=" if share >= 0 else None, 0.10, detail=f"{wall - embed_s:.0f} s of {wall:.0f} s: wall minus "
              f"{embed_s:.0f} s of embedding at the standalone rate"
              + ("; negative: the machine was busier during the standalone row, no verdict" if share < 0 else "")),
          load)
    b.add(Row("same, share of the ingest's CPU time (less sensitive to load)", (cpu - embed_cpu) / cpu, "share",
              "<=", 0.10, detail=f"{cpu - embed_cpu:.0f} of {cpu:.0f} CPU s: minus {embed_cpu:.0f} CPU s of "
              "embedding at the standalone CPU cost"), load)


def standalone_embedder(b: Bench) -> None:
    """The project's ONNX embedders alone on a sample of the same chunk texts, in this process, in calls of
    `EMBED_CALL` texts: fp32, and int8 where rag.embed can build it. `b.embed_rate` is the rate of the one
    `rag ingest` uses."""
    import numpy as np

    import rag.embed as E

    idx = random.Random(b.args.seed).sample(range(len(b.chunk_texts)), min(b.args.embed_sample, len(b.chunk_texts)))
    texts, tokens = [b.chunk_texts[i] for i in idx], sum(b.chunk_tokens[i] for i in idx)
    models = {"fp32": E.ensure_onnx_model}
    if hasattr(E, "ensure_int8_model"):
        models["int8"] = E.ensure_int8_model
    probe = texts[:16]
    used = ingest_embedder(b).embed(probe)
    vectors = {}
    for kind, ensure in models.items():
        embedder = E.OnnxEmbedder(ensure())
        embedder.embed(texts[:64])  # warm-up: first-call allocations
        l0, t, cpu = loadavg(), time.perf_counter(), time.process_time()
        vectors[kind] = np.vstack([embedder.embed(texts[i:i + EMBED_CALL]) for i in range(0, len(texts), EMBED_CALL)])
        rate, cpu_rate = tokens / (time.perf_counter() - t), tokens / (time.process_time() - cpu)
        default = bool(np.allclose(embedder.embed(probe), used, atol=1e-4))
        if default:
            b.embed_rate, b.embed_cpu_rate = rate, cpu_rate
        cos = "" if kind == "fp32" else (lambda c: f"; cosine to fp32 mean {c.mean():.4f}, min {c.min():.4f}")(
            (vectors[kind] * vectors["fp32"]).sum(1))
        b.add(Row(f"embedder alone, {kind} all-MiniLM-L6-v2 (ONNX){', what ingest uses' if default else ''}", rate,
                  "tokens/s", ">=" if kind == "int8" and default else None, 1.0, versus=FP32_LIMIT,
                  versus_label="fp32 limit (8.7k tokens/s)",
                  detail=f"{len(texts):,} chunks, {tokens:,} tokens, {cpu_rate:,.0f} tokens per CPU s{cos}"),
              (l0, loadavg()))
    if b.embed_rate is None:
        raise RuntimeError("make_embedder() gives neither the fp32 nor the int8 ONNX model's vectors")


def ingest_embedder(b: Bench):
    """The embedder `rag ingest` embeds documents with (`Index.ingest_embedder` where it exists)."""
    from rag.index import Index
    from rag.settings import Settings

    index = Index(Settings(_env_file=None, RAG_DATA_DIR=str(b.tmp / "probe"), **OUR_ENV))
    return getattr(index, "ingest_embedder", None) or index.embedder


def reingest(b: Bench) -> None:
    l0 = loadavg()
    wall, cpu, proc = b.rag("ingest", corpus=b.corpus, data=b.data)
    b.add(Row(f"re-ingest of the unchanged {b.args.articles:,}-article corpus", wall, "s", "<=", 10.0,
              detail=f"{cpu:.1f} CPU s"), (l0, loadavg()))


def cold_ask(b: Bench) -> None:
    times, l0 = [], loadavg()
    for i in range(b.args.cold_runs):
        wall, _, proc = b.rag("ask", "--json", b.questions[i], corpus=b.corpus, data=b.data)
        json.loads(proc.stdout)  # a whole answer came back
        times.append(wall)
    b.add(Row(f"cold `rag ask` with {len(b.chunk_texts):,} chunks, median of {len(times)}",
              statistics.median(times), "s", "<=", 2.0, detail=f"runs {', '.join(f'{t:.2f}' for t in times)} s"),
          (l0, loadavg()))


def open_index(b: Bench):
    from rag.index import Index
    from rag.settings import Settings

    return Index(Settings(_env_file=None, RAG_DATA_DIR=str(b.data), RAG_CORPUS_DIR=str(b.corpus), **OUR_ENV))


def retrieval(b: Bench) -> None:
    from retrieval_scale import time_searches

    from rag.chain import build_chain
    from rag.models import Filters
    from scale_corpus import OUTLETS

    index = open_index(b)
    t = time.perf_counter()
    index.lexical  # noqa: B018 - what a new process pays to load the lexical index
    b.run.facts.append(f"lexical index load in this process: {time.perf_counter() - t:.2f} s")
    retriever = build_chain(index.settings, index=index).retriever
    retriever.search("warm up")
    for label, filters in (("no filter", Filters()),
                           ("outlet + date filter", Filters(outlets=OUTLETS[:1], published_from="2024-07-01"))):
        l0 = loadavg()
        ms = time_searches(retriever, b.questions, filters, b.args.queries)
        load = (l0, loadavg())
        n = f"{len(b.chunk_texts):,} chunks, {label}, {len(ms)} queries"
        b.add(Row(f"retrieval p50, {n}", statistics.median(ms), "ms", "<=", 20.0), load)
        b.add(Row(f"retrieval p95, {n}", percentile(ms, 0.95), "ms", "<=", 40.0), load)
    b.index = index


def warm_answers(b: Bench) -> None:
    """`rag eval` on the seed corpus and on the dev set: their reports' latency of the full answer."""
    for label, dataset, corpus, bounds in (("seed corpus", "grounding.jsonl", REPO / "corpus", (30.0, 60.0)),
                                           ("dev set", "ramdocs-dev.jsonl", None, (None, 150.0))):
        report = b.tmp / f"eval-{dataset}.json"
        l0 = loadavg()
        b.rag("eval", "--dataset", str(REPO / "evals" / dataset), "--report", str(report), "--pairs", "none",
              corpus=corpus, data=b.tmp / f"eval-data-{dataset}" if corpus else None)
        m = json.loads(report.read_text(encoding="utf-8"))["metrics"]
        load, cases = (l0, loadavg()), int(m["cases"])
        for q, bound in zip(("p50", "p95"), bounds):
            b.add(Row(f"warm full answer {q}, {label} ({cases} cases)", m[f"latency_{q}_ms"], "ms",
                      "<=" if bound else None, bound), load)


def serve_memory(b: Bench) -> None:
    """`rag serve` on the big index; a few questions through gradio_client; RSS of the server's processes."""
    from load import ask, connect, start_server

    l0, t = loadavg(), time.perf_counter()
    proc, url = start_server(b.tmp, {"RAG_DATA_DIR": str(b.data), "RAG_CORPUS_DIR": str(b.corpus)})
    try:
        ready = time.perf_counter() - t
        client = connect(url)
        for q in b.questions[:b.args.serve_questions]:
            ask(client, q, [])
        rss, peak = tree_memory(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    b.add(Row(f"`rag serve` RSS with {len(b.chunk_texts):,} chunks, after {b.args.serve_questions} answers",
              rss / GB, "GB", "<=", 1.0, detail=f"peak {peak / GB:.2f} GB; ready in {ready:.0f} s"),
          (l0, loadavg()))


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, peak RSS) in bytes of a process and its children, from /proc."""
    rss = peak = 0
    pids, seen = [pid], set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        status = dict(line.split(":", 1) for line in Path(f"/proc/{p}/status").read_text().splitlines() if ":" in line)
        rss += int(status["VmRSS"].split()[0]) * 1024
        peak += int(status["VmHWM"].split()[0]) * 1024
        for task in Path(f"/proc/{p}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    return rss, peak


def hnsw_recall(b: Bench) -> None:
    """Dense recall@10 of Chroma's HNSW against exact search over the stored vectors, per ef_search.

    A hit counts when its similarity reaches the exact 10th best (ties: overlapping chunks repeat text).
    Chroma applies a changed ef_search only to a newly loaded index, so each setting opens a new client."""
    import numpy as np

    index = getattr(b, "index", None) or open_index(b)
    ids, vecs = stored_vectors(index.store.chunks)
    queries = index.embedder.embed(b.questions[:b.args.hnsw_queries])
    sims = queries @ vecs.T
    kth = -np.partition(-sims, 9, axis=1)[:, 9]
    pos = {cid: n for n, cid in enumerate(ids)}
    name = index.store.chunks.name
    for ef in HNSW_EF:
        col = reopen_collection(b.data, name, ef)
        hnsw = col.configuration_json.get("hnsw") or {}
        l0 = loadavg()
        got = col.query(query_embeddings=queries, n_results=10, include=[])["ids"]
        recall = statistics.mean(sum(sims[r, pos[g]] >= kth[r] - 1e-5 for g in hits) / 10
                                 for r, hits in enumerate(got))
        b.add(Row(f"HNSW dense recall@10 vs exact, {len(ids):,} vectors, ef_search {hnsw.get('ef_search')}"
                  + (" (Chroma's default)" if ef == 100 else ""), float(recall), "recall", ">=", 0.98,
                  detail=f"{len(queries)} questions; M {hnsw.get('max_neighbors')}, ef_construction "
                  f"{hnsw.get('ef_construction')}"), (l0, loadavg()))
    reopen_collection(b.data, name, 100)  # back to the default


def reopen_collection(data: Path, name: str, ef_search: int):
    """The chunk collection with `ef_search` set, through a new embedded client (Chroma caches clients)."""
    import chromadb
    from chromadb.api.client import SharedSystemClient

    from rag.store_layout import open_collection

    client = chromadb.PersistentClient(path=str(data / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False))
    open_collection(client, name).modify(configuration={"hnsw": {"ef_search": ef_search}})
    SharedSystemClient.clear_system_cache()
    client = chromadb.PersistentClient(path=str(data / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False))
    return open_collection(client, name)


def stored_vectors(col, page: int = 5000):
    """Every (id, vector) of a Chroma collection."""
    import numpy as np

    ids, vecs, offset = [], [], 0
    while True:
        got = col.get(include=["embeddings"], limit=page, offset=offset)
        if not got["ids"]:
            break
        ids += got["ids"]
        vecs.append(np.asarray(got["embeddings"], dtype=np.float32))
        offset += len(got["ids"])
    return ids, np.vstack(vecs)


# ---------------------------------------------------------------------------------------------------
STEPS = {"generate": make_corpus, "chunk": chunk_corpus, "real": real_ingest, "embedder": standalone_embedder,
         "ingest": ingest_10k, "reingest": reingest, "cold": cold_ask, "retrieval": retrieval,
         "serve": serve_memory, "hnsw": hnsw_recall, "warm": warm_answers}
ALWAYS = ("generate", "chunk")  # deterministic: the same files and chunk counts as the run that built the index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000, help="generated articles (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-baseline", action="store_true", help="no real-document ingest vs the baseline")
    ap.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    ap.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="results file (default %(default)s)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    ap.add_argument("--embed-sample", type=int, default=1500, help="chunks for the standalone embedder row")
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--queries", type=int, default=200, help="searches per retrieval row")
    ap.add_argument("--serve-questions", type=int, default=5)
    ap.add_argument("--hnsw-queries", type=int, default=200)
    ap.add_argument("--keep", type=Path, help="keep the corpus and indexes in this folder")
    ap.add_argument("--only", type=lambda v: v.split(","), metavar="STEP,...",
                    help=f"only these steps, on the index a --keep run left in that folder ({', '.join(STEPS)}); "
                    "written as a section of their own")
    args = ap.parse_args(argv)
    os.environ.update(OUR_ENV)
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="rag-scale-"))
    tmp.mkdir(parents=True, exist_ok=True)
    b, started = Bench(args, tmp), time.perf_counter()
    if args.only:
        b.run.heading = f"{HEADING}, re-measured: {', '.join(args.only)}"
    try:
        for name, step in STEPS.items():
            if name in ALWAYS or not args.only or name in args.only:
                b.measure(name, lambda step=step: step(b))
        b.run.finished = True
        b.run.facts.append(f"whole run: {(time.perf_counter() - started) / 60:.1f} min")
        b.save()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"done in {(time.perf_counter() - started) / 60:.1f} min; results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
