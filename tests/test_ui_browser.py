"""The web chat in headless Chromium: streamed answers, highlighted quotes, the disagreement callout,
abstention, [n] markers that scroll to their source, uploads, and no request leaving 127.0.0.1.

Screenshots go to test-artifacts/ (gitignored) for a person to look at.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

try:
    from tests.ui_server import ui_server  # noqa: F401  (a fixture, found by name)
except ImportError:  # tests/ itself on sys.path
    from ui_server import ui_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
RUSSIA_Q = "How much did Russia give North Korea?"
GATE, KIM = "gateofwise-kim-ai-drones-top-defense-priority.md", "kim-ai-top-priority-strongest-position.md"
TIMEOUT = 60_000

# One line per paragraph: (2025-11-23) a hard-wrapped "3.4 million\neuros" was not recognised as an amount by
# the extractive answerer (reported to the lead; a pipeline matter, not the UI's).
ARTICLE = """---
title: Brightwater opens a solar-powered library
outlet: Valley Courier
published: 2025-10-02
place: Brightwater
url: null
---
Brightwater opens a solar-powered library

The town of Brightwater opened its new solar-powered public library on Thursday. The building cost 3.4 million euros, the town council said, and its roof carries 620 solar panels that cover all of its electricity needs.

Mayor Ilse Varga said the library would stay open until 10 pm on weekdays.
"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI: install Debian chromium (make browser-deps)")
        pytest.skip(f"{CHROMIUM} not installed (make browser-deps installs Debian chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def session(browser, ui_server):
    """One page for the whole module (the tests below run in order), plus every URL it requested."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(ui_server.url)
    page.wait_for_selector("#question textarea")
    yield page, requests
    page.close()


def shot(page, name: str, full_page: bool = False) -> None:
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}.png"), full_page=full_page)


def ask(page, question: str) -> None:
    """Type a question, press Enter, and wait for its final (complete) answer."""
    done = page.locator("#chat .answer-foot").count()
    page.evaluate("""() => {
        window.__sawPending = false;
        const obs = new MutationObserver(() => {
            if (document.querySelector('#chat .pending')) window.__sawPending = true; });
        obs.observe(document.body, {subtree: true, childList: true, characterData: true});
        window.__pendingObserver = obs; }""")
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat .answer-foot').length > {done}")
    page.evaluate("() => window.__pendingObserver.disconnect()")


def latest(page):
    return page.locator("#chat .answer").last


def test_page_loads(session):
    page, _ = session
    assert page.title().startswith("Ask the news")
    assert page.get_by_role("button", name=RUSSIA_Q).is_visible()
    shot(page, "01-start")


def test_streamed_answer_quotes_both_sources_and_flags_disagreement(session):
    from playwright.sync_api import expect

    page, _ = session
    ask(page, RUSSIA_Q)
    assert page.evaluate("window.__sawPending"), "no partial (streamed) state was shown before the answer"
    answer = latest(page)
    expect(answer).to_contain_text("$1.2 billion")
    expect(answer).to_contain_text("$457m to $1.19bn")
    cards = page.locator("#sources-box .src-card")
    assert cards.count() >= 2
    paths = {cards.nth(i).locator(".src-path").get_attribute("title") for i in range(cards.count())}
    assert {GATE, KIM} <= paths
    for i in range(cards.count()):
        mark = cards.nth(i).locator(".src-passage mark")
        assert mark.count() == 1 and len(mark.inner_text()) > 20
    expect(page.locator("#sources-box .src-passage mark", has_text="less than $1.2 billion")).to_be_visible()
    callout = answer.locator(".conflict-callout")
    expect(callout).to_be_visible()
    expect(callout.locator(".badge").first).to_be_visible()
    assert callout.locator(".conflict-sides li").count() >= 2
    shot(page, "02-answer")


def test_clicking_a_marker_scrolls_its_source_card_into_view(session):
    from playwright.sync_api import expect

    page, _ = session
    page.eval_on_selector("#sources-box .sources-panel", "e => { e.style.scrollBehavior = 'auto'; "
                                                         "e.scrollTop = e.scrollHeight; }")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    card = page.locator("#src-1-1")
    page.locator('#chat a.cite[href="#src-1-1"]').first.click()
    expect(card).to_be_in_viewport()
    page.wait_for_function("""() => {
        const c = document.getElementById('src-1-1').getBoundingClientRect();
        const p = document.querySelector('#sources-box .sources-panel').getBoundingClientRect();
        return c.top >= p.top - 4 && c.top < p.bottom - 40; }""")
    shot(page, "03-marker-click")


def test_whole_article_has_every_quoted_span_highlighted(session):
    from playwright.sync_api import expect

    page, _ = session
    page.locator("#src-1-2 a.open-doc").click()
    full = page.locator("#sources-box details.full-doc[open]")
    expect(full.first).to_be_visible()
    expect(full.first.locator(".full-doc-text mark").first).to_be_visible()
    expect(full.first).to_be_in_viewport()  # scrolled to, not just opened
    expect(full.first.locator('.full-doc-text mark[data-quote="2"]')).to_be_in_viewport()
    shot(page, "04-whole-article")


def test_follow_up_shows_its_interpretation(session):
    from playwright.sync_api import expect

    page, _ = session
    ask(page, "and what did it get in return?")
    expect(latest(page).locator(".interpreted")).to_contain_text("Interpreted as")
    shot(page, "05-follow-up")


def test_unanswerable_question_is_shown_as_abstention(session):
    from playwright.sync_api import expect

    page, _ = session
    ask(page, "What is the capital of France?")
    box = latest(page).locator(".abstained")
    expect(box).to_be_visible()
    expect(box).to_contain_text("The sources don’t say")
    assert latest(page).locator(".conflict-callout").count() == 0
    shot(page, "06-abstention")


def test_bad_date_filter_is_explained(session):
    from playwright.sync_api import expect

    page, _ = session
    page.locator("#search-settings").get_by_text("Search settings").click()
    page.get_by_label("Published from").fill("2025-13-40")
    page.fill("#question textarea", RUSSIA_Q)
    page.press("#question textarea", "Enter")
    expect(page.locator("#date-error")).to_contain_text("is not a date")
    shot(page, "07-date-error", full_page=True)
    for close in page.locator(".toast-close").all():  # the toast would cover later screenshots
        close.click()
    page.get_by_label("Published from").fill("")
    page.locator("#search-settings").get_by_text("Search settings").click()


def test_uploaded_article_is_indexed_and_quoted(session, tmp_path, ui_server):
    from playwright.sync_api import expect

    page, _ = session
    page.get_by_role("tab", name="Corpus").click()
    upload = page.locator("#upload input[type=file]")

    empty = tmp_path / "empty-article.md"
    empty.write_text("---\ntitle: Nothing here\n---\n\n", encoding="utf-8")
    upload.set_input_files(str(empty))
    expect(page.locator("#corpus-status .status-error")).to_contain_text("empty-article.md")
    assert not (ui_server.corpus_dir / "empty-article.md").exists()

    article = tmp_path / "brightwater-solar-library.md"
    article.write_text(ARTICLE, encoding="utf-8")
    upload.set_input_files(str(article))
    expect(page.locator("#corpus-status .status-ok")).to_contain_text("brightwater-solar-library.md")
    expect(page.locator("#docs-table")).to_contain_text("Brightwater opens a solar-powered library")
    assert (ui_server.corpus_dir / "brightwater-solar-library.md").is_file()
    shot(page, "08-corpus", full_page=True)

    page.get_by_role("tab", name="Chat").click()
    ask(page, "How much did the solar-powered library in Brightwater cost?")
    expect(latest(page)).to_contain_text("3.4 million")
    expect(page.locator("#sources-box .src-card mark", has_text="3.4 million")).to_be_visible()
    expect(page.locator("#sources-box .src-card").first).to_contain_text("Valley Courier")
    shot(page, "09-uploaded-answer")


def test_narrow_screen_screenshot(session):
    page, _ = session
    page.set_viewport_size({"width": 430, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "10-narrow", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def test_no_request_left_the_machine(session):
    _, requests = session
    assert requests, "no requests were recorded"
    outside = sorted({u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
                      and urlparse(u).hostname not in ("127.0.0.1", "localhost")})
    assert not outside, f"the page fetched from other hosts: {outside}"
