"""Sources that tell different stories never 'disagree': their answers are about different things."""
from __future__ import annotations

from rag.disagree import find_conflicts
from rag.models import AnswerSlot, DocMeta, Document, Quote, Source
from rag.pipeline import _agreement
from rag.slot_conflicts import answer_groups, slot_conflicts
from rag.stories import same_story, story_names

HOLLIN = ("The Hollin Museum of Modern Art reopens on Saturday. Director Ines Calvo said the museum expects "
          "85,000 visitors a year.")
HOLLIN_TOO = "Ines Calvo, who runs the Hollin, told reporters the museum expects 60,000 visitors a year."
AMOS = "The Amos City Museum has been renovated. Curator Lisa Hartmann expects 500,000 visitors a year."


def _doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, DocMeta(path=f"{doc_id}.md"))


def _quote(qid: int, doc: Document, slot: str | None = None) -> Quote:
    return Quote(id=qid, text=doc.text, source=Source.from_meta(doc.id, doc.meta), start=0, end=len(doc.text),
                 answer_slot=AnswerSlot(kind="count", text=slot) if slot else None)


def test_documents_that_share_a_name_tell_one_story():
    assert same_story(_doc("a", HOLLIN), _doc("b", HOLLIN_TOO))
    assert not same_story(_doc("a", HOLLIN), _doc("c", AMOS))
    # a document that names nothing can't be told apart; a word opening a sentence is no name
    assert same_story(_doc("a", HOLLIN), _doc("d", "Officials said the museum expects 20,000 visitors."))
    assert story_names("Officials said so. Critics disagreed. The Hollin Museum opened.") == {"hollin", "museum"}


def test_figures_of_different_stories_are_no_disagreement():
    docs = {d.id: d for d in (_doc("a", HOLLIN), _doc("b", HOLLIN_TOO), _doc("c", AMOS))}
    question = "How many visitors does the museum expect each year?"
    one_story = [_quote(1, docs["a"]), _quote(2, docs["b"])]
    assert [c.kind for c in find_conflicts(question, one_story, docs)] == ["contradiction"]
    assert find_conflicts(question, [_quote(1, docs["a"]), _quote(2, docs["c"])], docs) == []
    # answer slots: the same story's different counts are a contradiction, another story's are not
    slotted = [_quote(1, docs["a"], "85,000 visitors"), _quote(2, docs["b"], "60,000 visitors")]
    assert slot_conflicts(question, answer_groups(slotted), {}, docs)
    apart = [_quote(1, docs["a"], "85,000 visitors"), _quote(2, docs["c"], "500,000 visitors")]
    assert slot_conflicts(question, answer_groups(apart), {}, docs) == []
    assert slot_conflicts(question, answer_groups(apart), {}) != []  # without the documents it can't tell


def test_the_note_says_which_quotes_may_tell_another_story():
    docs = {d.id: d for d in (_doc("a", HOLLIN), _doc("c", AMOS))}
    quotes = [_quote(1, docs["a"], "85,000 visitors"), _quote(2, docs["c"], "500,000 visitors")]
    note = _agreement("How many visitors does the museum expect?", quotes, answer_groups(quotes), {}, docs)
    assert note == ("their answers were not compared with each other: [2] may be about another story than [1] "
                    "(their articles share no name)")
