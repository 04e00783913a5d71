"""The learned answer scorer: shipped weights, the data they name, and the training maths (no model load)."""
import json
from pathlib import Path

import numpy as np
import pytest

from rag.evidence import FEATURES
from rag.scorer import WEIGHTS_FILE, load_scorer
from rag.train_scorer import data_digest, fit

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_weights_match_the_features_and_the_training_data():
    raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert tuple(raw["features"]) == FEATURES
    for name, digest in raw["trained_on"].items():
        assert data_digest(ROOT / "evals" / name) == digest, f"{name} changed: retrain with python -m rag.train_scorer"
    scorer = load_scorer()
    assert 0 < scorer.threshold < 1 and 0 < scorer.source_threshold < 1
    assert raw["calibration"]["curve"], "the precision/recall curve of the bar is recorded"


def test_weights_for_other_features_are_refused(tmp_path):
    raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    raw["features"] = raw["features"][:-1] + ["something_else"]
    path = tmp_path / "w.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(RuntimeError, match="retrain"):
        load_scorer(path)


def test_fit_learns_a_signal_deterministically_and_scores_like_scikit_learn(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] > 0).astype(float)
    a, b = fit(x, y, np.ones(len(y))), fit(x, y, np.ones(len(y)))
    assert np.array_equal(a.probability(x), b.probability(x))
    assert ((a.probability(x) > 0.5) == (y > 0)).mean() > 0.9
    held_out = rng.normal(size=(300, len(FEATURES)))
    assert ((a.probability(held_out) > 0.5) == (held_out[:, 0] + 0.5 * held_out[:, 3] > 0)).mean() > 0.85
    weighted = fit(x, y, np.where(x[:, 0] > 0, 5.0, 1.0))
    assert not np.array_equal(weighted.probability(x), a.probability(x))  # sample weights are used
    path = tmp_path / "w.json"  # what is written is what is scored
    path.write_text(a.to_json({"trained_on": {}}), encoding="utf-8")
    assert np.allclose(load_scorer(path).probability(held_out), a.probability(held_out), atol=1e-12)


def _questions(rng, n=60):
    from rag.train_scorer import QuestionRows

    out = []
    for _ in range(n):
        x, foreign = rng.normal(size=(8, len(FEATURES))), rng.normal(size=(5, len(FEATURES)))
        out.append(QuestionRows(1.0, x, (x[:, 0] > 0.5).astype(float), ["d"] * 8, set(), foreign, ["e"] * 5,
                                np.ones(8, dtype=bool), np.ones(5, dtype=bool)))
    return out


@pytest.mark.slow  # four fits of 1,500 trees: about 50 s
def test_the_check_accepts_a_retrain_within_float_noise_and_refuses_another_model_or_other_data(tmp_path, capsys):
    from dataclasses import replace

    from rag.train_scorer import _check, training_set

    rng = np.random.default_rng(1)
    data = _questions(rng)
    model = fit(*training_set(data), 0.3, 0.3)
    meta = {"trained_on": {"a.jsonl": "0" * 64}, "questions": 60, "candidates": 480, "positives": 90}
    path = tmp_path / "w.json"
    path.write_text(model.to_json(meta) + "\n", encoding="utf-8")
    noisy = [replace(q, x=q.x + rng.normal(scale=1e-6, size=q.x.shape)) for q in data]  # another CPU's last bits
    retrained = fit(*training_set(noisy), 0.3, 0.3)
    assert _check(path, retrained.to_json(meta) + "\n", retrained, data, "a.jsonl") == 0
    assert "up to this CPU's float noise" in capsys.readouterr().err
    other = fit(*training_set(data), 0.3, 0.3, seed=1)  # other bootstrap samples: more than noise
    assert _check(path, other.to_json(meta) + "\n", other, data, "a.jsonl") == 1
    assert "is NOT what training" in capsys.readouterr().err
    assert _check(path, model.to_json({**meta, "positives": 91}) + "\n", model, data, "a.jsonl") == 1
    assert "other data" in capsys.readouterr().err
    assert _check(path, model.to_json(meta) + "\n", model, data, "a.jsonl") == 0
    assert "exactly" in capsys.readouterr().err


