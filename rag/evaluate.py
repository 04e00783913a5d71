"""Grounding evals: run a JSONL table of cases through the chain and score it.

Deterministic metrics (regexes and string checks, no LLM); None = nothing to measure:
- quote_verbatim_rate: quotes with document.text[start:end] == quote.text, over all quotes.
- citation_precision: in answered cases expecting facts or sources, the share of verbatim
  quotes that match a required fact or come from a required source.
- fact_recall / source_recall: required (case, fact) pairs matched by, and (case, source)
  pairs cited in, the verbatim quotes of an answer (an abstention delivers none).
- abstention_precision / _recall / _accuracy: "abstained" is the positive class.
- conflict_precision / _recall: any conflict note vs expect.conflict; the _differs and
  _contradiction variants score each kind. Cases with conflict null are not counted.
- retrieval_recall_at_k: gold passages found inside the top-k chunks.
- wrong_answer_rate: share of cases with `forbid` patterns (an external case's wrong_answers)
  whose answer quotes one; split into silent_misinformation_rate (the answer has no conflict
  note: misinformation passed on as fact) and noted_misinformation_rate (a note flags the
  disagreement, the right behaviour), over the same cases. An abstention quotes nothing.
- note_rate_conflicting / note_rate_agreeing: share of external cases whose documents give
  different answers (more than one distinct string among answers + wrong_answers) / all give
  the same one answer, that got any conflict note.
- unexpected_contradiction_rate: of the answered cases that expect no contradiction (their conflict is
  not "contradiction" or "any", null included, and their documents are not known to disagree), the share
  whose answer has a `contradiction` note: a false "sources disagree" is the costliest note there is.
- abstention_rate: share of all cases that abstained.
- latency_p50_ms / latency_p95_ms: wall time of chain.invoke after one warm-up call.
- error_rate: cases where the chain raised (they fail and get no latency).

When answers carry a `confidence` (the answerer's best evidence score), the report also holds
`confidence_curve`: over cases with expect.abstain known, precision and recall of "answered
correctly" (answered, an answer was expected, every fact found, nothing forbidden quoted) if
every answer scoring under a threshold abstained, at evenly spaced thresholds.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, computed_field

from rag import eval_report
from rag.eval_data import KINDS, Case, Expect, load_dataset, load_pairs, norm, write_corpus
from rag.eval_thresholds import THRESHOLDS, THRESHOLDS_BY_DATASET, Threshold, load_thresholds, thresholds_for
from rag.models import Answer, AnswerSlot, Conflict, Document, Quote
from rag.settings import Settings

DEFAULT_DATASET = "evals/grounding.jsonl"


class EvalChain(Protocol):
    """What the runner needs from `build_chain(settings)` (a fake in tests)."""

    retriever: Any  # .search(question, k=k) -> list[RetrievedChunk]

    def invoke(self, input: dict) -> Answer: ...
    def documents(self, doc_id: str) -> Document | None: ...


class QuoteResult(BaseModel):
    id: int
    text: str
    path: str
    verbatim: bool
    answer_slot: AnswerSlot | None = None  # the short answer the quote gives (rag/answer_slots.py)


class CaseResult(BaseModel):
    id: str
    category: str
    question: str
    expect: Expect
    answer: str = ""
    abstained: bool = False
    quotes: list[QuoteResult] = []
    conflicts: list[Conflict] = []
    facts_found: list[bool] = []
    sources_cited: list[bool] = []
    relevant_quotes: int = 0  # cited quotes matching a required fact or source
    forbidden_hits: list[str] = []
    gold_found: list[bool] = []
    latency_ms: float | None = None  # None when the chain raised
    confidence: float | None = None  # the answerer's best evidence score, when it reports one
    reasons: list[str] = []  # why the case failed; empty = passed

    @computed_field
    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def cited(self) -> list[QuoteResult]:
        """The verbatim quotes an answer presents (none when it abstained)."""
        return [] if self.abstained else [q for q in self.quotes if q.verbatim]


def _same_path(cited: str, required: str) -> bool:
    return cited == required or cited.endswith("/" + required)


def _is_verbatim(documents: Callable[[str], Document | None], quote: Quote) -> bool:
    try:
        doc = documents(quote.source.id)
    except LookupError:
        doc = None
    return doc is not None and doc.text[quote.start:quote.end] == quote.text


def score_case(case: Case, answer: Answer, documents: Callable[[str], Document | None],
               retrieved: list[str], latency_ms: float) -> CaseResult:
    """Check one answer against its case; `reasons` lists every failed check."""
    e = case.expect
    quotes = [QuoteResult(id=q.id, text=q.text, path=q.source.path, verbatim=_is_verbatim(documents, q),
                          answer_slot=q.answer_slot)
              for q in answer.quotes]
    r = CaseResult(id=case.id, category=case.category, question=case.question, expect=e, answer=answer.answer,
                   abstained=answer.abstained, quotes=quotes, conflicts=answer.conflicts, latency_ms=latency_ms,
                   confidence=answer.confidence)
    cited = [(norm(q.text), q.path) for q in r.cited]
    r.facts_found = [bool(re.search(f, "\n".join(t for t, _ in cited), re.I)) for f in e.facts]
    r.sources_cited = [any(_same_path(p, s) for _, p in cited) for s in e.sources]
    r.relevant_quotes = sum(any(re.search(f, t, re.I) for f in e.facts) or any(_same_path(p, s) for s in e.sources)
                            for t, p in cited)
    presented = [] if r.abstained else [norm(q.text) for q in quotes]
    r.forbidden_hits = [f for f in e.forbid if any(re.search(f, t, re.I) for t in presented)]
    chunks = [norm(t) for t in retrieved]
    r.gold_found = [any(norm(g) in c for c in chunks) for g in e.gold]

    why = [f"quote [{q.id}] is not verbatim in {q.path}" for q in quotes if not q.verbatim]
    if e.abstain is not None and r.abstained != e.abstain:
        why.append("abstained, expected an answer" if r.abstained else "answered, expected abstention")
    why += [f"fact /{f}/ not in the quotes" for f, ok in zip(e.facts, r.facts_found) if not ok]
    why += [f"source {s} not cited" for s, ok in zip(e.sources, r.sources_cited) if not ok]
    why += [f"a quote presents /{f}/" for f in r.forbidden_hits]
    kinds = sorted({c.kind for c in r.conflicts})
    if e.conflict == "none" and kinds:
        why.append(f"unexpected conflict note ({', '.join(kinds)})")
    elif e.conflict == "any" and not kinds:
        why.append("no conflict note")
    elif e.conflict in KINDS and e.conflict not in kinds:
        why.append(f"no '{e.conflict}' conflict note (got: {', '.join(kinds) or 'none'})")
    why += [f"gold passage not retrieved: {g[:60]!r}" for g, ok in zip(e.gold, r.gold_found) if not ok]
    r.reasons = why
    return r


def _ratio(num: float, den: float) -> float | None:
    return round(num / den, 4) if den else None


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    s, i = sorted(values), (len(values) - 1) * p
    lo, hi = int(i), min(int(i) + 1, len(values) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (i - lo), 2)


def compute_metrics(results: list[CaseResult]) -> dict[str, float | None]:
    """Aggregate per-case results into the metrics defined in the module docstring."""
    n = len(results)
    m: dict[str, float | None] = {"cases": n, "pass_rate": _ratio(sum(r.passed for r in results), n),
                                  "error_rate": _ratio(sum(r.latency_ms is None for r in results), n)}
    quotes = [q for r in results for q in r.quotes]
    m["quote_verbatim_rate"] = _ratio(sum(q.verbatim for q in quotes), len(quotes))
    cite = [r for r in results if not r.abstained and (r.expect.facts or r.expect.sources)]
    m["citation_precision"] = _ratio(sum(r.relevant_quotes for r in cite), sum(len(r.cited) for r in cite))
    answerable = [r for r in results if r.expect.abstain is not True]
    m["source_recall"] = _ratio(sum(sum(r.sources_cited) for r in answerable),
                                sum(len(r.expect.sources) for r in answerable))
    m["fact_recall"] = _ratio(sum(sum(r.facts_found) for r in answerable),
                              sum(len(r.expect.facts) for r in answerable))

    m["abstention_rate"] = _ratio(sum(r.abstained for r in results), n)
    checked = [r for r in results if r.expect.abstain is not None]
    tp = sum(r.abstained and bool(r.expect.abstain) for r in checked)
    m["abstention_precision"] = _ratio(tp, sum(r.abstained for r in checked))
    m["abstention_recall"] = _ratio(tp, sum(bool(r.expect.abstain) for r in checked))
    m["abstention_accuracy"] = _ratio(sum(r.abstained == r.expect.abstain for r in checked), len(checked))

    judged = [r for r in results if r.expect.conflict is not None]
    hits = sum(bool(r.conflicts) and r.expect.conflict != "none" for r in judged)
    m["conflict_precision"] = _ratio(hits, sum(bool(r.conflicts) for r in judged))
    m["conflict_recall"] = _ratio(hits, sum(r.expect.conflict != "none" for r in judged))
    typed = [r for r in judged if r.expect.conflict != "any"]
    for kind in KINDS:
        flagged = [r.expect.conflict == kind for r in typed if kind in {c.kind for c in r.conflicts}]
        m[f"conflict_precision_{kind}"] = _ratio(sum(flagged), len(flagged))
        m[f"conflict_recall_{kind}"] = _ratio(sum(flagged), sum(r.expect.conflict == kind for r in typed))

    m["retrieval_recall_at_k"] = _ratio(sum(sum(r.gold_found) for r in results),
                                        sum(len(r.expect.gold) for r in results))
    guarded = [r for r in results if r.expect.forbid]
    m["wrong_answer_rate"] = _ratio(sum(bool(r.forbidden_hits) for r in guarded), len(guarded))
    m["silent_misinformation_rate"] = _ratio(sum(bool(r.forbidden_hits and not r.conflicts) for r in guarded),
                                             len(guarded))
    m["noted_misinformation_rate"] = _ratio(sum(bool(r.forbidden_hits and r.conflicts) for r in guarded),
                                            len(guarded))
    for name, differ in (("note_rate_conflicting", True), ("note_rate_agreeing", False)):
        group = [r for r in results if r.expect.answers_differ is differ]
        m[name] = _ratio(sum(bool(r.conflicts) for r in group), len(group))
    # a `contradiction` note ("sources disagree") on an answer whose case expects none
    calm = [r for r in results if not r.abstained and r.expect.conflict not in ("contradiction", "any")
            and r.expect.answers_differ is not True]
    m["unexpected_contradiction_rate"] = _ratio(sum(any(c.kind == "contradiction" for c in r.conflicts)
                                                    for r in calm), len(calm))
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    m["latency_p50_ms"] = _percentile(latencies, 0.5)
    m["latency_p95_ms"] = _percentile(latencies, 0.95)
    return m


class CurvePoint(BaseModel):
    threshold: float
    precision: float | None  # None: no case scores this high
    recall: float | None


def answered_correctly(r: CaseResult) -> bool:
    return (not r.abstained and r.expect.abstain is False and all(r.facts_found) and not r.forbidden_hits
            and r.latency_ms is not None)


def confidence_curve(results: list[CaseResult], points: int = 20) -> list[CurvePoint]:
    """Precision/recall of answering correctly if answers scoring under each threshold abstained
    (see the module docstring); empty when no answer carries a confidence."""
    scored = [r for r in results if r.confidence is not None and r.expect.abstain is not None]
    if not scored:
        return []
    lo, hi = min(r.confidence for r in scored), max(r.confidence for r in scored)
    steps = sorted({lo + (hi - lo) * i / (points - 1) for i in range(points - 1)} | {hi})  # hi exactly
    positives = sum(answered_correctly(r) for r in scored)
    curve = []
    for t in steps:
        kept = [answered_correctly(r) for r in scored if not r.abstained and r.confidence >= t]
        curve.append(CurvePoint(threshold=round(t, 4), precision=_ratio(sum(kept), len(kept)),
                                recall=_ratio(sum(kept), positives)))
    return curve


class Report(BaseModel):
    commit: str | None
    timestamp: str
    dataset: str
    k: int
    metrics: dict[str, float | None]
    by_category: dict[str, dict[str, float | None]]
    thresholds: dict[str, dict[str, str | float]]
    missed: list[str]  # metrics that missed their threshold
    cases: list[CaseResult]
    confidence_curve: list[CurvePoint] = []  # empty when the answerer reports no confidence


def run_case(case: Case, chain: EvalChain, k: int) -> CaseResult:
    start = time.perf_counter()
    try:
        answer = chain.invoke({"question": case.question, "history": [asdict(t) for t in case.history]})
    except Exception as e:  # noqa: BLE001 - a crashing case fails; the run goes on
        return CaseResult(id=case.id, category=case.category, question=case.question, expect=case.expect,
                          reasons=[f"error: {type(e).__name__}: {e}"])
    latency = (time.perf_counter() - start) * 1000
    hits = chain.retriever.search(answer.interpreted_as or case.question, k=k) if case.expect.gold else []
    return score_case(case, answer, chain.documents, [h.chunk.text for h in hits], latency)


def missed(metrics: dict[str, float | None], thresholds: dict[str, Threshold]) -> list[str]:
    return [n for n, t in thresholds.items() if not t.met(metrics.get(n))]


def evaluate(cases: list[Case], chain: EvalChain, k: int, dataset: str,
             thresholds: dict[str, Threshold] | None = None) -> Report:
    """Run and score every case against `thresholds` (default: the dataset's own, see rag.eval_thresholds)."""
    if cases:
        run_case(cases[0], chain, k)  # warm-up (loads models); not scored
    results = [run_case(c, chain, k) for c in cases]
    metrics, thresholds = compute_metrics(results), thresholds or thresholds_for(dataset)
    by_category = {cat: compute_metrics([r for r in results if r.category == cat])
                   for cat in dict.fromkeys(r.category for r in results)}
    return Report(commit=git_commit(), timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  dataset=dataset, k=k, metrics=metrics, by_category=by_category,
                  thresholds={n: {"op": t.op, "value": t.value} for n, t in thresholds.items()},
                  missed=missed(metrics, thresholds), cases=results,
                  confidence_curve=confidence_curve(results))


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def load_report(path: Path) -> Report:
    return Report.model_validate_json(path.read_text(encoding="utf-8"))


def _build_chain(settings: Settings, sources: list[Path] | None = None) -> EvalChain:
    """The chain over the index in settings.data_dir; an empty index first ingests
    `sources` (default: the corpus folder)."""
    from rag.chain import build_chain  # heavy: models load only when an eval runs
    from rag.index import Index

    index = Index(settings)
    if index.is_empty():
        print(f"index is empty: ingesting {f'{len(sources)} files' if sources else settings.corpus_dir} ...",
              file=sys.stderr)
        print(index.ingest(sources).summary(), file=sys.stderr)
    return build_chain(settings, index=index)


def register(subparsers) -> None:
    """Add `rag eval` to the CLI's subparsers."""
    p = subparsers.add_parser("eval", help="score grounding on an eval set; exit 1 when a threshold is missed")
    p.add_argument("--dataset", default=DEFAULT_DATASET, help="JSONL cases (default: %(default)s, relative to the "
                   "current folder: the repository's seed set)")
    p.add_argument("--thresholds", metavar="FILE", help='JSON bounds replacing the built-in ones: {"metric": '
                   '{"op": ">=", "value": 0.9}, ...} (the shape of a report\'s "thresholds")')
    p.add_argument("--report", default="evals/reports/latest.json", help="JSON report (default: %(default)s)")
    p.add_argument("--compare", metavar="OLD.json", help="print metric deltas against an older report")
    p.add_argument("--history", nargs="+", default=[], metavar="REPORT.json", help="older reports to chart in --html")
    p.add_argument("--html", metavar="PATH", help="also write a self-contained HTML report")
    p.add_argument("--k", type=int, help="passages retrieved for recall@k (default: RAG_RETRIEVAL_K)")
    p.add_argument("--pairs", metavar="FILE", help="labelled passage pairs for the disagreement detector "
                   "(default: evals/disagree_pairs.jsonl with the default dataset; 'none' to skip)")
    p.set_defaults(func=run)


def known_metrics() -> set[str]:
    """Every metric a report can hold (what a thresholds file may bound)."""
    return set(compute_metrics([])) | set(THRESHOLDS) | {m for t in THRESHOLDS_BY_DATASET.values() for m in t}


def run(args: argparse.Namespace) -> int:
    if args.dataset == DEFAULT_DATASET and not Path(args.dataset).is_file():
        print(f"rag eval: no {DEFAULT_DATASET} here: the default dataset is the repository's, relative to the "
              "current folder. Run from a checkout, or pass --dataset FILE", file=sys.stderr)
        return 2
    try:
        cases, docs = load_dataset(Path(args.dataset))
        bounds = load_thresholds(Path(args.thresholds), known_metrics()) if args.thresholds else None
        older = [load_report(Path(p)) for p in [*args.history, *filter(None, [args.compare])]]
    except (OSError, ValueError) as e:
        print(f"rag eval: {e}", file=sys.stderr)
        return 2
    paths = {"corpus_dir": getattr(args, "corpus", None), "data_dir": getattr(args, "data_dir", None)}
    with tempfile.TemporaryDirectory(prefix="rag-eval-") as tmp:
        if docs:  # an external dataset brings its own documents: index them in a scratch folder
            paths = {"corpus_dir": Path(tmp, "corpus"), "data_dir": Path(tmp, "data")}
        settings = Settings().model_copy(update={k: Path(v) for k, v in paths.items() if v})
        sources = write_corpus(docs, settings.corpus_dir) if docs else None
        report = evaluate(cases, _build_chain(settings, sources), k=args.k or settings.retrieval_k,
                          dataset=args.dataset, thresholds=bounds)
    pairs = args.pairs or ("evals/disagree_pairs.jsonl" if args.dataset == DEFAULT_DATASET else "none")
    if pairs != "none" and not Path(pairs).is_file():
        print(f"rag eval: no pairs file {pairs}: disagreement pairs not scored", file=sys.stderr)
    elif pairs != "none":  # the disagreement detector on labelled passage pairs
        from rag.disagree import evaluate_pairs
        from rag.embed import make_embedder
        from rag.word_similarity import WordSimilarity

        alike = WordSimilarity(make_embedder(settings.embedder))
        for rel, m in evaluate_pairs(load_pairs(Path(pairs)), alike).items():
            report.metrics[f"pairs_{rel}_precision"], report.metrics[f"pairs_{rel}_recall"] = m["precision"], m["recall"]
        report.missed = missed(report.metrics, bounds or thresholds_for(report.dataset))
    out = Path(args.report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    print(eval_report.format_report(report))
    if args.compare:
        print("\n" + eval_report.format_deltas(report, older[-1]))
    if args.html:
        eval_report.write_html(Path(args.html), report, older)
    print(f"\nreport: {out}" + (f", html: {args.html}" if args.html else ""))
    return 1 if report.missed else 0
