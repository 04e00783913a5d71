"""Load articles (md/txt/html/pdf files and http(s) URLs) into clean Documents.

Every failure is an `IngestError` naming the file and the reason, so a batch
can report it in one line and carry on with the rest.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rag.clean import clean_article
from rag.models import DocMeta, Document, clean_text

if TYPE_CHECKING:
    from rag.fetch import FetchPolicy

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_BYTES = 20 * 1024 * 1024


class IngestError(Exception):
    """A source that cannot be ingested; str() is one line naming it and why."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason


def is_url(s: str) -> bool:
    return http_url(s) is not None


def http_url(v: object) -> str | None:
    """`v` if it is an http(s) URL with a host, else None (never a `javascript:` or `data:` link)."""
    s = v.strip() if isinstance(v, str) else ""
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    return s if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def make_document(text: str, meta: DocMeta) -> Document:
    """Clean the text, fill a published date the text states, and hash it into a Document."""
    cleaned = clean_article(clean_text(text))
    if not cleaned.text.strip():
        raise IngestError(meta.path, "no article text (empty after removing site boilerplate)")
    if meta.published is None and cleaned.published_hint:
        meta = replace(meta, published=_iso_date(cleaned.published_hint))
    if meta.url != http_url(meta.url):
        meta = replace(meta, url=http_url(meta.url))  # a link only ever points at a web page
    digest = hashlib.sha256(json.dumps([cleaned.text, meta.__dict__], sort_keys=True).encode()).hexdigest()
    return Document(id=digest[:16], text=cleaned.text, meta=meta)


def load_path(path: Path, corpus_dir: Path) -> Document:
    """Load one file; `DocMeta.path` is relative to `corpus_dir` when inside it."""
    name = _relative(path, corpus_dir)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(name, f"unsupported file type '{suffix or '(none)'}' (use {', '.join(SUPPORTED_SUFFIXES)})")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(name, f"cannot read file ({e.strerror or e})") from None
    return load_bytes(data, name, suffix)


def load_bytes(data: bytes, name: str, suffix: str, url: str | None = None) -> Document:
    """Load raw bytes of a given type; `name` is what errors and metadata call it."""
    if not data.strip():
        raise IngestError(name, "empty file")
    if len(data) > MAX_BYTES:
        raise IngestError(name, f"too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)")
    if suffix == ".pdf":
        return _load_pdf(data, name, url)
    text = _decode(data, name)
    if suffix in (".html", ".htm"):
        return _load_html(text, name, url)
    if suffix in (".md", ".markdown"):
        return _load_markdown(text, name)
    return make_document(text, DocMeta(path=name, title=_first_line_title(text), url=url))


def load_url(url: str, policy: FetchPolicy | None = None) -> Document:
    """Fetch a web page, text or PDF under `policy` (default: public addresses only) and load it.

    The URL is the document's path and url.
    """
    from rag.fetch import FetchError, FetchPolicy, fetch

    try:
        page = fetch(url, policy or FetchPolicy(), MAX_BYTES)
    except FetchError as e:
        raise IngestError(url, str(e)) from None
    return load_bytes(page.data, url, page.suffix, url=url)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise IngestError(name, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(name, f"not UTF-8 text (undecodable byte at offset {e.start})") from None


def _load_markdown(text: str, name: str) -> Document:
    import frontmatter
    import yaml

    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else e.__class__.__name__
        raise IngestError(name, f"malformed YAML front matter ({first})") from None
    fm = post.metadata
    if not isinstance(fm, dict):
        raise IngestError(name, "malformed YAML front matter (not a mapping)")
    published = fm.get("published") or fm.get("date")
    meta = DocMeta(
        path=name,
        title=_str_or_none(fm["title"]) if "title" in fm else _first_line_title(post.content),
        outlet=_str_or_none(fm.get("outlet")),
        published=_iso_date(published) if published else None,
        place=_str_or_none(fm.get("place")),
        url=_str_or_none(fm.get("url")),
    )
    return make_document(post.content, meta)


def _load_html(html: str, name: str, url: str | None) -> Document:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        raise IngestError(name, "no article text found in the HTML page")
    md = trafilatura.extract_metadata(html)
    meta = DocMeta(
        path=name,
        title=_str_or_none(md.title) if md else None,
        outlet=_str_or_none(md.sitename) if md else None,
        published=_iso_date(md.date) if md and md.date else None,
        url=url or (_str_or_none(md.url) if md else None),
    )
    return make_document(text, meta)


class _PdfNotes(logging.Handler):
    """pypdf's log messages ("EOF marker not found"), kept per thread instead of printed to stderr."""

    local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        notes = getattr(self.local, "notes", None)
        if notes is not None and (msg := record.getMessage()) not in notes:
            notes.append(msg)


logging.getLogger("pypdf").addHandler(_PdfNotes(logging.WARNING))
logging.getLogger("pypdf").propagate = False


def _load_pdf(data: bytes, name: str, url: str | None) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    _PdfNotes.local.notes = notes = []
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [p.extract_text() or "" for p in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        why = "; ".join([*notes[:2], f"{e.__class__.__name__}: {e}"])
        raise IngestError(name, f"corrupt or unreadable PDF ({why})") from None
    finally:
        _PdfNotes.local.notes = None
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(name, "PDF has no extractable text (scanned image?)")
    title = _str_or_none(info.title) if info else None
    return make_document(text, DocMeta(path=name, title=title or _first_line_title(text), url=url))


def _first_line_title(text: str) -> str | None:
    for line in text.strip().splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 160 else None
    return None


def _str_or_none(v: object) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s if s and s.lower() not in ("null", "none") else None


def _iso_date(v: object) -> str | None:
    """Normalise a date (date object, ISO string, '19 Sep 2025') to YYYY-MM-DD, else None."""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    m = re.match(r"(\d{4}-\d{2}-\d{2})", s)
    return m.group(1) if m else None


def _relative(path: Path, corpus_dir: Path) -> str:
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
