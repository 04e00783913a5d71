"""The README's Python example runs as written."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_readme_python_example_runs(seed_data_dir):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Python\n\n```python\n(.*?)```", readme, re.S).group(1)
    env = {**os.environ, "RAG_DATA_DIR": str(seed_data_dir)}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "False" in r.stdout and "gateofwise-kim-ai-drones-top-defense-priority.md" in r.stdout
    assert "North Korea" in r.stdout  # the interpreted follow-up
