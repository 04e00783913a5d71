"""Disagreement notes: claim extraction, slot matching, comparison, independent voices."""
from __future__ import annotations

import json
import math
import re
from itertools import product
from pathlib import Path

import pytest

from rag.claims import extract_claims
from rag.disagree import (PassagePair, asked_kinds, comparable, conflicts_markdown, evaluate_pairs,
                          find_conflicts, independent_groups, predict, relate)
from rag.models import DocMeta, Document, Quote, Source

REPO = Path(__file__).resolve().parent.parent
PAIRS = [json.loads(line) for line in (REPO / "evals/disagree_pairs.jsonl").read_text().splitlines() if line]
GATE = "gateofwise-kim-ai-drones-top-defense-priority.md"
THINK_TANK = "kim-ai-top-priority-strongest-position.md"


def _pair(row: dict) -> PassagePair:
    return PassagePair(**{k: v for k, v in row.items() if k not in ("id", "compared")})


def _load(path: Path) -> Document:
    front, text = path.read_text(encoding="utf-8").split("---", 2)[1:]
    meta = {k: (None if v.strip() == "null" else v.strip()) for k, v in re.findall(r"^(\w+): (.*)$", front, re.M)}
    return Document(path.name, text, DocMeta(path=path.name, title=meta.get("title"), outlet=meta.get("outlet"),
                                             published=meta.get("published")))


@pytest.fixture(scope="module")
def corpus() -> dict[str, Document]:
    return {d.id: d for d in map(_load, sorted((REPO / "corpus").glob("*.md")))}


def _quote(qid: int, doc: Document, passage: str) -> Quote:
    start = doc.text.index(passage)
    return Quote(id=qid, text=passage, source=Source.from_meta(doc.id, doc.meta), start=start, end=start + len(passage))


def _doc(doc_id: str, text: str, outlet: str, published: str | None = None) -> Document:
    return Document(doc_id, text, DocMeta(path=f"{doc_id}.md", outlet=outlet, published=published))


# ---- claims ---------------------------------------------------------------------------------
B, M = 1e9, 1e6


@pytest.mark.parametrize("text, surface, kind, qualifier, unit, low, high", [
    ("It received less than $1.2 billion in food.", "less than $1.2 billion", "money", "upper", "USD", 0, 1.2 * B),
    ("It supplied nearly $10 billion worth of weapons.", "nearly $10 billion", "money", "about", "USD", 9 * B, 10 * B),
    ("It only received some $457m to $1.19bn in return.", "some $457m to $1.19bn", "money", "range", "USD",
     456.5 * M, 1.195 * B),
    ("The bill came to €1,190 million.", "€1,190 million", "money", "exact", "EUR", 1189.5 * M, 1190.5 * M),
    ("The deal was worth £2bn.", "£2bn", "money", "exact", "GBP", 1.5 * B, 2.5 * B),
    ("Costs were between $5bn and $6bn.", "between $5bn and $6bn", "money", "range", "USD", 4.5 * B, 6.5 * B),
    ("Costs were $5-6 billion.", "$5-6 billion", "money", "range", "USD", 4.5 * B, 6.5 * B),
    ("Costs were $5 billion – $6 billion.", "$5 billion – $6 billion", "money", "range", "USD", 4.5 * B, 6.5 * B),
    ("Damage cost at least $3bn.", "at least $3bn", "money", "lower", "USD", 3 * B, math.inf),
    ("It lost more than 2 billion dollars.", "more than 2 billion dollars", "money", "lower", "USD", 2 * B, math.inf),
    ("The fine is up to $500m.", "up to $500m", "money", "upper", "USD", 0, 500 * M),
    ("It maintains around one million active duty soldiers.", "around one million active duty soldiers",
     "count", "about", "soldiers", 0.5 * M, 1.5 * M),
    ("It has over seven million reservists.", "over seven million reservists", "count", "lower", "reservists",
     7 * M, math.inf),
    ("It sent tens of thousands of troops.", "tens of thousands of troops", "count", "about", "troops", 1e4, 1e5),
    ("It has produced an estimated 50-70 warheads.", "an estimated 50-70 warheads", "count", "range", "warheads",
     49.5, 70.5),
    ("It has a population of about 25.6 million.", "population of about 25.6 million", "count", "about", "population",
     25.6 * M * 0.9, 25.6 * M * 1.1),
    ("Over 40% of the population is undernourished.", "Over 40%", "percent", "lower", "%", 40, 100),
    ("Some 40 percent are undernourished.", "Some 40 percent", "percent", "about", "%", 36, 44),
    ("Rates rose 3 percentage points.", "3 percentage points", "percent", "exact", "pp", 2.5, 3.5),
    ("It recalled half a million packs.", "half a million packs", "count", "exact", "packs", 0.25 * M, 0.75 * M),
])
def test_claim_types_and_formats(text, surface, kind, qualifier, unit, low, high):
    claims = [c for c in extract_claims(text) if c.surface == surface]
    assert len(claims) == 1, [c.surface for c in extract_claims(text)]
    m = claims[0].mention
    assert (m.kind, m.qualifier, m.unit) == (kind, qualifier, unit)
    assert m.low == pytest.approx(low) and m.high == pytest.approx(high)
    assert text[m.start:m.end] == surface


