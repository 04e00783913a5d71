"""One typed Settings object, read from the environment and `.env`."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the pipeline. Environment variables win over `.env`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), validation_alias="RAG_CORPUS_DIR")
    data_dir: Path = Field(Path(".rag"), validation_alias="RAG_DATA_DIR")

    embedder: Literal["onnx", "sentence-transformers"] = Field("onnx", validation_alias="RAG_EMBEDDER")
    chunk_max_tokens: int = Field(200, validation_alias="RAG_CHUNK_MAX_TOKENS")
    chunk_overlap_sentences: int = Field(1, validation_alias="RAG_CHUNK_OVERLAP_SENTENCES")

    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, validation_alias="CHROMA_PORT")
    chroma_collection: str = Field("news", validation_alias="CHROMA_COLLECTION")

    retrieval_k: int = Field(10, validation_alias="RAG_RETRIEVAL_K")
    per_source_cap: int = Field(4, validation_alias="RAG_PER_SOURCE_CAP")
    max_sources: int = Field(5, validation_alias="RAG_MAX_SOURCES")
    answer_threshold: float | None = Field(None, validation_alias="RAG_ANSWER_THRESHOLD")

    answerer: Literal["extractive", "llm"] = Field("extractive", validation_alias="RAG_ANSWERER")
    llm_provider: str | None = Field(None, validation_alias="RAG_LLM_PROVIDER")
    llm_model: str | None = Field(None, validation_alias="RAG_LLM_MODEL")
    llm_base_url: str | None = Field(None, validation_alias="RAG_LLM_BASE_URL")
    llm_api_key: str | None = Field(None, validation_alias="RAG_LLM_API_KEY")
    llm_timeout: float = Field(60.0, validation_alias="RAG_LLM_TIMEOUT")
    llm_retries: int = Field(0, validation_alias="RAG_LLM_RETRIES")
    llm_context_tokens: int | None = Field(None, validation_alias="RAG_LLM_CONTEXT_TOKENS")
    llm_output_tokens: int = Field(1024, validation_alias="RAG_LLM_OUTPUT_TOKENS")
    llm_structured: Literal["auto", "json_schema", "function_calling", "json_mode", "text"] = Field(
        "auto", validation_alias="RAG_LLM_STRUCTURED")
    llm_statement_threshold: float | None = Field(None, validation_alias="RAG_LLM_STATEMENT_THRESHOLD")

    url_allow: str = Field("", validation_alias="RAG_URL_ALLOW")
    fetch_timeout: float = Field(30.0, validation_alias="RAG_FETCH_TIMEOUT")

    ui_password: str | None = Field(None, validation_alias="RAG_UI_PASSWORD")
    ui_user: str = Field("rag", validation_alias="RAG_UI_USER")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model)
