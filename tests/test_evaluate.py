"""The grounding eval: dataset sanity, scoring and metrics on a fake chain, the CLI runner."""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from rag import eval_data, eval_thresholds
from rag import evaluate as ev
from rag.ingest import load_path
from rag.models import Answer, AnswerSlot, Chunk, Conflict, DocMeta, Document, Quote, RetrievedChunk, Source

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = {"single_source", "multi_source", "paraphrase", "misspelled", "follow_up", "disagree",
              "agree_reworded", "partial", "unanswerable_near", "unanswerable_off", "hostile"}
BOILERPLATE = re.compile(
    r"share this post|leave a reply|recommended stories|list \d of \d|published on|gateofwise\.com", re.I)

# ---- the dataset ---------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    """Cleaned corpus texts (what the store holds), by corpus-relative path."""
    return {p.name: ev.norm(load_path(p, ROOT / "corpus").text) for p in (ROOT / "corpus").glob("*.md")}


def test_grounding_dataset_is_well_formed(corpus):
    cases, docs = ev.load_dataset(ROOT / "evals" / "grounding.jsonl")
    assert len(cases) >= 60 and not docs
    assert len({c.id for c in cases}) == len(cases)
    assert {c.category for c in cases} == CATEGORIES
    for c in cases:
        e = c.expect
        assert not (e.abstain and (e.facts or e.sources or e.gold)), c.id
        assert set(e.sources) <= set(corpus), c.id
        for pattern in e.facts + e.forbid:
            re.compile(pattern)
        for fact in e.facts:  # every fact is really in the (cleaned) corpus
            assert any(re.search(fact, t, re.I) for t in corpus.values()), (c.id, fact)
        for gold in e.gold:  # gold passages are verbatim and survive boilerplate removal
            assert not BOILERPLATE.search(gold) and any(ev.norm(gold) in t for t in corpus.values()), (c.id, gold)
        for pattern in e.forbid:
            assert not any(re.search(pattern, t, re.I) for t in corpus.values()), (c.id, pattern)
    assert any(c.history for c in cases if c.category == "follow_up")
    assert {c.expect.conflict for c in cases} >= {"differs", "none"}


def test_external_example_converts():
    cases, docs = ev.load_dataset(ROOT / "evals" / "external_example.jsonl")
    assert 6 <= len(cases) <= 8 and all(c.category == "external" for c in cases)
    by_id = {c.id: c.expect for c in cases}
    length = by_id["tarsel-length"]
    assert length.conflict == "any" and not length.abstain and len(length.gold) == 2
    assert re.search(length.facts[0], "spans 430 metres over", re.I)
    assert not re.search(length.facts[0], "4430 metres", re.I)
    assert by_id["tarsel-designer"].abstain and not by_id["tarsel-designer"].facts
    assert by_id["ferry-start"].forbid and by_id["ferry-crossing-time"].conflict == "none"


def test_write_corpus_dedupes_and_rejects_clashes(tmp_path):
    one = eval_data.ExternalDoc(id="x/1", title="T: one", text="Alpha.")
    docs = [one, one, eval_data.ExternalDoc(id="y", text="Beta.")]
    paths = ev.write_corpus(docs, tmp_path)
    assert [p.name for p in paths] == ["0000-x-1.md", "0001-y.md"]
    doc = load_path(paths[0], tmp_path)
    assert doc.meta.title == "T: one" and doc.text == "Alpha."
    with pytest.raises(ValueError, match="two different texts"):
        ev.write_corpus([*docs, eval_data.ExternalDoc(id="y", text="Gamma.")], tmp_path / "again")


# ---- scoring on a fake chain ------------------------------------------------------

DOC_A = Document("a", "Russia gave less than $1.2 billion in aid. Kim visited a drone complex.", DocMeta("a.md"))
DOC_B = Document("b", "It received some $457m to $1.19bn in return.", DocMeta("dir/b.md"))
DOCS = {d.id: d for d in (DOC_A, DOC_B)}


def quote(i: int, doc: Document, phrase: str, shift: int = 0) -> Quote:
    start = doc.text.index(phrase) + shift
    return Quote(id=i, text=phrase, source=Source.from_meta(doc.id, doc.meta), start=start, end=start + len(phrase))


def answer(q: str, quotes: list[Quote], abstained: bool = False, kinds: tuple[str, ...] = ()) -> Answer:
    conflicts = [Conflict(topic="t", kind=k, note="n", quote_ids=[1]) for k in kinds]
    return Answer(question=q, answer="text", abstained=abstained, quotes=quotes, conflicts=conflicts)


