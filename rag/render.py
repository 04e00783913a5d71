"""Plain-text rendering of an Answer for the terminal."""
from __future__ import annotations

import re
import textwrap

from rag.models import Answer


def answer_to_text(answer: Answer) -> str:
    md = re.sub(r"\*\*(.+?)\*\*", r"\1", answer.answer)
    md = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", md)
    out = []
    if answer.interpreted_as:
        out.append(f"Interpreted as: {answer.interpreted_as}\n")
    out.append("\n\n".join(textwrap.fill(p, 100) for p in md.split("\n\n")))
    if answer.quotes:
        out.append("\nSources:")
        for q in answer.quotes:
            s = q.source
            meta = ", ".join(x for x in (s.outlet, s.title, s.published) if x)
            out.append(f"  [{q.id}] {s.path} (chars {q.start}-{q.end}){' — ' + meta if meta else ''}")
    out.append(f"\n({answer.timings_ms.total:.0f} ms)")
    return "\n".join(out)