def test_the_bar_sits_on_a_plateau_not_on_a_lone_spike():
    from rag.train_scorer import _smoothed

    objective = [0.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.6, 0.6, 0.6, 0.6, 0.6, 0.0]
    assert int(np.argmax(objective)) == 2
    assert 6 <= int(np.argmax(_smoothed(objective))) <= 10


def test_of_bars_within_noise_of_the_best_the_lowest_is_chosen():
    from rag.train_scorer import lowest_near_best

    objective = np.array([0.50, 0.60, 0.628, 0.629, 0.62, 0.55])
    assert lowest_near_best(objective, 0.002) == 2  # 0.628 is within one question of 0.629
    assert lowest_near_best(objective, 0.0005) == 3
    assert lowest_near_best(objective, 0.0) == 3


def test_a_further_source_naming_only_the_last_word_of_the_subject_is_not_quoted_beside_a_full_one():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored

    def scored(doc: str, text: str, cover: float, p: float) -> Scored:
        f = np.zeros(len(FEATURES), dtype=np.float32)
        f[FEATURES.index("entity_document")] = cover
        s = Sentence(doc, 0, len(text), text, "", -1)
        return Scored(Candidate(s, 0, len(text), text, f, True), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    full = scored("guerin", "Guerin High School was established in 1962.", 1.0, 0.9)
    other = scored("franklin", "Franklin County High School was opened in 1958.", 0.5, 0.6)  # "School" only
    also = scored("guerin-b", "Guerin High School opened its doors in 1962.", 1.0, 0.5)
    assert [s.candidate.doc_id for s in answerer.select([full, other, also])] == ["guerin", "guerin-b"]
    assert [s.candidate.doc_id for s in answerer.select([other, also])] == ["franklin", "guerin-b"]  # no full one first


def test_beside_a_figure_a_further_source_without_a_figure_of_its_kind_is_not_quoted():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.query import analyze
    from rag.values import values

    info = analyze("How many reservists does Elbonia have?")

    def scored(doc: str, text: str, p: float) -> Scored:
        found = tuple(values(info, text))
        slot = AnswerSlot(kind="count", text=found[0].text) if found else None
        f = np.ones(len(FEATURES), dtype=np.float32)
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, found, slot), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    best = scored("a", "Elbonia has over seven million reservists.", 0.9)
    figure = scored("b", "Its reserve force numbers about 7 million.", 0.5)
    none = scored("c", "Elbonia has developed the KN-23 missile and other weapons.", 0.5)  # a model number counts nothing
    assert [s.candidate.doc_id for s in answerer.select([best, figure, none])] == ["a", "b"]
    assert [s.candidate.doc_id for s in answerer.select([none, best])] == ["c", "a"]  # no figure first: no rule


def test_a_span_that_only_counts_things_of_another_kind_is_no_answer_to_how_many():
    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.query import analyze
    from rag.values import values

    def scored(info, doc: str, text: str, p: float) -> Scored:
        found = tuple(values(info, text))
        slot = AnswerSlot(kind="count", text=found[0].text) if found else None
        f = np.ones(len(FEATURES), dtype=np.float32)
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, found, slot), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    info = analyze("How many nuclear warheads has Elbonia built?")
    best = scored(info, "a", "Elbonia has built an estimated 50-70 warheads.", 0.9)
    soldiers = scored(info, "b", "Elbonia also keeps one million active duty soldiers and 25.6 million citizens.", 0.5)
    bombs = scored(info, "c", "Its arsenal holds about 60 atomic bombs.", 0.5)
    assert [s.candidate.doc_id for s in answerer.select([best, soldiers, bombs], info)] == ["a", "c"]
    assert [s.candidate.doc_id for s in answerer.select([soldiers, best, bombs], info)] == ["a", "c"]  # even the best
    assert answerer.select([soldiers], info) == []
    assert [s.candidate.doc_id for s in answerer.select([best, soldiers, bombs])] == ["a", "b", "c"]  # no question

    info = analyze("How many people died in the Elbonian floods?")  # deaths are events too: they may count people
    best = scored(info, "a", "The Elbonian floods killed 41 people.", 0.9)
    deaths = scored(info, "b", "Elbonia counted 38 deaths from the floods.", 0.5)
    assert [s.candidate.doc_id for s in answerer.select([best, deaths], info)] == ["a", "b"]


