"""Look of the web chat: a theme with system fonts (nothing fetched from a CDN), CSS and a little JS."""
from __future__ import annotations

SANS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace"]


def theme():
    import gradio as gr

    # Plain font names only: GoogleFont would be fetched from fonts.googleapis.com at run time.
    return gr.themes.Soft(primary_hue="blue", neutral_hue="slate", font=SANS, font_mono=MONO).set(
        body_text_size="15px", block_radius="10px")


CSS = r"""
:root, .light {
  --rag-mark: #fde68a; --rag-mark-text: #1f2937;
  --rag-card: #ffffff; --rag-card-border: #e2e8f0; --rag-muted: #64748b;
  --rag-quote-bg: #f8fafc;
  --rag-conflict-bg: #fff7ed; --rag-conflict-border: #f97316; --rag-conflict-text: #7c2d12;
  --rag-contradiction: #dc2626; --rag-differs: #b45309;
  --rag-abstain-bg: #f1f5f9; --rag-abstain-border: #94a3b8; --rag-abstain-text: #334155;
  --rag-flash: #bfdbfe; --rag-link: #1d4ed8;
}
.dark {
  --rag-mark: #854d0e; --rag-mark-text: #fefce8;
  --rag-card: #1e293b; --rag-card-border: #334155; --rag-muted: #94a3b8;
  --rag-quote-bg: #0f172a;
  --rag-conflict-bg: #431407; --rag-conflict-border: #fb923c; --rag-conflict-text: #ffedd5;
  --rag-contradiction: #dc2626; --rag-differs: #b45309;
  --rag-abstain-bg: #1e293b; --rag-abstain-border: #64748b; --rag-abstain-text: #cbd5e1;
  --rag-flash: #1e3a8a; --rag-link: #93c5fd;
}
.gradio-container { max-width: 1500px !important; margin: 0 auto !important; }
#app-header h1 { font-size: 1.45rem; margin: 0.2rem 0 0; }
#app-header p { color: var(--rag-muted); margin: 0.2rem 0 0.4rem; }

/* chat messages */
.answer p { margin: 0 0 0.6em; line-height: 1.55; }
.answer p:last-child { margin-bottom: 0; }
.answer ul { margin: 0.3em 0 0.6em 1.2em; }
a.cite { font-weight: 600; text-decoration: none; color: var(--rag-link); padding: 0 1px; border-radius: 3px; white-space: nowrap; }
a.cite:hover, a.cite:focus { background: var(--rag-flash); }
.interpreted { font-size: 0.88em; color: var(--rag-muted); margin-bottom: 0.55em; padding-bottom: 0.4em;
  border-bottom: 1px dashed var(--rag-card-border); }
.interpreted q { font-style: italic; }
.abstained { background: var(--rag-abstain-bg); border: 1px dashed var(--rag-abstain-border); color: var(--rag-abstain-text);
  border-radius: 8px; padding: 0.65em 0.85em; }
.abstain-head { font-weight: 700; font-size: 1.02em; margin-bottom: 0.3em; }
.abstain-head span { display: inline-block; width: 1.3em; text-align: center; opacity: 0.8; }
.answer-foot { margin-top: 0.6em; font-size: 0.8em; color: var(--rag-muted); }
.pending { color: var(--rag-muted); font-style: italic; }
.pending.small { font-size: 0.85em; margin-top: 0.5em; }
.dots::after { content: "…"; animation: rag-blink 1.2s infinite; }
@keyframes rag-blink { 50% { opacity: 0.2; } }
.ui-error { color: var(--rag-contradiction); font-weight: 600; }
.dark .ui-error { color: #fca5a5; }

/* disagreement callout */
.conflict-callout { margin-top: 0.8em; border: 1px solid var(--rag-conflict-border); border-left-width: 5px;
  background: var(--rag-conflict-bg); color: var(--rag-conflict-text); border-radius: 8px; padding: 0.6em 0.85em; }
.conflict-head { font-weight: 700; margin-bottom: 0.35em; }
.conflict + .conflict { border-top: 1px solid var(--rag-card-border); margin-top: 0.5em; padding-top: 0.5em; }
.conflict-top { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; }
.conflict-topic { font-weight: 600; }
.conflict-note { margin: 0.3em 0 !important; }
.conflict-sides { margin: 0.2em 0 0 1.1em !important; padding: 0; font-size: 0.92em; }
.conflict-sides li { margin: 0.2em 0; }
.badge { display: inline-block; font-size: 0.72em; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase;
  padding: 0.1em 0.55em; border-radius: 999px; color: #fff; }
.badge-contradiction { background: var(--rag-contradiction); }
.badge-differs { background: var(--rag-differs); }

/* sources panel */
#sources-col { position: sticky; top: 0.5rem; align-self: flex-start; }
.sources-panel { display: flex; flex-direction: column; gap: 0.7rem; max-height: calc(100vh - 6.5rem);
  overflow-y: auto; padding: 2px 6px 2px 2px; scroll-behavior: smooth; }
#chat .prose { font-size: 15px; }
#chat .prose .answer-foot { font-size: 12px; }
.src-for { font-size: 0.9em; color: var(--rag-muted); }
.src-for q { color: var(--body-text-color); font-weight: 600; }
.src-empty { color: var(--rag-muted); font-style: italic; }
.src-note { font-size: 0.88em; color: var(--rag-abstain-text); background: var(--rag-abstain-bg);
  border: 1px dashed var(--rag-abstain-border); border-radius: 6px; padding: 0.4em 0.6em; margin: 0; }
.src-card { background: var(--rag-card); border: 1px solid var(--rag-card-border); border-radius: 10px;
  padding: 0.7rem 0.85rem; scroll-margin-top: 0.6rem; transition: box-shadow 0.3s, border-color 0.3s; }
.src-card.flash, details.flash { border-color: var(--rag-link); box-shadow: 0 0 0 3px var(--rag-flash); }
.src-head { display: flex; gap: 0.65rem; align-items: flex-start; }
.src-num { flex: none; display: inline-flex; align-items: center; justify-content: center; min-width: 1.7rem; height: 1.7rem;
  border-radius: 999px; background: #1d4ed8; color: #fff; font-weight: 700; font-size: 0.85rem; }
.src-who { min-width: 0; }
.src-label { font-weight: 700; line-height: 1.3; }
.src-title { font-size: 0.88em; line-height: 1.35; margin-top: 0.1em; }
.src-meta { font-size: 0.8em; color: var(--rag-muted); margin-top: 0.2em; display: flex; flex-wrap: wrap; gap: 0.3em;
  align-items: baseline; }
.src-meta .sep { opacity: 0.6; }
.src-answer { margin: 0.35em 0 0; font-weight: 600; }
.src-answer .slot-kind { font-size: 0.75em; font-weight: 500; text-transform: uppercase; color: var(--rag-muted);
  border: 1px solid var(--rag-card-border); border-radius: 4px; padding: 0 0.3em; margin-right: 0.3em; }
.src-path { font-size: 0.95em; overflow-wrap: anywhere; background: none !important; padding: 0 !important; color: var(--rag-muted); }
.src-missing { font-style: italic; }
.src-passage { margin: 0.55rem 0 0.3rem !important; padding: 0.5rem 0.7rem !important; background: var(--rag-quote-bg);
  border-left: 3px solid var(--rag-card-border) !important; border-radius: 4px; font-size: 0.9em; line-height: 1.55;
  white-space: pre-line; color: var(--body-text-color); }
.src-passage mark, .full-doc-text mark { background: var(--rag-mark); color: var(--rag-mark-text); padding: 0 2px; border-radius: 2px; }
.full-doc-text mark sup { font-size: 0.7em; font-weight: 700; margin-left: 2px; }
.ellipsis { color: var(--rag-muted); }
.src-foot { font-size: 0.8em; }
.src-foot a { color: var(--rag-link); text-decoration: none; }
.full-docs h4, .earlier h4 { margin: 0.4rem 0 0.3rem; font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.05em;
  color: var(--rag-muted); }
details.full-doc, details.earlier-turn { border: 1px solid var(--rag-card-border); border-radius: 8px; background: var(--rag-card);
  margin-bottom: 0.45rem; scroll-margin-top: 0.6rem; }
details.full-doc > summary, details.earlier-turn > summary { cursor: pointer; padding: 0.45rem 0.7rem; font-size: 0.9em; }
.full-doc-hint { color: var(--rag-muted); font-size: 0.85em; }
.full-doc-label { font-weight: 600; }
.full-doc-text { white-space: pre-wrap; font-size: 0.88em; line-height: 1.55; padding: 0.4rem 0.8rem 0.8rem;
  max-height: 28rem; overflow-y: auto; }
details.earlier-turn > .src-card, details.earlier-turn > .full-docs, details.earlier-turn > p { margin: 0.5rem; }

/* settings + corpus */
#corpus-status:empty { display: none; }
.status { border-radius: 8px; padding: 0.55rem 0.8rem; font-size: 0.92em; }
.status ul { margin: 0.3em 0 0 1.2em; }
.status-ok { background: #ecfdf5; color: #065f46; border: 1px solid #6ee7b7; }
.status-warn { background: #fffbeb; color: #78350f; border: 1px solid #fcd34d; }
.status-error { background: #fef2f2; color: #991b1b; border: 1px solid #fca5a5; }
.dark .status-ok { background: #064e3b; color: #d1fae5; }
.dark .status-warn { background: #451a03; color: #fef3c7; }
.dark .status-error { background: #450a0a; color: #fee2e2; }
.doc-view .full-doc-text { max-height: 32rem; border: 1px solid var(--rag-card-border); border-radius: 8px; margin-top: 0.5rem; }
#examples-row { gap: 0.4rem; flex-wrap: wrap; }
#examples-row::before { content: "Try:"; align-self: center; color: var(--rag-muted); font-size: 0.85em; }
#url-row, #remove-row { align-items: flex-end; }
#url-row > button, #remove-row > button { margin-bottom: 2px; }
#ask-row button, #url-row button, #remove-row button { white-space: nowrap; }
#docs-table { --font-mono: var(--font); }
#examples-row button { flex: 0 1 auto !important; min-width: 0 !important; font-weight: 500; }
.hint { color: var(--rag-muted) !important; font-size: 0.85em; margin: 0.2rem 0 0 !important; }
"""

