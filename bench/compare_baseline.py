#!/usr/bin/env python3
"""Our pipeline vs the textbook LangChain baseline, side by side in one run.

The baseline is `../shared/bench/langchain_baseline.py` (RecursiveCharacterTextSplitter 1000/200,
HuggingFaceEmbeddings, Chroma, k=4); it is referenced by path (`--baseline PATH` or $BASELINE_SCRIPT),
never copied. Both sides index the same corpus folder and get the same questions (evals/grounding.jsonl).

Every measurement runs in a fresh worker process (this script with a hidden `--_worker` option), so
neither side pays for the other's imports, memory or thread pools; index builds, passes over the
questions and cold starts alternate between the sides (ABBA), so load from other processes hits both
alike. All indexes live in a temporary folder; the repo's .rag/ is never touched.

  .venv/bin/python bench/compare_baseline.py                 # all cases (~2.5 min on 2 cores)
  .venv/bin/python bench/compare_baseline.py --limit 20 --json /tmp/bench.json

What each row means: bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = Path(os.environ.get("BASELINE_SCRIPT") or REPO.parent / "shared" / "bench" / "langchain_baseline.py")
DEFAULT_QUESTION = "How much did Russia give North Korea?"
K = 4  # the baseline's k; ours is measured at the same k (and both at k=8 as a separate row)

for _key, _value in {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                     "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ.setdefault(_key, _value)
# Our pipeline as designed (ONNX embedder, extractive answerer), whatever a local .env says.
OUR_ENV = {"RAG_EMBEDDER": "onnx", "RAG_ANSWERER": "extractive"}

_QUOTE_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def norm(text: str) -> str:
    """Straight quote marks and single spaces (the form the eval set's facts and gold are written in)."""
    return re.sub(r"\s+", " ", text.translate(_QUOTE_MARKS)).strip()


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s, i = sorted(values), (len(values) - 1) * p
    lo, hi = int(i), min(int(i) + 1, len(values) - 1)
    return s[lo] + (s[hi] - s[lo]) * (i - lo)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------
def load_cases(path: Path, limit: int | None) -> tuple[list[dict], int]:
    """Cases without chat history (the baseline takes none), spread evenly over the file when limited."""
    cases, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("history"):
            skipped += 1
            continue
        e = row.get("expect") or {}
        cases.append({"id": row.get("id"), "category": row.get("category"), "question": row["question"],
                      "abstain": e.get("abstain", False), "facts": e.get("facts") or [], "gold": e.get("gold") or []})
    if limit and limit < len(cases):
        cases = [cases[round(i * len(cases) / limit)] for i in range(limit)]
    return cases, skipped


def corpus_files(corpus: Path) -> dict[str, str]:
    """Raw file text by corpus-relative path and by bare file name (the baseline reports names)."""
    out: dict[str, str] = {}
    for p in sorted(corpus.rglob("*")):
        if p.is_file() and p.suffix.lower() in (".md", ".txt"):
            text = p.read_text(encoding="utf-8")
            out[str(p.relative_to(corpus))] = text
            out.setdefault(p.name, text)
    return out


def score_texts(case: dict, texts: list[str]) -> dict:
    """Gold passages found in the returned texts, and fact regexes found in them."""
    normed = [norm(t) for t in texts]
    joined = "\n".join(normed)
    return {"gold_found": [any(norm(g) in t for t in normed) for g in case["gold"]],
            "facts_found": [bool(re.search(f, joined, re.I)) for f in case["facts"]]}


# ---------------------------------------------------------------------------------------------------
# Workers (each in a fresh process)
# ---------------------------------------------------------------------------------------------------
def worker_ours(spec: dict) -> dict:
    """phase "build": import + one ingest into spec["data_dir"]; phase "query": answer the cases over it."""
    t0 = time.perf_counter()
    import chromadb  # noqa: F401 - timed as part of the imports
    import onnxruntime as ort

    from rag.chain import build_chain
    from rag.embed import MODEL_NAME, cache_dir
    from rag.index import Index
    from rag.settings import Settings
    import_s = time.perf_counter() - t0

    corpus = Path(spec["corpus"])
    settings = Settings(_env_file=None, RAG_CORPUS_DIR=str(corpus), RAG_DATA_DIR=spec["data_dir"],
                        RAG_EMBEDDER="onnx", RAG_ANSWERER="extractive")
    if spec["phase"] == "build":
        onnx_path = cache_dir() / f"{MODEL_NAME}.ort{ort.__version__}.{platform.machine()}.onnx"
        onnx_warm = onnx_path.exists()
        t, cpu = time.perf_counter(), time.process_time()
        index = Index(settings)
        report = index.ingest()
        build_s, build_cpu_s = time.perf_counter() - t, time.process_time() - cpu
        log(f"ours: ingest {build_s:.2f} s, {build_cpu_s:.2f} CPU s ({report.summary()})")
        return {"import_s": import_s, "build_s": build_s, "build_cpu_s": build_cpu_s, "onnx_cache_warm": onnx_warm,
                "onnx_path": str(onnx_path), "chunks": index.store.count_chunks(), "documents": len(index.documents())}

    files = corpus_files(corpus)
    chain = build_chain(settings)
    cases = spec["cases"]
    chain.invoke(cases[0]["question"])  # warm-up: lazy loads, caches; not timed
    chain.retriever.search(cases[0]["question"], k=K)
    rows, invoke_ms, invoke_cpu_ms, search_ms = [], [], [], []
    # the question embedder remembers recent questions (the answerer reuses the retriever's vector); each timed
    # call below starts without them, so no call reuses an earlier call's embedding of the same question
    forget = getattr(chain.retriever.index.embedder, "forget", lambda: None)
    for c in cases:
        q = c["question"]
        forget()
        t, cpu = time.perf_counter(), time.process_time()
        answer = chain.invoke(q)
        invoke_ms.append((time.perf_counter() - t) * 1000)
        invoke_cpu_ms.append((time.process_time() - cpu) * 1000)
        forget()
        t = time.perf_counter()
        hits4 = chain.retriever.search(q, k=K)
        search_ms.append((time.perf_counter() - t) * 1000)
        hits8 = chain.retriever.search(q, k=8)
        asked = answer.interpreted_as or q  # what the chain itself retrieves with (spell-corrected)
        hits_chain = hits4 if asked == q else chain.retriever.search(asked, k=K)

        quotes = []
        for quote in answer.quotes:
            doc = chain.documents(quote.source.id)
            raw = files.get(quote.source.path, "")
            quotes.append({"text": quote.text, "path": quote.source.path,
                           "exact_slice": doc is not None and doc.text[quote.start:quote.end] == quote.text,
                           "in_document": doc is not None and quote.text in doc.text,
                           "in_file_normalised": bool(raw) and norm(quote.text) in norm(raw)})
        verified = [] if answer.abstained else [q_["text"] for q_ in quotes if q_["exact_slice"]]
        rows.append({"id": c["id"], "abstained": answer.abstained, "quotes": quotes,
                     "returned_chars": sum(len(q_["text"]) for q_ in quotes),
                     "facts_found": score_texts(c, verified)["facts_found"],
                     "gold_found_k4": score_texts(c, [h.chunk.text for h in hits4])["gold_found"],
                     "gold_found_k8": score_texts(c, [h.chunk.text for h in hits8])["gold_found"],
                     "gold_found_k4_chain_question": score_texts(c, [h.chunk.text for h in hits_chain])["gold_found"],
                     "interpreted_as": answer.interpreted_as, "timings_ms": answer.timings_ms.model_dump()})
    return {"query_ms": invoke_ms, "query_cpu_ms": invoke_cpu_ms, "retrieve_ms": search_ms,
            "answer_ms": [r["timings_ms"]["answer"] for r in rows], "cases": rows}


def worker_baseline(spec: dict) -> dict:
    import importlib.util

    t0 = time.perf_counter()
    mod_spec = importlib.util.spec_from_file_location("langchain_baseline", spec["baseline"])
    mod = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(mod)
    import sentence_transformers  # noqa: F401 - HuggingFaceEmbeddings imports it (and torch) lazily; time it here
    import_s = time.perf_counter() - t0

    corpus = Path(spec["corpus"])
    model = mod.default_model()
    t, cpu = time.perf_counter(), time.process_time()
    retriever, n_chunks = mod.build_retriever(str(corpus), model, spec["data_dir"], K)
    build_s, build_cpu_s = time.perf_counter() - t, time.process_time() - cpu
    if spec["phase"] == "build":
        log(f"baseline: index build {build_s:.2f} s, {build_cpu_s:.2f} CPU s ({n_chunks} chunks)")
        return {"import_s": import_s, "build_s": build_s, "build_cpu_s": build_cpu_s, "chunks": n_chunks}

    files = corpus_files(corpus)
    retriever8 = retriever.vectorstore.as_retriever(search_kwargs={"k": 8})

    cases = spec["cases"]
    mod.ask(retriever, cases[0]["question"])  # warm-up; not timed
    rows, ask_ms, ask_cpu_ms = [], [], []
    for c in cases:
        t, cpu = time.perf_counter(), time.process_time()
        passages, _ = mod.ask(retriever, c["question"])
        ask_ms.append((time.perf_counter() - t) * 1000)
        ask_cpu_ms.append((time.process_time() - cpu) * 1000)
        texts8 = [d.page_content for d in retriever8.invoke(c["question"])]
        checked = []
        for p in passages:
            raw = files.get(p["source"], "")
            checked.append({"text": p["text"], "path": p["source"], "exact_slice": bool(raw) and p["text"] in raw,
                            "in_file_normalised": bool(raw) and norm(p["text"]) in norm(raw)})
        texts = [p["text"] for p in passages]
        rows.append({"id": c["id"], "quotes": checked, "returned_chars": sum(len(t) for t in texts),
                     "facts_found": score_texts(c, texts)["facts_found"],
                     "gold_found_k4": score_texts(c, texts)["gold_found"],
                     "gold_found_k8": score_texts(c, texts8)["gold_found"]})
    return {"model": model, "query_ms": ask_ms, "query_cpu_ms": ask_cpu_ms, "retrieve_ms": ask_ms, "cases": rows}


def run_worker(side: str, spec: dict, tmp: Path, name: str) -> dict:
    spec_path, out_path = tmp / f"{name}.spec.json", tmp / f"{name}.out.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--_worker", side, str(spec_path), str(out_path)],
                   check=True, cwd=tmp, env={**os.environ, **OUR_ENV})
    return json.loads(out_path.read_text(encoding="utf-8"))


