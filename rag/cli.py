"""`rag` command line: ingest, search, ask, serve, eval.

Exit status: 0 all done; 1 partly done (some files or input lines failed, the rest were processed);
2 usage error or nothing could be done (bad option, missing path, every file failed, no index).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from pathlib import Path

from rag.models import InputError, clean_text
from rag.settings import Settings

OK, PARTIAL, USAGE = 0, 1, 2


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
        return USAGE
    index = Index(settings)
    run = index.rebuild if args.rebuild else partial(index.ingest, prune=args.prune)
    report = run(args.paths or None, progress=sys.stderr.isatty(), on_error=lambda e: _err(f"failed: {e}"),
                 fetch=operator_fetch_policy(settings, args.paths))
    print(report.summary())
    if not report.failed:
        return OK
    return PARTIAL if report.any_ok else USAGE


def operator_fetch_policy(settings: Settings, sources: list[str]):
    """The settings' fetch policy, plus the hosts of the URLs the operator typed.

    Whoever runs `rag ingest URL` may fetch from their own network, so a private host they name is
    allowed; where it redirects is not (unless RAG_URL_ALLOW lists it).
    """
    from urllib.parse import urlsplit

    from rag.fetch import FetchPolicy
    from rag.ingest import is_url

    return FetchPolicy.from_settings(settings).allowing(urlsplit(s).hostname for s in sources if is_url(s))


def cmd_search(args: argparse.Namespace) -> int:
    from rag.retrieve import HybridRetriever

    index = _ready_index(settings_from_args(args))
    if index is None:
        return USAGE
    results = HybridRetriever(index, k=args.k).search(clean_text(args.query))
    if args.json:
        print(json.dumps([{"rank": i, "score": round(r.score, 6), "dense_rank": r.dense_rank,
                           "lexical_rank": r.lexical_rank, "chunk_id": r.chunk.id, "doc_id": r.chunk.doc_id,
                           "path": r.meta.path, "title": r.meta.title, "outlet": r.meta.outlet,
                           "published": r.meta.published, "start": r.chunk.start, "end": r.chunk.end,
                           "text": r.chunk.text} for i, r in enumerate(results, 1)], ensure_ascii=False, indent=2))
        return OK
    for i, r in enumerate(results, 1):
        label = r.meta.outlet or r.meta.title or r.meta.path
        print(f"{i}. [{r.score:.4f} dense#{r.dense_rank} bm25#{r.lexical_rank}] {label} "
              f"({r.meta.path} {r.chunk.start}-{r.chunk.end})")
        print("   " + " ".join(r.chunk.text.split())[:400])
    return OK


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.pipeline import build_pipeline  # the chain's steps without importing LangChain: a fast cold start
    from rag.render import answer_to_text

    settings = settings_from_args(args)
    index = _ready_index(settings)
    if index is None:
        return USAGE
    chain = build_pipeline(settings, index=index)  # one store client and one count per process
    if args.jsonl:
        return _ask_jsonl(chain, args.jsonl)
    if not args.question:
        _err("error: give a question, or --jsonl FILE")
        return USAGE
    answer = chain.invoke(args.question)
    print(answer.model_dump_json(indent=2) if args.json else answer_to_text(answer))
    return OK


def _ask_jsonl(chain, path: str) -> int:
    """One JSON line per input line, in order, on stdout: its Answer, or {"line", "error"} when it
    cannot be answered (the error is also logged to stderr); the other lines are still answered."""
    from rag.llm_answerer import LLMError
    from rag.store import StoreError

    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as e:
        _err(f"error: cannot read {path}: {e.strerror}")
        return USAGE
    status = OK
    for n, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            request = _jsonl_request(raw)
            answer = chain.invoke(request)
        except (LLMError, StoreError):
            raise  # the service, not the line: stop
        except Exception as e:  # noqa: BLE001  (one bad line must not stop the others)
            error = str(e) if isinstance(e, InputError) else f"cannot answer ({type(e).__name__}: {e})"
            _err(f"{path}:{n}: skipped: {error}")
            print(json.dumps({"line": n, "error": error}, ensure_ascii=False), flush=True)
            status = PARTIAL
            continue
        print(answer.model_dump_json(), flush=True)
    return status


def _jsonl_request(raw: bytes) -> dict:
    """One --jsonl line as the chain's input; InputError saying what is wrong with it."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (undecodable byte at offset {e.start})") from None
    except ValueError as e:
        raise InputError(f"not JSON ({e})") from None
    if not isinstance(row, dict) or not isinstance(row.get("question"), str):
        raise InputError('not a JSON object with a "question" string')
    return {"question": row["question"], "history": row.get("history") or []}


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.app import serve

    settings = settings_from_args(args)
    if _ready_index(settings) is None:
        return USAGE
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
    s.add_argument("--rebuild", action="store_true",
                   help="delete the whole index (even a damaged one) and build it again from the paths or the corpus")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("search", help="show the passages retrieval ranks for a query")
    s.add_argument("query")
    s.add_argument("--k", type=_positive_int, default=8, help="passages to show (default 8)")
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # a file name with undecodable bytes must not crash
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rag.llm_answerer import LLMError
    from rag.settings import SettingsError
    from rag.store import StoreError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (LLMError, StoreError, InputError, SettingsError) as e:
        _err(f"error: {e}")
        return USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