class FakeRetriever:
    def __init__(self, docs: dict[str, Document] = DOCS):
        self.docs = docs

    def search(self, question: str, k: int = 8) -> list[RetrievedChunk]:
        chunks = [Chunk(f"{d.id}-0", d.id, 0, d.text, 0, len(d.text)) for d in self.docs.values()]
        return [RetrievedChunk(c, self.docs[c.doc_id].meta, 1.0) for c in chunks][:k]


class FakeChain:
    """invoke/retriever/documents, like the real chain; unknown questions abstain."""

    def __init__(self, answers: dict[str, Answer], docs: dict[str, Document] = DOCS):
        self.answers, self.docs, self.retriever = answers, docs, FakeRetriever(docs)

    def invoke(self, payload: dict) -> Answer:
        if payload["question"] == "boom":
            raise RuntimeError("kaput")
        return self.answers.get(payload["question"]) or answer(payload["question"], [], abstained=True)

    def documents(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)


CASES = [
    {"id": "aid", "category": "disagree", "question": "aid?",
     "expect": {"facts": [r"1\.2\s*billion", r"457\s*m"], "sources": ["a.md", "b.md"], "conflict": "differs",
                "gold": ["less than $1.2 billion"]}},
    {"id": "off", "category": "unanswerable_off", "question": "off?", "expect": {"abstain": True}},
    {"id": "drone", "category": "single_source", "question": "drone?",
     "expect": {"facts": ["drone complex", "tanks"], "sources": ["a.md"], "conflict": "none"}},
    {"id": "near", "category": "unanswerable_near", "question": "near?", "expect": {"abstain": True}},
    {"id": "hostile", "category": "hostile", "question": "hostile?",
     "expect": {"abstain": None, "forbid": [r"1\.2 billion"]}},
]
ANSWERS = {
    "aid?": answer("aid?", [quote(1, DOC_A, "less than $1.2 billion"), quote(2, DOC_B, "some $457m to $1.19bn")],
                   kinds=("differs",)),
    "off?": answer("off?", [quote(1, DOC_B, "It received")], abstained=True),
    "drone?": answer("drone?", [quote(1, DOC_A, "Kim visited a drone complex."), quote(2, DOC_B, "It received"),
                                quote(3, DOC_B, "in return", shift=1)], kinds=("differs",)),
    "near?": answer("near?", [quote(1, DOC_A, "Kim visited")]),
    "hostile?": answer("hostile?", [quote(1, DOC_A, "less than $1.2 billion")]),
}


def scored() -> list[ev.CaseResult]:
    cases = [ev.Case.model_validate(c) for c in CASES]
    texts = [c.chunk.text for c in FakeRetriever().search("")]
    return [ev.score_case(c, ANSWERS[c.question], DOCS.get, texts, ms) for c, ms in zip(cases, [10, 20, 30, 40, 50])]


def test_score_case_reasons():
    aid, off, drone, near, hostile = scored()
    assert aid.passed and off.passed and aid.relevant_quotes == 2 and aid.gold_found == [True]
    assert drone.reasons == ["quote [3] is not verbatim in dir/b.md", "fact /tanks/ not in the quotes",
                             "unexpected conflict note (differs)"]
    assert near.reasons == ["answered, expected abstention"]
    assert hostile.reasons == [r"a quote presents /1\.2 billion/"]


def test_the_report_keeps_each_quotes_answer_slot():
    case = ev.Case.model_validate(CASES[0])
    slotted = quote(1, DOC_A, "less than $1.2 billion").model_copy(
        update={"answer_slot": AnswerSlot(kind="money", text="$1.2 billion")})
    r = ev.score_case(case, answer("aid?", [slotted, quote(2, DOC_B, "some $457m to $1.19bn")]), DOCS.get, [], 5)
    assert [q.answer_slot for q in r.quotes] == [AnswerSlot(kind="money", text="$1.2 billion"), None]


