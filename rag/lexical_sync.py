"""Bring the lexical index in step with Chroma, the system of record, without rebuilding what is there.

One routine serves every writer of a data folder: an ingest (with a segment of the chunks it stored
in hand), a removal, a reader repairing an index an interrupted ingest left behind (documents Chroma
holds that the index lacks), and a replica catching up with what another machine ingested into a
shared Chroma server (its lexical index lives in its own data folder). Each compares the document
ids of the published index with Chroma's: documents missing from the index are read from Chroma
into a new segment, documents gone from Chroma (or replaced) are marked dead in their segment.
A fresh data folder is the same case with an empty index: everything is read from Chroma.

Compaction keeps queries fast: when a generation has more than MAX_SEGMENTS segments, the small
ones are merged into one, and a segment more than DEAD_SHARE dead is rewritten without its dead
chunks. Merging copies postings and texts as they are (no tokenising).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from rag.generations import Generations, Manifest
from rag.lexical import LexicalIndex
from rag.models import Chunk, DocMeta
from rag.segments import MAX_SEGMENT_CHUNKS, Segment, SegmentBuilder
from rag.store import ChromaStore

MAX_SEGMENTS = 8
SMALL_SEGMENT = MAX_SEGMENT_CHUNKS // 2  # segments under this many live chunks are merged when there are too many
DEAD_SHARE = 0.3


@dataclass
class LexicalUpdate:
    """What one write adds to the lexical index (the chunks it stored, streamed into a segment builder as
    they are stored) and the documents it drops (deleted from Chroma once the new generation is published)."""

    builder: SegmentBuilder
    added: set[str] = field(default_factory=set)
    drop: set[str] = field(default_factory=set)

    def add(self, doc_id: str, chunks: Sequence[Chunk], meta: DocMeta) -> None:
        for chunk in chunks:
            self.builder.add(chunk, meta)
        self.added.add(doc_id)


def sync(generations: Generations, store: ChromaStore, base: LexicalIndex | None, update: LexicalUpdate,
         state: str | None) -> Manifest | None:
    """The manifest of `base` plus `update`, in step with Chroma, compacted; None when nothing changed."""
    in_chroma = store.doc_ids()
    live = base.chunk_counts() if base else {}
    missing = in_chroma - live.keys() - update.added - update.drop
    for chunk, meta in store.iter_chunks(missing) if missing else ():
        update.builder.add(chunk, meta)
    dead = (live.keys() - in_chroma) | (update.drop & live.keys()) | (update.added & live.keys())
    new = update.builder.finish()
    if base is not None and not new and not dead and state == base.state:
        return None
    segments = {}
    for seg in base.segments if base else ():
        killed = {str(seg.doc_ids[r]) for r in seg.doc_rows(dead)}
        segments[seg.name] = base.dead[seg.name] | killed
    segments.update((name, frozenset()) for name in new)
    return compact(generations, Manifest(segments, state))


def compact(generations: Generations, manifest: Manifest) -> Manifest:
    """`manifest` with its small segments merged when there are too many, and mostly dead ones rewritten."""
    segments = [Segment(generations.segments_dir / name) for name in manifest.segments]
    lex = LexicalIndex(segments=segments, dead=manifest.segments)
    live = [int(lex.alive(i).sum()) for i in range(len(segments))]
    rewrite = {i for i, s in enumerate(segments) if s.n and (s.n - live[i]) / s.n > DEAD_SHARE}
    small = {i for i in range(len(segments)) if live[i] < SMALL_SEGMENT}
    if len(segments) > MAX_SEGMENTS and len(small) > 1:
        rewrite |= small
    if not rewrite:
        return manifest
    builder = SegmentBuilder(generations.segments_dir)
    for i in sorted(rewrite):
        if live[i]:
            builder.add_segment(segments[i], lex.alive(i))
    kept = {s.name: manifest.segments[s.name] for i, s in enumerate(segments) if i not in rewrite}
    return Manifest({**kept, **{name: frozenset() for name in builder.finish()}}, manifest.state)

