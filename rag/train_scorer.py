"""Train the answer scorer on labelled multi-document questions and write rag/answer_scorer.json.

    python -m rag.train_scorer [--data evals/ramdocs-train.jsonl evals/news-train.jsonl] [--out rag/answer_scorer.json]
    python -m rag.train_scorer --check   # fail unless the shipped weights are what training gives (CI; on
        another CPU, up to its float noise: see NOISE_MEAN)
    python -m rag.train_scorer --seed 1 --out /tmp/seed1.json   # a retrain's noise: evaluate with
        RAG_SCORER_WEIGHTS=/tmp/seed1.json rag eval --dataset …

Each question's documents are indexed together into a temporary store (as `rag eval --dataset`
does), and each question is answered by the real retriever. A candidate sentence is a positive
when its document is labelled `correct` or `misinfo` and the sentence contains that document's
answer (a misinformation source still states an answer: quoting it is what makes a disagreement
visible). Sentences of other questions' documents, found when the question is asked of an index
without its own documents, are negatives too: they teach the model what an off-topic match
looks like. The model is small gradient-boosted trees (scikit-learn's HistGradientBoosting, fixed
seeds), BAGS of them on bootstrap samples with their log-odds averaged (a single model moved a couple of
held-out questions across the bar with any change to the training rows); it beat a logistic regression on the same features by 5 points of "the top span of a
held-out question states an answer" (0.73 vs 0.67 out of fold). The two bars are set on
out-of-fold scores (5 folds by question), never on data the fold was trained on:
- `threshold` (abstain below it): the bar with the most right answers (the top span states an
  answer) net of half the answers given to unanswerable questions (each question asked of an index
  without its documents, and the questions whose documents don't answer), averaged with neighbouring
  bars; of the bars within one question's worth of that best, the lowest. The precision/recall
  curve of every bar is saved with the weights.
- `source_threshold`: a further source is quoted when its best span clears it.
Each data file weighs the same (news articles and encyclopaedia snippets differ in style).
Deterministic: the same data gives the same weights on one machine (dense search is exact here,
`exact_retriever`); another CPU's embedder differs in the last float bits, and the trees a little.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.eval_data import ExternalDoc, norm, write_corpus
from rag.evidence import FEATURES
from rag.scorer import WEIGHTS_FILE, AnswerScorer, Trees, load_scorer

FOLDS = 5
TREES, DEPTH, LEARNING_RATE = 300, 3, 0.04
BAGS = 5  # models averaged (each on a bootstrap sample of the rows)
# An answer to an unanswerable question costs half a right answer: it still shows its verbatim quote and
# source, so a reader sees what it does and doesn't say; an abstention on an answerable one shows nothing.
UNANSWERABLE_COST = 0.5
SMOOTHING = 2  # bars on either side a bar's objective is averaged with (grid step 0.02)


@dataclass
class QuestionRows:
    weight: float  # each data file weighs the same in training, whatever its number of questions
    x: np.ndarray  # candidate features of the question asked of its own documents
    y: np.ndarray  # 1 = the sentence states its document's answer
    docs: list[str]  # each candidate's document
    answer_docs: set[str]  # documents that state an answer somewhere in the candidates
    foreign: np.ndarray  # features of the question asked without its documents
    foreign_docs: list[str]  # each foreign candidate's document
    ok: np.ndarray  # candidates the answerer may quote (`Candidate.eligible`)
    foreign_ok: np.ndarray


def _answer_pattern(answer: str) -> re.Pattern | None:
    a = re.sub(r"\s*\(.*?\)", "", norm(answer)).strip(" .\"'")
    if not a or a.lower() == "unknown":
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in a.split()) + r"(?!\w)", re.I)


def collect(rows: list[dict], progress: bool = True) -> list[QuestionRows]:
    """Candidate features and labels for every question, through the real index and retriever."""
    from rag.extractive import ExtractiveAnswerer
    from rag.index import Index
    from rag.settings import Settings

    blank = AnswerScorer(Trees.from_nodes([[[0, 0.0, 0, 0, 0.0, 1]]]), 0.0, 0.5, 0.5)
    labels = {(r["id"], d["id"]): (d.get("type"), _answer_pattern(d.get("answer") or ""))
              for r in rows for d in r["documents"]}
    with tempfile.TemporaryDirectory(prefix="rag-train-") as tmp:
        settings = Settings().model_copy(update={"corpus_dir": Path(tmp) / "corpus", "data_dir": Path(tmp) / "data"})
        docs = list({d["id"]: ExternalDoc(id=d["id"], text=d["text"]) for r in rows for d in r["documents"]}.values())
        paths = write_corpus(docs, settings.corpus_dir)
        by_file = {p.name: d.id for p, d in zip(paths, docs)}
        index = Index(settings)
        print(index.ingest(paths, progress=progress and sys.stderr.isatty()).summary(), file=sys.stderr)
        retriever = exact_retriever(index, k=settings.retrieval_k, per_source_cap=settings.per_source_cap)
        answerer = ExtractiveAnswerer(index.embedder, idf=lambda t: index.lexical.idf(t), scorer=blank)
        out = []
        for n, r in enumerate(rows, 1):
            own = {d["id"] for d in r["documents"]}
            hits = retriever.search(r["question"], k=3 * settings.retrieval_k)
            mine = [h for h in hits if by_file[h.meta.path] in own][:settings.retrieval_k]
            others = [h for h in hits if by_file[h.meta.path] not in own][:settings.retrieval_k]
            documents = {h.chunk.doc_id: index.document(h.chunk.doc_id) for h in hits}
            _, cands = answerer.candidates(r["question"], mine, documents)
            _, foreign = answerer.candidates(r["question"], others, documents)
            y, names = [], []
            for c in cands:
                name = by_file[documents[c.doc_id].meta.path]
                kind, pattern = labels[(r["id"], name)]
                y.append(float(kind in ("correct", "misinfo") and pattern is not None
                               and bool(pattern.search(norm(c.sentence.text)))))
                names.append(name)
            out.append(QuestionRows(r.get("weight", 1.0), np.stack([c.features for c in cands]) if cands else np.zeros((0, len(FEATURES))),
                                    np.array(y), names, {d for d, v in zip(names, y) if v},
                                    np.stack([c.features for c in foreign]) if foreign else np.zeros((0, len(FEATURES))),
                                    [c.doc_id for c in foreign], np.array([c.eligible for c in cands], dtype=bool),
                                    np.array([c.eligible for c in foreign], dtype=bool)))
            if progress and n % 50 == 0:
                print(f"  {n}/{len(rows)} questions", file=sys.stderr)
    return out


def exact_retriever(index, **kw):
    """The hybrid retriever with exact dense search (numpy over every vector, ties by id), for reproducible
    training rows: Chroma's approximate index answers a query slightly differently from one build to the next.
    (Training asks without filters.)"""
    from rag.retrieve import HybridRetriever

    got = index.store.chunks.get(include=["embeddings"])
    order = np.argsort(got["ids"])
    ids = [got["ids"][i] for i in order]
    vectors = np.asarray(got["embeddings"], dtype=np.float32)[order]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12

    class ExactRetriever(HybridRetriever):
        def _dense(self, vector, n, filters):
            sims = vectors @ (vector / (np.linalg.norm(vector) + 1e-12))
            best = np.lexsort((np.arange(len(sims)), -np.round(sims, 6)))[:n]
            return [(ids[i], float(sims[i])) for i in best]

    return ExactRetriever(index, **kw)


def training_set(data: list[QuestionRows]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Own candidates with their labels, and every foreign candidate as a negative; with sample weights."""
    x = np.vstack([m for q in data for m in (q.x, q.foreign)])
    y = np.concatenate([v for q in data for v in (q.y, np.zeros(len(q.foreign)))])
    w = np.concatenate([np.full(len(q.y) + len(q.foreign), q.weight) for q in data])
    return x, y, w


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, threshold: float = 0.5,
        source_threshold: float = 0.5, seed: int = 0) -> AnswerScorer:
    """BAGS gradient-boosted tree models (scikit-learn, fixed seeds, no early stopping), each fitted on a
    bootstrap sample of the rows, their log-odds averaged: one model's splits move with a few training rows,
    the average much less. Exported as one set of trees for numpy scoring. `seed` draws other samples."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    nodes, baselines = [], []
    for bag in range(BAGS):
        rows = rng.integers(0, len(y), len(y))
        model = HistGradientBoostingClassifier(max_iter=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE,
                                               l2_regularization=1.0, early_stopping=False,
                                               random_state=seed * BAGS + bag)
        model.fit(x[rows], y[rows].astype(int), sample_weight=weight[rows])
        nodes += [[[int(n["feature_idx"]), float(n["num_threshold"]), int(n["left"]), int(n["right"]),
                    float(n["value"]) / BAGS, int(n["is_leaf"])] for n in predictor.nodes]
                  for (predictor,) in model._predictors]
        baselines.append(float(np.ravel(model._baseline_prediction)[0]))
    return AnswerScorer(Trees.from_nodes(nodes), float(np.mean(baselines)), threshold, source_threshold)


def out_of_fold(data: list[QuestionRows], seed: int = 0) -> list[tuple[np.ndarray, float, np.ndarray]]:
    """For each question, from a model trained without it: its candidates' probabilities, the best
    probability when asked without its documents, and those foreign candidates' probabilities."""
    out: list = [None] * len(data)
    for fold in range(FOLDS):
        train = [q for i, q in enumerate(data) if i % FOLDS != fold]
        model = fit(*training_set(train), seed=seed)
        for i in range(fold, len(data), FOLDS):
            q = data[i]
            # as the answerer sees them: a candidate it may not quote scores nothing
            p = model.probability(q.x) * q.ok if len(q.x) else np.zeros(0)
            pf = model.probability(q.foreign) * q.foreign_ok if len(q.foreign) else np.zeros(0)
            out[i] = (p, float(pf.max()) if len(pf) else 0.0, pf)
    return out


