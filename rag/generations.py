"""Index generations: how a reader in any process notices that the index changed, cheaply and safely.

Every change to the index (ingest, removal, rebuild) is made under an exclusive lock on
`DATA_DIR/write.lock` and ends by *publishing* a generation: `DATA_DIR/lexical-COLLECTION/gN/manifest.json`
lists the lexical segments of the new content (`segments/NAME/`, rag/segments.py, shared by generations)
and the documents dead in each, then the file `CURRENT` next to it is replaced (atomically) by one
holding `gN`. A reader reads `CURRENT` once per request (a few bytes) and opens the named manifest's
segments when it changed. Published folders are never modified, so a reader never sees half an index;
the newest two generations are kept, and the segments they use.

Indexes written before segments (a `records.json` in the generation) are not loaded: the caller
rebuilds the index from Chroma (rag/lexical_sync.py).
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from rag.lexical import LexicalIndex
from rag.segments import Segment
from rag.store import StoreError

LEGACY = "legacy"  # records.json directly in the lexical folder, as written before generations
MANIFEST_FORMAT = 2
_GEN = re.compile(r"^g(\d+)$")


@dataclass(frozen=True)
class Manifest:
    """A generation: its segments, the documents dead in each, and the Chroma state it reflects."""

    segments: dict[str, frozenset[str]] = field(default_factory=dict)  # segment name -> dead document ids
    state: str | None = None

    @classmethod
    def of(cls, lexical: LexicalIndex) -> "Manifest":
        return cls({s.name: lexical.dead[s.name] for s in lexical.segments}, lexical.state)


class Generations:
    """The published generations of one collection's lexical index, and the data folder's write lock."""

    def __init__(self, data_dir: Path, collection: str):
        self.data_dir = data_dir
        self.root = data_dir / f"lexical-{collection}"
        self.segments_dir = self.root / "segments"
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

    def manifest(self, generation: str | None) -> Manifest | None:
        """That generation's manifest, or None when it is missing, unreadable or of an older format."""
        if not generation or generation == LEGACY:
            return None
        try:
            raw = json.loads((self.root / generation / "manifest.json").read_text(encoding="utf-8"))
            if raw.get("format") != MANIFEST_FORMAT:
                return None
            return Manifest({name: frozenset(dead) for name, dead in raw["segments"]}, raw.get("state"))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def load(self, generation: str | None) -> LexicalIndex | None:
        """That generation's lexical index, or None when it is missing or unreadable."""
        manifest = self.manifest(generation)
        if manifest is None:
            return None
        try:
            segments = [Segment(self.segments_dir / name) for name in manifest.segments]
        except (OSError, ValueError, KeyError):
            return None
        return LexicalIndex(segments=segments, dead=manifest.segments, state=manifest.state)

    # ---- writing ---------------------------------------------------------
    def publish(self, manifest: Manifest) -> str:
        """Save `manifest` as the next generation and make it current; drop all but the newest two, and the
        segments neither uses."""
        numbers = [int(m.group(1)) for p in self._folders() if (m := _GEN.match(p.name))]
        name = f"g{max(numbers, default=0) + 1}"
        (self.root / name).mkdir(parents=True)
        tmp = self.root / name / "manifest.json.tmp"
        tmp.write_text(json.dumps({"format": MANIFEST_FORMAT, "state": manifest.state,
                                   "segments": [[s, sorted(dead)] for s, dead in manifest.segments.items()]}),
                       encoding="utf-8")
        tmp.replace(self.root / name / "manifest.json")
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(name, encoding="utf-8")
        tmp.replace(self.root / "CURRENT")
        kept = sorted(self._folders(), key=lambda p: int(p.name[1:]))[-2:]
        for old in self._folders():
            if old not in kept:
                shutil.rmtree(old, ignore_errors=True)
        used = {s for g in kept for s in (self.manifest(g.name) or Manifest()).segments}
        for seg in self.segments_dir.iterdir() if self.segments_dir.is_dir() else ():
            if seg.name not in used:  # replaced, compacted, or left by a write that was cut short
                shutil.rmtree(seg, ignore_errors=True)
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