def run_all(args, cases: list[dict], tmp: Path) -> tuple[dict, dict]:
    """Index builds, then passes over the questions, each in a fresh process, alternating between the
    sides in ABBA order (drift on a shared machine hits both alike). Ours answers over its last index."""
    common = {"corpus": str(args.corpus), "baseline": str(args.baseline), "cases": cases}
    builds: dict[str, list[dict]] = {"ours": [], "baseline": []}
    for i in range(args.ingest_runs):
        for side in ("ours", "baseline") if i % 2 == 0 else ("baseline", "ours"):
            log(f"{side}: index build {i + 1}/{args.ingest_runs} in a fresh process")
            builds[side].append(run_worker(side, {**common, "phase": "build",
                                                  "data_dir": str(tmp / f"{side}-data-{i}")}, tmp, f"{side}-build-{i}"))
    results: dict[str, dict] = {}
    for r in range(args.rounds):  # ABBA order: ours, baseline, baseline, ours, ...
        for side in ("ours", "baseline") if r % 2 == 0 else ("baseline", "ours"):
            log(f"{side}: {len(cases)} questions in a fresh process (round {r + 1}/{args.rounds})")
            data_dir = tmp / (f"ours-data-{args.ingest_runs - 1}" if side == "ours" else f"baseline-query-{r}")
            res = run_worker(side, {**common, "phase": "query", "data_dir": str(data_dir)}, tmp, f"{side}-query-{r}")
            if side not in results:
                results[side] = res  # quality rows come from the first round (they are deterministic)
            else:
                for key in ("query_ms", "query_cpu_ms", "retrieve_ms", "answer_ms"):
                    if key in res:
                        results[side][key] += res[key]
    for side in ("ours", "baseline"):
        res, b = results[side], builds[side]
        res.update({key: [r[key] for r in b] for key in ("import_s", "build_s", "build_cpu_s")})
        res.update({key: b[0][key] for key in b[0] if key not in ("import_s", "build_s", "build_cpu_s")})
    return results["ours"], results["baseline"]


