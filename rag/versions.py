"""Which version of the index each reader sees, and the Chroma client that goes with it.

A request calls `refresh()` first: when another process (or thread) published a newer generation
(rag/generations.py), its lexical index is loaded and the embedded Chroma store is reopened (a
Chroma client never reloads vectors other processes stored), and the calling thread is pinned to
the newest lexical index until its next request, so the positions one request uses never mix two
versions. Nothing changed costs one small file read.

With a Chroma server (`CHROMA_HOST`), replicas on other machines share the collection but not the
data folder: every write announces a new state token in the collection's metadata, and `refresh()`
compares it with the one its lexical index reflects (at most once per STATE_CHECK_S); when it moved,
the index catches up from Chroma (rag/lexical_sync.py) and is published in this data folder.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import replace
from typing import Callable, Iterator

from rag.generations import Generations
from rag.lexical import LexicalIndex
from rag.lexical_sync import LexicalUpdate, sync
from rag.models import Document
from rag.segments import SegmentBuilder
from rag.settings import Settings
from rag.store import ChromaStore, StoreError

RETIRE_AFTER_S = 60.0  # replaced store clients and old pins go this long after (no request lasts that long)
STATE_CHECK_S = 1.0  # how often a reader asks a Chroma server whether another machine wrote
Snapshot = tuple[str | None, LexicalIndex]  # (generation, its lexical index)


class Versions:
    def __init__(self, settings: Settings, open_store: Callable[[], ChromaStore]):
        self.settings = settings
        self.generations = Generations(settings.data_dir, settings.chroma_collection)
        self._open_store = open_store
        self._store: ChromaStore | None = None
        self._store_generation: str | None = None  # the generation the store client was opened at
        self._retired: list[tuple[float, ChromaStore]] = []
        self._latest: Snapshot | None = None
        self._pins: dict[int, tuple[float, Snapshot]] = {}  # thread -> (when, the version its request uses)
        self._state_checked = 0.0
        self._lock = threading.RLock()

    # ---- what readers use ------------------------------------------------
    @property
    def store(self) -> ChromaStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    generation = self.generations.current()
                    self._store, self._store_generation = self._open_store(), generation
        return self._store

    @property
    def lexical(self) -> LexicalIndex:
        """The lexical index this thread's request is pinned to, else the newest loaded."""
        pin = self._pins.get(threading.get_ident())
        return (pin[1] if pin else self.snapshot())[1]

    @property
    def embedded(self) -> bool:
        return not self.settings.chroma_host

    def refresh(self) -> bool:
        """Load a newer published generation if there is one and pin this thread to the newest; True when
        this thread's version changed."""
        if not self.embedded:
            lexical = self.snapshot()[1]  # a first load checks the state itself
            if time.monotonic() - self._state_checked >= STATE_CHECK_S:
                self._state_checked = time.monotonic()
                if self.store.state() != lexical.state:
                    self._repair()  # another machine wrote to the shared collection
        generation = self.generations.current()
        before = self._pins.get(threading.get_ident())
        if generation is not None and generation != self.snapshot()[0]:
            with self._lock:
                if generation != self._latest[0] and (lex := self.generations.load(generation)) is not None:
                    self._latest = (generation, lex)
        if generation is not None and generation != self._store_generation:
            self._reopen_store(generation)
        self._pin(self.snapshot())
        return before is not None and before[1][0] != self._latest[0]

    def _pin(self, snapshot: Snapshot) -> None:
        """Pin this thread to `snapshot`; forget pins older than any request lasts (their versions can go)."""
        now = time.monotonic()
        with self._lock:
            if any(now - t > RETIRE_AFTER_S for t, _ in self._pins.values()):
                self._pins = {k: p for k, p in self._pins.items() if now - p[0] <= RETIRE_AFTER_S}
            self._pins[threading.get_ident()] = (now, snapshot)

    def snapshot(self) -> Snapshot:
        """The newest loaded version, loading (or repairing) it on first use."""
        if self._latest is None:
            with self._lock:
                if self._latest is None:
                    self._latest = self._load()
        return self._latest

    def _load(self) -> Snapshot:
        generation = self.generations.current()
        lex = self.generations.load(generation)
        if lex is None or self._out_of_step(lex):
            repaired = self._repair()
            if repaired:
                return repaired
            if lex is None:  # a read-only folder, or a writer is busy: an index for this process only
                return None, LexicalIndex(self.store.iter_chunks())
        return generation, lex

    def _out_of_step(self, lex: LexicalIndex) -> bool:
        """Whether Chroma holds what `lex` does not: an embedded ingest was cut short (its lock held every
        writer off, so counts tell), or another machine wrote to the shared server (its state token tells)."""
        if self.embedded:
            return len(lex.records) != self.store.count_chunks()
        self._state_checked = time.monotonic()
        return lex.state != self.store.state()

    def _repair(self) -> Snapshot | None:
        """Bring the published index in step with Chroma, unless the folder is read-only or a writer is busy
        (None: then that writer publishes, or this process builds an index of its own)."""
        with self.generations.writing(wait=False) as alone:
            if alone and not self.store.read_only:
                return self.commit(self.update(), catch_up=True)
        return None

    def _reopen_store(self, generation: str) -> None:
        """Reopen an embedded store when no writer is busy (else keep the current one: its reads stay
        consistent, only not the newest), warmed up before requests use it."""
        if not self.embedded or self._store is None:
            return
        with self.generations.no_writer() as quiet, self._lock:
            if quiet and self._store_generation != generation:
                fresh = self._open_store()
                fresh.count_chunks()
                self._retire()
                self._store, self._store_generation = fresh, generation

    def _retire(self) -> None:
        """Put the current store aside; close the ones put aside long enough ago that no request uses them."""
        now = time.monotonic()
        for t, old in self._retired:
            if now - t > RETIRE_AFTER_S:
                old.close()
        self._retired = [(t, old) for t, old in self._retired if now - t <= RETIRE_AFTER_S]
        if self._store is not None:
            self._retired.append((now, self._store))
        self._store = None

    # ---- what writers use ------------------------------------------------
    def update(self) -> LexicalUpdate:
        """An empty update to the lexical index, for a write to fill (hold `writing()`)."""
        return LexicalUpdate(SegmentBuilder(self.generations.segments_dir))

    def commit(self, update: LexicalUpdate, catch_up: bool = False) -> Snapshot:
        """Publish the lexical index of what Chroma holds plus `update`, then delete `update.drop` from Chroma
        (hold `writing()`). A write announces a new state to replicas; `catch_up` records the current one."""
        generation = self.generations.current()
        base = self.generations.load(generation)  # as published (what this process holds may be a private index)
        state = self.store.state() if catch_up and not self.embedded else base.state if base else None
        try:
            manifest = sync(self.generations, self.store, base, update, state)
        except BaseException:
            update.builder.discard()
            raise
        announce = manifest is not None and not self.embedded and not catch_up
        if announce:
            manifest = replace(manifest, state=uuid.uuid4().hex)
        # sync always publishes when there was no index: `base` is there when nothing changed
        snapshot = self._remember(generation, base) if manifest is None else self.publish(self.generations.publish(manifest))
        self.store.delete_documents(update.drop)
        if self.embedded and self.store.count_chunks() != len(snapshot[1].records):
            self.store.delete_orphan_chunks()  # chunks of an ingest cut short before their document record
        if announce:
            self.store.set_state(manifest.state)
        return snapshot

    def _remember(self, generation: str | None, lexical: LexicalIndex) -> Snapshot:
        """The published version this process already had, or just loaded."""
        with self._lock:
            if self._latest is None or self._latest[0] != generation:
                self._latest = (generation, lexical)
            return self._latest

    def publish(self, generation: str) -> Snapshot:
        """Make the just published `generation` this process's newest version."""
        lexical = self.generations.load(generation)
        if lexical is None:
            raise StoreError(f"the lexical index {self.generations.root / generation} cannot be read back")
        with self._lock:
            self._latest = (generation, lexical)
            self._pin(self._latest)
            if self._store is not None:  # it stored what was just published
                self._store_generation = generation
        return self._latest

    def drop_store(self) -> None:
        """Stop using the store (it is about to be deleted)."""
        with self._lock:
            self._retire()

    @contextmanager
    def writing(self, reopen: bool = True) -> Iterator[None]:
        """Hold the data folder's write lock. The outermost writer first reopens an embedded store, which
        may be behind what other processes stored: writing through it could lose their vectors."""
        outer = not getattr(self.generations._held, "depth", 0)
        with self.generations.writing():
            if outer and reopen:
                if self.embedded:
                    self.drop_store()
                if self.store.read_only:  # the lock could be taken, but Chroma's own folder is not writable
                    raise StoreError(f"the data folder {self.settings.data_dir} is read-only: the index can be "
                                     "read here but not changed")
            yield


class DocumentCache:
    """The most recently used documents by id (content hashes: an entry never goes stale)."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._docs: OrderedDict[str, Document] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, doc_id: str) -> Document | None:
        with self._lock:
            doc = self._docs.get(doc_id)
            if doc is not None:
                self._docs.move_to_end(doc_id)
            return doc

    def put(self, doc: Document) -> None:
        with self._lock:
            self._docs[doc.id] = doc
            while len(self._docs) > self.size:
                self._docs.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._docs.clear()
