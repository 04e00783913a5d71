"""The chat model named in the settings, built through LangChain's `init_chat_model`.

`RAG_LLM_PROVIDER=openai` (the default) is any OpenAI-compatible server: llama.cpp's `llama-server`,
vLLM, LM Studio, Ollama's `/v1`, or OpenAI itself. Any other LangChain provider (`ollama`,
`anthropic`, ...) works once its integration package is installed; a missing one is a one-line hint.
"""
from __future__ import annotations

import os
import re

from rag.settings import Settings


def chat_model(settings: Settings):
    """A LangChain chat model at temperature 0 with the settings' timeout, retries and reply budget."""
    from rag.llm_answerer import LLMError

    if not settings.llm_model:
        raise LLMError("RAG_ANSWERER=llm needs RAG_LLM_MODEL (and RAG_LLM_BASE_URL / RAG_LLM_API_KEY) in .env")
    provider = (settings.llm_provider or "openai").lower()
    kwargs = dict(temperature=0, timeout=settings.llm_timeout, max_retries=settings.llm_retries,
                  max_tokens=settings.llm_output_tokens)
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
    if provider == "openai" and "api_key" not in kwargs:
        if not settings.llm_base_url and not os.environ.get("OPENAI_API_KEY"):
            raise LLMError("RAG_LLM_PROVIDER=openai without RAG_LLM_BASE_URL is OpenAI itself: set RAG_LLM_API_KEY "
                           "(or RAG_LLM_BASE_URL for a local server)")
        kwargs["api_key"] = os.environ.get("OPENAI_API_KEY") or "not-needed"  # local servers take any key
    try:
        from langchain.chat_models import init_chat_model

        return init_chat_model(settings.llm_model, model_provider=provider, **kwargs)
    except ImportError as e:
        m = re.search(r"pip install ([\w\-\[\]\"]+)", str(e))
        package = m.group(1) if m else f"langchain-{provider.replace('_', '-')}"
        raise LLMError(f"RAG_LLM_PROVIDER={provider} needs its LangChain integration: pip install {package}") from None
    except ValueError as e:  # unknown provider, bad option
        raise LLMError(f"cannot use RAG_LLM_PROVIDER={provider} with RAG_LLM_MODEL={settings.llm_model}: {e}") from None
