"""Whether a statement claims more than its quote: "the only", "all", "the largest", "the first" where the
quote says none of it, or a hedged claim ("may close", "is expected to cut") stated as fact.

Strong words come in kinds (general English): exclusive ("only", "sole"), universal ("all", "every",
"always"), superlative ("largest", "best"), first or record ("first", "record", "ever"), certain
("definitely", "confirmed") and causal ("caused": "associated with" is no cause). A statement may use a
kind its quote uses, in any of its words ("the biggest" for "the largest"), never one its quote does not.
"One of the largest" supports "among the largest", not "the largest"; "many practices" supports neither
"all practices" nor "no practices". A quote that hedges what it says of a verb ("could cut", "is believed
to have sold", "prosecutors allege", "is considering whether to") supports a statement that restates the
hedged words only when the statement hedges (or attributes) too, near the hedged verb where it restates it
(not "…, with forecasters predicting high waves"). A quote's condition ("subject to a vote", "pending approval")
must be kept: a statement with no condition or hedge states more than its quote; so must a choice not yet made
("one of three shortlisted" is not "selected").
"""
from __future__ import annotations

import re
from itertools import islice

from rag.text import STOPWORDS, WORD_TOKEN, stem

# kinds of strong words; a statement may only use a kind its quote uses
_KINDS = {kind: frozenset(words.split()) for kind, words in {
    "exclusive": "only sole solely exclusively exclusive",
    "universal": "all every everyone everybody everything entire entirely whole wholly always completely fully "
                 "totally universally unanimous unanimously",
    "superlative": "largest biggest greatest highest lowest smallest best worst fastest slowest longest shortest "
                   "oldest youngest newest strongest weakest richest poorest deadliest busiest heaviest "
                   "cheapest costliest most",
    "first": "first record ever unprecedented",
    "causal": "cause causes caused causing resulted triggered because thanks owing",
    "certain": "certainly definitely undoubtedly surely confirmed proven guaranteed",
}.items()}
# words beyond a kind's own that support it: "forced the closure" supports "closed because of"
_SUPPORT = {"causal": frozenset("because due forced led result results blamed sparked thanks owing".split())}
# a cause given in a phrase whose words are no cause alone: "due to the loss of …" (not "due to open"), "as a result of"
_CAUSAL_PHRASE = re.compile(r"\bdue to (?:the|a|an|its|their|his|her|higher|lower|rising|falling)\b|\bas a result of\b",
                            re.I)
_ONE_OF = re.compile(r"\b(?:one|some|two|three|several|among)\s+(?:of\s+)?(?:the\s+|its\s+|their\s+)?"
                     r"(?:[\w’']+\s+)?(?P<sup>[a-z]+est|most)\b", re.I)  # "one of the region's most …"
# words that hedge what follows them ("may reduce", "is expected to", "allege that", "is considering whether to")
_HEDGE = re.compile(r"\b(?:(?-i:may|might|could)|reportedly|allegedly|possibly|potentially|probably|likely|perhaps|"
                    r"(?:is|are|was|were)\s+(?:expected|believed|thought|said|set|due|likely)\s+to|"
                    r"(?:appears?|appeared|seems?|seemed)\s+to|"
                    r"(?:plans?|planned|aims?|intends?|hopes?|wants?|seeks?|proposed|proposes?)\s+to|"
                    r"(?:alleges?|alleged|claims?|claimed)(?:\s+that)?|"
                    r"(?:considering|considers|weighing|weighs)(?:\s+whether)?(?:\s+to)?)\b", re.I)
_HEDGES = re.compile(r"\b(?:(?-i:may|might|could|would)|reportedly|allegedly|possibly|potentially|probably|likely|"
                     r"perhaps|"
                     r"expected|believed|thought|plans?|planned|planning|aims?|intends?|hopes?|wants?|seeks?|"
                     r"proposed|proposes?|proposal|set to|due to|if|unless|suggest\w*|estimat\w*|"
                     r"predict\w*|forecast\w*|appears?|appeared|seems?|seemed|alleg\w*|claim\w*|accus\w*|"
                     r"consider\w*|weigh\w*|whether)\b", re.I)
