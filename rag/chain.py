"""The grounded QA pipeline as a LangChain Runnable (invoke, batch, stream)."""
from __future__ import annotations

from typing import Any, Iterator

from langchain_core.runnables import Runnable, RunnableConfig

from rag.index import Index
from rag.models import Answer
from rag.pipeline import Pipeline, build_pipeline
from rag.settings import Settings


class GroundedQAChain(Pipeline, Runnable[Any, Answer]):
    """Maps a question (or {"question", "history", "filters", "k"}) to an `Answer` with verified quotes."""

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return Pipeline.invoke(self, input)

    def stream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Answer]:
        """Partial answers (complete=False) as each step finishes, then the final Answer."""
        yield from Pipeline.stream(self, input)


def build_chain(settings: Settings | None = None, index: Index | None = None) -> GroundedQAChain:
    """The chain, wired from settings (env / .env): index, hybrid retriever, answerer."""
    return build_pipeline(settings, index, cls=GroundedQAChain)
