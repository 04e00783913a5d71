"""Plain-text rendering of an Answer for the terminal, and where an answer's verbatim quotes are."""
from __future__ import annotations

import re
import textwrap
from typing import Iterable

from rag.models import Answer, Quote


def verbatim_segments(markdown: str, quotes: Iterable[Quote]) -> list[tuple[str, bool]]:
    """`markdown` as (text, is_quote) pieces. A quote's text (“…”, whitespace collapsed as answers show
    it) is source text: renderers must show it exactly, never read it as markdown."""
    spans = []
    for q in quotes:
        shown = " ".join(q.text.split())
        if shown:
            spans += [(m.start() + 1, m.end() - 1) for m in re.finditer(re.escape(f"“{shown}”"), markdown)]
    out, pos = [], 0
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start >= pos:
            out += [(markdown[pos:start], False), (markdown[start:end], True)]
            pos = end
    out.append((markdown[pos:], False))
    return [(text, verbatim) for text, verbatim in out if text]


def _plain(md: str) -> str:
    md = re.sub(r"\*\*(.+?)\*\*", r"\1", md)
    return re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", md)


def _fill(paragraph: str, width: int = 100) -> str:
    """A paragraph wrapped to `width`; its "> " lines (the quote under a statement) indented as a block."""
    lines = []
    for block in re.split(r"\n(?=> )", paragraph):
        if block.startswith("> "):
            lines.append(textwrap.fill(block[2:], width, initial_indent="    > ", subsequent_indent="      ",
                                       break_long_words=False, break_on_hyphens=False))
        else:
            lines.append(textwrap.fill(block, width))
    return "\n".join(lines)


def answer_to_text(answer: Answer) -> str:
    segments = verbatim_segments(answer.answer, answer.quotes)
    md = "".join(text if verbatim else _plain(text) for text, verbatim in segments)
    out = []
    if answer.interpreted_as:
        out.append(f"Interpreted as: {answer.interpreted_as}\n")
    out.append("\n\n".join(_fill(p) for p in md.split("\n\n")))
    if answer.quotes:
        out.append("\nSources:")
        for q in answer.quotes:
            s = q.source
            meta = ", ".join(x for x in (s.outlet, s.title, s.published) if x)
            out.append(f"  [{q.id}] {s.path} (cleaned text, chars {q.start}-{q.end}){' — ' + meta if meta else ''}")
    out.append(f"\n({answer.timings_ms.total:.0f} ms)")
    return "\n".join(out)
