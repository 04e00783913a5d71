"""A two-article corpus indexed with the fake embedder, for tests of the LangChain surface."""
from __future__ import annotations

from rag.index import Index
from rag.settings import Settings

FERRY = ("---\ntitle: Ferry\noutlet: Island Post\npublished: 2025-05-02\n---\n"
         "The council said the new ferry terminal cost 14 million euros. It opened in May.\n")
BRIDGE = "The old bridge across the bay was repaired last winter. The ferry still runs twice a day.\n"


def write(settings: Settings, files: dict[str, str]) -> None:
    for name, text in files.items():
        (settings.corpus_dir / name).write_text(text, encoding="utf-8")


def indexed(settings: Settings, embedder, files: dict[str, str] | None = None) -> Index:
    """An index of `files` (default: the ferry article, with an outlet and a date, and the bridge note, without)."""
    write(settings, files if files is not None else {"ferry.md": FERRY, "bridge.txt": BRIDGE})
    index = Index(settings, embedder=embedder)
    index.ingest()
    return index
