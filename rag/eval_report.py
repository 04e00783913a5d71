"""Render eval reports: a terminal table, deltas against an older run, and a
self-contained HTML page (inline CSS and SVG, no scripts, no CDN)."""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from rag.eval_thresholds import Threshold

if TYPE_CHECKING:
    from rag.evaluate import CaseResult, Report

CATEGORY_COLUMNS = {"cases": "cases", "pass_rate": "pass", "fact_recall": "facts", "source_recall": "sources",
                    "citation_precision": "cit.prec", "abstention_accuracy": "abstain",
                    "retrieval_recall_at_k": "recall@k", "latency_p50_ms": "p50 ms"}


def fmt(value: float | None, metric: str = "") -> str:
    if value is None:
        return "n/a"
    if metric == "cases":
        return str(int(value))
    return f"{value:.1f}" if metric.endswith("_ms") else f"{value:.3f}"


def _threshold(report: Report, metric: str) -> Threshold | None:
    """The bound the report was judged by (each dataset has its own; see rag.eval_thresholds)."""
    t = report.thresholds.get(metric)
    return Threshold(t["op"], float(t["value"])) if t else None


def _status(report: Report, metric: str) -> str:
    t = _threshold(report, metric)
    if t is None:
        return ""
    return ("MISSED " if metric in report.missed else "ok     ") + f"{t.op} {t.value:g}"


def _label(report: Report) -> str:
    return f"{(report.commit or 'no-git')[:7]} {report.timestamp[:16]}"


def format_report(report: Report) -> str:
    """The metric table, the per-category table and every failing case with why."""
    failing = [c for c in report.cases if not c.passed]
    lines = [f"Grounding eval: {report.dataset}  ({_label(report)}, k={report.k})", "",
             f"{'metric':34} {'value':>9}  threshold"]
    lines += [f"{name:34} {fmt(v, name):>9}  {_status(report, name)}".rstrip() for name, v in report.metrics.items()]
    if report.confidence_curve:
        lines += ["", "abstention score: answered correctly if answers scoring under the threshold abstained",
                  f"{'threshold':>10} {'precision':>10} {'recall':>10}"]
        lines += [f"{p.threshold:>10.4f} {fmt(p.precision):>10} {fmt(p.recall):>10}" for p in report.confidence_curve]
    lines += ["", f"{'category':18}" + "".join(f"{h:>10}" for h in CATEGORY_COLUMNS.values())]
    for cat, m in report.by_category.items():
        lines.append(f"{cat:18}" + "".join(f"{fmt(m.get(k), k):>10}" for k in CATEGORY_COLUMNS))
    lines += ["", f"failing cases: {len(failing)} of {len(report.cases)}"]
    for c in failing:
        lines.append(f"- {c.id} [{c.category}] {c.question}")
        lines += [f"    {why}" for why in c.reasons]
    if report.missed:
        lines += ["", "thresholds missed: " + ", ".join(report.missed)]
    return "\n".join(lines)


def format_deltas(current: Report, old: Report) -> str:
    """Metric changes since `old`, then cases that started or stopped failing."""
    lines = [f"compared with {_label(old)}:", f"{'metric':34} {'old':>9} {'new':>9} {'delta':>9}"]
    for name, new in current.metrics.items():
        prev = old.metrics.get(name)
        delta = "" if new is None or prev is None else f"{new - prev:+.{1 if name.endswith('_ms') else 3}f}"
        lines.append(f"{name:34} {fmt(prev, name):>9} {fmt(new, name):>9} {delta:>9}")
    was_failing = {c.id for c in old.cases if not c.passed}
    now_failing = {c.id for c in current.cases if not c.passed}
    known = {c.id for c in old.cases}
    lines.append("newly failing: " + (", ".join(sorted((now_failing - was_failing) & known)) or "none"))
    lines.append("newly passing: " + (", ".join(sorted(was_failing - now_failing)) or "none"))
    return "\n".join(lines)


def _chart(metric: str, runs: list[Report], t: Threshold | None) -> str:
    """An inline SVG line chart of one metric across runs, with its threshold `t` dashed."""
    w, h, pad = 260, 110, 22
    values = [r.metrics.get(metric) for r in runs]
    known = [v for v in values if v is not None]
    top = 1.0 if not (metric.endswith("_ms") or metric == "cases") else max(known + [t.value if t else 0.0, 1.0]) * 1.1

    def x(i: int) -> float:
        return w / 2 if len(runs) == 1 else pad + i * (w - 2 * pad) / (len(runs) - 1)

    def y(v: float) -> float:
        return h - pad - min(v, top) / top * (h - 2 * pad)

    pts = [(x(i), y(v), v, r) for i, (v, r) in enumerate(zip(values, runs)) if v is not None]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="{metric}">',
             f'<text x="4" y="14" class="t">{escape(metric)}</text>',
             f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" class="axis"/>',
             f'<text x="{w - pad}" y="{h - 6}" class="s" text-anchor="end">'
             f"{len(runs)} run(s); max {fmt(top, metric)}</text>"]
    if t is not None:
        parts.append(f'<line x1="{pad}" y1="{y(t.value):.1f}" x2="{w - pad}" y2="{y(t.value):.1f}" class="thr"/>')
    if len(pts) > 1:
        parts.append(f'<polyline class="line" points="{" ".join(f"{px:.1f},{py:.1f}" for px, py, _, _ in pts)}"/>')
    for px, py, v, r in pts:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5">'
                     f"<title>{escape(_label(r))}: {fmt(v, metric)}</title></circle>")
    if pts:
        px, py, v, _ = pts[-1]
        anchor, dx = ("end", -6) if px > w / 2 else ("start", 6)
        parts.append(f'<text x="{px + dx:.1f}" y="{max(py - 6, 26):.1f}" class="s" text-anchor="{anchor}">'
                     f"{fmt(v, metric)}</text>")
    return "".join(parts) + "</svg>"