# Clicking a [n] marker (or "read the whole article") scrolls its target into view, opening any
# collapsed <details> on the way, and flashes it. Delegated: messages are re-rendered while streaming.
HEAD = r"""
<script>
(function () {
  function reveal(id, quote) {
    var el = document.getElementById(id);
    if (!el) return false;
    for (var p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    var mark = quote && el.querySelector('mark[data-quote="' + quote + '"]');
    var text = mark && mark.closest('.full-doc-text');
    if (text) {  // a whole article: bring the quoted span to the top of its own scroll box
      text.scrollTop += mark.getBoundingClientRect().top - text.getBoundingClientRect().top - 24;
    }
    el.scrollIntoView({behavior: 'smooth', block: 'start'});
    el.classList.add('flash');
    setTimeout(function () { el.classList.remove('flash'); }, 1600);
    return true;
  }
  // A new answer is shown from its start (the question just above it) rather than from its end, so
  // "Interpreted as" and the first claims are what the reader sees; it stays pinned there while it
  // streams in, until the reader scrolls the chat themselves.
  var seen = 0, pinned = false;
  function scrollParent(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var oy = getComputedStyle(p).overflowY;
      if (oy === 'auto' || oy === 'scroll') return p;
    }
    return null;
  }
  function onChatChange() {
    var answers = document.querySelectorAll('#chat .answer');
    if (answers.length < seen) seen = answers.length;  // cleared
    if (answers.length > seen) { seen = answers.length; pinned = true; }
    if (!pinned || !answers.length) return;
    var el = answers[answers.length - 1], box = scrollParent(el);
    if (!box) return;
    var offset = el.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - 80;
  }
  function unpin() { pinned = false; }
  var watching = null;
  setInterval(function () {  // the chat element is created after this script runs
    var chat = document.getElementById('chat');
    if (chat && chat !== watching) {
      watching = chat;
      new MutationObserver(onChatChange).observe(chat, {childList: true, subtree: true});
      ['wheel', 'touchmove', 'keydown', 'mousedown'].forEach(function (t) {
        chat.addEventListener(t, unpin, {passive: true});
      });
    }
  }, 500);
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.cite, a.open-doc');
    if (!a) return;
    var id = a.getAttribute('data-target') || (a.getAttribute('href') || '').replace(/^#/, '');
    if (id && reveal(id, a.getAttribute('data-quote'))) { ev.preventDefault(); ev.stopPropagation(); }
  }, true);
})();
</script>
"""
