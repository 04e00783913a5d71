"""Checking what the chat page and the /ask API receive: date filters and chat history."""
from __future__ import annotations

import json
import re
from datetime import date

import gradio as gr

from ui import render

DATE_HINT = '<p class="hint">Articles without a date are left out when a date range is set.</p>'
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_day(text: str | None, label: str) -> tuple[str | None, str | None]:
    """(YYYY-MM-DD or None, error or None) for a date box."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        if not _DAY.match(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        return None, f"{label}: “{text}” is not a date. Use YYYY-MM-DD, for example 2025-09-19."
    return text, None


def check_dates(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None, str]:
    """Validated (from, to, error HTML); the error is '' when both are fine."""
    d_from, e1 = check_day(date_from, "From")
    d_to, e2 = check_day(date_to, "To")
    errors = [e for e in (e1, e2) if e]
    if not errors and d_from and d_to and d_from > d_to:
        errors.append(f"The range is empty: “from” ({d_from}) is after “to” ({d_to}).")
    return d_from, d_to, render.status_html("error", " ".join(errors)) if errors else DATE_HINT


def parse_history(history_json: str | None) -> list[dict[str, str]]:
    """The /ask history argument: a JSON list of {"question", "answer"} objects or [q, a] pairs."""
    try:
        raw = json.loads(history_json or "[]")
    except ValueError as e:
        raise gr.Error(f"history_json is not valid JSON: {e}") from None
    if not isinstance(raw, list):
        raise gr.Error('history_json must be a JSON list of {"question": ..., "answer": ...} objects')
    out = []
    for h in raw:
        if isinstance(h, dict) and isinstance(h.get("question"), str):
            out.append({"question": h["question"], "answer": str(h.get("answer") or "")})
        elif isinstance(h, (list, tuple)) and h and isinstance(h[0], str):
            out.append({"question": h[0], "answer": str(h[1]) if len(h) > 1 else ""})
        else:
            raise gr.Error(f"history_json entry not understood: {h!r}")
    return out