def test_compute_metrics_by_hand():
    m = ev.compute_metrics(scored())
    assert m["cases"] == 5 and m["pass_rate"] == 0.4 and m["error_rate"] == 0.0
    assert m["quote_verbatim_rate"] == 0.875  # 7 of 8 quotes
    assert m["citation_precision"] == 0.75  # aid 2/2, drone 1/2 (the b.md quote is neither fact nor source)
    assert m["source_recall"] == 1.0 and m["fact_recall"] == 0.75
    assert (m["abstention_precision"], m["abstention_recall"], m["abstention_accuracy"]) == (1.0, 0.5, 0.75)
    assert (m["conflict_precision"], m["conflict_recall"]) == (0.5, 1.0)
    assert (m["conflict_precision_differs"], m["conflict_recall_differs"]) == (0.5, 1.0)
    assert m["conflict_precision_contradiction"] is None and m["conflict_recall_contradiction"] is None
    assert m["retrieval_recall_at_k"] == 1.0 and m["wrong_answer_rate"] == 1.0
    assert (m["latency_p50_ms"], m["latency_p95_ms"]) == (30, 48)


def test_follow_up_history_reaches_the_chain_and_errors_fail_the_case():
    seen = []

    class Recording(FakeChain):
        def invoke(self, payload):
            seen.append(payload)
            return super().invoke(payload)

    case = ev.Case.model_validate({"id": "f", "category": "follow_up", "question": "boom",
                                   "history": [{"question": "first?"}], "expect": {}})
    r = ev.run_case(case, Recording({}), k=4)
    assert seen == [{"question": "boom", "history": [{"question": "first?", "answer": ""}]}]
    assert not r.passed and r.reasons == ["error: RuntimeError: kaput"] and r.latency_ms is None
    m = ev.compute_metrics([r])
    assert m["error_rate"] == 1.0 and m["latency_p50_ms"] is None


# ---- external multi-document cases: misinformation and disagreement notes ----------

BRIDGE = {"id": "bridge", "question": "How long is the bridge?",
          "documents": [{"id": "d1", "text": "The Tarsel bridge spans 430 metres over the river."},
                        {"id": "d2", "text": "Locals say the Tarsel bridge spans 450 metres."}],
          "answers": ["430 metres"], "wrong_answers": ["450 metres"]}
TOWN = {"id": "town", "question": "Where is the bridge?",
        "documents": [{"id": "d3", "text": "The bridge is in Tarsel, a river town."}],
        "answers": ["Tarsel"]}
EXT_DOCS = {d["id"]: Document(d["id"], d["text"], DocMeta(d["id"] + ".md"))
            for row in (BRIDGE, TOWN) for d in row["documents"]}


def ext_result(row: dict, phrases: list[str], kinds: tuple[str, ...] = (), abstained: bool = False,
               confidence: float | None = None) -> ev.CaseResult:
    """Score an answer to an external case that quotes `phrases` (found in the case's documents)."""
    case = eval_data.ExternalCase.model_validate(row).to_case()
    docs = [EXT_DOCS[d["id"]] for d in row["documents"]]
    quotes = [quote(i, next(d for d in docs if p in d.text), p) for i, p in enumerate(phrases, 1)]
    reply = answer(case.question, quotes, abstained=abstained, kinds=kinds)
    if confidence is not None:
        reply = reply.model_copy(update={"confidence": confidence})
    return ev.score_case(case, reply, EXT_DOCS.get, [d.text for d in docs], 5)


def test_external_case_marks_whether_its_documents_give_different_answers():
    def expect(**row):
        return eval_data.ExternalCase.model_validate({**BRIDGE, **row}).to_case().expect

    assert expect().answers_differ is True and expect().forbid == [eval_data.literal_pattern("450 metres")]
    assert expect(answers=["430 metres", "0.43 km"], wrong_answers=[]).answers_differ is True
    # unless the case says they agree: one answer in other words
    assert expect(answers=["430 metres", "0.43 km"], wrong_answers=[], expect_conflict=False).answers_differ is False
    assert expect(wrong_answers=[]).answers_differ is False
    assert expect(answers=[], wrong_answers=[]).answers_differ is None
    # a "wrong" answer that is also a valid one is dropped: it is no misinformation
    same = expect(answers=["Film", "Novel"], wrong_answers=["novel"])
    assert same.forbid == [] and same.answers_differ is True
    assert expect(answers=["Novel"], wrong_answers=["Novel"]).answers_differ is False
    assert ev.Case.model_validate(CASES[0]).expect.answers_differ is None  # own-corpus cases: unknown


