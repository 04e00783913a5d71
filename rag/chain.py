"""The grounded QA pipeline as a LangChain Runnable.

`invoke`, `batch`, `stream` and their async forms take the `config` (callbacks, tags, metadata, run name,
`max_concurrency`) and run every step (rewrite, correct_spelling, retrieve, answer, verify, disagree) as a
child run, so tracers and `astream_events(version="v2")` show each with its inputs and outputs. `k` and
`filters` can be bound (`chain.bind(k=4)`) or made configurable (`configurable_fields(k=ConfigurableField(...))`).
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForChainRun
from langchain_core.runnables import RunnableConfig, RunnableLambda, RunnableSerializable
from langchain_core.runnables.config import run_in_executor
from pydantic import BaseModel, ConfigDict, Field

from rag.index import Index
from rag.models import Answer, Document
from rag.pipeline import Pipeline, Step, build_pipeline, run_step
from rag.request import OptionalFilters, QARequest, parse_request
from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseLanguageModel

    from rag.retrieve import HybridRetriever


class GroundedQAChain(RunnableSerializable[Any, Answer]):
    """Maps a question (or a `QARequest`: question, history, filters, k) to an `Answer` with verified quotes."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    pipeline: Pipeline = Field(description="The steps and what they run on (index, retriever, answerer).")
    k: int | None = Field(None, ge=1, description="Passages to retrieve when the input does not say "
                                                  "(default: RAG_RETRIEVAL_K).")
    filters: OptionalFilters = Field(None, description="Metadata filters when the input gives none.")

    # ---- what the pipeline runs on (for callers that look inside) -----------------------------------
    @property
    def index(self) -> Index:
        return self.pipeline.index

    @property
    def retriever(self) -> HybridRetriever:
        """The hybrid retriever; `chain.retriever.as_langchain()` is it as a LangChain `BaseRetriever`."""
        return self.pipeline.retriever

    @property
    def answerer(self) -> Any:
        return self.pipeline.answerer

    def documents(self, doc_id: str) -> Document | None:
        """The cleaned document a quote's offsets refer to."""
        return self.pipeline.documents(doc_id)

    # ---- schema ---------------------------------------------------------------------------------------
    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return QARequest

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        return Answer

    # ---- running ----------------------------------------------------------------------------------------
    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        return self._call_with_config(self._final, input, config, **kwargs)

    def stream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[Answer]:
        """Partial answers (complete=False) as each step finishes, then the final Answer."""
        yield from self._transform_stream_with_config(iter([input]), self._partials, config, **kwargs)

    async def astream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> AsyncIterator[Answer]:
        """The same answers as `stream`; the CPU-bound steps run in the config's executor."""
        async def one() -> AsyncIterator[Any]:
            yield input

        async for answer in self._atransform_stream_with_config(one(), self._apartials, config, **kwargs):
            yield answer

    def _final(self, input: Any, run_manager: CallbackManagerForChainRun, config: RunnableConfig,
               **kwargs: Any) -> Answer:
        final = None
        for final in self._answers(input, run_manager, config, partial=False, **kwargs):
            pass
        return final

    def _partials(self, inputs: Iterator[Any], run_manager: CallbackManagerForChainRun, config: RunnableConfig,
                  **kwargs: Any) -> Iterator[Answer]:
        yield from self._answers(_last(inputs), run_manager, config, partial=True, **kwargs)

    async def _apartials(self, inputs: AsyncIterator[Any], run_manager: Any, config: RunnableConfig,
                         **kwargs: Any) -> AsyncIterator[Answer]:
        value = None
        async for value in inputs:
            pass
        answers = self._answers(value, run_manager, config, partial=True, **kwargs)
        while (answer := await run_in_executor(config, next, answers, None)) is not None:
            yield answer

    def _answers(self, input: Any, run_manager: Any, config: RunnableConfig, partial: bool, k: int | None = None,
                 filters: Any = None) -> Iterator[Answer]:
        """Partial answers (when `partial`) and the final one; each step a child run under `config` (plain calls
        when no callback handler listens, so untraced calls pay nothing for tracing)."""
        request = parse_request(input, k=k if k is not None else self.k,
                                filters=filters if filters is not None else self.filters)
        step = traced_step(config) if run_manager.handlers or run_manager.inheritable_handlers else run_step
        yield from self.pipeline._run(request, partial=partial, step=step)


def _last(values: Iterator[Any]) -> Any:
    value = None
    for value in values:
        pass
    return value


def traced_step(config: RunnableConfig) -> Step:
    """A pipeline step runner that runs each step as a named child run of the run `config` belongs to."""
    def step(name: str, fn: Any, **inputs: Any) -> Any:
        return RunnableLambda(lambda kw: fn(**kw), name=name).invoke(inputs, config)
    return step


def build_chain(settings: Settings | None = None, index: Index | None = None, *,
                llm: BaseLanguageModel | None = None, ingest_if_empty: bool = False) -> GroundedQAChain:
    """The chain, wired from settings (env / .env, else the index's): index, hybrid retriever, answerer.

    `llm`: any LangChain chat model phrases the answers (its quotes still go through the verifier). An empty
    index raises `EmptyIndexError` saying how to fill it; `ingest_if_empty=True` indexes the corpus folder first.
    """
    settings = settings or (index.settings if index is not None else Settings())
    index = index or Index(settings)
    index.require_documents(ingest=ingest_if_empty)
    if llm is None:
        return GroundedQAChain(pipeline=build_pipeline(settings, index))
    from rag.llm_answerer import LLMAnswerer
    from rag.llm_guard import GuardedAnswerer

    pipeline = build_pipeline(settings.model_copy(update={"answerer": "extractive"}), index)
    pipeline.answerer = GuardedAnswerer(LLMAnswerer.from_settings(settings, llm=llm), pipeline.answerer)
    return GroundedQAChain(pipeline=pipeline)
