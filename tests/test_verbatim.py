"""A quote on screen is its source text exactly: markdown inside it is shown, never rendered (chat and CLI)."""
from __future__ import annotations

import re
from html import unescape

from rag.answer import Draft, DraftClaim, compose
from rag.models import Answer, DocMeta, Document
from rag.render import answer_to_text, verbatim_segments
from rag.verify import QuoteClaim

SENTENCE = "The minister called the deal **final** and _binding_ [2], *effective now* (`art. 3`)."
DOC = Document(id="d1", text=f"Headline\n\n{SENTENCE} Nothing else.",
               meta=DocMeta(path="a.md", outlet="The Star", published="2025-01-02"))


def _answer():
    composed = compose(Draft(parts=["Is the deal final?"], claims=[DraftClaim(QuoteClaim("d1", SENTENCE))]),
                       {"d1": DOC})
    return Answer(question="Is the deal final?", answer=composed.markdown, abstained=False, quotes=composed.quotes)


def _visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_the_answer_marks_the_quote_as_verbatim():
    ans = _answer()
    assert ans.quotes[0].text == SENTENCE
    assert [text for text, verbatim in verbatim_segments(ans.answer, ans.quotes) if verbatim] == [SENTENCE]


def test_chat_shows_the_quote_exactly():
    from ui import render

    ans = _answer()
    html = render.answer_message(1, ans)
    assert f"“{SENTENCE}”" in _visible(html)
    quoted = html[html.index("“"):html.index("”")]
    assert "<strong>" not in quoted and "<em>" not in quoted and "<a " not in quoted  # no markup, no [2] link
    assert not re.search(r"[*_`\[\]]", quoted)  # as entities: Gradio's markdown cannot pick them up either
    assert "<strong>The Star</strong>" in html  # outside the quote, markdown is still rendered
    assert 'href="#src-1-1"' in html  # the answer's own [1] marker is still a link


def test_cli_shows_the_quote_exactly():
    text = answer_to_text(_answer())
    assert f"“{SENTENCE}”" in " ".join(text.split())  # line-wrapped, otherwise verbatim
    assert text.startswith("The Star (2025-01-02): “")  # outside the quote, markdown is still stripped
