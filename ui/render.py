"""HTML for the web chat: answer messages, the sources panel, the disagreement callout.

Pure functions of `rag.models` objects (plus a document lookup), so they are
easy to test without a server. Everything that comes from a document or a
question is HTML-escaped before it is placed in markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Callable, Iterable

from rag.disagree import DIFFER_LEAD, DISAGREE_LEAD, any_contradiction
from rag.ingest import http_url
from rag.models import Answer, Conflict, Document, Quote, Source
from rag.render import verbatim_segments
from ui.llm_view import DRAFT_HEAD, split_notices

CONTEXT_CHARS = 250
_MARKER = re.compile(r"\[(\d{1,3})\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)
_BULLET = re.compile(r"^\s*[-*•]\s+")
_MARKUP_CHARS = str.maketrans({c: f"&#{ord(c)};" for c in "*_`~[]\\"})

DocLookup = Callable[[str], "Document | None"]


@dataclass
class ChatTurn:
    """One question of the session and the (possibly partial) answer shown for it."""

    number: int
    question: str
    answer: Answer | None = None


# ---- small helpers ---------------------------------------------------------
def esc(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def anchor(turn: int, quote_id: int) -> str:
    """The element id of a quote's source card (markers in the answer link here)."""
    return f"src-{turn}-{quote_id}"


def doc_anchor(turn: int, doc_id: str) -> str:
    return f"doc-{turn}-{re.sub(r'[^A-Za-z0-9_-]', '', doc_id)}"


def link_markers(html_text: str, turn: int, known: Iterable[int]) -> str:
    """Turn [n] markers (for quotes that exist) into links to their source cards."""
    ids = set(known)

    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        if n not in ids:
            return m.group(0)
        return (f'<a class="cite" href="#{anchor(turn, n)}" data-target="{anchor(turn, n)}" '
                f'title="Show source {n}">[{n}]</a>')
    return _MARKER.sub(sub, html_text)


def verbatim(text: str) -> str:
    """Source text, escaped, with markdown's characters as entities: shown exactly, never as markup or a [n] link."""
    return esc(text).translate(_MARKUP_CHARS)


