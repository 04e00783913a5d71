"""A sentence's own word for what the question asks about ("troops" for "soldiers"), from word embeddings."""
import numpy as np

from rag.answer_slots import answer_slot
from rag.query import analyze
from rag.synonyms import SYNONYM, asked_words, near_values, synonym_stems
from rag.values import values

# a stand-in for the sentence model: these words are close, every other word is far from every word
_CLOSE = [{"soldiers", "troops"}, {"supplied", "received"}]


class WordVectors:
    def __init__(self):
        self.dims: dict[str, int] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for i, t in enumerate(texts):
            group = next((g for g, words in enumerate(_CLOSE) if t in words), None)
            out[i, group if group is not None else self.dims.setdefault(t, len(_CLOSE) + len(self.dims))] = 1.0
        return out


def _wording(question: str, text: str):
    info = analyze(question)
    found = values(info, text)
    syn = synonym_stems(info, [near_values(text, found)], WordVectors())[0]
    return info, found, syn


def test_only_lower_case_content_words_near_a_value_are_compared():
    info = analyze("How many soldiers does Elbonia have?")
    text = "Elbonia, the Ministry says, now has 11,000 troops in the north and a large navy far away in the southern seas."
    assert near_values(text, values(info, text), window=3) == ["now", "troops", "north"]
    assert asked_words(info) == ["soldiers"]


def test_a_close_word_stands_for_the_asked_one_and_a_far_one_does_not():
    info, found, syn = _wording("How many soldiers does Elbonia have?", "Elbonia now has 11,000 troops.")
    assert syn == ["troop"]
    _, _, syn = _wording("How many warheads does Elbonia have?", "Elbonia now has 11,000 troops.")
    assert syn == []
    assert 0.5 < SYNONYM < 0.9


def test_the_slot_is_read_beside_the_sentences_word_for_the_asked_one():
    from dataclasses import replace

    info, found, syn = _wording("How many soldiers does Elbonia have?", "Elbonia now has 11,000 troops.")
    assert answer_slot(info, "Elbonia now has 11,000 troops.", found) is None  # no asked word is next to it
    slot = answer_slot(replace(info, asked_terms=info.asked_terms + syn), "Elbonia now has 11,000 troops.", found)
    assert (slot.kind, slot.text) == ("count", "11,000")


def test_the_questions_own_word_wins_over_a_word_close_to_it(fake_embedder):
    """"received" is close to "supplied" in meaning and opposite in fact: the figure beside "supplied" is the answer."""
    from tests.test_evidence import _candidates

    text = "Elbonia supplied Freedonia with $10 billion of grain but received $1.2 billion in return."
    vectors = WordVectors()

    class Embedder:
        def embed(self, texts):
            return np.stack([fake_embedder.embed([t])[0] if " " in t else vectors([t])[0] for t in texts])

    cands = _candidates(Embedder(), text, "How much has Elbonia supplied to Freedonia?", title="Elbonia")
    assert cands[0].slot.text == "$10 billion"