def calibrate(data: list[QuestionRows], oof: list[tuple[np.ndarray, float, np.ndarray]]) -> dict:
    """Both bars from out-of-fold scores, and the precision/recall curve of answering."""
    answerable = [(p, q) for (p, _, _), q in zip(oof, data) if q.answer_docs]
    own_best = np.array([p.max() if len(p) else 0.0 for p, _ in answerable])
    correct_top = np.array([bool(q.y[int(p.argmax())]) if len(p) else False for p, q in answerable])
    # unanswerable: each question asked without its documents, and questions whose documents don't answer
    foreign_best = np.array([f for _, f, _ in oof] + [float(p.max()) if len(p) else 0.0
                                                      for (p, _, _), q in zip(oof, data) if not q.answer_docs])
    curve = []
    for t in np.round(np.linspace(0.02, 0.9, 45), 3):
        answered = own_best >= t
        false_answers = int((foreign_best >= t).sum())
        right = int((answered & correct_top).sum())
        shown = int(answered.sum()) + false_answers
        curve.append({"threshold": float(t), "precision": round(right / shown, 4) if shown else None,
                      "recall": round(right / len(answerable), 4),
                      "abstain_answerable": round(1 - answered.mean(), 4),
                      "answer_unanswerable": round(false_answers / len(foreign_best), 4)})
    # the bar: most right answers net of answers given to unanswerable questions, at UNANSWERABLE_COST each,
    # averaged over neighbouring bars (the objective is flat near its top: a few questions must not move it);
    # of the bars less than one question's worth below the best, the lowest (a difference that small is noise,
    # and an answer still shows its verbatim quote where an abstention shows nothing)
    net = _smoothed([net_objective(c) for c in curve])
    best = curve[lowest_near_best(net, 1.0 / len(answerable))]
    # a further source: F1 of "this document states an answer" over the documents of each question
    # and those retrieved for it from other questions (never an answer)
    doc_rows = []
    for (p, _, pf), q in zip(oof, data):
        for names, probs, own in ((q.docs, p, True), (q.foreign_docs, pf, False)):
            for d in set(names):
                mask = np.array([n == d for n in names])
                doc_rows.append((float(probs[mask].max()), own and d in q.answer_docs))
    scores, truth = np.array([s for s, _ in doc_rows]), np.array([t for _, t in doc_rows])
    f1 = []
    for t in np.round(np.linspace(0.02, 0.9, 45), 3):
        tp = int(((scores >= t) & truth).sum())
        prec, rec = tp / max(1, int((scores >= t).sum())), tp / max(1, int(truth.sum()))
        f1.append((2 * prec * rec / (prec + rec) if prec + rec else 0.0, float(t), prec, rec))
    src = f1[int(np.argmax(_smoothed([f[0] for f in f1])))]
    return {"threshold": best["threshold"], "source_threshold": max(src[1], 0.0), "curve": curve,
            "source_f1": round(src[0], 4), "source_precision": round(src[2], 4), "source_recall": round(src[3], 4),
            "top_correct_rate": round(float(correct_top.mean()), 4), "answerable_questions": len(answerable)}