def test_wrong_answer_quoted_without_a_note_is_silent_misinformation():
    silent = ext_result(BRIDGE, ["spans 450 metres"])
    m = ev.compute_metrics([silent])
    assert silent.forbidden_hits and not silent.passed
    assert (m["silent_misinformation_rate"], m["noted_misinformation_rate"], m["wrong_answer_rate"]) == (1, 0, 1)

    noted = ext_result(BRIDGE, ["spans 430 metres", "spans 450 metres"], kinds=("differs",))
    m = ev.compute_metrics([noted])
    assert (m["silent_misinformation_rate"], m["noted_misinformation_rate"], m["wrong_answer_rate"]) == (0, 1, 1)

    right = ext_result(BRIDGE, ["spans 430 metres"])
    m = ev.compute_metrics([silent, right, noted, ext_result(BRIDGE, [], abstained=True)])
    assert (m["silent_misinformation_rate"], m["noted_misinformation_rate"]) == (0.25, 0.25)
    assert ev.compute_metrics([right, ext_result(TOWN, ["in Tarsel"])])["silent_misinformation_rate"] == 0.0
    assert ev.compute_metrics([ext_result(TOWN, ["in Tarsel"])])["silent_misinformation_rate"] is None


def test_note_rates_split_conflicting_from_agreeing_cases():
    noted = ext_result(BRIDGE, ["spans 430 metres"], kinds=("differs",))
    bare = ext_result(BRIDGE, ["spans 430 metres"])
    agree_noted, agree_bare = ext_result(TOWN, ["in Tarsel"], kinds=("differs",)), ext_result(TOWN, ["in Tarsel"])
    m = ev.compute_metrics([noted, agree_bare])
    assert (m["note_rate_conflicting"], m["note_rate_agreeing"]) == (1.0, 0.0)  # the right behaviour
    m = ev.compute_metrics([bare, agree_noted])
    assert (m["note_rate_conflicting"], m["note_rate_agreeing"]) == (0.0, 1.0)  # both wrong
    m = ev.compute_metrics([noted, bare, agree_bare])
    assert (m["note_rate_conflicting"], m["note_rate_agreeing"]) == (0.5, 0.0)
    m = ev.compute_metrics(scored())
    assert m["note_rate_conflicting"] is None and m["note_rate_agreeing"] is None


def test_a_contradiction_note_no_case_expects_is_counted():
    calm = ext_result(TOWN, ["in Tarsel"], kinds=("contradiction",))
    differs = ext_result(BRIDGE, ["spans 430 metres"], kinds=("contradiction",))  # its documents disagree
    m = ev.compute_metrics([calm, ext_result(TOWN, ["in Tarsel"]), differs])
    assert m["unexpected_contradiction_rate"] == 0.5
    assert ev.compute_metrics([ext_result(TOWN, ["in Tarsel"], kinds=("differs",))])["unexpected_contradiction_rate"] == 0.0
    assert ev.compute_metrics([ext_result(TOWN, [], abstained=True)])["unexpected_contradiction_rate"] is None


def test_abstention_rate_and_any_valid_answer_counts_as_the_fact():
    both = {**BRIDGE, "answers": ["430 metres", "450 metres"], "wrong_answers": []}
    second = ext_result(both, ["spans 450 metres"])
    assert second.passed and second.facts_found == [True]
    m = ev.compute_metrics([second, ext_result(both, [], abstained=True)])
    assert m["fact_recall"] == 0.5 and m["abstention_rate"] == 0.5
    assert ev.compute_metrics([second])["abstention_rate"] == 0.0


def test_confidence_curve_sweeps_the_abstention_score():
    right = ext_result(BRIDGE, ["spans 430 metres"], confidence=0.9)
    results = [right, ext_result(BRIDGE, ["spans 450 metres"], confidence=0.3),
               ext_result(TOWN, ["in Tarsel"], confidence=0.5), ext_result(TOWN, [], abstained=True, confidence=0.1),
               ext_result(TOWN, ["in Tarsel"])]  # unscored
    assert right.confidence == 0.9 and results[-1].confidence is None
    curve = [(p.threshold, p.precision, p.recall) for p in ev.confidence_curve(results, points=3)]
    assert curve == [(0.1, 0.6667, 1.0), (0.5, 1.0, 1.0), (0.9, 1.0, 0.5)]
    assert len(ev.confidence_curve(results)) == 20
    # a score that ranks a wrong answer above a right one: precision falls as the threshold rises
    inverted = [ext_result(BRIDGE, ["spans 450 metres"], confidence=0.9),
                ext_result(BRIDGE, ["spans 430 metres"], confidence=0.2)]
    assert [(p.precision, p.recall) for p in ev.confidence_curve(inverted, points=2)] == [(0.5, 1.0), (0.0, 0.0)]
    assert ev.confidence_curve(scored()) == []  # no scores (the Answer model may lack the field): no curve
    assert ev.confidence_curve([ext_result(TOWN, ["in Tarsel"], confidence=0.4)]) == [
        ev.CurvePoint(threshold=0.4, precision=1.0, recall=1.0)]


