"""bench/retrain_spread.py's table: each seed's number, then their mean and spread (no training here)."""
import importlib.util

import pytest

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("retrain_spread", REPO / "bench" / "retrain_spread.py")
spread = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(spread)


def test_each_seed_then_mean_and_spread_and_no_row_for_a_metric_a_seed_lacks():
    results = {(0, "dev"): {"fact_recall": 0.8, "pass_rate": 0.5}, (1, "dev"): {"fact_recall": 0.9, "pass_rate": None}}
    lines = spread.table(results, [0, 1], ["dev"]).splitlines()
    assert lines[1:] == ["dev         fact        0.800 0.900  0.850  0.100"]


def test_an_earlier_run_shows_its_mean_beside_and_a_missing_report_is_named(tmp_path):
    results = {(0, "dev"): {"fact_recall": 0.8}, (1, "dev"): {"fact_recall": 0.9}}
    earlier = {(0, "dev"): {"fact_recall": 0.7}, (1, "dev"): {"fact_recall": 0.8}}
    assert spread.table(results, [0, 1], ["dev"], earlier).splitlines()[1].endswith("0.850  0.100  0.750")
    (tmp_path / "s0-dev.json").write_text('{"metrics": {"fact_recall": 0.7}}')
    with pytest.raises(SystemExit, match="s1-dev.json"):
        spread.earlier_run(tmp_path, [(0, "dev"), (1, "dev")])
    assert spread.earlier_run(tmp_path, [(0, "dev")]) == {(0, "dev"): {"fact_recall": 0.7}}