@pytest.mark.parametrize("text, published, day_range, assumption", [
    ("In 2024, the pact was signed.", None, ("2024-01-01", "2025-01-01"), None),
    ("Last year, the pact was signed.", "2025-09-19", ("2024-01-01", "2025-01-01"), "2024"),
    ("The minister resigned last month.", "2025-01-10", ("2024-12-01", "2025-01-01"), "December 2024"),
    ("It opened on September 19, 2025.", None, ("2025-09-19", "2025-09-20"), None),
    ("Published On 19 Sep 2025", None, ("2025-09-19", "2025-09-20"), None),
    ("The factory closed in March 2024.", None, ("2024-03-01", "2024-04-01"), None),
])
def test_dates_and_relative_dates(text, published, day_range, assumption):
    from datetime import date
    (claim,) = [c for c in extract_claims(text, published) if c.mention.kind == "date"]
    lo, hi = (date.fromisoformat(d).toordinal() for d in day_range)
    assert (claim.mention.low, claim.mention.high) == (lo, hi)
    assert (assumption is None) == (claim.mention.assumption is None)
    if assumption:
        assert assumption in claim.mention.assumption and published in claim.shown


@pytest.mark.parametrize("text", [
    "The minister resigned last year.",  # relative date, no published date
    "Since 2011 the country has grown.",  # not the date of an event
    "Troops took part in the Zapad 2025 drills.",  # a name
    "Unemployment rose from 5% to 8% in March.",  # a change, not a range
    "One report from group 38 North found nothing.",  # no counted noun
    "The talks took half a day.",  # "half a" is a number only before a scale
])
def test_no_claim(text):
    assert extract_claims(text) == []


def test_slot_is_the_clause_of_the_figure():
    text = ("Reports suggest North Korea has supplied Moscow with nearly $10 billion worth of weapons and tens of "
            "thousands of troops for the war in Ukraine, but received less than $1.2 billion in food, fuel, air "
            "defense systems, and possibly some fighter jets in return.")
    slots = {c.surface: c.slot for c in extract_claims(text)}
    assert {"supplied", "weapons"} <= set(slots["nearly $10 billion"].words)
    assert "received" not in slots["nearly $10 billion"].words
    assert "received" in slots["less than $1.2 billion"].words
    assert "supplied" not in slots["less than $1.2 billion"].words


def test_claims_only_inside_the_quote_span_but_read_in_the_sentence():
    text = "Officials said on Monday. The company spent $5 billion on research, a record. It also hired 300 engineers."
    start = text.index("$5 billion")
    (claim,) = extract_claims(text, span=(start, start + len("$5 billion")))
    assert claim.surface == "$5 billion" and "spent" in claim.slot.words and "research" in claim.slot.words


