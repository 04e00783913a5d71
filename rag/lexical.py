"""BM25 over the chunks of a set of segments (rag/segments.py), without rebuilding anything per change.

An ingest adds a segment with the chunks it stored and marks the documents it replaced or removed
dead ("tombstones", per segment). A query scores only its own terms' postings, across all segments,
with the statistics of the live chunks: document frequencies, the chunk count and the average length
are global, so scores are exact BM25 (Lucene's variant, k1=1.5, b=0.75, as bm25s computed before)
however the chunks are spread over segments. Positions (what `search` returns, what `records` and
`position` map) count live chunks only.

The index also keeps each chunk's text, offsets and document metadata, so retrieval builds results
without a round trip to Chroma. Chroma is the system of record: rag/lexical_sync.py brings the index
in step with it.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from collections.abc import Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import numpy as np

from rag.models import Chunk, DocMeta, Filters
from rag.query import ASKING_WORDS
from rag.segments import Segment, SegmentBuilder, term_hash
from rag.text import STOPWORDS, TYPO_RATIO, stem, terms, typo_similarity


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Whole words of the embedding model's vocabulary: real words are never "corrected"."""
    from rag.embed import model_dir

    vocab = (model_dir() / "vocab.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in vocab if w.isalpha())


def _closest_of(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate spelt most like the word, if close enough to be its misspelling."""
    best = max(((typo_similarity(word, w), w) for w in candidates), default=(0.0, None))
    return best[1] if best[0] >= TYPO_RATIO else None


QUESTION_WORDS = ("what", "which", "where", "when", "who", "whom", "whose", "why", "how")
BACKGROUND_CHUNKS = 1000  # the prior of `LexicalIndex.idf`
MIN_RELATIVE_SCORE = 0.1  # matches scoring under 10% of the best one only share common words: not evidence
K1, B = 1.5, 0.75


class LexicalIndex:
    def __init__(self, records: Iterable[tuple[Chunk, DocMeta]] = (), *, segments: list[Segment] | None = None,
                 dead: Mapping[str, Iterable[str]] | None = None, state: str | None = None):
        """Open `segments` (their `dead` documents left out), or index `records` in a private temporary folder.
        `state` is the Chroma collection state the index reflects (rag/lexical_sync.py)."""
        self.segments = _private_segments(records) if segments is None else segments
        self.state = state
        self.dead = {s.name: frozenset((dead or {}).get(s.name, ())) for s in self.segments}
        self._base = np.cumsum([0] + [s.n for s in self.segments])
        alive = [np.ones(s.n, dtype=bool) for s in self.segments]
        for seg, a in zip(self.segments, alive):
            if self.dead[seg.name]:
                a[np.isin(seg.chunk_doc, seg.doc_rows(self.dead[seg.name]))] = False
        self._alive = np.concatenate(alive) if alive else np.zeros(0, dtype=bool)
        self._live = np.flatnonzero(self._alive)
        lengths = np.concatenate([s.chunk_len for s in self.segments]) if self.segments else np.zeros(0)
        self._length = lengths.astype(np.float32)
        self._avg_length = float(self._length[self._live].mean()) if len(self._live) else 1.0
        self.records = Records(self)
        self.position = Positions(self)
        self._idf: dict[str, float] = {}  # the index never changes: each term's idf is computed once

    def alive(self, segment: int) -> np.ndarray:
        """Which chunks of the segment at this place are live."""
        return self._alive[self._base[segment]:self._base[segment + 1]]

    def chunk_counts(self) -> dict[str, int]:
        """Live chunks per document id."""
        out: dict[str, int] = {}
        for i, seg in enumerate(self.segments):
            counts = np.bincount(seg.chunk_doc[self.alive(i)], minlength=len(seg.doc_ids))
            out.update((str(seg.doc_ids[d]), int(counts[d])) for d in np.flatnonzero(counts))
        return out

    # ---- scoring ---------------------------------------------------------
    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(slots, term frequencies) of the live chunks holding `term`, across segments."""
        h = term_hash(term)
        slots, tfs = [], []
        for base, seg in zip(self._base, self.segments):
            rows, tf = seg.postings(h)
            if len(rows):
                slots.append(rows.astype(np.int64) + base)
                tfs.append(tf)
        if not slots:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        s, tf = np.concatenate(slots), np.concatenate(tfs).astype(np.float32)
        keep = self._alive[s]
        return s[keep], tf[keep]

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks, as if the corpus also held
        BACKGROUND_CHUNKS chunks without it: in a small corpus on one subject, the subject's own words
        (a country's name in every chunk) still weigh like ordinary words instead of nothing."""
        idf = self._idf.get(term)
        if idf is None:
            df = len(self._postings(term)[0])
            idf = self._idf[term] = float(np.log((len(self._live) + BACKGROUND_CHUNKS) / (df + 0.5)))
        return idf

    def search(self, query: str, n: int, filters: Filters) -> list[tuple[int, float]]:
        """Top-n (record position, BM25 score), filters applied."""
        hits = [p for p in map(self._postings, terms(query)) if len(p[0])]
        total = len(self._live)
        if not hits or not total:
            return []
        scores = np.zeros(len(self._alive), dtype=np.float32)
        for slots, tf in hits:
            idf = np.log(1 + (total - len(slots) + 0.5) / (len(slots) + 0.5))
            norm = K1 * (1 - B + B * self._length[slots] / self._avg_length)
            scores[slots] += (idf * tf / (tf + norm)).astype(np.float32)
        if len(self._live) != len(self._alive):
            scores = scores[self._live]
        if not filters.empty:
            scores = scores * self.filter_mask(filters)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        floor = max(float(scores[top[0]]) * MIN_RELATIVE_SCORE, 1e-9) if len(top) else 0.0
        return [(int(i), float(scores[i])) for i in top if scores[i] >= floor]

    # ---- spelling --------------------------------------------------------
    @cached_property
    def _words(self) -> dict[tuple[str, int], list[str]]:
        """(first letter, length) -> corpus words, for spelling correction (built on first use; words of
        removed documents stay until their segment is compacted)."""
        out: dict[tuple[str, int], list[str]] = {}
        for w in {w for seg in self.segments for w in seg.words}:
            out.setdefault((w[0], len(w)), []).append(w)
        return out

    def correct(self, query: str) -> str | None:
        """The query with misspelt words replaced by the closest corpus word (or word that asks for a kind of
        answer: "percnt" → "percent"; an opening word by the question word it misspells: "wich" → "which"), or
        None if nothing changed."""
        out, changed = [], False
        opening = True
        for token in re.split(r"(\W+)", query):
            low = token.lower()
            best = None
            if low.isalpha() and (opening or len(low) >= 5) and self._misspelt(low):
                best = _closest_of(low, QUESTION_WORDS) if opening else None
                if not best and len(low) >= 5:
                    best = self._closest(low) or _closest_of(low, ASKING_WORDS)
            opening = opening and not low.isalpha()
            if best:
                token, changed = (best.capitalize() if token[0].isupper() else best), True
            out.append(token)
        return "".join(out) if changed else None

    def _misspelt(self, word: str) -> bool:
        """No word of the corpus, of the embedding model's vocabulary or of the stopwords."""
        return word not in STOPWORDS and not self._is_word(word) and word not in english_words()

    def _is_word(self, word: str) -> bool:
        return len(self._postings(stem(word))[0]) > 0 or word in self._words.get((word[0], len(word)), ())

    def _closest(self, word: str) -> str | None:
        return _closest_of(word, [w for n in range(len(word) - 2, len(word) + 3)
                                  for w in self._words.get((word[0], n), ())])

    # ---- filters ---------------------------------------------------------
    @cached_property
    def _filter_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Outlet and published date (YYYYMMDD, 0 when unknown) of every live record, for vectorised filters."""
        if not self.segments:
            return np.zeros(0, dtype=object), np.zeros(0, dtype=np.int32)
        outlets = np.concatenate([np.array([*s.outlets, ""], dtype=object)[s.doc_outlet[s.chunk_doc]]
                                  for s in self.segments])
        published = np.concatenate([s.doc_published[s.chunk_doc] for s in self.segments])
        return outlets[self._live], published[self._live]

    def filter_mask(self, filters: Filters) -> np.ndarray:
        """1.0 for every record that passes the metadata filters, else 0.0."""
        outlets, published = self._filter_columns
        mask = np.ones(len(self._live), dtype=bool)
        if filters.outlets:
            mask &= np.isin(outlets, list(filters.outlets))
        if filters.published_from:
            mask &= published >= int(filters.published_from.replace("-", ""))
        if filters.published_to:
            mask &= (published > 0) & (published <= int(filters.published_to.replace("-", "")))
        return mask.astype(np.float32)

    # ---- slots and positions ---------------------------------------------
    def _record(self, slot: int) -> tuple[Chunk, DocMeta]:
        i = int(np.searchsorted(self._base, slot, side="right")) - 1
        return self.segments[i].record(slot - int(self._base[i]))

    @cached_property
    def _position_of_slot(self) -> np.ndarray:
        out = np.full(len(self._alive), -1, dtype=np.int64)
        out[self._live] = np.arange(len(self._live))
        return out

    def _position(self, chunk_id: str) -> int | None:
        for base, seg in zip(self._base, self.segments):
            slot = seg.slot(chunk_id)
            if slot is not None and self._alive[base + slot]:
                return int(self._position_of_slot[base + slot])
        return None


class Records(Sequence):
    """The live (Chunk, DocMeta) records by position, read from the segments on access."""

    def __init__(self, index: LexicalIndex):
        self._index = index

    def __len__(self) -> int:
        return len(self._index._live)

    def __getitem__(self, position: int) -> tuple[Chunk, DocMeta]:  # type: ignore[override]
        return self._index._record(int(self._index._live[position]))

    def __iter__(self) -> Iterator[tuple[Chunk, DocMeta]]:
        return (self[p] for p in range(len(self)))


class Positions:
    """Chunk id -> position of its live record (a read-only mapping for `get` and `in`)."""

    def __init__(self, index: LexicalIndex):
        self._index = index

    def get(self, chunk_id: str, default: int | None = None) -> int | None:
        pos = self._index._position(chunk_id)
        return default if pos is None else pos

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and self._index._position(chunk_id) is not None


def _private_segments(records: Iterable[tuple[Chunk, DocMeta]]) -> list[Segment]:
    """Segments of `records` in a temporary folder removed at exit (an index for this process only)."""
    root = Path(tempfile.mkdtemp(prefix="rag-lexical-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    builder = SegmentBuilder(root)
    for chunk, meta in records:
        builder.add(chunk, meta)
    return [Segment(root / name) for name in builder.finish()]