# ---------------------------------------------------------------------------------------------------
# Cold start: a fresh process answering one question
# ---------------------------------------------------------------------------------------------------
def rag_command() -> list[str]:
    script = Path(sys.executable).parent / "rag"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rag.cli"]


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cold_starts(args, tmp: Path, ours_data: Path) -> dict:
    ours_cmd = [*rag_command(), "ask", "--json", args.cold_question]
    base_cmd = [sys.executable, str(args.baseline), "--question", args.cold_question, "--json",
                "--docs", str(args.corpus), "--k", str(K)]
    ours_env = {**os.environ, **OUR_ENV, "RAG_DATA_DIR": str(ours_data), "RAG_CORPUS_DIR": str(args.corpus)}
    out = {"ours_s": [], "baseline_s": [], "ours_cpu_s": [], "baseline_cpu_s": [], "baseline_index_s": [],
           "ours_ok": True, "baseline_ok": True, "ours_cmd": ours_cmd, "baseline_cmd": base_cmd}
    pairs = (("ours", ours_cmd, ours_env), ("baseline", base_cmd, os.environ))
    for i in range(args.cold_runs):  # ABBA order, so drift on a shared machine hits both sides alike
        for side, cmd, env in pairs if i % 2 == 0 else pairs[::-1]:
            t, cpu = time.perf_counter(), _children_cpu()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, env=env, timeout=600)
            dt = time.perf_counter() - t
            out[f"{side}_cpu_s"].append(_children_cpu() - cpu)
            try:
                rec = json.loads(proc.stdout)
            except ValueError:
                rec = None
            ok = proc.returncode == 0 and isinstance(rec, dict) and ("quotes" in rec or "passages" in rec)
            if not ok:
                out[f"{side}_ok"] = False
                log(f"{side}: cold start failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
            out[f"{side}_s"].append(dt)
            if side == "baseline" and ok:
                out["baseline_index_s"].append(rec["timings"]["index_s"])
            log(f"{side}: cold start run {i + 1}: {dt:.2f} s")
    return out


# ---------------------------------------------------------------------------------------------------
# Summary table
# ---------------------------------------------------------------------------------------------------
def rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(ours: dict, base: dict, cold: dict, cases: list[dict]) -> list[dict]:
    answerable = {c["id"] for c in cases if c["abstain"] is False}
    unanswerable = {c["id"] for c in cases if c["abstain"] is True}

    def gold(side, key, rows=None):
        return rate([g for r in (rows or side["cases"]) for g in r[key]])

    def facts(side):
        return rate([f for r in side["cases"] if r["id"] in answerable for f in r["facts_found"]])

    def quotes(side, key):
        return rate([q[key] for r in side["cases"] for q in r["quotes"]])

    def chars(side):
        vals = [r["returned_chars"] for r in side["cases"] if r["id"] in answerable]
        return statistics.mean(vals) if vals else None

    med = statistics.median
    n_gold = sum(len(c["gold"]) for c in cases)
    n_facts = sum(len(c["facts"]) for c in cases if c["id"] in answerable)
    base_cold_ex = [a - b for a, b in zip(cold["baseline_s"], cold["baseline_index_s"])]
    ours_abst = rate([r["abstained"] for r in ours["cases"] if r["id"] in unanswerable])
    return [
        {"section": "Speed (lower is better)"},
        {"metric": f"imports, s (median of {len(ours['import_s'])}; rag+onnxruntime+chromadb | baseline+torch)",
         "unit": "s", "ours": med(ours["import_s"]), "baseline": med(base["import_s"])},
        {"metric": f"index build of corpus/, s (median of {len(ours['build_s'])}; model load+chunk+embed+store)",
         "unit": "s", "ours": med(ours["build_s"]), "baseline": med(base["build_s"])},
        {"metric": "  same, CPU s (user+sys, all threads)", "unit": "s",
         "ours": med(ours["build_cpu_s"]), "baseline": med(base["build_cpu_s"])},
        {"metric": "  chunks indexed", "unit": "n", "ours": ours["chunks"], "baseline": base["chunks"]},
        {"metric": f"warm query, median ms (ours: full answer; baseline: retrieval; {len(ours['query_ms'])} calls)",
         "unit": "ms",
         "ours": med(ours["query_ms"]), "baseline": med(base["query_ms"])},
        {"metric": "warm query, p95 ms (same)", "unit": "ms",
         "ours": percentile(ours["query_ms"], 0.95), "baseline": percentile(base["query_ms"], 0.95)},
        {"metric": "  same, median CPU ms (all threads)", "unit": "ms",
         "ours": med(ours["query_cpu_ms"]), "baseline": med(base["query_cpu_ms"])},
        {"metric": "  ours: of which answer+verify+disagree, median ms", "unit": "ms",
         "ours": med(ours["answer_ms"]), "baseline": None},
        {"metric": f"warm retrieval only (k={K}), median ms", "unit": "ms",
         "ours": med(ours["retrieve_ms"]), "baseline": med(base["retrieve_ms"])},
        {"metric": f"warm retrieval only (k={K}), p95 ms", "unit": "ms",
         "ours": percentile(ours["retrieve_ms"], 0.95), "baseline": percentile(base["retrieve_ms"], 0.95)},
        {"metric": f"cold start, fresh process + 1 answer, s (median of {len(cold['ours_s'])})", "unit": "s",
         "ours": med(cold["ours_s"]), "baseline": med(cold["baseline_s"]),
         "note": "baseline CLI rebuilds its index on every run (no persistent store)"},
        {"metric": "  same, CPU s (user+sys of the child process)", "unit": "s",
         "ours": med(cold["ours_cpu_s"]), "baseline": med(cold["baseline_cpu_s"])},
        {"metric": "  same, minus the baseline's self-reported index_s", "unit": "s",
         "ours": med(cold["ours_s"]), "baseline": med(base_cold_ex) if base_cold_ex else None,
         "note": "a lower bound for the baseline: its index_s also covers its lazy torch/sentence-transformers import"},
        {"section": f"Retrieval: gold passages found in the top k ({n_gold} gold passages, higher is better)"},
        {"metric": f"recall@{K} (same raw question, k={K} both)", "unit": "%",
         "ours": gold(ours, "gold_found_k4"), "baseline": gold(base, "gold_found_k4")},
        {"metric": f"recall@{K}, ours on the question the chain retrieves with (spell-corrected)", "unit": "%",
         "ours": gold(ours, "gold_found_k4_chain_question"), "baseline": gold(base, "gold_found_k4")},
        {"metric": "recall@8 (k=8 both)", "unit": "%",
         "ours": gold(ours, "gold_found_k8"), "baseline": gold(base, "gold_found_k8")},
        {"section": "Grounding (ours: answer quotes; baseline: top-4 chunks, it returns chunks, not answers)"},
        {"metric": "returned passages that are exact slices of the source text", "unit": "%",
         "ours": quotes(ours, "exact_slice"), "baseline": quotes(base, "exact_slice")},
        {"metric": "returned passages found in the source file (normalised ws/quotes)", "unit": "%",
         "ours": quotes(ours, "in_file_normalised"), "baseline": quotes(base, "in_file_normalised")},
        {"metric": f"expected facts in returned text, answerable cases ({n_facts} facts)", "unit": "%",
         "ours": facts(ours), "baseline": facts(base),
         "note": f"ours: verified quotes of non-abstained answers; baseline: its {K} chunks (mean chars below)"},
        {"metric": "text returned per answerable question, mean chars", "unit": "chars",
         "ours": chars(ours), "baseline": chars(base)},
        {"metric": f"answers (does not abstain) on answerable cases ({len(answerable)})", "unit": "%",
         "ours": rate([not r["abstained"] for r in ours["cases"] if r["id"] in answerable]), "baseline": None},
        {"metric": f"abstains on unanswerable cases ({len(unanswerable)})", "unit": "%",
         "ours": ours_abst, "baseline": None, "note": "baseline cannot abstain: always returns k chunks"},
    ]


def fmt(v, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "%":
        return f"{100 * v:.1f}%"
    if unit == "ms":
        return f"{v:.1f}"
    if unit == "s":
        return f"{v:.2f}"
    return f"{v:.0f}" if unit in ("n", "chars") else str(v)


def render(rows: list[dict], header: str) -> str:
    width = max(len(r.get("metric", "")) + (5 if r.get("note") else 0) for r in rows) + 2
    lines = [header, "", f"{'metric':<{width}}{'ours':>10}{'baseline':>10}{'ours/base':>11}",
             "-" * (width + 31)]
    notes = []
    for r in rows:
        if "section" in r:
            lines.append(f"{r['section']}")
            continue
        ratio = (f"{r['ours'] / r['baseline']:.2f}x" if isinstance(r["ours"], (int, float))
                 and isinstance(r["baseline"], (int, float)) and r["baseline"] else "n/a")
        mark = ""
        if r.get("note"):
            notes.append(r["note"])
            mark = f" ({len(notes)})"
        lines.append(f"{r['metric'] + mark:<{width}}{fmt(r['ours'], r['unit']):>10}"
                     f"{fmt(r['baseline'], r['unit']):>10}{ratio:>11}")
    lines.append("")
    lines += [f"({i}) {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, help="baseline script (default: %(default)s)")
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus", help="articles folder (default: %(default)s)")
    ap.add_argument("--dataset", type=Path, default=REPO / "evals" / "grounding.jsonl",
                    help="eval cases (default: %(default)s)")
    ap.add_argument("--limit", type=int, help="use N cases, spread evenly over the dataset (default: all)")
    ap.add_argument("--ingest-runs", type=int, default=3, help="index builds per side, median reported (default 3)")
    ap.add_argument("--cold-runs", type=int, default=3, help="cold-start runs per side, median reported (default 3)")
    ap.add_argument("--rounds", type=int, default=2,
                    help="passes over the questions per side, in ABBA order, latencies pooled (default 2)")
    ap.add_argument("--cold-question", default=DEFAULT_QUESTION)
    ap.add_argument("--json", metavar="OUT", type=Path, help="also write every measurement as JSON")
    ap.add_argument("--_worker", nargs=3, metavar=("SIDE", "SPEC", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._worker:
        side, spec_path, out_path = args._worker
        sys.path.insert(0, str(REPO))
        spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
        result = (worker_ours if side == "ours" else worker_baseline)(spec)
        Path(out_path).write_text(json.dumps(result), encoding="utf-8")
        return 0

    args.baseline, args.corpus = args.baseline.resolve(), args.corpus.resolve()
    if not args.baseline.is_file():
        ap.error(f"baseline script not found: {args.baseline} (use --baseline PATH)")
    if not args.corpus.is_dir():
        ap.error(f"corpus folder not found: {args.corpus}")
    cases, skipped = load_cases(args.dataset, args.limit)
    if not cases:
        ap.error(f"no usable cases in {args.dataset}")
    load_before = os.getloadavg()
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    try:
        args.ingest_runs, args.cold_runs, args.rounds = max(1, args.ingest_runs), max(1, args.cold_runs), max(1, args.rounds)
        ours, base = run_all(args, cases, tmp)
        cold = cold_starts(args, tmp, tmp / f"ours-data-{args.ingest_runs - 1}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows = summarise(ours, base, cold, cases)
    load_after = os.getloadavg()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Ours vs LangChain baseline ({args.baseline.name}), {when}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}\n"
              f"corpus: {args.corpus} ({ours['documents']} documents); {len(cases)} cases from {args.dataset.name}"
              f" ({skipped} follow-up cases with chat history left out: the baseline takes no history)\n"
              f"ONNX model cache {'warm' if ours['onnx_cache_warm'] else 'COLD (first ingest includes the export)'}"
              f" ({ours['onnx_path']}); load average before/after {load_before[0]:.2f}/{load_after[0]:.2f}"
              f"; total {time.perf_counter() - started:.0f} s")
    print(render(rows, header))
    if not (cold["ours_ok"] and cold["baseline_ok"]):
        print("\nWARNING: a cold-start run failed (see stderr); its time is still counted.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "date": when, "cpus": os.cpu_count(), "machine": platform.machine(), "python": platform.python_version(),
            "baseline_script": str(args.baseline), "corpus": str(args.corpus), "dataset": str(args.dataset),
            "cases": len(cases), "skipped_history_cases": skipped, "load_average": [load_before, load_after],
            "rows": [{**r, "ratio": (r["ours"] / r["baseline"] if isinstance(r.get("ours"), (int, float))
                                     and isinstance(r.get("baseline"), (int, float)) and r["baseline"] else None)}
                     for r in rows if "metric" in r],
            "ours": ours, "baseline": base, "cold_start": cold}, indent=2), encoding="utf-8")
        print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
