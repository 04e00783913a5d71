"""Fetch a web page for ingestion: public addresses only, bounded in time and size.

Every connection (the first URL and each redirect hop) resolves its host once,
checks each address against a `FetchPolicy` and connects to the address it
checked, so a second DNS answer cannot slip in between. One deadline covers
the whole fetch: DNS, connecting, every read and write. Failures are
`FetchError`s whose str() is one line ("refused: 127.0.0.1 is a loopback address").
"""
from __future__ import annotations

import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from typing import Callable, Iterable

import httpcore
import httpx

from rag.ingest import http_url

MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 30.0
CONTENT_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
                 "text/markdown": ".md", "text/x-markdown": ".md", "application/pdf": ".pdf"}
_ALLOW_HINT = " (add it to RAG_URL_ALLOW to allow it)"

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A URL that cannot be fetched; str() is one line saying why."""


class Refused(FetchError):
    """A scheme, address or redirect chain the policy does not allow."""


class TooLarge(FetchError):
    """The response is bigger than the size limit."""


class TimedOut(FetchError):
    """The fetch did not finish before its deadline."""


class BadContent(FetchError):
    """A content type that is not HTML, text, Markdown or PDF."""


class DownloadFailed(FetchError):
    """An HTTP error status, an unknown host or a broken connection."""


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the system's order of preference."""
    return list(dict.fromkeys(ai[4][0] for ai in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def address_kind(ip: IP) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None when it is."""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "unspecified", "link_local", "multicast", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


@dataclass(frozen=True)
class FetchPolicy:
    """Which targets a fetch may reach, and its limits.

    `allow` lists host names and addresses or CIDRs that may be reached even
    when they are loopback, private, link-local, ... (RAG_URL_ALLOW).
    """

    allow: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT  # seconds for the whole fetch, redirects included
    max_redirects: int = MAX_REDIRECTS
    resolver: Resolver = system_resolver

    @classmethod
    def from_settings(cls, settings) -> FetchPolicy:
        return cls(allow=tuple(a.strip() for a in settings.url_allow.split(",") if a.strip()),
                   timeout=settings.fetch_timeout)

    def allowing(self, hosts: Iterable[str]) -> FetchPolicy:
        return replace(self, allow=self.allow + tuple(hosts))

    def check(self, host: str, ip: IP) -> None:
        """Raise `Refused` unless `host` (which resolved to `ip`) may be reached."""
        kind = address_kind(ip)
        if kind is None or host.lower().rstrip(".") in self._names() or any(ip in n for n in self._networks()):
            return
        what = str(ip) if host == str(ip) else f"{host} ({ip})"
        raise Refused(f"refused: {what} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address{_ALLOW_HINT}")

    def _networks(self) -> list:
        out = []
        for a in self.allow:
            try:
                out.append(ipaddress.ip_network(a.strip("[]"), strict=False))
            except ValueError:
                pass
        return out

    def _names(self) -> set[str]:
        return {a.lower().rstrip(".") for a in self.allow}


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    suffix: str  # how to read the bytes: .html .txt .md .pdf
    data: bytes


def fetch(url: str, policy: FetchPolicy, max_bytes: int) -> Fetched:
    """GET `url` under `policy`, following at most `policy.max_redirects` redirects."""
    deadline = _Deadline(policy.timeout)
    transport = _GuardedTransport(_GuardedBackend(policy, deadline))
    headers = {"User-Agent": "rag-ingest/0.1", "Accept-Encoding": "identity"}
    with httpx.Client(transport=transport, headers=headers, timeout=policy.timeout, trust_env=False) as client:
        for _ in range(policy.max_redirects + 1):
            if http_url(url) is None:
                raise Refused(f"refused: only http and https URLs can be fetched, not {url[:80]}")
            try:
                with client.stream("GET", url) as r:
                    if r.is_redirect and r.next_request is not None:
                        url = str(r.next_request.url)
                        continue
                    if r.is_error:
                        raise DownloadFailed(f"download failed (HTTP {r.status_code} {r.reason_phrase})")
                    return Fetched(url, _suffix(r), _read(r, max_bytes, deadline))
            except httpx.TimeoutException:
                raise deadline.expired() from None
            except httpx.HTTPError as e:
                raise DownloadFailed(f"download failed ({type(e).__name__}: {e})") from None
    raise Refused(f"refused: more than {policy.max_redirects} redirects")


def _suffix(r: httpx.Response) -> str:
    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in CONTENT_TYPES:
        raise BadContent(f"unsupported content type '{ctype or 'none given'}' (only HTML, text, Markdown or PDF)")
    return CONTENT_TYPES[ctype]


def _read(r: httpx.Response, max_bytes: int, deadline: _Deadline) -> bytes:
    too_large = TooLarge(f"too large: over {max_bytes / 2**20:g} MB")
    declared = r.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    body = bytearray()
    for chunk in r.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise too_large
        deadline.left()
    return bytes(body)


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds, self.end = seconds, time.monotonic() + seconds

    def expired(self) -> TimedOut:
        return TimedOut(f"timed out after {self.seconds:g} s")

    def left(self, timeout: float | None = None) -> float:
        """Seconds to the deadline (at most `timeout`); `TimedOut` once it has passed."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline):
        self._inner, self._deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._deadline.left(timeout)),
                               self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves once, checks every address, connects to the checked one."""

    def __init__(self, policy: FetchPolicy, deadline: _Deadline):
        self.policy, self.deadline = policy, deadline
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        ip = self._checked_address(host, port)
        stream = self._tcp.connect_tcp(str(ip), port, self.deadline.left(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self.deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("refused: unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self.deadline.left()))

    def _checked_address(self, host: str, port: int) -> IP:
        host = host.strip("[]")
        try:
            ips = [ipaddress.ip_address(host)]
        except ValueError:
            ips = [ipaddress.ip_address(a.split("%")[0]) for a in self._resolve(host, port)]
        if not ips:
            raise DownloadFailed(f"download failed (no address for {host})")
        for ip in ips:
            self.policy.check(host, ip)
        return ips[0]

    def _resolve(self, host: str, port: int) -> list[str]:
        """The policy's resolver, cut off at the deadline (getaddrinfo has no timeout of its own)."""
        pool = ThreadPoolExecutor(1, thread_name_prefix="rag-resolve")
        try:
            return pool.submit(self.policy.resolver, host, port).result(self.deadline.left())
        except FutureTimeout:
            raise self.deadline.expired() from None
        except OSError as e:
            raise DownloadFailed(f"download failed (cannot resolve {host}: {e.strerror or e})") from None
        finally:
            pool.shutdown(wait=False)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport, connecting through `_GuardedBackend` (httpx has no public hook for that)."""

    def __init__(self, backend: _GuardedBackend):
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=backend)
