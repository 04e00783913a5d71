"""Whether a statement adds a purpose its quote does not give.

"The council voted to close the library to save money" under "The council voted to close the library, with
its books moved to the community centre" adds a reason in three short words, below the added-words check's
run of four (statement_checks). From the dependency parse (rag/statement_roles.py), a purpose is an adverbial
"to" clause with no subject of its own ("… to cut costs"); the statement is refused when the clause's verb
and what it takes ("cut", "costs") are all words the quote never uses in any form. One of them in the quote
("in a bid to save money", "cost-cutting") is a restatement, not an addition.
"""
from __future__ import annotations

from rag.statement_roles import parse

_TAKEN = ("dobj", "attr", "acomp")  # what a purpose's verb takes: "costs" in "to cut costs"


def purpose_problems(statement: str, quote: str) -> list[str]:
    """An adverbial "to" clause of the statement none of whose content words the quote uses (see the module)."""
    quoted = {t.lemma_.lower() for t in parse(quote)}
    problems = []
    for verb in parse(statement):
        kids = list(verb.children)
        if verb.pos_ != "VERB" or verb.dep_ != "advcl" or not any(c.tag_ == "TO" for c in kids) or \
                any(c.dep_ in ("nsubj", "nsubjpass") for c in kids):
            continue
        content = [w for w in [verb, *(c for c in kids if c.dep_ in _TAKEN)] if not w.is_stop]
        if len(content) >= 2 and all(w.lemma_.lower() not in quoted for w in content):
            problems.append("the statement adds a purpose the quote does not give: "
                            f"“to {' '.join(w.text for w in content)}”")
    return problems