# ---- synthetic pairs --------------------------------------------------------------------------
@pytest.mark.parametrize("row", PAIRS, ids=[r["id"] for r in PAIRS])
def test_pair(row):
    assert predict(_pair(row)) == row["expected"]


@pytest.mark.parametrize("row", [r for r in PAIRS if r.get("compared")], ids=lambda r: r["id"])
def test_agreement_is_compared_not_missed(row, word_similarity):
    """'Same fact in other words' pairs must be matched as one slot and judged equal, not just skipped."""
    a = extract_claims(row["a"], row.get("published_a"))
    b = extract_claims(row["b"], row.get("published_b"))
    assert any(comparable(x, y, word_similarity) and relate(x, y).relation == "agree" for x, y in product(a, b))


@pytest.fixture(scope="module")
def word_similarity():
    from rag.embed import make_embedder
    from rag.word_similarity import WordSimilarity

    return WordSimilarity(make_embedder())


def test_unit_words_join_by_meaning_not_by_a_table(word_similarity):
    assert word_similarity("soldiers", "troops") and word_similarity("deaths", "fatalities")
    assert not word_similarity("soldiers", "reservists") and not word_similarity("votes", "voters")
    assert not word_similarity("USD", "EUR") and word_similarity("USD", "usd")


def test_pairs_cover_every_kind_and_relation():
    kinds = {c.mention.kind for r in PAIRS for c in extract_claims(r["a"], r.get("published_a"))}
    assert kinds == {"money", "count", "percent", "date"}
    assert len(PAIRS) >= 20 and {r["expected"] for r in PAIRS} == {"agree", "differs", "contradiction"}


def test_evaluate_pairs_scores_each_relation():
    report = evaluate_pairs([_pair(r) for r in PAIRS])
    assert all(report[k]["precision"] == 1.0 and report[k]["recall"] == 1.0 for k in report)
    wrong = PassagePair("The bridge opened to traffic in 2019.", "The bridge opened to traffic in 2021.", "agree")
    assert evaluate_pairs([wrong])["contradiction"]["precision"] == 0.0


# ---- seed corpus ---------------------------------------------------------------------------------
RECEIVED_GATE = ("Reports suggest North Korea has supplied Moscow with nearly $10 billion worth of weapons and tens "
                 "of thousands of troops for the war in Ukraine, but received less than $1.2 billion in food, fuel, "
                 "air defense systems, and possibly some fighter jets in return.")
RECEIVED_TANK = ("A German think tank recently reported that while North Korea has provided nearly $10bn in weapons "
                 "to Moscow, along with tens of thousands of soldiers to help Russian forces battle Ukraine, it has "
                 "only received some $457m to $1.19bn in return.")


@pytest.mark.parametrize("question", ["How much did Russia give North Korea?",
                                      "how much mony did russia giv north korea in retrun",
                                      "What was the value of the aid North Korea received from Moscow in return?",
                                      "How much did North Korea send Russia in weapons and how much did it get back?",
                                      ""])
def test_seed_amount_received_differs(corpus, question):
    quotes = [_quote(1, corpus[GATE], RECEIVED_GATE), _quote(2, corpus[THINK_TANK], RECEIVED_TANK)]
    (note,) = find_conflicts(question, quotes, corpus)
    assert note.kind == "differs" and note.quote_ids == [1, 2]
    assert "received" in note.topic
    assert "less than $1.2 billion [1]" in note.note and "$457m to $1.19bn [2]" in note.note
    assert note.note.startswith("GateOfWise") and note.note.count(".") <= 4  # one sentence ("$1.2", "$1.19bn")
    assert conflicts_markdown([note]).startswith("**Sources differ.** GateOfWise")  # both may hold


