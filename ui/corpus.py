"""Corpus management behind the web chat: uploads, URLs, removal, listing.

One `Library` is shared by every browser session of a server. Writes are
serialised by a lock; an upload that fails to index is deleted again, so the
corpus folder and the index stay in step. A web page is downloaded before the
lock is taken (under the settings' fetch policy: public addresses only, with
time and size limits), so a slow server holds up nobody else.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rag.fetch import FetchPolicy
from rag.index import Index, IngestReport
from rag.ingest import SUPPORTED_SUFFIXES, IngestError, is_url, load_url
from rag.models import DocMeta, Document

UPLOAD_SUFFIXES = tuple(s for s in SUPPORTED_SUFFIXES)
TABLE_HEADERS = ["Title", "Outlet", "Published", "Place", "Path", "Passages"]


@dataclass
class Outcome:
    """What an upload/URL/removal did, for the status line."""

    kind: str  # ok | warn | error
    message: str
    details: list[str] = field(default_factory=list)


def safe_name(name: str) -> str:
    """A plain file name: no folders, no odd characters, a supported suffix kept."""
    base = Path(name).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_") or "upload"
    return stem[:80] + suffix


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unique_destination(folder: Path, name: str, source: Path) -> tuple[Path, bool]:
    """Where an upload goes in `folder`: (path, already_there_with_same_content).

    An existing file with other content is never overwritten: `name-2.md`, `name-3.md`, ...
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    want = _digest(source)
    n = 1
    while True:
        dest = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not dest.exists():
            return dest, False
        if dest.is_file() and _digest(dest) == want:
            return dest, True
        n += 1


class Library:
    """The index plus the corpus folder, as the UI changes them."""

    def __init__(self, index: Index, on_change: Callable[[], None] = lambda: None):
        self.index = index
        self.corpus = Path(index.settings.corpus_dir)
        self.on_change = on_change
        self.lock = threading.Lock()
        self.fetch_policy = FetchPolicy.from_settings(index.settings)

    # ---- reading ---------------------------------------------------------
    def documents(self) -> list[tuple[str, DocMeta]]:
        return self.index.documents()

    def outlets(self) -> list[str]:
        return sorted({m.outlet for _, m in self.documents() if m.outlet})

    def table(self) -> list[list]:
        self.index.refresh()  # documents another process added or removed since
        counts = self.index.lexical.chunk_counts()
        return [[m.title or "(no title)", m.outlet or "", m.published or "", m.place or "", m.path, counts.get(i, 0)]
                for i, m in self.documents()]

    def id_at(self, row: int) -> str | None:
        """The id of the document on a row of `table()`."""
        docs = self.documents()
        return docs[row][0] if 0 <= row < len(docs) else None

    def choices(self) -> list[tuple[str, str]]:
        """(label, doc id) pairs for a dropdown."""
        out = []
        for i, m in self.documents():
            name = m.title or m.path.rsplit("/", 1)[-1]
            name = name if len(name) <= 70 else name[:67].rsplit(" ", 1)[0] + "…"
            out.append((f"{name} — {m.path}" if name != m.path else name, i))
        return out

    # ---- writing ---------------------------------------------------------
    def add_files(self, paths: list[str], progress: Callable[[float, str], None] = lambda f, d: None) -> Outcome:
        """Copy uploads into the corpus folder and index them; failures leave nothing behind."""
        if not paths:
            return Outcome("warn", "No files were uploaded.")
        ok, problems = [], []
        with self.lock:
            for n, raw in enumerate(paths):
                src = Path(raw)
                name = safe_name(getattr(raw, "orig_name", None) or src.name)
                progress(n / len(paths), f"Indexing {name}")
                if Path(name).suffix not in UPLOAD_SUFFIXES:
                    problems.append(f"{src.name}: unsupported file type (use {', '.join(UPLOAD_SUFFIXES)})")
                    continue
                self.corpus.mkdir(parents=True, exist_ok=True)
                dest, existed = unique_destination(self.corpus, name, src)
                if not existed:
                    shutil.copyfile(src, dest)
                report, error = self._ingest(dest)
                if error:
                    if not existed:
                        self._forget(dest)
                    problems.append(error)
                    continue
                rel = dest.relative_to(self.corpus).as_posix()
                ok.append(f"{rel}: " + ("already indexed, unchanged" if report.skipped else
                                        "updated" if report.updated else "added"))
            progress(1.0, "Done")
        self.on_change()
        return _outcome(ok, problems, "file")

    def add_url(self, url: str) -> Outcome:
        url = (url or "").strip()
        if not is_url(url):
            return Outcome("error", "Enter a web address starting with http:// or https://")
        try:
            doc = load_url(url, self.fetch_policy)  # without the lock: a slow download blocks no one else
        except IngestError as e:
            return Outcome("error", "Could not add the page.", [str(e)])
        with self.lock:
            report, error = self._ingest(doc)
        self.on_change()
        if error:
            return Outcome("error", "Could not add the page.", [error])
        return Outcome("ok", f"{url}: " + ("already indexed, unchanged" if report.skipped else "added"))

    def remove(self, doc_id: str | None, delete_file: bool = False) -> Outcome:
        if not doc_id:
            return Outcome("warn", "Choose a document to remove first.")
        meta = dict(self.documents()).get(doc_id)
        if meta is None:
            return Outcome("warn", "That document is no longer in the index.")
        with self.lock:
            self.index.remove(doc_id)
            note = ""
            file = (self.corpus / meta.path) if not is_url(meta.path) else None
            if file is not None and file.is_file():
                if delete_file and _inside(file, self.corpus):
                    file.unlink()
                    note = " and deleted its file"
                else:
                    note = (". Its file is still in the corpus folder, so `rag ingest` will add it again; "
                            "tick “also delete the file” to remove it for good")
        self.on_change()
        return Outcome("ok", f"Removed {meta.title or meta.path} from the index{note}.")

    # ---- internals -------------------------------------------------------
    def _ingest(self, source: Path | Document) -> tuple[IngestReport | None, str | None]:
        """Ingest a file or a loaded page; (report, None) or (None, a one-line reason). Never half-done."""
        if isinstance(source, Document):
            rel, run = source.meta.path, lambda: self.index.add_documents([source], progress=True)
        else:
            rel, run = source.relative_to(self.corpus).as_posix(), lambda: self.index.ingest([source], progress=True)
        try:
            report = run()
        except Exception as e:  # an unexpected failure mid-way: undo what may have been stored
            try:
                self.index.remove(rel)
            except Exception:
                pass
            return None, f"{rel}: indexing failed ({type(e).__name__}: {e})"
        if report.failed:
            return None, "; ".join(str(e) for e in report.failed)
        return report, None

    def _forget(self, path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _outcome(ok: list[str], problems: list[str], what: str) -> Outcome:
    if problems and not ok:
        return Outcome("error", f"Nothing was added: the {what}{'s' if len(problems) > 1 else ''} "
                                f"could not be indexed.", problems)
    if problems:
        return Outcome("warn", f"Added {len(ok)}; {len(problems)} could not be indexed.", ok + problems)
    return Outcome("ok", f"Indexed {len(ok)} {what}{'s' if len(ok) != 1 else ''}.", ok)
