"""`rag eval`: --thresholds FILE, strict case keys (a typo must not pass vacuously), an explicit default dataset."""
from __future__ import annotations

import json

import pytest

from rag import eval_data
from rag import evaluate as ev
from tests.test_evaluate import ANSWERS, CASES, FakeChain, eval_args


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    monkeypatch.setattr(ev, "_build_chain", lambda settings, sources=None: FakeChain(ANSWERS))
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in CASES[:2]) + "\n")
    return path


def test_thresholds_file_replaces_the_built_in_bounds(dataset, tmp_path):
    report = tmp_path / "r.json"
    assert ev.run(eval_args("--dataset", str(dataset), "--report", str(report))) == 0
    strict = tmp_path / "t.json"
    strict.write_text(json.dumps({"pass_rate": {"op": ">=", "value": 1.0}, "abstention_rate": {"op": "<=", "value": 0}}))
    assert ev.run(eval_args("--dataset", str(dataset), "--report", str(report), "--thresholds", str(strict))) == 1
    written = json.loads(report.read_text())
    assert written["thresholds"] == {"pass_rate": {"op": ">=", "value": 1.0}, "abstention_rate": {"op": "<=", "value": 0}}
    assert written["missed"] == ["abstention_rate"]


@pytest.mark.parametrize("content,message", [
    ({"pass_rat": {"op": ">=", "value": 0.5}}, "unknown metric 'pass_rat' (did you mean pass_rate?)"),
    ({"pass_rate": {"op": ">", "value": 0.5}}, 'pass_rate: expected {"op": ">=" or "<=", "value": number}'),
    ({"pass_rate": 0.5}, "pass_rate: expected"),
    ([], "expected {"),
])
def test_a_bad_thresholds_file_is_one_clear_line(dataset, tmp_path, capsys, content, message):
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps(content))
    assert ev.run(eval_args("--dataset", str(dataset), "--report", str(tmp_path / "r.json"),
                            "--thresholds", str(bad))) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_misspelt_expect_key_fails_the_load(tmp_path):
    row = {**CASES[0], "expect": {**CASES[0]["expect"], "fact": ["drone"]}}
    path = tmp_path / "typo.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"typo.jsonl:1: unknown key expect.fact \(did you mean facts\?\)"):
        eval_data.load_dataset(path)
    row = {**CASES[0], "questoin": "x"}
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"unknown key questoin \(did you mean question\?\)"):
        eval_data.load_dataset(path)


def test_every_shipped_dataset_still_loads():
    from tests.conftest import REPO

    for path in sorted((REPO / "evals").glob("*.jsonl")):
        if not path.name.endswith("_pairs.jsonl"):  # labelled pairs, not question sets
            assert eval_data.load_dataset(path)[0], path


def test_default_dataset_outside_a_checkout_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert ev.run(eval_args()) == 2
    assert "the default dataset is the repository's" in capsys.readouterr().err