def test_wordnet_tells_what_a_count_counts():
    from rag.noun_kinds import asked_count_noun, counted_noun, other_kinds

    assert asked_count_noun("How many North Korean soldiers have died?") == "soldiers"
    assert asked_count_noun("How many dock workers lost their jobs?") == "workers"
    assert asked_count_noun("how many nuclar warheds dose elbonia have") is None  # no plural WordNet knows
    assert asked_count_noun("What share of the vote did she win?") is None
    assert asked_count_noun("How many people were evacuated?") == "people"  # plural with no singular
    assert asked_count_noun("How many police officers were hurt?") == "officers"
    assert counted_noun(" active duty soldiers and over seven million reservists") == "soldiers"
    assert counted_noun(" of troops for the war") == "troops"
    assert counted_noun(" warhead was found") == "warhead"
    assert counted_noun(", officials said") is None
    assert other_kinds("warheads", "soldiers") and other_kinds("workers", "ships")
    assert not other_kinds("soldiers", "troops")  # a group of people counts people
    assert not other_kinds("people", "fatalities")  # a fatality is also an event
    assert not other_kinds("drones", "troops")  # a drone may be an idler
    assert not other_kinds("warheads", "zorblats")  # a word WordNet does not know may count anything


def test_wordnet_tells_a_question_asking_for_a_thing_from_a_persons_name():
    from rag.noun_kinds import asks_for_a_thing, reads_a_person

    assert asks_for_a_thing("Which company won the contract to build the tram extension?")
    assert asks_for_a_thing("What is the name of the German think tank that estimated the aid?")
    assert not asks_for_a_thing("Which striker scored the winner?")  # a striker is a person
    assert not asks_for_a_thing("Which company director resigned?")  # so is a director
    assert not asks_for_a_thing("What did the mayor say?") and not asks_for_a_thing("Who won?")
    text = "The deal will lift its order book, chief executive Saskia Doorn said, beside President Ana Park."
    assert reads_a_person(text, text.index("Saskia"), "Saskia Doorn")  # after a noun naming a person
    assert reads_a_person(text, text.index("President"), "President Ana Park")  # a title, a first name, a surname
    other = "The city picked the builder Orvane Construction, not General Motors or Saint Mary's Hospital."
    assert not reads_a_person(other, other.index("Orvane"), "Orvane Construction")  # a builder may be a company
    assert not reads_a_person(other, other.index("General"), "General Motors")  # a title's word opens names of things
    assert not reads_a_person(other, other.index("Saint"), "Saint Mary's Hospital")


def test_a_persons_name_is_no_answer_slot_for_which_thing():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.query import analyze
    from rag.values import values

    def scored(info, doc: str, text: str, p: float, slot: str) -> Scored:
        found = tuple(values(info, text))
        f = np.ones(len(FEATURES), dtype=np.float32)
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, found,
                                AnswerSlot(kind="name", text=slot)), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    info = analyze("Which company won the contract to build the Velmont tram extension?")
    best = scored(info, "a", "Orvane Construction has won the contract for the Velmont tram.", 0.9, "Orvane Construction")
    boss = scored(info, "b", "The Velmont award is Orvane's largest, chief executive Saskia Doorn said.", 0.5,
                  "Saskia Doorn")
    quoted = answerer.select([best, boss], info)
    assert [s.candidate.doc_id for s in quoted] == ["a", "b"]  # still quoted, as it scores so
    assert [s.candidate.slot.text if s.candidate.slot else None for s in quoted] == ["Orvane Construction", None]
    who = analyze("Who said the Velmont award is Orvane's largest?")  # a person asked for keeps it
    assert answerer.select([scored(who, "b", boss.candidate.text, 0.5, "Saskia Doorn")], who)[0].candidate.slot


