"""Grounded answers on the seed corpus: attribution, both sources, abstention, follow-ups, streaming."""
from __future__ import annotations

import re

import pytest

from rag.models import Answer, Turn
from rag.query import analyze, rewrite_followup, split_question

pytestmark = pytest.mark.slow

GOW = "gateofwise-kim-ai-drones-top-defense-priority.md"
KIM = "kim-ai-top-priority-strongest-position.md"
PYO = "pyongyang-ai-drones-national-priorities.md"


def _assert_verbatim(answer: Answer, chain):
    for q in answer.quotes:
        assert chain.documents(q.source.id).text[q.start:q.end] == q.text
        assert f"[{q.id}]" in answer.answer


def test_russia_question_quotes_both_figures_attributed(seed_chain):
    a = seed_chain.invoke("How much did Russia give North Korea?")
    assert not a.abstained
    paths = {q.source.path for q in a.quotes}
    assert {GOW, KIM} <= paths
    text = " ".join(q.text for q in a.quotes)
    assert "less than $1.2 billion" in text and "$457m to $1.19bn" in text
    assert "GateOfWise" in a.answer and "German think tank" in a.answer
    _assert_verbatim(a, seed_chain)


# A question set of our own: (question, source that must be quoted, fact pattern in the quotes)
ANSWERABLE = [
    ("How many reservists does North Korea have?", GOW, r"seven million reservists"),
    ("How many nuclear warheads has North Korea produced?", PYO, r"50-70 warheads"),
    ("Who is Park Ji-hoon?", PYO, r"29-year-old defector"),
    ("When did Kim and Putin sign the defense pact?", GOW, r"2024"),
    ("What share of North Korea's population is undernourished?", PYO, r"40%"),
    # passes since "AI" (spelt out "artificial intelligence (AI)") is no name: the sentence naming only it lost its slot
    ("Which hacking group is blamed for North Korean cyberattacks?", PYO, r"Lazarus"),
    ("In what year did Kim Jong Un assume power?", PYO, r"2011"),
    ("how many resevists does north korea hav?", GOW, r"seven million"),
    # passes with the shipped weights; a retrain may lose it ('people' vs 'population' gives the right sentence
    # no answer slot, and a sentence counting troops can outscore it)
    ("How many people live in North Korea?", GOW, r"25\.6 million"),
    ("Who did Kim meet in Beijing?", GOW, r"Xi Jinping"),
    ("What did Park Ji-hoon say?", PYO, r"People hear about these big projects"),
    ("How did the U.S. State Department respond on September 19?", PYO, r"reiterated its commitment"),
]


@pytest.mark.parametrize("question,path,fact", ANSWERABLE)
def test_answerable_questions(seed_chain, question, path, fact):
    a = seed_chain.invoke(question)
    assert not a.abstained, a.answer
    assert path in {q.source.path for q in a.quotes}
    assert re.search(fact, " ".join(q.text for q in a.quotes))
    _assert_verbatim(a, seed_chain)


UNANSWERABLE = [
    "What is the capital of France?",
    "How much did China give North Korea?",
    "How many drones were tested at the complex?",
    pytest.param("Which model of fighter jet did Russia give North Korea?", marks=pytest.mark.xfail(
        reason="learned reader answers with the sentence saying 'possibly some fighter jets' (no model named)",
        strict=False)),
    "What did Kim say about Elon Musk?",
    "What did the Moonies leader get arrested for?",  # only in a stripped "Recommended Stories" list
    pytest.param("Who leads South Korea?", marks=pytest.mark.xfail(  # a country's name is not a person's
        reason="learned reader (retrained with more news cases, bar 0.22): a sentence about another leader "
               "and South Korea's drills clears the bar", strict=False)),
    "What did China say about the drone program?",  # China is mentioned, but never quoted as saying anything
    "What is Russia's opinion on the drones?",
]


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_abstain(seed_chain, question):
    a = seed_chain.invoke(question)
    assert a.abstained, a.answer
    assert "sources don't say" in a.answer
    _assert_verbatim(a, seed_chain)


def test_partly_answerable_question_says_which_part_is_missing(seed_chain):
    a = seed_chain.invoke("How many reservists does North Korea have and how many drones were tested?")
    assert not a.abstained
    assert "Not answered by the sources" in a.answer and "drones were tested" in a.answer


def test_followup_is_rewritten_and_answered(seed_chain):
    a = seed_chain.invoke({"question": "and what did it get in return?",
                           "history": [{"question": "How much did Russia give North Korea?", "answer": "…"}]})
    assert a.interpreted_as == "What did Russia get in return?"  # "it" after "did" is the one acting: the giver


def test_followup_is_answered(seed_chain):
    # passes with the shipped weights; the right span scores near the calibrated bar, so a retrain may lose it
    a = seed_chain.invoke({"question": "and what did it get in return?",
                           "history": [{"question": "How much did Russia give North Korea?", "answer": "…"}]})
    assert not a.abstained


