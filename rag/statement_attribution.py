"""Whether a statement puts what its quote has one person say in another person's mouth.

"Paul Achterberg said the production would be 'the boldest thing we have attempted'" under "Director Sofia
Marchetti said the production would be 'the boldest thing we have attempted', while chief executive Paul
Achterberg told reporters ticket sales were ahead" names the same people, writes the same words and is close
to its quote in meaning: neither the typed checks nor the similarity see it. Each text is read as speech
events: a named speaker with a speech verb ("X said", "…,' said X", "…, X said", "according to X") and what
is said: the words after the verb up to the next event or the sentence's end, or, when the event follows
what is said, the words before it back to the previous event or the sentence's start. A statement
misattributes when several content words it gives its speaker stand in the quote only in what other named
speakers say, above all words it puts in quotation marks. Words the quote says outside any named speech
(narration, "officials said") are no evidence either way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.text import CLAUSE, SPEECH, STOPWORDS, WORD_TOKEN, sentence_spans, stem

_NAME = r"[A-Z][\w’'\-.]*(?:\s+(?:of\s+|the\s+|for\s+|de\s+|van\s+|von\s+|&\s+)?[A-Z][\w’'\-.]*)*"
# "Dalia Okonjo, 47, said", "the county's manager, Stuart Penhallow, said"
_NAME_BEFORE = re.compile(rf"(?P<name>{_NAME})(?:\s*,\s*[^,]{{1,30}}?,|\s*,)?\s*$")
# "…,' said council leader X", "said Callow Town manager X"; not "told a meeting on Monday"
_NAME_AFTER = re.compile(rf"\s+(?:(?!(?:a|an|on|in|at|to|of|for|by|with|from|after|before|during)\s)[a-z][\w\-]*\s+|"
                         rf"[A-Z][\w’'\-.]*\s+){{0,4}}?(?P<name>{_NAME})(?=\s*(?:[,.;:!?]|$))")
_TIME_WORDS = frozenset("on in at during yesterday today tonight last this earlier later".split())
SAID_AFTER = 4  # content words after "…, X told" that are more than whom X told
# "…,' said", "…, minister X said": what is said ends before
_CONTENT_BEFORE = re.compile(r"(?:[,.!?][’'\"”]|,)\s*(?:the\s+)?(?P<title>(?:[a-z][\w\-]*\s+){0,3})$")
_OPENERS = frozenset("although though whereas because unless whilst".split())  # start a clause, name no speaker
_QUOTATION = re.compile(r"(?<!\w)'[^']+?'(?!\w)|‘[^’]+?’(?!\w)|\"[^\"]+?\"|“[^”]+?”")
QUOTED_WORDS = 2  # words another speaker says in quotation marks that make a misattribution
MIN_WORDS = 3  # content words of another speaker's that make a misattribution (not one shared word)
MIN_SHARE = 1 / 3  # … and this share of what the statement has its speaker say


@dataclass(frozen=True)
class _Speech:
    name: str  # the speaker as written
    speaker: frozenset[str]  # the speaker's name words, lower case, and their initials ("hsb")
    phrase: frozenset[str]  # the same of the whole phrase naming the speaker ("X, a spokesman for Y, said")
    start: int  # what is said
    end: int


def _name_words(name: str) -> frozenset[str]:
    """A name's words, lower case, and the initials of its capitalised ones: "Harbour Safety Board" is
    also "hsb"."""
    ws = [w for w in WORD_TOKEN.findall(name) if w.lower() not in STOPWORDS]
    initials = "".join(w[0] for w in ws if w[0].isupper()).lower()
    return frozenset([w.lower().removesuffix("’s").removesuffix("'s") for w in ws] +
                     ([initials] if len(initials) > 1 else []))


def _same_speaker(said: _Speech, quoted: _Speech) -> bool:
    """The quote's speaker is the statement's: a name word (or its initials) in common, or the statement's
    speaker named in the quote's phrase naming its speaker ("Aquivale" in "Jo Ward, a spokesman for Aquivale")."""
    return bool(said.speaker & quoted.phrase)


