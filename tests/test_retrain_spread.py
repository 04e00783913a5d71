"""bench/retrain_spread.py's table: each seed's number, then their mean and spread (no training here)."""
import importlib.util

from tests.conftest import REPO

_spec = importlib.util.spec_from_file_location("retrain_spread", REPO / "bench" / "retrain_spread.py")
spread = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(spread)


def test_each_seed_then_mean_and_spread_and_no_row_for_a_metric_a_seed_lacks():
    results = {(0, "dev"): {"fact_recall": 0.8, "pass_rate": 0.5}, (1, "dev"): {"fact_recall": 0.9, "pass_rate": None}}
    lines = spread.table(results, [0, 1], ["dev"]).splitlines()
    assert lines[1:] == ["dev         fact        0.800 0.900  0.850  0.100"]
