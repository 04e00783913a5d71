"""Concurrent first calls: opening the store is thread-safe (it failed with "Could not connect to tenant
default_tenant" when several threads opened a fresh store at once)."""
from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from rag.index import Index
from rag.settings import Settings

pytestmark = pytest.mark.slow
QUESTION = "How much did Russia give North Korea?"
RUNS = 10


@pytest.fixture(scope="module")
def embedder(seed_settings):
    return Index(seed_settings).embedder  # one ONNX session for every run: each run still opens a fresh store


def fresh_settings(seed_settings, tmp_path, n: int) -> Settings:
    """A copy of the seed index at a new path: chromadb has never opened it in this process."""
    data = tmp_path / f"data-{n}"
    shutil.copytree(seed_settings.data_dir, data)
    return seed_settings.model_copy(update={"data_dir": data})


def test_threads_opening_a_fresh_store_at_once(seed_settings, embedder, tmp_path):
    for n in range(RUNS):
        settings = fresh_settings(seed_settings, tmp_path, n)
        shared = Index(settings, embedder=embedder)
        with ThreadPoolExecutor(8) as pool:
            counts = list(pool.map(lambda i: (shared if i % 2 else Index(settings, embedder=embedder))
                                   .store.count_chunks(), range(8)))
        assert len(set(counts)) == 1 and counts[0] > 0


def fresh_chains(seed_settings, embedder, tmp_path):
    """RUNS freshly built chains, each on a store this process has not opened yet."""
    from rag.chain import build_chain

    for n in range(RUNS):
        settings = fresh_settings(seed_settings, tmp_path, n)
        yield build_chain(settings, index=Index(settings, embedder=embedder))


def test_batch_on_a_fresh_chain_ten_times(seed_settings, embedder, tmp_path):
    for chain in fresh_chains(seed_settings, embedder, tmp_path):
        answers = chain.batch([QUESTION] * 4, config={"max_concurrency": 4})
        assert len(answers) == 4 and len({a.answer for a in answers}) == 1


def test_batch_and_abatch_with_eight_workers_ten_times(seed_settings, embedder, tmp_path):
    for chain in fresh_chains(seed_settings, embedder, tmp_path):
        answers = chain.batch([QUESTION] * 8, config={"max_concurrency": 8})
        answers += asyncio.run(chain.abatch([QUESTION] * 8, config={"max_concurrency": 8}))
        assert len(answers) == 16 and len({a.answer for a in answers}) == 1
