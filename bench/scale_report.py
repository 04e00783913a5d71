"""Rows of the scale benchmark (measured vs target) and the bench/RESULTS.md section they make."""
from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from load import machine

HEADING = "## Scale: ingest and answer at 10k articles / 100k chunks (`bench/scale.py`, issue 15)"


@dataclass
class Row:
    """One measured figure beside its target. `ratio` is measured / `versus` (a baseline, a limit or the
    target itself, named by `versus_label`)."""

    what: str
    value: float | None
    unit: str
    op: str | None = None  # "<=" or ">=", None when the row is only reported
    target: float | None = None
    versus: float | None = None
    versus_label: str = "target"
    detail: str = ""
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def ratio(self) -> float | None:
        ref = self.versus if self.versus is not None else self.target if self.op else None
        return self.value / ref if self.value is not None and ref else None

    @property
    def met(self) -> bool | None:
        if self.value is None or self.op is None:
            return None
        compared = self.ratio if self.versus is not None else self.value
        return compared <= self.target if self.op == "<=" else compared >= self.target

    def cells(self) -> list[str]:
        verdict = {None: "reported" if self.value is not None else "**not measured**",
                   True: "met", False: "**MISSED**"}[self.met]
        op = {"<=": "≤", ">=": "≥"}.get(self.op or "", "")
        if self.op and self.versus is not None:
            target = f"{op} {self.target:g}× {self.versus_label}"
        else:
            target = f"{op} {fmt(self.target, self.unit)}" if self.op else "—"
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×" + ("" if self.op else f" {self.versus_label}")
        measured = fmt(self.value, self.unit) + (f" ({self.detail})" if self.detail else "")
        return [self.what, measured, target, ratio, verdict, f"{self.load[0]:.1f} → {self.load[1]:.1f}"]


@dataclass
class Run:
    """Everything one run of bench/scale.py reports."""

    started: str
    articles: int
    seed: int
    rows: list[Row] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # corpus sizes, timings of setup steps, caveats
    finished: bool = False
    heading: str = HEADING
    code: str = ""  # the commit measured (git_line at the start)

    def to_json(self) -> dict:
        return {**asdict(self), "rows": [{**asdict(r), "ratio": r.ratio, "met": r.met} for r in self.rows]}


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit in ("%", "share"):
        return f"{100 * v:.1f}%"
    if unit == "recall":
        return f"{v:.3f}"
    digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3
    return f"{v:,.{digits}f}" + (f" {unit}" if unit else "")


def machine_line() -> str:
    """Cores, CPU model, RAM, Python and the libraries that set the figures."""
    ram = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0.0) if Path("/proc/meminfo").exists() else 0.0
    libs = []
    for name in ("chromadb", "onnxruntime", "bm25s"):
        try:
            libs.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            pass
    return f"{machine()}, {ram:.0f} GiB RAM, {platform.system()} {platform.machine()}; {', '.join(libs)}"


def git_line(repo: Path) -> str:
    """The branch and commit, and whether tracked files differ from it."""
    def git(*args: str) -> str:
        r = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        return r.stdout.strip()
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"branch `{git('rev-parse', '--abbrev-ref', 'HEAD')}` at {git('rev-parse', '--short', 'HEAD')}{dirty}"


def section(run: Run, repo: Path) -> str:
    """The Markdown section of RESULTS.md for this run."""
    status = "" if run.finished else "\n**This run did not finish: the rows below are those measured before it stopped.**\n"
    head = ["| what | measured | target | ratio | verdict | load (1-min avg, before → after) |",
            "|---|---|---|---|---|---|"]
    table = head + ["| " + " | ".join(r.cells()) + " |" for r in run.rows]
    return "\n".join([
        run.heading, "",
        f"Measured {run.started} on {machine_line()}; {run.code or git_line(repo)}. "
        f"Corpus: {run.articles:,} generated articles (`bench/scale_corpus.py --seed {run.seed}`). "
        f"Load: the machine's 1-minute load average before and after each measurement (2 cores; other "
        f"sessions' tests shared the machine).", status, *table, "", *[f"- {f}" for f in run.facts], ""])


def write_section(path: Path, text: str, heading: str = HEADING) -> None:
    """Replace the section under `heading` in `path` (up to the next `## ` heading), or append it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find(heading + "\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        nxt = re.search(r"^## ", old[start + len(heading):], re.M)
        end = start + len(heading) + nxt.start() if nxt else len(old)
        new = old[:start] + text + ("\n" + old[end:] if nxt else "")
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(new.rstrip("\n") + "\n", encoding="utf-8")
    os.replace(tmp, path)
