"""A web server on 127.0.0.1 with hostile routes, for the fetch tests: the `site` fixture.

Routes: /story.html (a page), /redirect?to=URL, /loop (redirects to itself), /image.png,
/drip (a body byte every 0.2 s, for ever), /drip-headers (headers that never end),
/endless (a body that never ends) and /declared (the same, announced as 608 MB).
`site.hits` lists the paths asked for; `site.sent` counts the body bytes /endless and /declared wrote.
"""
from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field

import pytest

MB = 2**20
PAGE = (b"<html><head><title>Local story</title></head><body><article><p>The library opened on Friday with "
        b"40,000 books, the council said.</p><p>It cost 3 million pounds to build, according to the council."
        b"</p></article></body></html>")


@dataclass
class Site:
    url: str
    port: int
    hits: list[str] = field(default_factory=list)
    sent: int = 0  # body bytes written by /endless and /declared


class _Handler(http.server.BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *a):
        pass

    def _head(self, status=200, ctype="text/html; charset=utf-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.end_headers()

    def do_GET(self):
        self.site.hits.append(self.path)
        route, _, arg = self.path.partition("?to=")
        try:
            if route == "/story.html":
                self._head(Content_Length=str(len(PAGE)))
                self.wfile.write(PAGE)
            elif route == "/redirect":
                self._head(302, Location=arg, Content_Length="0")
            elif route == "/loop":
                self._head(302, Location="/loop", Content_Length="0")
            elif route == "/image.png":
                self._head(ctype="image/png", Content_Length="4")
                self.wfile.write(b"\x89PNG")
            elif route == "/drip":  # one byte of body every 0.2 s, for ever
                self._head()
                while True:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif route == "/drip-headers":  # never finishes its headers
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while True:
                    self.wfile.write(b"X-Slow: 1\r\n")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif route in ("/endless", "/declared"):  # /declared announces 608 MB first
                self._head(**({"Content_Length": str(608 * MB)} if route == "/declared" else {}))
                while True:
                    self.wfile.write(b"y" * 65536)
                    self.site.sent += 65536
            else:
                self._head(404, Content_Length="0")
        except OSError:  # the client hung up
            pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    s = Site(f"http://127.0.0.1:{port}", port)
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": s})
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield s
    server.shutdown()
    server.server_close()