def _case_html(c: CaseResult) -> str:
    quotes = "".join(
        f'<li class="{"" if q.verbatim else "bad"}">[{q.id}] <q>{escape(q.text)}</q> <cite>{escape(q.path)}</cite>'
        f'{"" if q.verbatim else " (not verbatim)"}</li>' for q in c.quotes) or "<li>(no quotes)</li>"
    conflicts = "".join(f"<li>{escape(k.kind)}: {escape(k.note)}</li>" for k in c.conflicts) or "<li>none</li>"
    e = c.expect
    return (f'<details open><summary><b>{escape(c.id)}</b> [{escape(c.category)}] {escape(c.question)}</summary>'
            f'<ul class="why">{"".join(f"<li>{escape(r)}</li>" for r in c.reasons)}</ul>'
            f"<p>Expected: abstain={e.abstain}; facts: {escape(', '.join(e.facts) or '-')}; "
            f"sources: {escape(', '.join(e.sources) or '-')}; conflict: {e.conflict}</p>"
            f"<p>Answer{' (abstained)' if c.abstained else ''}:</p><pre>{escape(c.answer)}</pre>"
            f"<p>Quotes:</p><ul>{quotes}</ul><p>Conflict notes:</p><ul>{conflicts}</ul></details>")


_CSS = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.miss{background:#fdd}.charts{display:flex;flex-wrap:wrap;gap:8px}
svg{border:1px solid #ddd;background:#fafafa}.t{font-size:12px;font-weight:bold}.s{font-size:10px;fill:#555}
.axis{stroke:#999}.thr{stroke:#c33;stroke-dasharray:4 3}.line{fill:none;stroke:#36c;stroke-width:2}
circle{fill:#36c}details{margin:.4em 0;border:1px solid #eee;padding:.4em}.why{color:#a00}
li.bad{color:#a00}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}"""


def render_html(current: Report, older: list[Report]) -> str:
    runs = sorted([*older, current], key=lambda r: r.timestamp)
    head = "".join(f"<th>{escape(_label(r))}</th>" for r in runs)
    rows = "".join(
        f'<tr class="{"miss" if name in current.missed else ""}"><td>{escape(name)}</td>'
        + "".join(f"<td>{fmt(r.metrics.get(name), name)}</td>" for r in runs)
        + f"<td>{escape(_status(current, name))}</td></tr>" for name in current.metrics)
    cats = "".join(f"<tr><td>{escape(cat)}</td>" + "".join(f"<td>{fmt(m.get(k), k)}</td>" for k in CATEGORY_COLUMNS)
                   + "</tr>" for cat, m in current.by_category.items())
    failing = [c for c in current.cases if not c.passed]
    curve = "".join(f"<tr><td>{p.threshold:.4f}</td><td>{fmt(p.precision)}</td><td>{fmt(p.recall)}</td></tr>"
                    for p in current.confidence_curve)
    charts = "".join(_chart(name, runs, _threshold(current, name)) for name in current.metrics)
    if curve:
        curve = ("<h2>Abstention score</h2><p>Answered correctly if answers scoring under the threshold abstained."
                 f"</p><table><tr><th>threshold</th><th>precision</th><th>recall</th></tr>{curve}</table>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Grounding eval</title>'
            f"<style>{_CSS}</style></head><body><h1>Grounding eval</h1>"
            f"<p>{escape(current.dataset)} &middot; commit {escape(current.commit or 'n/a')} &middot; "
            f"{escape(current.timestamp)} &middot; k={current.k}</p>"
            f"<h2>Metrics</h2><table><tr><th>metric</th>{head}<th>threshold</th></tr>{rows}</table>"
            f'<div class="charts">{charts}</div>{curve}'
            f"<h2>By category</h2><table><tr><th>category</th>"
            + "".join(f"<th>{h}</th>" for h in CATEGORY_COLUMNS.values()) + f"</tr>{cats}</table>"
            f"<h2>Failing cases ({len(failing)} of {len(current.cases)})</h2>"
            + "".join(_case_html(c) for c in failing) + "</body></html>")


def write_html(path: Path, current: Report, older: list[Report]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(current, older), encoding="utf-8")