# words attributing a claim: a statement that attributes what its quote states hedged hedges it ("Prosecutors
# allege …" → "Prosecutors say …"), unless the quote attributes the whole of it too ("officials said it may …")
_ATTRIBUTION = re.compile(r"\b(?:report\w*|say|said|says|according|alleg\w*|claim\w*|accus\w*)\b", re.I)
_HEDGED_REACH = 8  # words after a hedge that it covers ("may reduce average emergency waiting times")
# a condition the quote puts on what it says ("subject to a vote by shareholders"), and words of a statement that
# keep one ("… if shareholders approve", "pending approval", "depends on", "could")
_CONDITION = re.compile(r"\b(?:subject to|provided that|on condition that|conditional on|pending|if approved)\b|"
                        r",\s+provided\b|\bif\b", re.I)
_CONDITIONED = re.compile(r"\b(?:subject|provided|condition\w*|pending|if|unless|await\w*|approv\w*|depend\w*|"
                          r"(?-i:may|might|could|would))\b", re.I)
# a choice not yet made ("one of three shortlisted", "a provisional squad") and words saying it was made (not "will
# be selected", "to be chosen")
_PROVISIONAL = re.compile(r"\b(?:short-?listed|shortlist|provisional\w*|finalists?|nominated|nominees?|contenders?|"
                          r"in the running|bidders)\b", re.I)
_DECIDED = re.compile(r"(?<!will be )(?<!to be )(?<!would be )(?<!could be )\b(?:selected|chosen|picked|awarded|"
                      r"appointed|won|wins|named)\b", re.I)
_DECIDED_REACH = 20  # characters after a decision word in which a shortlist makes it none ("named on a shortlist")
_CLAUSE_END = re.compile(r"[,;:]|[.!?](?:\s|$)")
_HEDGE_BEFORE = 6  # words before a restated claim in which a statement's hedge hedges it
_SHARED = 2  # content words of a hedged clause a statement restates to be stating it


# a determiner saying "some of them" and one saying "all" or "none of them", before what they quantify
_PARTIAL = re.compile(r"\b(?:some|many|several|most|few|parts?|a number)\s+(?:of\s+)?(?:the\s+|its\s+|their\s+)?"
                      r"(?P<what>[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)", re.I)
_WHOLE = re.compile(r"\b(?:all|every|each|no|none|entire|whole)\s+(?:of\s+)?(?:the\s+|its\s+|their\s+)?"
                    r"(?P<what>[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)", re.I)


def _quantified(rx: re.Pattern, text: str) -> set[str]:
    """The content stems a determiner of the pattern quantifies in the text."""
    return {stem(w) for m in rx.finditer(text) for w in m.group("what").split() if w.lower() not in STOPWORDS}


# "three of the five unions", "some of its traders": a part of a plural; and what quantifies a noun before it
_PART = r"one|two|three|four|five|six|seven|eight|nine|ten|\d[\d,]*|some|many|several|most|few|half|part|parts"
_SOME_OF = re.compile(rf"\b(?:{_PART})\s+of\s+(?:the|its|their|his|her)\s+(?:[\w\-]+\s+){{0,2}}?(?P<noun>[a-z]+s)\b",
                      re.I)
_THE_PLURAL = re.compile(r"\b(?:the|its|their|his|her)\s+(?:[\w\-]+\s+){0,2}?(?P<noun>[a-z]+s)\b", re.I)
_QUANTIFIED = re.compile(rf"\b(?:{_PART}|all|none|each|every|among)\s+(?:of\s+)?$", re.I)


def _all_of_them(statement: str, quote: str) -> set[str]:
    """Plurals the quote gives a part of ("three of the five unions") that the statement gives whole ("the
    unions have accepted"), with no number or quantifier before them."""
    parts = {stem(m.group("noun").lower()) for m in _SOME_OF.finditer(quote)}
    return {stem(m.group("noun").lower()) for m in _THE_PLURAL.finditer(statement)
            if stem(m.group("noun").lower()) in parts and not _QUANTIFIED.search(statement, 0, m.start())}


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD_TOKEN.findall(text)}