def inline_markdown(text: str, quotes: Iterable[Quote] = ()) -> str:
    """Escape, then the little markdown answers use: **bold** and *italic*; the quotes' text stays verbatim."""
    out = []
    for part, is_quote in verbatim_segments(text, quotes):
        if is_quote:
            out.append(verbatim(part))
        else:
            out.append(_ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", esc(part))))
    return "".join(out)


def markdown_blocks(text: str, quotes: Iterable[Quote] = ()) -> str:
    """Paragraphs and '- ' bullet lists, rendered without a markdown library."""
    quotes = list(quotes)
    blocks = []
    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in para.splitlines() if ln.strip()]
        if lines and all(_BULLET.match(ln) for ln in lines):
            items = "".join("<li>" + inline_markdown(_BULLET.sub("", ln), quotes) + "</li>" for ln in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            said = [ln for ln in lines if not ln.startswith("> ")]
            under = [ln[2:] for ln in lines if ln.startswith("> ")]  # the verified quote under a statement
            blocks.append("<p>" + "<br>".join(inline_markdown(ln, quotes) for ln in said) + "</p>" if said else "")
            blocks += [f'<blockquote class="stmt-quote">{inline_markdown(ln, quotes)}</blockquote>' for ln in under]
    return "".join(blocks)


def split_disagreement(markdown: str) -> str:
    """The answer without the trailing '**Sources disagree.** …' / '**Sources differ.** …' paragraph (the callout
    shows it)."""
    paras = re.split(r"\n\s*\n", markdown.strip())
    return "\n\n".join(p for p in paras if not p.lstrip().startswith((DISAGREE_LEAD, DIFFER_LEAD)))


def short_path(path: str, limit: int = 48) -> str:
    """A path or URL short enough for a card; the full one goes in a title attribute."""
    if path.startswith(("http://", "https://")):
        path = re.sub(r"^https?://(www\.)?", "", path)
    if len(path) <= limit:
        return path
    head, _, name = path.rpartition("/")
    if len(name) + 2 <= limit and head:
        return "…/" + name
    return path[: limit // 2 - 1] + "…" + path[-(limit // 2 - 1):]


def source_meta_html(src: Source) -> str:
    """'Outlet · 2025-09-19 · path' with the title on its own line when the label isn't it."""
    # An outlet names the source and the title follows; without one, the (whole) title is the name.
    label = src.outlet or src.title or src.label
    title = src.title if src.outlet and src.title else None
    date = (f'<span class="src-date">{esc(src.published)}</span>' if src.published
            else '<span class="src-date src-missing">no date given</span>')
    url = http_url(src.url)  # only web links: never `javascript:` from an article's front matter
    where = (f'<a class="src-path" href="{esc(url)}" target="_blank" rel="noopener noreferrer" '
             f'title="{esc(url)}">{esc(short_path(url))}</a>' if url else
             f'<code class="src-path" title="{esc(src.path)}">{esc(short_path(src.path))}</code>')
    return (f'<div class="src-label">{esc(label)}</div>'
            + (f'<div class="src-title">{esc(title)}</div>' if title else "")
            + f'<div class="src-meta">{date}<span class="sep">·</span>{where}</div>')


# ---- passages --------------------------------------------------------------
def _cut_left(text: str, start: int, width: int) -> tuple[str, bool]:
    lo = max(0, start - width)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    return text[lo:start], lo > 0


def _cut_right(text: str, end: int, width: int) -> tuple[str, bool]:
    hi = min(len(text), end + width)
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return text[end:hi], hi < len(text)


def passage_in_context(doc: Document, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The quoted span highlighted with about `width` characters either side."""
    before, cut_before = _cut_left(doc.text, start, width)
    after, cut_after = _cut_right(doc.text, end, width)
    return (('<span class="ellipsis">…</span>' if cut_before else "") + esc(before)
            + f"<mark>{esc(doc.text[start:end])}</mark>" + esc(after)
            + ('<span class="ellipsis">…</span>' if cut_after else ""))


def highlight_spans(text: str, spans: list[tuple[int, int, int]]) -> str:
    """The whole text with every (start, end, quote id) span marked; overlaps are clipped."""
    out, pos = [], 0
    for start, end, qid in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        out.append(esc(text[pos:start]))
        out.append(f'<mark data-quote="{qid}">{esc(text[start:end])}<sup>{qid}</sup></mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


# ---- sources panel ---------------------------------------------------------
def quote_card(turn: int, quote: Quote, doc: Document | None) -> str:
    src = quote.source
    if doc is not None and doc.text[quote.start:quote.end] == quote.text:
        passage = passage_in_context(doc, quote.start, quote.end)
        whole = (f'<a class="open-doc" href="#{doc_anchor(turn, src.id)}" data-target="{doc_anchor(turn, src.id)}" '
                 f'data-quote="{quote.id}">Read the whole article ↓</a>')
    else:  # removed from the index since, or offsets out of step: show the quote alone
        passage = f"<mark>{esc(quote.text)}</mark>"
        whole = '<span class="src-missing">This article is no longer in the index.</span>'
    slot = quote.answer_slot
    answer = (f'<div class="src-answer"><span class="slot-kind">{esc(slot.kind)}</span> {esc(slot.text)}</div>'
              if slot else "")
    return (f'<article class="src-card" id="{anchor(turn, quote.id)}">'
            f'<div class="src-head"><span class="src-num">{quote.id}</span>'
            f'<div class="src-who">{source_meta_html(src)}</div></div>{answer}'
            f'<blockquote class="src-passage">{passage}</blockquote>'
            f'<div class="src-foot">{whole}</div></article>')


def full_documents(turn: int, quotes: list[Quote], lookup: DocLookup) -> str:
    """One collapsible whole article per source, with every quoted span highlighted."""
    by_doc: dict[str, list[Quote]] = {}
    for q in quotes:
        by_doc.setdefault(q.source.id, []).append(q)
    parts = []
    for doc_id, qs in by_doc.items():
        doc = lookup(doc_id)
        if doc is None:
            continue
        spans = [(q.start, q.end, q.id) for q in qs if doc.text[q.start:q.end] == q.text]
        nums = ", ".join(f"[{q.id}]" for q in qs)
        parts.append(
            f'<details class="full-doc" id="{doc_anchor(turn, doc_id)}">'
            f'<summary><span class="full-doc-label">{esc(qs[0].source.label)}</span> '
            f'<span class="full-doc-hint">whole article, quotes {nums} highlighted</span></summary>'
            f'<div class="full-doc-text">{highlight_spans(doc.text, spans)}</div></details>')
    if not parts:
        return ""
    return '<div class="full-docs"><h4>Whole articles</h4>' + "".join(parts) + "</div>"


def turn_sources(turn: ChatTurn, lookup: DocLookup) -> str:
    ans = turn.answer
    if ans is None or not ans.quotes:
        note = ("Searching…" if ans is None or not ans.complete else
                "No passages to show for this question.")
        return f'<p class="src-empty">{note}</p>'
    intro = ('<p class="src-note abstain-note">None of these answers the question; they are the closest '
             'passages found.</p>' if ans.abstained else "")
    cards = "".join(quote_card(turn.number, q, lookup(q.source.id)) for q in ans.quotes)
    return intro + cards + full_documents(turn.number, ans.quotes, lookup)


def sources_panel(turns: list[ChatTurn], lookup: DocLookup, keep: int = 8) -> str:
    """The latest answer's sources, with earlier questions' sources collapsed below."""
    if not turns:
        return ('<div class="sources-panel"><p class="src-empty">Ask a question: the passages the answer '
                'quotes appear here, highlighted in their article.</p></div>')
    latest, earlier = turns[-1], list(reversed(turns[-keep:-1]))
    out = [f'<div class="sources-panel"><div class="src-for">Sources for <q>{esc(latest.question)}</q></div>',
           turn_sources(latest, lookup)]
    if earlier:
        out.append('<div class="earlier"><h4>Earlier questions</h4>')
        for t in earlier:
            n = len(t.answer.quotes) if t.answer else 0
            out.append(f'<details class="earlier-turn"><summary><q>{esc(t.question)}</q> '
                       f'<span class="full-doc-hint">{n} passage{"s" if n != 1 else ""}</span></summary>'
                       f'{turn_sources(t, lookup)}</details>')
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


# ---- chat messages ---------------------------------------------------------
def conflict_callout(turn: int, conflicts: list[Conflict], quotes: list[Quote]) -> str:
    """A visible box: each note, its kind, and the quotes on each side with their sources."""
    if not conflicts:
        return ""
    by_id = {q.id: q for q in quotes}
    items = []
    head = "disagree" if any_contradiction(conflicts) else "differ"
    for c in conflicts:
        kind = "contradiction" if c.kind == "contradiction" else "differs"
        badge = "Contradiction" if kind == "contradiction" else "Differs"
        sides = "".join(
            f'<li><a class="cite" href="#{anchor(turn, q.id)}" data-target="{anchor(turn, q.id)}">[{q.id}]</a> '
            f'<strong>{esc(q.source.label)}</strong>: “{verbatim(" ".join(q.text.split()))}”</li>'
            for q in (by_id.get(i) for i in c.quote_ids) if q is not None)
        items.append(
            f'<div class="conflict conflict-{kind}"><div class="conflict-top">'
            f'<span class="badge badge-{kind}">{badge}</span> '
            f'<span class="conflict-topic">{esc(c.topic)}</span></div>'
            f'<p class="conflict-note">{link_markers(inline_markdown(c.note), turn, by_id)}</p>'
            f'<ul class="conflict-sides">{sides}</ul></div>')
    return ('<div class="conflict-callout" role="note"><div class="conflict-head">'
            f'<span aria-hidden="true">⚠</span> The sources {head}</div>' + "".join(items) + "</div>")


def answer_message(turn: int, ans: Answer | None) -> str:
    """The assistant's chat message for a (partial or final) answer, as one HTML block."""
    if ans is None:
        return '<div class="answer pending"><span class="dots">Searching the articles</span></div>'
    parts = []
    if ans.interpreted_as:
        parts.append(f'<div class="interpreted">Interpreted as: <q>{esc(ans.interpreted_as)}</q></div>')
    ids = [q.id for q in ans.quotes]
    body = split_disagreement(ans.answer) if ans.conflicts else ans.answer
    body, notices = split_notices(body, ans.notices)
    parts += notices
    if ans.draft:
        parts.append(f'<div class="llm-draft" aria-busy="true">{DRAFT_HEAD}{markdown_blocks(body)}</div>')
    elif not body.strip() and not ans.complete:
        parts.append('<div class="pending"><span class="dots">Reading the passages</span></div>')
    elif ans.abstained:
        parts.append(f'<div class="abstained" role="status"><div class="abstain-head">'
                     f'<span aria-hidden="true">∅</span> The sources don’t say</div>'
                     f'{link_markers(markdown_blocks(_drop_lead(body), ans.quotes), turn, ids)}</div>')
    else:
        parts.append(link_markers(markdown_blocks(body, ans.quotes), turn, ids))
    if ans.complete:
        parts.append(conflict_callout(turn, ans.conflicts, ans.quotes))
        parts.append(_footer(ans))
    elif body.strip() and not ans.draft:
        parts.append('<div class="pending small"><span class="dots">Checking the quotes</span></div>')
    cls = "answer abstained-answer" if ans.abstained else "answer"
    return f'<div class="{cls}">' + "".join(parts) + "</div>"


def _drop_lead(body: str) -> str:
    """The abstention text without its bold lead sentence (the header says it)."""
    return re.sub(r"^\s*\*\*The sources don['’]t say\.?\*\*\s*", "", body)


def _footer(ans: Answer) -> str:
    n_src = len({q.source.id for q in ans.quotes})
    bits = []
    if ans.quotes and ans.abstained:
        bits.append(f"{len(ans.quotes)} closest passage{'s' if len(ans.quotes) != 1 else ''} shown")
    elif ans.quotes:
        bits.append(f"{len(ans.quotes)} quote{'s' if len(ans.quotes) != 1 else ''} from "
                    f"{n_src} source{'s' if n_src != 1 else ''}")
        independent = getattr(ans, "independent_sources", 0) or 0
        if 0 < independent < n_src:  # syndicated copies of one story count once
            bits[-1] += f" ({independent} independent)"
    if ans.timings_ms.total:
        bits.append(f"{ans.timings_ms.total:.0f} ms")
    return f'<div class="answer-foot">{" · ".join(bits)}</div>' if bits else ""


def error_message(text: str) -> str:
    return f'<div class="answer"><div class="ui-error" role="alert">{esc(text)}</div></div>'


def status_html(kind: str, text: str, details: list[str] | None = None) -> str:
    """A status line for the corpus tab: kind is ok | warn | error."""
    extra = "".join(f"<li>{esc(d)}</li>" for d in details or [])
    return (f'<div class="status status-{kind}" role="{"alert" if kind == "error" else "status"}">'
            f'{esc(text)}{f"<ul>{extra}</ul>" if extra else ""}</div>')


def document_view(doc: Document | None) -> str:
    """A whole indexed article (corpus tab preview)."""
    if doc is None:
        return '<p class="src-empty">Choose a document to read it.</p>'
    return (f'<div class="doc-view"><div class="src-who">{source_meta_html(Source.from_meta(doc.id, doc.meta))}'
            f'</div><div class="full-doc-text">{esc(doc.text)}</div></div>')
