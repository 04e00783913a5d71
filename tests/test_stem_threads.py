"""The shared stemmer gives the same stems from many threads as from one (reliability item 5)."""
import random
import string
from concurrent.futures import ThreadPoolExecutor

import snowballstemmer

from rag.text import stem


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    suffixes = ["", "s", "ing", "ed", "ation", "ness", "ly", "ies", "ement"]
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) + rng.choice(suffixes)
            for _ in range(n)]


def test_concurrent_stems_match_serial():
    batches = [_words(20_000, seed) for seed in range(4)]
    reference = snowballstemmer.stemmer("english")
    expected = [[reference.stemWord(w) for w in batch] for batch in batches]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda batch: [stem(w) for w in batch], batches))
    assert got == expected
    # what the cache kept is right too
    assert [[stem(w) for w in batch] for batch in batches] == expected