def overstatement_problems(statement: str, quote: str) -> list[str]:
    """Strong words of a kind the quote does not use, a superlative the quote gives only as "one of the …", a
    part made the whole, hedged verbs of the quote stated without a hedge, a choice not yet made stated as
    made, and a dropped condition."""
    said, quoted = _words(statement), _words(quote)
    if _CAUSAL_PHRASE.search(statement):
        said.add("because")  # the same claim as "because"
    problems = [f"the statement says “{sorted(said & words)[0]}”; the quote says nothing {kind}"
                for kind, words in _KINDS.items()
                if said & words and not quoted & (words | _SUPPORT.get(kind, frozenset()))]
    for m in _ONE_OF.finditer(quote):
        sup = m.group("sup").lower()
        if sup in said and not _ONE_OF.search(statement):
            problems.append(f"the statement makes “{sup}” absolute; the quote says “{m.group().strip()}”")
    made_whole = (_quantified(_WHOLE, statement) & _quantified(_PARTIAL, quote)) - _quantified(_WHOLE, quote)
    made_whole |= _all_of_them(statement, quote)
    if made_whole:
        problems.append(f"the statement says all or none of what the quote says only some of "
                        f"(“{sorted(made_whole)[0]}”)")
    problems += _hedge_problems(statement, quote, {stem(w) for w in said if w not in STOPWORDS})
    return list(dict.fromkeys(problems + _undecided_problems(statement, quote)))


def _hedge_problems(statement: str, quote: str, said_stems: set[str]) -> list[str]:
    """Hedged verbs of the quote the statement restates without a hedge near them, unless the statement
    attributes what the quote does not."""
    hedges = list(_HEDGE.finditer(quote))
    attributed = any(not any(h.start() <= a.start() < h.end() for h in hedges) for a in _ATTRIBUTION.finditer(quote))
    if _ATTRIBUTION.search(statement) and not attributed:
        return []
    problems = []
    for m in hedges:
        hedged = [stem(w.group()) for w in islice(WORD_TOKEN.finditer(quote, m.end()), _HEDGED_REACH)
                  if w.group().lower() not in STOPWORDS]
        if len(set(hedged) & said_stems) < min(_SHARED, len(set(hedged))):
            continue
        # the hedged verb where the statement restates it ("may have peaked": "could have peaked"), else anywhere
        verb = next((w for w in WORD_TOKEN.finditer(statement) if hedged and stem(w.group().lower()) == hedged[0]),
                    None)
        if not (_hedged_near(statement, verb.start()) if verb else _HEDGES.search(statement)):
            problems.append(f"the statement states as fact what the quote hedges (“{m.group().strip()} …”)")
    return problems


def _undecided_problems(statement: str, quote: str) -> list[str]:
    """A choice the quote says is not yet made stated as made, and a condition of the quote dropped."""
    problems = []
    shortlist = _PROVISIONAL.search(quote)
    decided_in_quote = any(not _PROVISIONAL.search(quote, d.end(), d.end() + _DECIDED_REACH)
                           for d in _DECIDED.finditer(quote))  # "named on a shortlist" decides nothing
    if shortlist and not _PROVISIONAL.search(statement) and _DECIDED.search(statement) and not decided_in_quote:
        problems.append(f"the statement says decided what the quote says is only “{shortlist.group()}”")
    condition = _CONDITION.search(quote)
    if condition and not _CONDITIONED.search(statement):
        problems.append(f"the statement drops the quote's condition (“{condition.group().lstrip(', ')} …”)")
    return problems


def _clause_end(text: str, at: int) -> int:
    """Where the clause going on at `at` ends: a comma, semicolon, colon or sentence end."""
    m = _CLAUSE_END.search(text, at)
    return m.start() if m else len(text)


def _hedged_near(statement: str, at: int) -> bool:
    """The statement hedges what it says at `at`: a hedge among the few words before it or in its clause
    ("ferries could be suspended", "a suspension is likely"), not one of another clause ("…, with forecasters
    predicting high waves")."""
    before = list(WORD_TOKEN.finditer(statement, 0, at))[-_HEDGE_BEFORE:]
    start = before[0].start() if before else at
    return bool(_HEDGES.search(statement, start, _clause_end(statement, at)))
