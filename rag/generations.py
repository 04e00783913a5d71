"""Index generations: how a reader in any process notices that the index changed, cheaply and safely.

Every change to the index (ingest, removal, rebuild) is made under an exclusive lock on
`DATA_DIR/write.lock` and ends by *publishing* a generation: the BM25 index of the new content is
saved in a folder of its own, `DATA_DIR/lexical-COLLECTION/gN/`, then the file `CURRENT` next to it
is replaced (atomically) by one holding `gN`. A reader reads `CURRENT` once per request (a few
bytes) and loads the named folder when it changed. Published folders are never modified, so a
reader never sees half an index; the newest two are kept.
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rag.lexical import LexicalIndex
from rag.store import StoreError

LEGACY = "legacy"  # records.json directly in the lexical folder, as written before generations
_GEN = re.compile(r"^g(\d+)$")


class Generations:
    """The published generations of one collection's lexical index, and the data folder's write lock."""

    def __init__(self, data_dir: Path, collection: str):
        self.data_dir = data_dir
        self.root = data_dir / f"lexical-{collection}"
        self._held = threading.local()  # how deep this thread is inside `writing()`

    # ---- reading ---------------------------------------------------------
    def current(self) -> str | None:
        """The published generation's name (None when nothing was published)."""
        try:
            return (self.root / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return LEGACY if (self.root / "records.json").exists() else None
        except OSError:
            return None

    def load(self, generation: str | None) -> LexicalIndex | None:
        """That generation's lexical index, or None when it is missing or unreadable."""
        if not generation:
            return None
        return LexicalIndex.load(self.root if generation == LEGACY else self.root / generation)

    # ---- writing ---------------------------------------------------------
    def publish(self, lexical: LexicalIndex) -> str:
        """Save `lexical` as the next generation and make it current; drop all but the newest two."""
        numbers = [int(m.group(1)) for p in self._folders() if (m := _GEN.match(p.name))]
        name = f"g{max(numbers, default=0) + 1}"
        lexical.save(self.root / name)
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(name, encoding="utf-8")
        tmp.replace(self.root / "CURRENT")
        for old in sorted(self._folders(), key=lambda p: int(p.name[1:]))[:-2]:
            shutil.rmtree(old, ignore_errors=True)
        for legacy in ("records.json", "bm25"):  # the layout before generations
            path = self.root / legacy
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        return name

    def _folders(self) -> list[Path]:
        return [p for p in self.root.glob("g*") if p.is_dir() and _GEN.match(p.name)]

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[bool]:
        """Hold the exclusive write lock (re-entrant per thread). With `wait=False`, yields False instead of
        waiting when another writer holds it or the folder is read-only; with `wait=True`, a read-only folder
        is a StoreError."""
        depth = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield True
            finally:
                self._held.depth = depth
            return
        fd, problem = self._open_lock(os.O_RDWR | os.O_CREAT)
        if fd is None:
            if wait:
                raise StoreError(f"the data folder {self.data_dir} is read-only ({problem}): "
                                 "the index can be read here but not changed")
            yield False
            return
        try:
            if not _flock(fd, fcntl.LOCK_EX, wait):
                yield False
                return
            self._held.depth = 1
            try:
                yield True
            finally:
                self._held.depth = 0
        finally:
            os.close(fd)  # releases the lock

    @contextmanager
    def no_writer(self) -> Iterator[bool]:
        """Whether no writer is busy (then none starts until the block ends); never waits."""
        if getattr(self._held, "depth", 0):
            yield True
            return
        fd, _ = self._open_lock(os.O_RDONLY)
        if fd is None:  # no lock file: nothing ever wrote here with this code (or we may not read it)
            yield True
            return
        try:
            yield _flock(fd, fcntl.LOCK_SH, wait=False)
        finally:
            os.close(fd)

    def _open_lock(self, flags: int) -> tuple[int | None, str]:
        try:
            if flags & os.O_CREAT:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            return os.open(self.data_dir / "write.lock", flags, 0o644), ""
        except OSError as e:
            return None, e.strerror or str(e)


def _flock(fd: int, kind: int, wait: bool) -> bool:
    try:
        fcntl.flock(fd, kind | (0 if wait else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False
