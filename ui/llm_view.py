"""How the web chat shows what the LLM answerer adds: the model's unchecked draft and the answer's notices.

The verified quote under each statement is rendered by `ui.render.markdown_blocks` ("> " lines).
"""
from __future__ import annotations

import re
from html import escape

DRAFT_HEAD = ('<div class="draft-head">Draft from the model, not yet checked: each statement is being compared '
              'with its quote, and what its quote does not support will be removed.</div>')
LLM_CSS = """
.llm-draft { opacity: 0.75; border-left: 3px dashed var(--rag-abstain-border); padding-left: 0.7em; }
.draft-head { font-size: 0.82em; color: var(--rag-muted); font-style: italic; margin-bottom: 0.4em; }
blockquote.stmt-quote { margin: -0.3em 0 0.7em 0.4em; padding: 0.15em 0.7em; border-left: 3px solid var(--rag-mark);
  background: var(--rag-quote-bg); color: var(--rag-muted); font-size: 0.92em; }
.answer-notice { font-size: 0.88em; background: var(--rag-abstain-bg); border: 1px solid var(--rag-abstain-border);
  color: var(--rag-abstain-text); border-radius: 6px; padding: 0.35em 0.6em; margin-bottom: 0.6em; }
"""


def split_notices(body: str, notices: list[str]) -> tuple[str, list[str]]:
    """The answer without its notice paragraphs ("_…_"), and those notices as boxes."""
    marked = {f"_{n}_" for n in notices}
    paras = re.split(r"\n\s*\n", body.strip())
    boxes = [f'<div class="answer-notice" role="status">{escape(p[1:-1])}</div>' for p in paras if p in marked]
    return "\n\n".join(p for p in paras if p not in marked), boxes
