"""rag's embedder as LangChain `Embeddings`, e.g. to open the store with langchain_chroma (see README)."""
from __future__ import annotations

from langchain_core.embeddings import Embeddings


class RagEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 exactly as rag embeds chunks and questions (offline, ONNX by default)."""

    def __init__(self, embedder=None, kind: str = "onnx"):
        if embedder is None:
            from rag.embed import make_embedder
            embedder = make_embedder(kind)
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0].tolist()