@pytest.mark.parametrize("gate, tank, question", [
    ("Reports suggest North Korea has supplied Moscow with nearly $10 billion worth of weapons",
     "while North Korea has provided nearly $10bn in weapons to Moscow",
     "How much in weapons has North Korea supplied?"),
    ("In 2024, Kim and Russian President Vladimir Putin signed a defense pact",
     "Last year, Kim and Russian President Vladimir Putin signed a mutual defence treaty that raised eyebrows in the "
     "West.", "When did Kim and Putin sign their defence pact?"),
    ("North Korea also maintains around one million active duty soldiers and over seven million reservists out of a "
     "population of about 25.6 million.",
     "North Korean active duty personnel now number an estimated one million troops, and are supplemented by more "
     "than seven million reservists – out of a population of roughly 25.6 million.", ""),
])
def test_seed_agreements_give_no_note(corpus, gate, tank, question):
    quotes = [_quote(1, corpus[GATE], gate), _quote(2, corpus[THINK_TANK], tank)]
    assert find_conflicts(question, quotes, corpus) == []


def test_seed_pact_year_is_compared_and_agrees(corpus):
    gate = extract_claims(corpus[GATE].text, None)
    tank = extract_claims(corpus[THINK_TANK].text, corpus[THINK_TANK].meta.published)
    pairs = [(x, y) for x, y in product(gate, tank) if x.mention.kind == "date" and comparable(x, y)]
    assert [(x.surface, y.surface, relate(x, y).relation) for x, y in pairs] == [("2024", "Last year", "agree")]


def test_single_source_gives_no_note(corpus):
    gate = corpus[GATE]
    quotes = [_quote(1, gate, RECEIVED_GATE), _quote(2, gate, "In 2024, Kim and Russian President Vladimir Putin")]
    assert find_conflicts("", quotes, corpus) == []


