"""Lexical index segments: immutable folders of chunk records and term postings that load memory-mapped.

One ingest run writes one segment (or a few, at most MAX_SEGMENT_CHUNKS chunks each) with what it
stored; rag/lexical.py searches all the segments of a generation at once. Every array is a `.npy`
file opened with `mmap_mode="r"`: loading costs a few file opens whatever the size, and a query
touches only the postings of its own terms and the records it returns.

Layout of a segment folder (chunks sorted by id, documents by id):
    chunk_ids  chunk_doc (row in doc_ids)  chunk_pos (index, start, end)  chunk_len (terms)
    text_span (byte range in texts)  texts (UTF-8 bytes)
    doc_ids  doc_published (YYYYMMDD, 0 unknown)  doc_outlet (row in `outlets`, -1 none)
    docs.jsonl (one DocMeta a line)  doc_span (its byte range, so a record parses only its own document's)
    term_hash (sorted, 64-bit hashes of stemmed terms)  term_ptr  post_row  post_tf    words.txt (for spelling)
"""
from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from array import array
from dataclasses import asdict
from functools import cached_property
from pathlib import Path

import numpy as np

from rag.models import Chunk, DocMeta
from rag.text import terms, words

FORMAT = 1
MAX_SEGMENT_CHUNKS = 50_000  # a builder starts a new segment after this many: bounded memory on any corpus
_ARRAYS = ("chunk_ids", "chunk_doc", "chunk_pos", "chunk_len", "text_span", "texts", "doc_ids", "doc_published",
           "doc_outlet", "doc_span", "term_hash", "term_ptr", "post_row", "post_tf")