def test_a_source_is_quoted_with_the_next_sentence_when_that_longer_span_clears_the_bar_too():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.values import Value

    text = "Hackers stole the details of 86,000 customers. The stolen data included names and addresses."
    first, second = text.split(". ")[0] + ".", text.split(". ")[1]

    def scored(start: int, end: int, p: float, slot=None, found=()) -> Scored:
        f = np.ones(len(FEATURES), dtype=np.float32)
        s = Sentence("bank", start, end, text[start:end], "", -1)
        return Scored(Candidate(s, start, end, text[start:end], f, True, found, slot), p)

    from dataclasses import replace

    from rag.scorer import load_scorer

    answerer = ExtractiveAnswerer(embedder=None, scorer=replace(load_scorer(), source_threshold=0.2),
                                  config=ExtractiveConfig(threshold=0.2))
    best = scored(0, len(first), 0.6)
    joined = scored(0, len(text), 0.3)  # the next sentence with this one: it names no subject of its own
    alone = scored(len(first) + 1, len(text), 0.1)
    (quoted,) = answerer.select([best, joined, alone])
    assert quoted.candidate.text == text and quoted.p == 0.6
    # under the bar, or when the next sentence holds another value of the kind asked for than the best span's
    # answer (it would go uncompared), the best span alone is quoted
    assert answerer.select([best, scored(0, len(text), 0.1)])[0].candidate.text == first
    named = scored(0, len(first), 0.6, AnswerSlot(kind="count", text="86,000"))
    assert answerer.select([named, joined])[0].candidate.text == text  # nothing else to compare
    other = scored(0, len(text), 0.3, found=(Value("count", "9,000", 0, 5),))
    assert answerer.select([named, other])[0].candidate.text == first


def test_below_the_bar_a_source_giving_the_figure_next_to_an_asked_word_is_quoted_to_be_compared():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import WITNESS_FLOOR, ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot

    def scored(doc: str, text: str, p: float, figure: str | None, near: bool = True, named: float = 1.0) -> Scored:
        f = np.ones(len(FEATURES), dtype=np.float32)
        f[FEATURES.index("value_near_term")], f[FEATURES.index("entity_document")] = float(near), named
        slot = AnswerSlot(kind="money", text=figure) if figure else None
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, (), slot), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    best = scored("a", "The Elm Street bridge cost 46 million euros.", 0.6, "46 million euros")
    other = scored("b", "It cost 64 million euros.", WITNESS_FLOOR + 0.01, "64 million euros")
    assert [s.candidate.doc_id for s in answerer.select([best, other])] == ["a", "b"]
    # not below the floor, not a figure away from the asked words, not from a document that does not name the
    # subject in full, not when the answer is no figure
    assert len(answerer.select([best, scored("b", other.candidate.text, WITNESS_FLOOR / 2, "64 million euros")])) == 1
    assert len(answerer.select([best, scored("b", other.candidate.text, 0.1, "64 million euros", near=False)])) == 1
    assert len(answerer.select([best, scored("b", other.candidate.text, 0.1, "64 million euros", named=0.5)])) == 1
    named = scored("a", "The Elm Street bridge was built by Korda.", 0.6, None)
    assert len(answerer.select([named, other])) == 1


def test_only_a_sources_best_span_is_a_witness():
    """Below a source's best span, a figure is more likely about something else."""
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.query import analyze

    def scored(doc: str, text: str, p: float, figure: str | None) -> Scored:
        f = np.ones(len(FEATURES), dtype=np.float32)
        slot = AnswerSlot(kind="count", text=figure) if figure else None
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, (), slot), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    info = analyze("How many people were evacuated from Portmere?")
    best = scored("a", "More than 1,000 people were evacuated from Portmere overnight.", 0.8, "1,000")
    moved = scored("b", "About 1,400 residents were moved to shelters in Portmere.", 0.1, None)
    hospital = scored("b", "Two people were taken to hospital.", 0.08, "Two")
    evacuated = scored("c", "Some 1,400 people were evacuated.", 0.07, "1,400")
    assert [s.candidate.doc_id for s in answerer.select([best, moved, hospital, evacuated], info)] == ["a", "c"]
    assert [s.candidate.doc_id for s in answerer.select([best, hospital, evacuated], info)] == ["a", "b", "c"]