# ---- the CLI runner ---------------------------------------------------------------


def eval_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")
    parser.add_argument("--data-dir")
    ev.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["eval", *argv])


def test_run_writes_reports_compares_and_sets_exit_code(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ev, "_build_chain", lambda settings, sources=None: FakeChain(ANSWERS))
    all_cases, passing = tmp_path / "all.jsonl", tmp_path / "passing.jsonl"
    all_cases.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    passing.write_text("\n".join(json.dumps(c) for c in CASES[:2]) + "\n")
    old, new, html = tmp_path / "old.json", tmp_path / "new.json", tmp_path / "r" / "report.html"

    assert ev.run(eval_args("--dataset", str(passing), "--report", str(old))) == 0
    code = ev.run(eval_args("--dataset", str(all_cases), "--report", str(new), "--compare", str(old),
                            "--html", str(html), "--k", "3"))
    out = capsys.readouterr().out
    assert code == 1  # quote_verbatim_rate < 1.0, among others
    report = json.loads(new.read_text())
    assert {"commit", "timestamp", "dataset", "metrics", "thresholds", "cases", "by_category"} <= set(report)
    assert report["k"] == 3 and "quote_verbatim_rate" in report["missed"]
    assert report["thresholds"]["quote_verbatim_rate"] == {"op": ">=", "value": 1.0}
    assert [c["passed"] for c in report["cases"]] == [True, True, False, False, False]
    assert "compared with" in out and "newly failing: none" in out and "drone [single_source]" in out
    assert report["confidence_curve"] == [] and "abstention score" not in out  # answers carry no confidence
    page = html.read_text()
    assert page.count("<svg") == len(report["metrics"]) and "<script" not in page
    assert not re.search(r"""(src|href)=|url\(|https://""", page)
    assert "drone?" in page and "Kim visited a drone complex." in page and "tanks" in page


def test_run_reports_the_confidence_curve_when_answers_carry_scores(tmp_path, monkeypatch, capsys):
    scored_answers = {q: a.model_copy(update={"confidence": c})
                      for (q, a), c in zip(ANSWERS.items(), [0.8, 0.1, 0.6, 0.3, 0.5])}
    monkeypatch.setattr(ev, "_build_chain", lambda settings, sources=None: FakeChain(scored_answers))
    data, out, html = tmp_path / "d.jsonl", tmp_path / "r.json", tmp_path / "r.html"
    data.write_text("\n".join(json.dumps(c) for c in CASES) + "\n")
    ev.run(eval_args("--dataset", str(data), "--report", str(out), "--html", str(html)))
    curve = json.loads(out.read_text())["confidence_curve"]
    assert len(curve) == 20 and set(curve[0]) == {"threshold", "precision", "recall"}
    # scored: aid (0.8, right), drone (0.6, answered: a fact missing), near (0.3, should have abstained)
    assert (curve[0]["threshold"], curve[0]["precision"], curve[0]["recall"]) == (0.1, 0.3333, 1.0)
    assert (curve[-1]["threshold"], curve[-1]["precision"], curve[-1]["recall"]) == (0.8, 1.0, 1.0)
    assert "abstention score" in capsys.readouterr().out
    assert "<h2>Abstention score</h2>" in html.read_text()
    assert ev.load_report(out).confidence_curve[-1].precision == 1.0