@lru_cache(maxsize=64)
def speeches(text: str) -> tuple[_Speech, ...]:
    """The text's named speech events with the span of what each speaker says."""
    out: list[_Speech] = []
    for sentence in sentence_spans(text):
        events = []  # (speaker, where the event starts, where it ends, what is said comes after it)
        for verb in SPEECH.finditer(text, sentence.start, sentence.end):
            before = _NAME_BEFORE.search(text, sentence.start, verb.start())
            if before and _name_words(before.group("name")) and verb.group() != "according to":
                start = before.start("name")
                said_after = not _follows_words(text, sentence.start, start) or _says_after(text, verb, sentence.end)
                events.append((before.group("name"), start, verb.end(), said_after))
                continue
            after = _NAME_AFTER.match(text, verb.end(), sentence.end)
            if after and _name_words(after.group("name")) and (
                    verb.group() == "according to" or _follows_words(text, sentence.start, verb.start())):
                events.append((after.group("name"), verb.start(), after.end(),
                               verb.group() == "according to" and text[sentence.start:verb.start()].strip() == ""))
        for i, (name, start, end, said_after) in enumerate(events):
            speaker, phrase = _name_words(name), _name_words(text[start:end])
            if said_after:
                stop = events[i + 1][1] if i + 1 < len(events) else sentence.end
                out.append(_Speech(name, speaker, speaker | phrase, end, stop))
            else:
                back = events[i - 1][2] if i else sentence.start
                out.append(_Speech(name, speaker, speaker | phrase, back, start))
    return tuple(out)


def _says_after(text: str, verb: re.Match, end: int) -> bool:
    """After "…, X said" comes what X says when a clause follows the verb ("…, X said they would review it"),
    not a time or place ("…, X said on Monday"), nor only whom X told ("…, X told a board meeting on Monday")."""
    clause = CLAUSE.match(text, verb.end(), end).group()
    first = clause.split()[0].lower() if clause.split() else ""
    if not first or first in _TIME_WORDS:
        return False
    return verb.group() not in ("told", "tells") or len(_content(clause, 0, len(clause))) >= SAID_AFTER


def _follows_words(text: str, start: int, at: int) -> bool:
    """What stands before `at` ends what is said: a comma or closing quote, then at most a few words of a title
    ("…, minister Hanne Dulac announced"), not a clause's opening ("…, after opposition councillor X accused")."""
    m = _CONTENT_BEFORE.search(text, start, at)
    return bool(m) and not any(w in STOPWORDS or w in _OPENERS for w in m.group("title").split())


def _content(text: str, start: int, end: int, skip: frozenset[str] = frozenset()) -> set[str]:
    return {stem(w) for w in WORD_TOKEN.findall(text[start:end])
            if len(w) > 2 and w.lower() not in STOPWORDS and w.lower() not in skip and not SPEECH.fullmatch(w)}


def _quoted(text: str, start: int, end: int) -> set[str]:
    """The content words inside quotation marks between `start` and `end`: a speaker's own words."""
    return set().union(*(_content(text, m.start(), m.end()) for m in _QUOTATION.finditer(text, start, end)))


def speaker_problems(statement: str, quote: str) -> list[str]:
    """What the statement has a named person say that its quote has someone else say: two words the quote
    puts in quotation marks in another speaker's mouth, or three of their other words (a third of what the
    statement has its speaker say) when the quote has its speaker say at most one of them. (A statement may
    name what its speaker speaks of in another speaker's words: "X said the lights would be reviewed" under
    "Y said the lights were 'overdue', while X said they would be reviewed".)"""
    quoted = speeches(quote)
    if not quoted:
        return []
    owned = [(s, _content(quote, s.start, s.end, s.speaker), _quoted(quote, s.start, s.end)) for s in quoted]
    unowned = _content(quote, 0, len(quote)) - set().union(*(words for _, words, _ in owned))
    problems = []
    for said in speeches(statement):
        words = _content(statement, said.start, said.end, said.speaker)
        own = set().union(*(w for who, w, _ in owned if _same_speaker(said, who)))
        others = [(who, w, q) for who, w, q in owned if not _same_speaker(said, who)]
        foreign = {w for w in words - own - unowned if any(w in ws for _, ws, _ in others)}
        in_quotes = {w for w in words - own if any(w in q for _, _, q in others)}
        if len(in_quotes) >= QUOTED_WORDS or len(foreign) >= MIN_WORDS and len(foreign) >= MIN_SHARE * len(words) \
                and len(words & own) <= 1:
            who = max(others, key=lambda o: len(o[1] & (foreign | in_quotes)))[0]
            problems.append(f"the quote has {who.name} say what the statement attributes to {said.name}")
    return problems
