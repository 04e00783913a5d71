"""One typed Settings object, read from the environment and `.env`.

Out-of-range values and unknown keys (a misspelt `RAG_*` / `CHROMA_*` key in `.env`, an unknown keyword
argument) raise `SettingsError` with one line naming the key and, for a typo, the keys it resembles.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

OUR_PREFIXES = ("RAG_", "CHROMA_")
ENV_ONLY = {"RAG_MODEL_CACHE"}  # read from the environment by rag.embed, not a Settings field


class SettingsError(ValueError):
    """A setting that is unknown or out of range; str() is one line saying which and why."""


class Settings(BaseSettings):
    """Every knob of the pipeline. Environment variables win over `.env`; keyword arguments win over both and
    may use either the field name (`retrieval_k=4`) or the variable name (`RAG_RETRIEVAL_K=4`)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    corpus_dir: Path = Field(Path("corpus"), validation_alias="RAG_CORPUS_DIR")
    data_dir: Path = Field(Path(".rag"), validation_alias="RAG_DATA_DIR")

    embedder: Literal["onnx", "sentence-transformers"] = Field("onnx", validation_alias="RAG_EMBEDDER")
    ingest_embedder: Literal["same", "int8"] = Field("same", validation_alias="RAG_INGEST_EMBEDDER")
    chunk_max_tokens: int = Field(200, ge=16, le=254, validation_alias="RAG_CHUNK_MAX_TOKENS")
    chunk_overlap_sentences: int = Field(1, ge=0, validation_alias="RAG_CHUNK_OVERLAP_SENTENCES")

    chroma_host: str | None = Field(None, validation_alias="CHROMA_HOST")
    chroma_port: int = Field(8000, ge=1, le=65535, validation_alias="CHROMA_PORT")
    chroma_collection: str = Field("news", min_length=1, validation_alias="CHROMA_COLLECTION")
    chroma_timeout: float = Field(15.0, gt=0, validation_alias="CHROMA_TIMEOUT")

    retrieval_k: int = Field(10, ge=1, validation_alias="RAG_RETRIEVAL_K")
    per_source_cap: int = Field(4, ge=1, validation_alias="RAG_PER_SOURCE_CAP")
    max_sources: int = Field(5, ge=1, validation_alias="RAG_MAX_SOURCES")
    answer_threshold: float | None = Field(None, ge=0, le=1, validation_alias="RAG_ANSWER_THRESHOLD")
    scorer_weights: Path | None = Field(None, validation_alias="RAG_SCORER_WEIGHTS")

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
    fetch_timeout: float = Field(30.0, gt=0, validation_alias="RAG_FETCH_TIMEOUT")

    ui_password: str | None = Field(None, validation_alias="RAG_UI_PASSWORD")
    ui_user: str = Field("rag", validation_alias="RAG_UI_USER")
    ui_concurrency: int = Field(2, ge=1, le=64, validation_alias="RAG_UI_CONCURRENCY")

    def __init__(self, **values: Any):
        _check_keys([k for k in values if not k.startswith("_")], "unknown setting")
        env_file = values.get("_env_file", self.model_config.get("env_file"))
        for path in env_file if isinstance(env_file, (list, tuple)) else [env_file]:
            if path and Path(path).is_file():
                _check_keys([k for k in _dotenv_keys(Path(path)) if k.upper().startswith(OUR_PREFIXES)],
                            f"unknown key in {path}", ENV_ONLY)
        try:
            super().__init__(**values)
        except ValidationError as e:
            raise SettingsError(_one_line(e)) from None

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model)


def known_keys() -> dict[str, tuple[str, str]]:
    """Every accepted key, upper-cased (field names and variable names) -> (field name, variable name)."""
    out = {}
    for name, field in Settings.model_fields.items():
        out[name.upper()] = out[str(field.validation_alias or name).upper()] = (name, str(field.validation_alias))
    return out


def _check_keys(keys: list[str], what: str, allowed: set[str] = frozenset()) -> None:
    known = known_keys()
    unknown = [k for k in keys if k.upper() not in known and k.upper() not in allowed]
    if unknown:
        hints = [f"{k} (did you mean {' or '.join(close)}?)" if (close := _close(k, known)) else k for k in unknown]
        raise SettingsError(f"{what}: {', '.join(hints)}; the keys are listed in .env.example")


def _close(key: str, known: dict[str, tuple[str, str]]) -> list[str]:
    """The accepted keys `key` may be a typo of, spelt like it (field name or variable name)."""
    matches = difflib.get_close_matches(key.upper(), list(known), n=2, cutoff=0.75)
    return list(dict.fromkeys(known[m][0 if key.islower() else 1] for m in matches))


def _dotenv_keys(path: Path) -> list[str]:
    from dotenv import dotenv_values
    return list(dotenv_values(path))


def _one_line(error: ValidationError) -> str:
    parts = [f"{'.'.join(map(str, e['loc'])) or 'settings'}={e.get('input')!r}: {e['msg']}" for e in error.errors()]
    return "invalid setting " + "; ".join(parts)
