"""Embed and store documents in batches across documents, with a progress bar.

Each ONNX call and each Chroma upsert has a fixed cost (an upsert of one chunk measured ~5.5 ms against
~0.43 ms a chunk in calls of 100), so chunks of many documents go through together: EMBED_BATCH chunks per embed call (the embedder splits it into its own smaller
batches, sorted by length), then one upsert per Chroma batch for the chunks and one for the
document records. Only one batch of documents is held at a time, whatever the corpus size.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable

from rag.models import Chunk, Document

EMBED_BATCH = 256  # chunks per embed call and per store call


@dataclass(frozen=True)
class Pending:
    """A document waiting for its batch: its chunks, and the ids of the versions it replaces."""

    doc: Document
    chunks: list[Chunk]
    replaces: list[str]


class BatchWriter:
    """Collects documents until EMBED_BATCH chunks wait, then embeds and stores them all at once.

    A document's record is written after all its chunks (rag/store.py), so a run cut short leaves
    every document either stored whole or not at all: the next run skips the stored ones (content
    hashes) and does the rest. `on_stored` hears of each document once it is stored."""

    def __init__(self, embedder, store, on_stored: Callable[[Pending], None], batch: int = EMBED_BATCH):
        self.embedder, self.store, self.on_stored, self.batch = embedder, store, on_stored, batch
        self._pending: list[Pending] = []
        self._waiting = 0

    def add(self, item: Pending) -> None:
        self._pending.append(item)
        self._waiting += len(item.chunks)
        if self._waiting >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        vectors = self.embedder.embed([c.text for p in self._pending for c in p.chunks])
        items, start = [], 0
        for p in self._pending:
            items.append((p.doc, p.chunks, vectors[start:start + len(p.chunks)]))
            start += len(p.chunks)
        self.store.put_documents(items)
        done, self._pending, self._waiting = self._pending, [], 0
        for p in done:
            self.on_stored(p)


class IngestProgress:
    """A tqdm bar on stderr (only when enabled): articles done of the total with their rate and ETA, and
    chunks stored per second."""

    def __init__(self, total: int, enabled: bool):
        self._bar = None
        if enabled and total:
            from tqdm import tqdm
            self._bar = tqdm(total=total, unit="article", desc="ingesting", file=sys.stderr, leave=False)
        self._chunks, self._start = 0, time.monotonic()

    def article(self) -> None:
        if self._bar is not None:
            self._bar.update(1)

    def stored(self, chunks: int) -> None:
        self._chunks += chunks
        if self._bar is not None:
            rate = self._chunks / max(time.monotonic() - self._start, 1e-9)
            self._bar.set_postfix_str(f"{rate:.0f} chunks/s", refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
