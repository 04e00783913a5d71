"""The CI workflow users copy: tests and evals, least privilege, one run per change, pip cached."""
from __future__ import annotations

import yaml

from tests.conftest import REPO


def test_workflow_runs_tests_and_evals_with_least_privilege():
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "grounding.yml").read_text(encoding="utf-8"))
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers  # a PR branch runs once
    assert flow["permissions"] == {"contents": "read"} and flow["concurrency"]["cancel-in-progress"] is True
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    commands = " ".join(s.get("run", "") for s in steps)
    assert "python -m pytest" in commands and "rag eval" in commands
    setups = [s for s in steps if s.get("uses", "").startswith("actions/setup-python")]
    assert setups and all(s["with"]["cache"] == "pip" for s in setups)