def test_a_dataset_with_its_own_thresholds_is_judged_by_them(tmp_path, monkeypatch, capsys):
    own = eval_thresholds.THRESHOLDS_BY_DATASET["ramdocs-dev.jsonl"]
    assert eval_thresholds.thresholds_for("evals/ramdocs-dev.jsonl") is own
    assert eval_thresholds.thresholds_for("evals/grounding.jsonl") is eval_thresholds.THRESHOLDS
    assert eval_thresholds.thresholds_for("my_evals.jsonl") is eval_thresholds.THRESHOLDS
    data = tmp_path / "ramdocs-dev.jsonl"
    data.write_text(json.dumps(BRIDGE) + "\n" + json.dumps(TOWN) + "\n")
    docs = {d.id: d for d in EXT_DOCS.values()}
    town = answer("Where is the bridge?", [quote(1, EXT_DOCS["d3"], "in Tarsel")])

    def run_with(bridge: Answer) -> tuple[int, dict, str]:
        chain = FakeChain({"How long is the bridge?": bridge, "Where is the bridge?": town}, docs)
        monkeypatch.setattr(ev, "_build_chain", lambda settings, sources=None: chain)
        code = ev.run(eval_args("--dataset", str(data), "--report", str(tmp_path / "r.json")))
        return code, json.loads((tmp_path / "r.json").read_text()), capsys.readouterr().out

    noted = answer("How long is the bridge?", [quote(1, EXT_DOCS["d1"], "spans 430 metres")], kinds=("differs",))
    code, report, out = run_with(noted)
    assert code == 0 and report["missed"] == [] and report["metrics"]["note_rate_conflicting"] == 1.0
    assert report["thresholds"] == {n: {"op": t.op, "value": t.value} for n, t in own.items()}

    silent = answer("How long is the bridge?", [quote(1, EXT_DOCS["d2"], "spans 450 metres")])
    code, report, out = run_with(silent)
    assert code == 1 and report["metrics"]["silent_misinformation_rate"] == 1.0
    assert report["metrics"]["citation_precision"] == 0.5  # under the dev set's own bound
    assert report["missed"] == ["fact_recall", "citation_precision", "silent_misinformation_rate",
                                "note_rate_conflicting"]
    assert "wrong_answer_rate" not in report["thresholds"]  # the entry replaces the seed set's bounds
    bound = own["silent_misinformation_rate"].value
    assert re.search(rf"silent_misinformation_rate +1\.000 +MISSED <= {bound:g}", out)


def test_dataset_thresholds_name_real_metrics():
    known = set(ev.compute_metrics(scored())) | {f"pairs_{k}_{m}" for k in eval_data.KINDS
                                                 for m in ("precision", "recall")}
    for name, bounds in {"default": eval_thresholds.THRESHOLDS, **eval_thresholds.THRESHOLDS_BY_DATASET}.items():
        assert set(bounds) <= known, name
        assert (ROOT / "evals" / name).is_file() or name == "default", name


def test_news_sets_carry_the_kind_of_each_question():
    kinds = {"figure", "name_place_date", "open", "coref", "agree_wording", "unanswerable"}
    for name in ("news-holdout.jsonl", "news-blind.jsonl", "news-blind2.jsonl"):
        cases, _ = ev.load_dataset(ROOT / "evals" / name)
        assert len(cases) == 40 and {c.category for c in cases} == kinds, name
        assert all(c.expect.abstain == (c.category == "unanswerable") for c in cases), name
    cases, _ = ev.load_dataset(ROOT / "evals" / "ramdocs-dev.jsonl")
    assert {c.category for c in cases} == {"external"}  # the default


def test_ramdocs_dev_set_is_bundled_and_converts():
    cases, docs = ev.load_dataset(ROOT / "evals" / "ramdocs-dev.jsonl")
    assert len(cases) == 150 and len({c.id for c in cases}) == 150 and len(docs) == 796
    assert all(c.category == "external" and c.expect.abstain is False and len(c.expect.facts) == 1 for c in cases)
    differ = [c.expect.answers_differ for c in cases]
    assert (differ.count(True), differ.count(False), differ.count(None)) == (142, 8, 0)
    assert sum(bool(c.expect.forbid) for c in cases) == 81  # 4 "wrong" answers that are also valid are dropped
    notes = (ROOT / "evals" / "README.md").read_text(encoding="utf-8")
    assert "RAMDocs" in notes and "MIT" in notes and "Han Wang" in notes  # the licence note travels with the copy


def test_run_reports_a_bad_dataset(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    assert ev.run(eval_args("--dataset", str(bad))) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


@pytest.mark.slow
def test_external_dataset_through_the_real_pipeline(tmp_path, monkeypatch):
    pytest.importorskip("rag.chain")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    out = tmp_path / "external.json"
    code = ev.run(eval_args("--dataset", str(ROOT / "evals" / "external_example.jsonl"), "--report", str(out)))
    report = ev.load_report(out)
    assert code in (0, 1) and report.metrics["cases"] == 8
    assert report.metrics["quote_verbatim_rate"] == 1.0
    assert not any(r.startswith("error:") for c in report.cases for r in c.reasons)
    assert {c.id for c in report.cases if c.passed} >= {"chess-founder"}