def net_objective(point: dict) -> float:
    """What a bar is chosen by: the share of answerable questions answered right, net of UNANSWERABLE_COST per
    answer given to an unanswerable one (a point of the precision/recall curve)."""
    return point["recall"] - UNANSWERABLE_COST * point["answer_unanswerable"]


def repeated_cv(data: list[QuestionRows], repeats: int) -> str:
    """The out-of-fold top-span rate, source F1 and net objective (right answers net of half the answers to
    unanswerable questions, at the best bar) over `repeats` shuffled fold assignments: mean ± standard deviation.
    Compare feature changes by these, not by the one canonical assignment the weights use."""
    stats: dict[str, list[float]] = {"top span right": [], "source F1": [], "net": []}
    for seed in range(repeats):
        shuffled = list(data)
        random.Random(seed).shuffle(shuffled)
        cal = calibrate(shuffled, out_of_fold(shuffled))
        stats["top span right"].append(cal["top_correct_rate"])
        stats["source F1"].append(cal["source_f1"])
        stats["net"].append(max(net_objective(c) for c in cal["curve"]))
    return f"over {repeats} fold assignments: " + ", ".join(
        f"{k} {np.mean(v):.4f} ± {np.std(v):.4f}" for k, v in stats.items())


def lowest_near_best(objective: np.ndarray, tolerance: float) -> int:
    """The first (lowest) bar whose objective is less than `tolerance` below the best one."""
    return int(np.argmax(objective >= objective.max() - tolerance))