def test_whole_corpus_sentence_by_sentence_has_only_the_known_note(corpus):
    quotes = []
    for doc in corpus.values():
        for line in filter(None, (s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", doc.text))):
            quotes.append(_quote(len(quotes) + 1, doc, line))
    notes = find_conflicts("", quotes, corpus)
    assert [(n.kind, n.topic) for n in notes] == [("differs", "amount received")]


def test_question_kind_filters_notes(corpus):
    quotes = [_quote(1, corpus[GATE], RECEIVED_GATE), _quote(2, corpus[THINK_TANK], RECEIVED_TANK)]
    assert asked_kinds("When was it signed?") == {"date"}
    assert find_conflicts("When was it signed?", quotes, corpus) == []
    assert find_conflicts("What is the weather like in Seoul?", quotes, corpus) == []  # unrelated question
    # the same two sentences, asked about the other slot in them (weapons supplied, where they agree)
    assert find_conflicts("How much in weapons has North Korea supplied to Russia?", quotes, corpus) == []


# ---- precision guards ---------------------------------------------------------------------------
def _notes(a: str, b: str, question: str = "") -> list:
    docs = {"a": _doc("a", a, "Alpha"), "b": _doc("b", b, "Beta")}
    quotes = [Quote(id=i, text=d.text, source=Source.from_meta(d.id, d.meta), start=0, end=len(d.text))
              for i, d in enumerate(docs.values(), 1)]
    return find_conflicts(question, quotes, docs)


def test_different_slots_in_one_sentence_are_not_crossed():
    a = "The company spent $5 billion on research and earned $8 billion in sales."
    (note,) = _notes(a, "The company earned $5 billion in sales last year.")
    assert "$8 billion" in note.note and "$5 billion [2]" in note.note  # sales vs sales, not sales vs research


def test_figures_about_the_same_place_but_not_the_same_thing_are_not_compared():
    docs = {k: _doc(k, t, o) for k, (t, o) in {
        "a": ("Seren Line has raised fares on its Kestel route by 6 percent.", "Alpha"),
        "b": ("Anna Vell was elected mayor of Kestel, taking 52 percent of the vote.", "Beta")}.items()}
    quotes = [Quote(id=i, text=d.text, source=Source.from_meta(d.id, d.meta), start=0, end=len(d.text))
              for i, d in enumerate(docs.values(), 1)]
    assert find_conflicts("By what percentage did house prices in Kestel rise?", quotes, docs) == []
    # the same thing in both, in other words than the question's: compared
    docs["b"] = _doc("b", "Kestel Ferries put its fares up by 9 percent on the route.", "Beta")
    quotes[1] = Quote(id=2, text=docs["b"].text, source=Source.from_meta("b", docs["b"].meta), start=0,
                      end=len(docs["b"].text))
    (note,) = find_conflicts("How much more does a ticket cost in Kestel?", quotes, docs)
    assert "6 percent" in note.note and "9 percent" in note.note


def test_contradiction_note_names_both_sides():
    (note,) = _notes("The bridge opened to traffic in 2019.", "The bridge was opened to traffic in 2021.")
    assert note.kind == "contradiction"
    assert note.note == "Alpha says 2019 [1], but Beta says 2021 [2]; both cannot be true."


def _sources(texts: dict[str, tuple[str, str]]) -> tuple[dict, list]:
    """Documents by id and a quote of each, whole, from {id: (text, outlet)}."""
    docs = {k: _doc(k, t, o) for k, (t, o) in texts.items()}
    quotes = [Quote(id=i, text=d.text, source=Source.from_meta(d.id, d.meta), start=0, end=len(d.text))
              for i, d in enumerate(docs.values(), 1)]
    return docs, quotes


def test_several_sources_on_one_figure_get_one_note_counting_each_side():
    texts = {"a": ("The bridge opened to traffic in 2019.", "Alpha"), "b": ("The bridge was opened in 2021.", "Beta"),
             "c": ("The bridge opened to traffic in 2021.", "Gamma"), "d": ("The bridge opened in 1998.", "Delta")}
    docs, quotes = _sources(texts)
    (note,) = find_conflicts("When did the bridge open?", quotes, docs)  # not one note per pair (six of them)
    assert note.kind == "contradiction" and note.quote_ids == [1, 2, 3, 4]
    assert note.note == "2 sources give “2021” [2][3]; 1 source gives “2019” [1]; 1 source gives “1998” [4]."


def test_a_figure_that_can_hold_beside_two_sides_stands_on_neither():
    texts = {"a": ("The new stand will cost £60 million.", "Alpha"), "b": ("The new stand will cost £25 million.", "Beta"),
             "c": ("The new stand will cost at least £18 million.", "Gamma")}
    docs, quotes = _sources(texts)
    notes = find_conflicts("How much will the new stand cost?", quotes, docs)
    assert [n.kind for n in notes] == ["contradiction"] and notes[0].quote_ids == [1, 2]
    assert "18" not in notes[0].note  # "at least £18 million" is set against neither


def test_figures_that_can_both_hold_stand_on_one_side():
    texts = {"a": ("The bridge opened in 1981.", "Alpha"), "b": ("The bridge opened on 28 September 1981.", "Beta"),
             "c": ("The bridge opened in 2015.", "Gamma")}
    docs, quotes = _sources(texts)
    (note,) = find_conflicts("When did the bridge open?", quotes, docs)
    assert note.note == "2 sources give “1981 / 28 September 1981” [1][2]; 1 source gives “2015” [3]."
    # a source on two sides (it gives both figures) is no side of its own: the pairwise notes name the outlets
    docs["c"] = _doc("c", "The bridge opened in 2015. Others say the bridge opened in 1970.", "Gamma")
    quotes[2] = Quote(id=3, text=docs["c"].text, source=Source.from_meta("c", docs["c"].meta), start=0,
                      end=len(docs["c"].text))
    notes = find_conflicts("When did the bridge open?", quotes, docs)
    assert len(notes) == 5 and all("both cannot be true" in n.note or "within it" in n.note for n in notes)
    # only compatible figures: the note says how they differ, naming the outlets
    (note,) = find_conflicts("When did the bridge open?", quotes[:2], docs)
    assert note.kind == "differs" and "a more precise date within it" in note.note


def test_the_answer_type_says_which_figures_a_question_compares():
    assert asked_kinds("What is the population of Marlow?") == {"count"}  # not the census years
    assert asked_kinds("How tall is the Ostra tower?") == {"count"}
    assert asked_kinds("Who founded the Kestel mill?") == frozenset()  # a person: its names are compared instead
    assert asked_kinds("What happened at the harbour?") == {"money", "count", "percent", "date"}  # it does not say
    a = "Marlow had 4,200 inhabitants at the 2010 census."
    (note,) = _notes(a, "Marlow had 3,900 inhabitants at the 2000 census.", "What is the population of Marlow?")
    assert "4,200" in note.note and "2010" not in note.note
    assert _notes("The mill was founded by Ann Reed in 1901.", "Tom Hale founded the mill in 1903.",
                  "Who founded the mill?") == []  # the years are not what was asked
    # "Why …" asks for a reason, even where it names a sum: two tram budgets are not its answer
    assert asked_kinds("Why did the tram's budget rise?") == frozenset()
    assert asked_kinds("Answer briefly: why did the tram's budget rise?") == frozenset()
    assert asked_kinds("Whyy did the tram's budget rise?") == frozenset()
    tram = "The council said the tram will cost 220 million euros to cut traffic."
    assert _notes(tram, "The tram will cost 245 million euros.", "Why does the council want the tram?") == []
    assert _notes(tram, "The tram will cost 245 million euros.", "What will the tram cost?")


def test_missing_document_falls_back_to_quote_text():
    doc = _doc("b", "In the quarter the company lost $1.5 billion, it said.", "Beta")
    quotes = [Quote(id=1, text="The company lost more than $2 billion in the quarter.",
                    source=Source(id="gone", path="gone.md", outlet="Alpha"), start=0, end=52),
              Quote(id=2, text=doc.text, source=Source.from_meta(doc.id, doc.meta), start=0, end=len(doc.text))]
    assert [n.kind for n in find_conflicts("", quotes, {"b": doc, "gone": None})] == ["contradiction"]


# ---- independent voices ----------------------------------------------------------------------------
STORY = ("The regional council approved a new budget on Tuesday after weeks of debate. Council members said the "
         "plan spends $120 million on roads and bridges, with a further $40 million set aside for schools. Critics "
         "argued the spending would raise local taxes, while supporters said repairs could not wait any longer. "
         "The mayor welcomed the vote and promised regular updates on the progress of the works.")


def test_near_duplicates_form_one_group():
    copy = "By Staff Reporter. " + STORY.replace("$40 million", "$45 million") + " Share this article."
    other = "A different article about a football match that ended in a draw after extra time on Sunday night."
    docs = [_doc("orig", STORY, "Wire"), _doc("other", other, "Sports"), _doc("copy", copy, "Syndicator")]
    assert independent_groups(docs) == [["orig", "copy"], ["other"]]
    assert independent_groups(docs, threshold=1.01) == [["orig"], ["other"], ["copy"]]


def test_a_syndicated_copy_never_disagrees_with_itself():
    copy = "By Staff Reporter. " + STORY.replace("$40 million", "$45 million")
    docs = {"orig": _doc("orig", STORY, "Wire"), "copy": _doc("copy", copy, "Syndicator")}
    quotes = [_quote(i, d, "a further " + ("$40" if d.id == "orig" else "$45") + " million set aside for schools")
              for i, d in enumerate(docs.values(), 1)]
    assert find_conflicts("", quotes, docs) == []
    independent = {"orig": docs["orig"], "copy": _doc("copy", "Officials confirmed that a further $45 million set "
                                                              "aside for schools would come from reserves.", "Other")}
    quotes[1] = _quote(2, independent["copy"], "a further $45 million set aside for schools")
    assert [n.kind for n in find_conflicts("", quotes, independent)] == ["contradiction"]


def test_seed_articles_are_independent_voices(corpus):
    assert len(independent_groups(list(corpus.values()))) == 3


def test_markdown_is_empty_without_notes():
    assert conflicts_markdown([]) == ""
