"""Optional LLM answerer: any LangChain chat model phrases the answer; every quote still goes through the verifier.

The model sees numbered passages and must return JSON claims, each with the exact
words it relies on. A claim whose quote is not found verbatim in its source is
dropped (and counted), never shown as fact.
"""
from __future__ import annotations

import json
import re

from rag.answer import Draft, DraftClaim
from rag.models import ChainInput, Document, RetrievedChunk
from rag.query import split_question
from rag.settings import Settings
from rag.verify import QuoteClaim

PROMPT = """Answer the question using ONLY the numbered news passages below.
Return one JSON object and nothing else:
{{"claims": [{{"statement": "one sentence answering (part of) the question, naming the source",
              "passage": <passage number>, "quote": "words copied EXACTLY from that passage that support it"}}]}}
Copy quotes character for character; never join text from two places. If the passages do not
answer the question, return {{"claims": []}}.

Question: {question}

Passages:
{passages}"""


class LLMError(RuntimeError):
    pass


class LLMAnswerer:
    def __init__(self, llm):
        self.llm = llm

    @classmethod
    def from_settings(cls, settings: Settings) -> "LLMAnswerer":
        if not settings.llm_model:
            raise LLMError("RAG_ANSWERER=llm needs RAG_LLM_MODEL (and RAG_LLM_BASE_URL / RAG_LLM_API_KEY) in .env")
        provider = (settings.llm_provider or "openai").lower()
        try:
            if provider == "openai":
                from langchain_openai import ChatOpenAI
                llm = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                                 api_key=settings.llm_api_key or "not-needed", temperature=0, max_retries=1)
            else:
                from langchain.chat_models import init_chat_model
                llm = init_chat_model(settings.llm_model, model_provider=provider, temperature=0)
        except ImportError as e:
            raise LLMError(f"the LLM answerer needs an extra package ({e.name}): pip install -e '.[llm]'") from None
        return cls(llm)

    def draft(self, request: ChainInput, question: str, retrieved: list[RetrievedChunk],
              documents: dict[str, Document]) -> Draft:
        passages = "\n\n".join(f"[{i}] ({r.meta.outlet or r.meta.title or r.meta.path}) {r.chunk.text}"
                               for i, r in enumerate(retrieved, 1))
        try:
            reply = self.llm.invoke(PROMPT.format(question=question, passages=passages))
        except Exception as e:  # provider errors come in many types
            raise LLMError(f"the LLM call failed: {e.__class__.__name__}: {e}") from None
        draft = Draft(parts=[question] if len(split_question(question)) == 1 else split_question(question))
        for claim in _parse_claims(getattr(reply, "content", str(reply))):
            n = claim.get("passage")
            if not isinstance(n, int) or not 1 <= n <= len(retrieved) or not isinstance(claim.get("quote"), str):
                draft.dropped += 1
                continue
            chunk = retrieved[n - 1].chunk
            offset = chunk.text.find(claim["quote"])
            draft.claims.append(DraftClaim(QuoteClaim(chunk.doc_id, claim["quote"],
                                                      chunk.start + offset if offset >= 0 else None),
                                           statement=str(claim.get("statement") or "").strip() or None))
        return draft


def _parse_claims(content: str) -> list[dict]:
    m = re.search(r"\{.*\}", content, re.S)
    try:
        data = json.loads(m.group()) if m else {}
    except ValueError:
        return []
    claims = data.get("claims") if isinstance(data, dict) else None
    return [c for c in claims if isinstance(c, dict)] if isinstance(claims, list) else []
