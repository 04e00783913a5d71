"""Deterministic news-like articles for scale benchmarks (issue 15).

    python bench/scale_corpus.py --articles 10000 --out /tmp/scale-corpus [--seed 0]

Each article is Markdown with the corpus' front matter (title, outlet, published, place, url). Its body
is sentences from a word-level Markov chain (order 2) trained on real text: the cleaned articles of
corpus/ and the ~2,500 documents of evals/ramdocs-*.jsonl and evals/news-train.jsonl. An article has a
topic, one case of those eval sets, and its sentences start where that case's sentences start, so terms
cluster by topic as in news, while vocabulary, sentence length and term frequencies follow real text.
Lengths average about ten chunks of the project's chunker (`RAG_CHUNK_MAX_TOKENS` 200).

Article i depends only on (seed, i): a smaller corpus is a prefix of a larger one.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRAIN_SETS = ("ramdocs-train.jsonl", "ramdocs-dev.jsonl", "news-train.jsonl")
MEAN_WORDS = 1160  # about ten 200-token chunks with one sentence of overlap (measured on the chunker)
MAX_SENTENCE_WORDS = 60
OUTLETS = ("Harbor Ledger", "The Daily Meridian", "Northern Courier", "Capital Wire", "Evening Standard Post",
           "Metro Tribune", "Global Dispatch", "The Civic Record", "Riverside Gazette", "Pacific Observer",
           "Continental Times", "The Morning Bulletin", "Highland Herald", "Coastal Chronicle", "Union Press",
           "The Weekly Ledger", "Summit News", "Valley Sentinel", "Atlas Report", "The Public Register")
PLACES = ("London", "Seoul", "Berlin", "Nairobi", "Washington", "Tokyo", "Paris", "Brussels", "Sydney",
          "Toronto", "Madrid", "Geneva", "Lagos", "Mumbai", "Mexico City", "Oslo", None, None, None, None)
FIRST_DAY, DAYS = date(2023, 1, 1), 3 * 365
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
END = None  # the Markov chain's end-of-sentence token

Chain = dict[tuple[str, str], list]


@dataclass
class Model:
    """An order-2 word chain and, per topic, the word pairs its real sentences start with."""

    chain: Chain
    topics: list[list[tuple[str, str]]]


def training_topics(repo: Path = REPO) -> list[list[str]]:
    """Real texts grouped by topic: each eval case's documents, each corpus article on its own."""
    from rag.ingest import IngestError, load_path

    topics: list[list[str]] = []
    for path in sorted((repo / "corpus").glob("*.md")):
        try:
            topics.append([load_path(path, repo / "corpus").text])
        except IngestError:
            continue
    for name in TRAIN_SETS:
        path = repo / "evals" / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
            if line.strip():
                topics.append([d["text"] for d in json.loads(line).get("documents", [])])
    return [t for t in topics if t]


def sentences(text: str) -> list[list[str]]:
    """Whole sentences of a real text as word lists (punctuation kept on the words)."""
    from rag.text import sentence_spans

    text = _CONTROL.sub(" ", text)  # a few training texts hold NUL and other control bytes
    out = []
    for s in sentence_spans(text):
        ws = text[s.start:s.end].split()
        if 4 <= len(ws) <= MAX_SENTENCE_WORDS and ws[0][:1].isupper() and ws[-1][-1:] in ".!?\"”'’":
            out.append(ws)
    return out


def train(topics: list[list[str]]) -> Model:
    """Fit the chain on every sentence; keep each topic's sentence starts."""
    chain: Chain = {}
    starts: list[list[tuple[str, str]]] = []
    for texts in topics:
        topic_starts = []
        for text in texts:
            for ws in sentences(text):
                topic_starts.append((ws[0], ws[1]))
                for a, b, c in zip(ws, ws[1:], [*ws[2:], END]):
                    chain.setdefault((a, b), []).append(c)
        if topic_starts:
            starts.append(topic_starts)
    return Model(chain, starts)


def sentence(model: Model, start: tuple[str, str], rng: random.Random) -> str:
    """Walk the chain from a start pair to an end of sentence (or cut it, with a period)."""
    a, b = start
    out = [a, b]
    chain, rand = model.chain, rng.random
    while len(out) < MAX_SENTENCE_WORDS:
        nxt = chain.get((a, b))
        if not nxt:
            break
        c = nxt[int(rand() * len(nxt))]
        if c is END:
            return " ".join(out)
        out.append(c)
        a, b = b, c
    text = " ".join(out).rstrip(",;:")
    return text if text[-1] in ".!?" else text + "."


def slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-") or "article"


def article(model: Model, seed: int, i: int) -> tuple[str, str]:
    """(relative path, Markdown text) of article `i`."""
    rng = random.Random(seed * 1_000_003 + i)
    starts = model.topics[rng.randrange(len(model.topics))]
    target = min(4 * MEAN_WORDS, max(150, int(rng.lognormvariate(math.log(MEAN_WORDS) - 0.08, 0.4))))
    paragraphs, n_words, para = [], 0, []
    while n_words < target:
        s = sentence(model, rng.choice(starts), rng)
        para.append(s)
        n_words += s.count(" ") + 1
        if len(para) >= rng.randint(1, 4):
            paragraphs.append(" ".join(para))
            para = []
    if para:
        paragraphs.append(" ".join(para))
    title = " ".join(sentence(model, rng.choice(starts), rng).split()[:rng.randint(6, 12)]).rstrip(".,;:!?\"”")
    outlet = OUTLETS[min(int(rng.paretovariate(1.2)) - 1, len(OUTLETS) - 1)]  # a few outlets publish most
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    place = rng.choice(PLACES)
    if place:
        paragraphs[0] = f"{place.upper()} — {paragraphs[0]}"
    front = {"title": title, "outlet": outlet, "published": published.isoformat(), "place": place,
             "url": f"https://www.{slug(outlet)}.example/{published:%Y/%m/%d}/{slug(title)}-{i}"}
    head = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items())
    return f"{published.year}/{i:06d}-{slug(title, 40)}.md", f"---\n{head}\n---\n" + "\n\n".join(paragraphs) + "\n"


def generate(out: Path, articles: int, seed: int = 0, model: Model | None = None) -> list[Path]:
    """Write `articles` articles under `out`; returns their paths."""
    model = model or train(training_topics())
    paths = []
    for i in range(articles):
        rel, text = article(model, seed, i)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--out", type=Path, required=True, help="folder to write the articles into")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths = generate(args.out, args.articles, args.seed)
    print(f"{len(paths)} articles in {args.out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