def test_no_agreement_is_claimed_when_each_quote_holds_another_figure(seed_chain):
    # both quotes hold what one side gave ("$10 billion of weapons") beside what it got in return: a slot read
    # from such a quote may be the wrong figure, so "they give the same answer" would be unchecked agreement
    a = seed_chain.invoke({"question": "How much was it worth?",
                           "history": [{"question": "What did Russia give North Korea in return for weapons "
                                                    "and troops?", "answer": ""}]})
    assert len(a.quotes) >= 2 and "same answer" not in a.answer


def test_stream_yields_partials_then_the_final_answer(seed_chain):
    events = list(seed_chain.stream("How much did Russia give North Korea?"))
    assert len(events) >= 2 and all(not e.complete for e in events[:-1]) and events[-1].complete
    assert events[-1] == seed_chain.invoke("How much did Russia give North Korea?").model_copy(
        update={"timings_ms": events[-1].timings_ms})


def test_batch(seed_chain):
    out = seed_chain.batch(["How many reservists does North Korea have?", "What is the capital of France?"])
    assert [a.abstained for a in out] == [False, True]


@pytest.mark.parametrize("question,history,expected", [
    ("and what did it get in return?", ["How much did Russia give North Korea?"], "What did Russia get in return?"),
    ("And what did it get in return?", ["What has North Korea given Russia for the war in Ukraine?"],
     "What did North Korea get in return?"),
    ("When was it signed?", ["What agreement did Kim sign with Putin?"], "When was the agreement (Kim, Putin) signed?"),
    ("How much was it worth?", ["What did Russia give North Korea in return for weapons and troops?"],
     "How much was it worth (What did Russia give North Korea in return for weapons and troops)?"),
    ("What about China?", ["How much did Russia give North Korea?"], "How much did China give North Korea?"),
    ("What did he say about drones?", ["What did Kim Jong Un announce?"], "What did Kim Jong Un say about drones?"),
    ("How many reservists does North Korea have?", ["Who is Park Ji-hoon?"], None),
])
def test_followup_rewriting(question, history, expected):
    assert rewrite_followup(question, [Turn(h) for h in history]) == expected


def test_question_analysis():
    assert analyze("How much did Russia give North Korea?").answer_type == "money"
    assert analyze("How many reservists are there?").answer_type == "count"
    assert analyze("What was the profession of Henry Moseley?").entity_names == ["Henry Moseley"]
    assert analyze("When was Stephen O'Mara born?").entity_names == ["Stephen O'Mara"]
    # a quoted title is one name as written; a quoted saying is none
    assert analyze('Who is the artist of the song "It\'s Raining"?').entity_names == ["It's Raining"]
    assert analyze('Is "The 1975" a band from Ostra?').entity_names == ["The 1975", "Ostra"]
    assert analyze('Who said "we will win"?').entity_names == []
    assert analyze("How much did Ostra's Harbour Board pay?").entity_names == ["Ostra", "Harbour Board"]
    assert analyze("When was the pact signed?").answer_type == "date"
    assert analyze("What time does the museum open?").answer_type == "date"
    # a title's article names no subject
    assert analyze('Who painted "The Lantern Girl"?').subject_stems == ["lantern", "girl"]
    assert analyze("What was the men's winning time at the Tour of Quillon?").answer_type == "measure"
    assert analyze("Which group carried out the attacks?").answer_type == "name"
    assert split_question("How much did Russia pay and when did China sign?") == [
        "How much did Russia pay", "when did China sign?"]


def test_syndicated_copy_counts_as_one_source(make_settings):
    """A copy of a story is one voice: no false corroboration, no disagreement with itself."""
    from rag.chain import build_chain
    from rag.index import Index

    s = make_settings()
    story = ("The council said the new ferry terminal cost 14 million euros. Work on the terminal began in 2021 and "
             "ended this spring. The mayor called the terminal a gateway for the islands. Critics said the money "
             "could have gone to schools instead.")
    (s.corpus_dir / "original.md").write_text(f"---\ntitle: Terminal opens\noutlet: Island Post\n---\n{story}\n",
                                              encoding="utf-8")
    (s.corpus_dir / "copy.md").write_text(f"---\ntitle: Ferry terminal opens\noutlet: Coast Wire\n---\n"
                                          f"By staff. {story}\n", encoding="utf-8")
    (s.corpus_dir / "other.md").write_text("---\ntitle: Budget\noutlet: City Daily\n---\nThe finance office put "
                                           "the ferry terminal cost at 14 million euros in its annual report.\n",
                                           encoding="utf-8")
    Index(s).ingest()
    a = build_chain(s).invoke("How much did the ferry terminal cost?")
    assert not a.abstained and not a.conflicts
    assert {q.source.path for q in a.quotes} == {"original.md", "copy.md", "other.md"}
    assert re.search(r"(Island Post and Coast Wire|Coast Wire and Island Post) are copies of the same story", a.answer)
    assert a.independent_sources == 2