def _smoothed(values: list[float], width: int = SMOOTHING) -> np.ndarray:
    """Each value averaged with its `width` neighbours on either side (fewer at the ends)."""
    v = np.asarray(values, dtype=float)
    return np.array([v[max(0, i - width):i + width + 1].mean() for i in range(len(v))])


# How far a retrain on another CPU may stand from the shipped weights: the embedder's last float bits differ
# between CPUs (ONNX Runtime's kernels), and the trees follow them. Measured between two machines: mean |dp|
# 0.0021, 99th percentile 0.020, 98% of questions' answer decisions the same; a retrain with another seed on
# one machine: 0.0104, 0.097, 91%.
NOISE_MEAN, NOISE_P99, NOISE_BAR = 0.005, 0.05, 0.02


@dataclass
class Agreement:
    """How closely two scorers agree on the training candidates: probability gaps and answer decisions."""

    mean_gap: float
    p99_gap: float
    same_decisions: float  # share of questions (asked of their own documents and without) answered alike
    bar_gap: float  # the larger of the two bars' differences

    @property
    def within_noise(self) -> bool:
        return self.mean_gap <= NOISE_MEAN and self.p99_gap <= NOISE_P99 and self.bar_gap <= NOISE_BAR + 1e-9

    def __str__(self) -> str:
        return (f"mean |dp| {self.mean_gap:.4f} (<= {NOISE_MEAN}), 99th percentile {self.p99_gap:.4f} "
                f"(<= {NOISE_P99}), bars differ by {self.bar_gap:.2f} (<= {NOISE_BAR}), "
                f"{self.same_decisions:.1%} of answer decisions the same")


def agreement(a: AnswerScorer, b: AnswerScorer, data: list[QuestionRows]) -> Agreement:
    """Compare two scorers on every question's candidates: the gaps of their probabilities, and whether they
    quote the same top span (or both abstain)."""
    def quoted(p: np.ndarray, ok: np.ndarray, bar: float) -> int:
        """The eligible top span's index, or -1 when none clears the bar (an abstention)."""
        p = np.where(ok, p, -1.0)
        return int(p.argmax()) if p.max() >= bar else -1

    gaps, same, asked = [], 0, 0
    for q in data:
        for x, ok in ((q.x, q.ok), (q.foreign, q.foreign_ok)):
            if not len(x):
                continue
            pa, pb = a.probability(x), b.probability(x)
            gaps.append(np.abs(pa - pb))
            same += quoted(pa, ok, a.threshold) == quoted(pb, ok, b.threshold)
            asked += 1
    gap = np.concatenate(gaps) if gaps else np.zeros(1)
    return Agreement(float(gap.mean()), float(np.quantile(gap, 0.99)), same / max(asked, 1),
                     max(abs(a.threshold - b.threshold), abs(a.source_threshold - b.source_threshold)))