def test_for_a_question_naming_nothing_further_sources_tell_the_best_sources_story():
    """ "How many people were taken to hospital?" also retrieves another story's count of people."""
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot, DocMeta, Document
    from rag.query import analyze

    texts = {"a": "Floods hit Portmere. Two people were taken to hospital.",
             "b": "Portmere was flooded on Friday. Three people were treated in hospital.",
             "c": "Veltra will buy Norhaven. Norhaven employs 6,500 people."}
    documents = {d: Document(d, t, DocMeta(path=f"{d}.md")) for d, t in texts.items()}

    def scored(doc: str, p: float, figure: str) -> Scored:
        text = texts[doc].split(". ")[1]
        f = np.ones(len(FEATURES), dtype=np.float32)
        return Scored(Candidate(Sentence(doc, 0, len(text), text, "", -1), 0, len(text), text, f, True, (),
                                AnswerSlot(kind="count", text=figure)), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    ranked = [scored("a", 0.8, "Two"), scored("c", 0.5, "6,500"), scored("b", 0.4, "Three")]
    nameless = analyze("How many people were taken to hospital?")
    assert [s.candidate.doc_id for s in answerer.select(ranked, nameless, documents)] == ["a", "b"]
    assert [s.candidate.doc_id for s in answerer.select(ranked, nameless)] == ["a", "c", "b"]  # no documents: no check
    # a question that names something is tied to its sources by the name
    named = analyze("How many people did Portmere's floods send to hospital?")
    assert [s.candidate.doc_id for s in answerer.select(ranked, named, documents)] == ["a", "c", "b"]


def test_a_source_is_quoted_by_its_span_giving_the_figure_when_its_best_span_gives_none():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot

    def scored(doc: str, start: int, text: str, p: float, slot: AnswerSlot | None) -> Scored:
        f = np.ones(len(FEATURES), dtype=np.float32)
        return Scored(Candidate(Sentence(doc, start, start + len(text), text, "", -1), start, start + len(text), text,
                                f, True, (), slot), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.1))
    named = scored("a", 0, "Work on the Orla Bank wind farm, 22 km off the coast, starts in May.", 0.3, None)
    figure = scored("a", 80, "Each one will stand 240 metres tall.", 0.2,
                    AnswerSlot(kind="measure", text="240 metres"))
    (quoted,) = answerer.select([named, figure])
    assert quoted.candidate.text == figure.candidate.text
    # a name or phrase read so is not preferred (they gave false notes), nor a span under the bar
    phrase = scored("a", 80, "Each one is a new design.", 0.2, AnswerSlot(kind="phrase", text="new design"))
    assert answerer.select([named, phrase])[0].candidate.text == named.candidate.text
    low = scored("a", 80, figure.candidate.text, answerer.source_threshold / 2, figure.candidate.slot)
    assert answerer.select([named, low])[0].candidate.text == named.candidate.text
    dated = scored("a", 80, "Work starts on 3 May.", 0.2, AnswerSlot(kind="date", text="3 May"))
    assert answerer.select([named, dated])[0].candidate.text == dated.candidate.text


def test_repeated_cv_reports_the_spread_over_fold_assignments():
    from rag.train_scorer import QuestionRows, repeated_cv

    rng = np.random.default_rng(1)
    data = []
    for i in range(40):  # questions whose right sentence carries the signal in feature 0
        x = rng.normal(size=(6, len(FEATURES)))
        y = np.zeros(6)
        y[i % 6] = 1.0
        x[i % 6, 0] += 3.0
        empty = np.zeros((0, len(FEATURES)))
        data.append(QuestionRows(1.0, x, y, [f"d{i}-{j}" for j in range(6)], {f"d{i}-{i % 6}"}, empty, [],
                                 np.ones(6, dtype=bool), np.zeros(0, dtype=bool)))
    report = repeated_cv(data, 2)
    assert report.startswith("over 2 fold assignments: top span right ")
    top = float(report.split("top span right ")[1].split(" ")[0])
    assert top > 0.8  # the signal is learned out of fold, whatever the assignment


