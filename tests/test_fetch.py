"""rag.fetch against loopback servers: refused targets (also via redirects), deadline, size cap, content type."""
from __future__ import annotations

import ipaddress
import re
import time

import pytest

from rag.fetch import BadContent, DownloadFailed, FetchPolicy, Refused, TimedOut, TooLarge, fetch
from tests.loopback_site import MB, PAGE, site  # noqa: F401  (a fixture, found by name)

pytestmark = pytest.mark.server
LOCAL = FetchPolicy(allow=("127.0.0.1",))


def resolver(table: dict[str, str]):
    """A DNS stand-in for names that exist only in this test (no DNS query leaves the machine)."""
    return lambda host, port: [table[host]]


# ---- which targets ---------------------------------------------------------------
def test_loopback_is_refused_by_default_before_any_request(site):
    with pytest.raises(Refused, match=r"^refused: 127\.0\.0\.1 is a loopback address"):
        fetch(f"{site.url}/story.html", FetchPolicy(), MB)
    with pytest.raises(Refused, match=r"^refused: localhost \((127\.0\.0\.1|::1)\) is a loopback address"):
        fetch(f"http://localhost:{site.port}/story.html", FetchPolicy(), MB)
    assert site.hits == []


@pytest.mark.parametrize("address, kind", [
    ("10.1.2.3", "private"), ("192.168.0.1", "private"), ("172.16.5.4", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"), ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"), ("240.0.0.1", "reserved"), ("100.64.0.1", "non-public"),
])
def test_every_non_public_address_is_refused_after_resolution(address, kind):
    shown = re.escape(str(ipaddress.ip_address(address)))
    with pytest.raises(Refused, match=rf"^refused: inside\.test \({shown}\) is an? {kind} address"):
        fetch("http://inside.test/", FetchPolicy(resolver=resolver({"inside.test": address})), MB)


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://[::1]/", "http://2130706433/", "http://0x7f.1/"])
def test_address_literals_in_any_spelling_are_refused(url):
    with pytest.raises(Refused, match="loopback|private"):
        fetch(url, FetchPolicy(), MB)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/",
                                 "javascript:alert(1)"])
def test_only_http_and_https(url):
    with pytest.raises(Refused, match="only http and https"):
        fetch(url, LOCAL, MB)


@pytest.mark.parametrize("allow", [("127.0.0.1",), ("127.0.0.0/8",), ("story.test",)])
def test_allow_list_admits_hosts_and_cidrs(site, allow):
    page = fetch(f"http://story.test:{site.port}/story.html",
                 FetchPolicy(allow=allow, resolver=resolver({"story.test": "127.0.0.1"})), MB)
    assert page.data == PAGE and page.suffix == ".html"


def test_connects_to_the_address_it_checked(site):
    """DNS rebinding: the name is resolved once and that very address is used (a second lookup would fail)."""
    answers = iter(["127.0.0.1", "10.9.9.9"])
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return [next(answers)]
    policy = FetchPolicy(allow=("127.0.0.1",), resolver=rebinding)
    page = fetch(f"http://rebind.test:{site.port}/story.html", policy, MB)
    assert page.data == PAGE and calls == ["rebind.test"]


# ---- redirects -----------------------------------------------------------------
def test_every_redirect_hop_is_checked(site):
    """good.test is allowed, evil.test is not; both are this server. Checking only the first URL would fetch it."""
    dns = resolver({"good.test": "127.0.0.1", "evil.test": "127.0.0.1"})
    policy = FetchPolicy(allow=("good.test",), resolver=dns)
    assert fetch(f"http://good.test:{site.port}/story.html", policy, MB).data == PAGE
    target = f"http://evil.test:{site.port}/story.html"
    with pytest.raises(Refused, match=r"^refused: evil\.test \(127\.0\.0\.1\) is a loopback address"):
        fetch(f"http://good.test:{site.port}/redirect?to={target}", policy, MB)
    assert site.hits == ["/story.html", f"/redirect?to={target}"]  # the page behind the redirect was never asked for


def test_redirect_to_another_loopback_address_is_refused(site):
    with pytest.raises(Refused, match=r"^refused: 127\.0\.0\.2 is a loopback address"):
        fetch(f"{site.url}/redirect?to=http://127.0.0.2:{site.port}/story.html", LOCAL, MB)


def test_redirect_to_another_scheme_is_refused(site):
    with pytest.raises(Refused, match="only http and https"):
        fetch(f"{site.url}/redirect?to=file:///etc/passwd", LOCAL, MB)


def test_redirects_are_capped(site):
    with pytest.raises(Refused, match="more than 5 redirects"):
        fetch(f"{site.url}/loop", LOCAL, MB)
    assert len(site.hits) == 6


def test_cli_policy_trusts_the_typed_host_only(site, make_settings):
    from rag.cli import operator_fetch_policy

    typed = f"{site.url}/story.html"
    policy = operator_fetch_policy(make_settings(RAG_URL_ALLOW=""), [typed, "corpus/story.md"])
    assert policy.allow == ("127.0.0.1",) and fetch(typed, policy, MB).data == PAGE
    with pytest.raises(Refused, match=r"^refused: 127\.0\.0\.2 is a loopback address"):
        fetch(f"{site.url}/redirect?to=http://127.0.0.2:{site.port}/story.html", policy, MB)


# ---- limits --------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_slow_drip_is_cut_at_the_deadline(site, path):
    start = time.monotonic()
    with pytest.raises(TimedOut, match=r"^timed out after 1 s$"):
        fetch(f"{site.url}{path}", FetchPolicy(allow=("127.0.0.1",), timeout=1.0), MB)
    assert 0.9 < time.monotonic() - start < 2.5


@pytest.mark.parametrize("path", ["/endless", "/declared"])
def test_a_huge_response_is_cut_at_the_cap_without_reading_it(site, path):
    start = time.monotonic()
    with pytest.raises(TooLarge, match=r"^too large: over 1 MB$"):
        fetch(f"{site.url}{path}", LOCAL, MB)
    assert time.monotonic() - start < 5
    time.sleep(0.3)  # the server notices the hang-up
    assert site.sent < 32 * MB  # what the socket buffers took, not 608 MB


def test_wrong_content_type_is_refused_with_a_clear_message(site):
    with pytest.raises(BadContent, match=r"^unsupported content type 'image/png' \(only HTML, text, Markdown or PDF"):
        fetch(f"{site.url}/image.png", LOCAL, MB)


def test_http_errors_are_one_line(site):
    with pytest.raises(DownloadFailed, match=r"^download failed \(HTTP 404 Not Found\)$"):
        fetch(f"{site.url}/missing.html", LOCAL, MB)
