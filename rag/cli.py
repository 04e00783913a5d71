"""`rag` command line: ingest, search, ask, serve, eval."""
from __future__ import annotations

import argparse
import json
import os
import sys

from rag.settings import Settings


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings from env/.env, with --corpus/--data-dir taking precedence."""
    overrides = {}
    if getattr(args, "corpus", None):
        overrides["RAG_CORPUS_DIR"] = args.corpus
    if getattr(args, "data_dir", None):
        overrides["RAG_DATA_DIR"] = args.data_dir
    return Settings(**overrides)


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.index import Index

    settings = settings_from_args(args)
    if not args.paths and not settings.corpus_dir.is_dir():
        _err(f"error: corpus folder {settings.corpus_dir} does not exist (use --corpus or RAG_CORPUS_DIR)")
        return 2
    index = Index(settings)
    report = index.ingest(args.paths or None, prune=args.prune, progress=sys.stderr.isatty(),
                          on_error=lambda e: _err(f"failed: {e}"))
    print(report.summary())
    return 1 if report.failed and not (report.added or report.updated or report.skipped) else 0


def cmd_search(args: argparse.Namespace) -> int:
    from rag.retrieve import HybridRetriever

    index = _ready_index(settings_from_args(args))
    if index is None:
        return 2
    results = HybridRetriever(index, k=args.k).search(args.query)
    if args.json:
        print(json.dumps([{"rank": i, "score": round(r.score, 6), "dense_rank": r.dense_rank,
                           "lexical_rank": r.lexical_rank, "chunk_id": r.chunk.id, "doc_id": r.chunk.doc_id,
                           "path": r.meta.path, "title": r.meta.title, "outlet": r.meta.outlet,
                           "published": r.meta.published, "start": r.chunk.start, "end": r.chunk.end,
                           "text": r.chunk.text} for i, r in enumerate(results, 1)], ensure_ascii=False, indent=2))
        return 0
    for i, r in enumerate(results, 1):
        label = r.meta.outlet or r.meta.title or r.meta.path
        print(f"{i}. [{r.score:.4f} dense#{r.dense_rank} bm25#{r.lexical_rank}] {label} "
              f"({r.meta.path} {r.chunk.start}-{r.chunk.end})")
        print("   " + " ".join(r.chunk.text.split())[:400])
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline  # the chain's steps without importing LangChain: a fast cold start
    from rag.render import answer_to_text

    settings = settings_from_args(args)
    if _ready_index(settings) is None:
        return 2
    chain = build_pipeline(settings)
    if args.jsonl:
        return _ask_jsonl(chain, args.jsonl)
    if not args.question:
        _err("error: give a question, or --jsonl FILE")
        return 2
    answer = chain.invoke(args.question)
    print(answer.model_dump_json(indent=2) if args.json else answer_to_text(answer))
    return 0


def _ask_jsonl(chain, path: str) -> int:
    """One Answer JSON per input line, in order, on stdout; problems go to stderr."""
    try:
        lines = (sys.stdin if path == "-" else open(path, encoding="utf-8")).read().splitlines()
    except OSError as e:
        _err(f"error: cannot read {path}: {e.strerror}")
        return 2
    status = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = row["question"]
            if not isinstance(question, str):
                raise TypeError("question is not a string")
        except (ValueError, KeyError, TypeError) as e:
            _err(f"{path}:{n}: skipped: not a JSON object with a \"question\" string ({e})")
            status = 1
            continue
        answer = chain.invoke({"question": question, "history": row.get("history") or []})
        print(answer.model_dump_json(), flush=True)
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = settings_from_args(args)
    if _ready_index(settings) is None:
        return 2
    return serve(settings, host=args.host, port=args.port)


def _ready_index(settings: Settings):
    """The index, ingesting the corpus first if it is empty; None (after a message) if impossible."""
    from rag.index import Index
    from rag.store import StoreError

    try:
        index = Index(settings)
        if index.is_empty():
            if not settings.corpus_dir.is_dir():
                _err(f"error: the index in {settings.data_dir} is empty and the corpus folder "
                     f"{settings.corpus_dir} does not exist. Run: rag --corpus FOLDER ingest")
                return None
            _err(f"index is empty: ingesting {settings.corpus_dir} first ...")
            report = index.ingest(progress=sys.stderr.isatty(), on_error=lambda e: _err(f"failed: {e}"))
            _err(report.summary())
            if index.is_empty():
                _err(f"error: nothing could be indexed from {settings.corpus_dir}")
                return None
        return index
    except StoreError as e:
        _err(f"error: {e}")
        return None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="Grounded Q&A over news articles.")
    p.add_argument("--corpus", help="articles folder (env RAG_CORPUS_DIR, default corpus/)")
    p.add_argument("--data-dir", help="index folder (env RAG_DATA_DIR, default .rag/)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="index files, folders or URLs (default: the corpus folder)")
    s.add_argument("paths", nargs="*", help="files, folders or http(s) URLs")
    s.add_argument("--prune", action="store_true", help="remove indexed documents whose files are gone")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("search", help="show the passages retrieval ranks for a query")
    s.add_argument("query")
    s.add_argument("--k", type=int, default=8, help="passages to show (default 8)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("ask", help="answer a question with verified quotes")
    s.add_argument("question", nargs="?")
    s.add_argument("--json", action="store_true", help="print one Answer JSON object")
    s.add_argument("--jsonl", metavar="FILE", help="answer each line's \"question\"; one Answer JSON per line")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("serve", help="start the web chat")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=7860)
    s.set_defaults(func=cmd_serve)

    try:
        from rag.evaluate import register
    except ImportError:
        pass
    else:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rag.llm_answerer import LLMError
    from rag.store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (LLMError, StoreError) as e:
        _err(f"error: {e}")
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