def test_another_seed_draws_other_models_and_seed_zero_is_the_default():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, 0] > 0).astype(float)
    w = np.ones(len(y))
    assert np.array_equal(fit(x, y, w).probability(x), fit(x, y, w, seed=0).probability(x))
    assert not np.array_equal(fit(x, y, w).probability(x), fit(x, y, w, seed=1).probability(x))


def test_rag_scorer_weights_chooses_the_weights_and_a_missing_file_is_a_clear_error(tmp_path, seed_settings):
    from rag.pipeline import build_pipeline
    from rag.settings import SettingsError

    raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    raw["threshold"] = 0.77
    path = tmp_path / "seed1.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert build_pipeline(seed_settings.model_copy(update={"scorer_weights": path})).answerer.threshold == 0.77
    missing = tmp_path / "none.json"
    with pytest.raises(SettingsError, match=f"no answer scorer weights at {missing}"):
        build_pipeline(seed_settings.model_copy(update={"scorer_weights": missing}))


def test_a_further_source_gives_its_one_figure_in_the_answers_unit_to_be_compared():
    import numpy as np

    from rag.evidence import FEATURES, Candidate, Sentence
    from rag.extractive import WITNESS_FLOOR, ExtractiveAnswerer, ExtractiveConfig, Scored
    from rag.models import AnswerSlot
    from rag.query import analyze
    from rag.values import values

    cost, power = analyze("How much did the Kessel Island ferry terminal cost?"), analyze("How much power will it make?")

    def scored(doc: str, text: str, p: float, slot: str | None = None, about: float = 1.0, words: float = 1.0,
               start: int = 0, info=cost) -> Scored:
        f = np.ones(len(FEATURES), dtype=np.float32)
        f[FEATURES.index("value_near_term")] = float(slot is not None)
        f[FEATURES.index("entity_context")], f[FEATURES.index("content_overlap")] = about, words
        found = tuple(values(info, text))
        s = Sentence(doc, start, start + len(text), text, "", -1)
        return Scored(Candidate(s, start, start + len(text), text, f, True, found,
                                AnswerSlot(kind=found[0].kind, text=slot) if slot else None), p)

    answerer = ExtractiveAnswerer(embedder=None, config=ExtractiveConfig(threshold=0.2))
    best = scored("a", "The regional council said the project cost 14 million euros.", 0.6, "14 million euros")
    bill = "Officials put the final bill at 16.5 million euros, well above the 11 million first budgeted."
    quoted = answerer.select([best, scored("b", bill, WITNESS_FLOOR + 0.05)])
    assert [(s.candidate.doc_id, s.candidate.slot.text) for s in quoted] == [
        ("a", "14 million euros"), ("b", "16.5 million euros")]
    # not under the floor, not when the span does not name the subject or holds no other word of the question,
    # not in another unit, not when it gives two figures in the unit (which one would be a guess)
    for other in (scored("b", bill, WITNESS_FLOOR / 2), scored("b", bill, 0.1, about=0.5),
                  scored("b", bill, 0.1, words=0.0), scored("b", "Its budget was 16.5 million dollars.", 0.1),
                  scored("b", "The bill was 16.5 million euros, not 15 million euros.", 0.1)):
        assert len(answerer.select([best, other])) == 1
    # a source over the bar whose best span gives another measure is quoted by its span in the answer's unit
    made = scored("a", "Its power station will generate 620 megawatts.", 0.6, "620 megawatts", info=power)
    height = scored("b", "The dam rises 138 metres above the river bed.", 0.4, "138 metres", info=power)
    capacity = scored("b", "Its turbines have a capacity of 650 megawatts.", 0.1, start=60, info=power)
    assert [s.candidate.slot.text for s in answerer.select([made, height, capacity])] == [
        "620 megawatts", "650 megawatts"]
    assert [s.candidate.slot.text for s in answerer.select([made, height])] == ["620 megawatts", "138 metres"]