def term_hash(term: str) -> int:
    """A stable 64-bit hash of a term (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


class Segment:
    """A published segment, memory-mapped."""

    def __init__(self, directory: Path):
        self.name = directory.name
        info = json.loads((directory / "segment.json").read_text(encoding="utf-8"))
        if info.get("format") != FORMAT:
            raise ValueError(f"segment {directory} has format {info.get('format')}, not {FORMAT}")
        for key in _ARRAYS:
            setattr(self, key, np.load(directory / f"{key}.npy", mmap_mode="r"))
        self.outlets: list[str] = info["outlets"]
        self._docs_jsonl = (directory / "docs.jsonl").read_bytes()  # read now: the folder may go once replaced
        self._words_txt = (directory / "words.txt").read_text(encoding="utf-8")
        self._metas: dict[int, DocMeta] = {}
        self.n = len(self.chunk_ids)

    def meta(self, doc: int) -> DocMeta:
        """The metadata of the document in row `doc` of `doc_ids` (parsed on first use)."""
        meta = self._metas.get(doc)
        if meta is None:
            a, b = self.doc_span[doc]
            meta = self._metas[doc] = DocMeta(**json.loads(self._docs_jsonl[int(a):int(b)]))
        return meta

    @cached_property
    def words(self) -> list[str]:
        return self._words_txt.split()

    def slot(self, chunk_id: str) -> int | None:
        i = int(np.searchsorted(self.chunk_ids, chunk_id))
        return i if i < self.n and self.chunk_ids[i] == chunk_id else None

    def doc_rows(self, doc_ids) -> np.ndarray:
        """Rows in `doc_ids` of the given ids that this segment holds."""
        ids = np.asarray(sorted(doc_ids), dtype=str)
        if not len(ids) or not len(self.doc_ids):
            return np.zeros(0, np.int64)
        rows = np.searchsorted(self.doc_ids, ids)
        ok = rows < len(self.doc_ids)
        return rows[ok][self.doc_ids[rows[ok]] == ids[ok]]

    def postings(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """(chunk slots, term frequencies) of the term with hash `h`."""
        i = int(np.searchsorted(self.term_hash, np.uint64(h)))
        if i >= len(self.term_hash) or int(self.term_hash[i]) != h:
            return _EMPTY_ROWS, _EMPTY_TF
        a, b = int(self.term_ptr[i]), int(self.term_ptr[i + 1])
        return self.post_row[a:b], self.post_tf[a:b]

    def record(self, slot: int) -> tuple[Chunk, DocMeta]:
        a, b = self.text_span[slot]
        index, start, end = (int(x) for x in self.chunk_pos[slot])
        doc = int(self.chunk_doc[slot])
        text = bytes(self.texts[int(a):int(b)]).decode("utf-8")
        return Chunk(str(self.chunk_ids[slot]), str(self.doc_ids[doc]), index, text, start, end), self.meta(doc)


_EMPTY_ROWS, _EMPTY_TF = np.zeros(0, np.int32), np.zeros(0, np.uint16)


class SegmentBuilder:
    """Collects chunks (new ones, tokenised here, or the live part of existing segments) into segments under
    `root`; texts go to disk as they come, postings are kept as compact arrays until `finish()`."""

    def __init__(self, root: Path):
        self.root = root
        self.names: list[str] = []  # segments finished so far
        self._start()

    def _start(self) -> None:
        self._dir = self.root / f".building-{uuid.uuid4().hex}"
        self._dir.mkdir(parents=True)
        self._texts = open(self._dir / "texts.bin", "wb")
        self._written = 0
        self._chunk_ids: list[str] = []
        self._ints = {k: array("q") for k in ("doc", "index", "start", "end", "len", "a", "b")}
        self._docs: dict[str, int] = {}
        self._metas: list[DocMeta] = []
        self._post = {"hash": array("Q"), "row": array("i"), "tf": array("H")}
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # postings merged from segments
        self._words: set[str] = set()
        self._hashes: dict[str, int] = {}

    @property
    def size(self) -> int:
        return len(self._chunk_ids)

    def _doc_row(self, doc_id: str, meta: DocMeta) -> int:
        row = self._docs.get(doc_id)
        if row is None:
            row = self._docs[doc_id] = len(self._metas)
            self._metas.append(meta)
        return row

    def _add_record(self, chunk_id: str, doc: int, pos: tuple[int, int, int], length: int, text: bytes) -> int:
        slot = self.size
        self._chunk_ids.append(chunk_id)
        for key, value in zip(("doc", "index", "start", "end", "len", "a", "b"),
                              (doc, *pos, length, self._written, self._written + len(text))):
            self._ints[key].append(value)
        self._texts.write(text)
        self._written += len(text)
        return slot

    def add(self, chunk: Chunk, meta: DocMeta) -> None:
        """A chunk to tokenise and index."""
        if self.size >= MAX_SEGMENT_CHUNKS:
            self._finish_one()
        tokens = terms(chunk.text)
        slot = self._add_record(chunk.id, self._doc_row(chunk.doc_id, meta), (chunk.index, chunk.start, chunk.end),
                                len(tokens) or 1, chunk.text.encode("utf-8"))
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        for t, n in counts.items():
            h = self._hashes.get(t)
            if h is None:
                h = self._hashes[t] = term_hash(t)
            self._post["hash"].append(h)
            self._post["row"].append(slot)
            self._post["tf"].append(min(n, 65535))
        self._words.update(w.lower() for w in words(chunk.text) if len(w) >= 4 and w.isalpha())

    def add_segment(self, seg: Segment, alive: np.ndarray) -> None:
        """The chunks of `seg` where `alive`, with their postings as they are (no tokenising)."""
        if self.size + int(alive.sum()) > MAX_SEGMENT_CHUNKS and self.size:
            self._finish_one()
        slots = np.flatnonzero(alive)
        new_slot = np.full(seg.n, -1, dtype=np.int64)
        for s in slots:
            a, b = seg.text_span[s]
            doc = int(seg.chunk_doc[s])
            new_slot[s] = self._add_record(str(seg.chunk_ids[s]), self._doc_row(str(seg.doc_ids[doc]), seg.meta(doc)),
                                           tuple(int(x) for x in seg.chunk_pos[s]), int(seg.chunk_len[s]),
                                           bytes(seg.texts[int(a):int(b)]))
        hashes = np.repeat(np.asarray(seg.term_hash), np.diff(np.asarray(seg.term_ptr)))
        rows = new_slot[np.asarray(seg.post_row)]
        keep = rows >= 0
        self._parts.append((hashes[keep], rows[keep].astype(np.int32), np.asarray(seg.post_tf)[keep]))
        self._words.update(seg.words)

    def finish(self) -> list[str]:
        """Write the last segment; the names of all the segments written (none when nothing was added)."""
        self._finish_one()
        self.discard()
        return self.names

    def discard(self) -> None:
        """Drop what was added since the last segment was written."""
        self._texts.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _finish_one(self) -> None:
        self._texts.close()
        if not self._chunk_ids:
            return
        d = self._dir
        ids = np.array(self._chunk_ids)
        order = np.argsort(ids, kind="stable")
        new_slot = np.empty_like(order)
        new_slot[order] = np.arange(len(order))
        doc_ids = np.array(list(self._docs))
        doc_order = np.argsort(doc_ids, kind="stable")
        new_doc = np.empty_like(doc_order)
        new_doc[doc_order] = np.arange(len(doc_order))
        ints = {k: np.frombuffer(v, dtype=np.int64) for k, v in self._ints.items()}
        metas = [self._metas[i] for i in doc_order]
        outlets = sorted({m.outlet for m in metas if m.outlet})
        code = {o: i for i, o in enumerate(outlets)}
        lines = [json.dumps(asdict(m)).encode("utf-8") + b"\n" for m in metas]
        ends = np.cumsum([len(line) for line in lines], dtype=np.int64)
        hashes = np.concatenate([np.frombuffer(self._post["hash"], np.uint64), *(p[0] for p in self._parts)])
        rows = new_slot[np.concatenate([np.frombuffer(self._post["row"], np.int32), *(p[1] for p in self._parts)])]
        tf = np.concatenate([np.frombuffer(self._post["tf"], np.uint16), *(p[2] for p in self._parts)])
        by_term = np.lexsort((rows, hashes))
        hashes, rows, tf = hashes[by_term], rows[by_term], tf[by_term]
        uniq, first = np.unique(hashes, return_index=True)
        arrays = {
            "chunk_ids": ids[order], "chunk_doc": new_doc[ints["doc"][order]].astype(np.int32),
            "chunk_pos": np.stack([ints["index"], ints["start"], ints["end"]], axis=1)[order].astype(np.int32),
            "chunk_len": ints["len"][order].astype(np.int32),
            "text_span": np.stack([ints["a"], ints["b"]], axis=1)[order],
            "texts": np.memmap(d / "texts.bin", dtype=np.uint8, mode="r") if self._written else np.zeros(0, np.uint8),
            "doc_ids": doc_ids[doc_order],
            "doc_published": np.array([int(m.published.replace("-", "")) if m.published else 0 for m in metas],
                                      dtype=np.int32),
            "doc_outlet": np.array([code[m.outlet] if m.outlet else -1 for m in metas], dtype=np.int32),
            "doc_span": np.stack([ends - [len(line) for line in lines], ends], axis=1),
            "term_hash": uniq, "term_ptr": np.append(first, len(hashes)).astype(np.int64),
            "post_row": rows.astype(np.int32), "post_tf": tf,
        }
        for key, value in arrays.items():
            np.save(d / f"{key}.npy", value)
        (d / "texts.bin").unlink()
        (d / "docs.jsonl").write_bytes(b"".join(lines))
        (d / "words.txt").write_text("\n".join(sorted(self._words)), encoding="utf-8")
        (d / "segment.json").write_text(json.dumps({"format": FORMAT, "outlets": outlets}), encoding="utf-8")
        name = f"s-{uuid.uuid4().hex[:12]}"
        d.rename(self.root / name)  # a segment appears whole or not at all
        self.names.append(name)
        self._start()