def data_digest(path: Path) -> str:
    """SHA-256 of a training file: the shipped weights name the exact data they were trained on."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rag.train_scorer", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, nargs="+",
                    default=[Path("evals/ramdocs-train.jsonl"), Path("evals/news-train.jsonl")])
    ap.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    ap.add_argument("--features-cache", type=Path, help="reuse (or write) the collected features here (a pickle)")
    ap.add_argument("--cv-repeats", type=int, default=0, metavar="N",
                    help="also report the out-of-fold numbers over N other fold assignments (mean and spread): "
                         "one assignment moves them by about a point, more than most feature changes")
    ap.add_argument("--seed", type=int, default=0,
                    help="draw other bootstrap samples (the shipped weights use 0): how much a retrain alone moves "
                         "the evals, run with RAG_SCORER_WEIGHTS set to the weights it writes")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; fail unless training gives the weights in --out: exactly, or on another CPU "
                         "within its float noise (CI runs this)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    parts = [[json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
             for path in args.data]
    total = sum(map(len, parts))
    rows = [{**r, "weight": total / (len(parts) * len(part))} for part in parts for r in part]
    if args.features_cache and args.features_cache.exists():
        data = pickle.loads(args.features_cache.read_bytes())
    else:
        data = collect(rows)
        if args.features_cache:
            args.features_cache.write_bytes(pickle.dumps(data))
    cal = calibrate(data, out_of_fold(data, args.seed))
    if args.cv_repeats:
        print(repeated_cv(data, args.cv_repeats), file=sys.stderr)
    model = fit(*training_set(data), cal["threshold"], cal["source_threshold"], args.seed)
    meta = {"trained_on": {p.name: data_digest(p) for p in args.data}, "questions": len(rows),
            "candidates": int(sum(len(q.y) for q in data)), "positives": int(sum(q.y.sum() for q in data)),
            "calibration": {k: v for k, v in cal.items() if k not in ("threshold", "source_threshold")}}
    if args.seed:
        meta["seed"] = args.seed
    text = model.to_json(meta) + "\n"
    if args.check:
        return _check(args.out, text, model, data, ", ".join(map(str, args.data)))
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} in {time.perf_counter() - t0:.0f} s: threshold {cal['threshold']}, source threshold "
          f"{cal['source_threshold']}, top span right on {cal['top_correct_rate']:.1%} of answerable questions, "
          f"source F1 {cal['source_f1']}", file=sys.stderr)
    for c in cal["curve"][::4]:
        print(json.dumps(c), file=sys.stderr)
    return 0


def _check(path: Path, text: str, model: AnswerScorer, data: list[QuestionRows], trained_on: str) -> int:
    """0 when the shipped weights are what training gives: byte for byte, or, on a CPU whose embedder differs in
    its last float bits, trained on the same data and agreeing with this retrain within NOISE_*."""
    try:
        written = path.read_text(encoding="utf-8")
        if written == text:
            print(f"{path} is exactly what training on {trained_on} gives", file=sys.stderr)
            return 0
        shipped, meta = load_scorer(path), json.loads(written)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"{path} cannot be read ({e}): retrain with `python -m rag.train_scorer`", file=sys.stderr)
        return 1
    fresh = json.loads(text)
    keys = ("trained_on", "questions", "candidates", "positives")
    if any(meta.get(k) != fresh.get(k) for k in keys):
        print(f"{path} was trained on other data than {trained_on} now gives ("
              + ", ".join(f"{k}: {meta.get(k)} vs {fresh.get(k)}" for k in keys if meta.get(k) != fresh.get(k))
              + "): retrain with `python -m rag.train_scorer` and re-run the evals", file=sys.stderr)
        return 1
    found = agreement(shipped, model, data)
    print(f"{path} is {'' if found.within_noise else 'NOT '}what training on {trained_on} gives, up to this CPU's "
          f"float noise: {found}" + ("" if found.within_noise else
                                     ": retrain with `python -m rag.train_scorer` and re-run the evals"),
          file=sys.stderr)
    return 0 if found.within_noise else 1


if __name__ == "__main__":
    raise SystemExit(main())
