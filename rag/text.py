"""Text primitives shared by chunking, answering and verification."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import snowballstemmer

_LOCAL = threading.local()  # snowballstemmer objects keep state between calls: one per thread


def _stemmer():
    st = getattr(_LOCAL, "stemmer", None)
    if st is None:
        st = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return st

# Abbreviations after which a period does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "pres", "inc", "ltd", "co", "corp", "vs", "etc", "no", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "fig", "e.g", "i.e",
}
_LINE = re.compile(r"(?:[^\n]|(?<![.!?:;\"”’)\n])\n(?=[ \t]*[a-z0-9$€£(]))+")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _is_false_boundary(text: str, end_of_punct: int, start_of_punct: int) -> bool:
    """True when the period belongs to an abbreviation or initial, not a sentence end."""
    if text[start_of_punct] != ".":
        return False
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, start_of_punct - 40):start_of_punct])
    if word:
        w = word.group(1).lower()
        if w in _ABBREV or len(w.replace(".", "")) == 1 or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
            return True  # "U.S.", "e.g.", "J. Smith"
    nxt = text[end_of_punct:].lstrip()
    return bool(nxt) and nxt[0].islower()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split text[start:end] into sentence spans (offsets into `text`), trimmed of whitespace.

    A line break ends a sentence (headlines, list items and paragraphs are separate
    units in scraped articles) unless it is a soft wrap inside one: the line does not
    end in punctuation and the next one starts in lower case ("3.4 million\neuros").
    """
    end = len(text) if end is None else end
    spans: list[Span] = []
    for line in _LINE.finditer(text[start:end]):
        ls, le = start + line.start(), start + line.end()
        cur = ls
        for m in _BOUNDARY.finditer(text, ls, le):
            if _is_false_boundary(text, m.end(), m.start()):
                continue
            spans.append(Span(cur, m.end()))
            cur = m.end()
        spans.append(Span(cur, le))
    out = []
    for s in spans:
        a, b = s.start, s.end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Span(a, b))
    return out


_TYPO = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2026": "...",
})


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Typography- and whitespace-normalised text, plus the source index of every output char.

    Curly quotes become straight, dashes become '-', every whitespace run becomes
    one space. `index_map[i]` is the position in `text` of normalised char `i`.
    """
    out: list[str] = []
    index_map: list[int] = []
    prev_space = False
    for i, ch in enumerate(text):
        rep = ch.translate(_TYPO)
        if rep.isspace():
            if prev_space:
                continue
            rep, prev_space = " ", True
        else:
            prev_space = False
        for c in rep:
            out.append(c)
            index_map.append(i)
    return "".join(out), index_map


def normalize(text: str) -> str:
    return normalize_with_map(text)[0].strip()


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")
# a word as the statement checks read it: letters first, hyphens and apostrophes kept ("co-founder", "Farmers'")
WORD_TOKEN = re.compile(r"[A-Za-z][\w’'\-]*")
CLAUSE = re.compile(r"[^,;:.!?]*")  # the text up to the next punctuation mark
# a verb of speech (general English): "the ministry said", "according to"
SPEECH = re.compile(
    r"\b(?:said|says|told|tells|added|adds|adding|insisted|insists|insisting|described|describes|describing|"
    r"warned|warns|warning|announced|announces|stressed|stresses|argued|argues|claimed|claims|claiming|"
    r"explained|explains|noted|accused|accuses|accusing|cautioned|cautions|confirmed|confirms|saying|wrote|"
    r"writes|conceded|concedes|admitted|admits|acknowledged|acknowledges|denied|denies|maintained|maintains|"
    r"suggested|suggests|revealed|reveals|stated|states|declared|declares|complained|promised|pledged|"
    r"replied|responded|commented|remarked|testified|according to)\b")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being below
between both but by can could did didn't do does doesn't doing don't down during each few for from further
had has have having he her here hers herself him himself his how i if in into is isn't it it's its itself
just me more most my myself no nor not of off on once only or other our ours ourselves out over own same
she should so some such than that that's the their theirs them themselves then there these they this those
through to too under until up very was wasn't we were what when where which while who whom why will with
would you your yours yourself also says said say according much many tell did does
""".split())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of a lower-cased word, possessive removed."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return _stemmer().stemWord(w)


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words: the vocabulary of lexical matching."""
    out = []
    for w in words(text):
        lw = w.lower().replace("’", "'")
        if lw in STOPWORDS or len(lw) < 2 and not lw.isdigit():
            continue
        out.append(stem(lw))
    return out


def same_start(a: str, b: str, min_length: int) -> bool:
    """The same word, or one the start of the other when both have `min_length` letters or more ("football",
    "footballer"; "direct", "director")."""
    return a == b or min(len(a), len(b)) >= min_length and (a.startswith(b) or b.startswith(a))


# English titles and ranks put before a surname (general English, no topic): a text names "Judge Cummings"
# when it names Cummings
TITLES = frozenset("""mr mrs ms miss dr sir dame lord lady saint st justice judge attorney general president
senator governor mayor chancellor minister premier secretary ambassador king queen prince princess emperor
captain colonel major lieutenant sergeant admiral commander marshal bishop archbishop cardinal pope father
reverend rabbi imam professor prof chief representative rep sen gov""".split())


TYPO_RATIO = 0.8  # how alike two words must be for one to count as a misspelling of the other


def typo_similarity(a: str, b: str) -> float:
    """Similarity of two words that could be typos of each other (same first letter, lengths within 2), else 0."""
    if a[:1] != b[:1] or abs(len(a) - len(b)) > 2:
        return 0.0
    m = SequenceMatcher(None, a, b)
    return m.ratio() if m.quick_ratio() >= TYPO_RATIO else 0.0


_DEMONYM_ENDINGS = ("ese", "ian", "ican", "ish", "an")


def place_of_demonym(word: str, lowered: frozenset[str]) -> bool:
    """A demonym's place is in the text: "chinese" → "china", "italian" → "italy", "mexican" → "mexico"."""
    for ending in _DEMONYM_ENDINGS:
        root = word[:-len(ending)]
        if word.endswith(ending) and len(root) >= 4:  # the first ending that leaves a root of 4+ letters
            return any(w.startswith(root) and len(w) <= len(root) + 3 and w != word for w in lowered)
    return False


def demonym_of_place(place: str, lowered: frozenset[str]) -> bool:
    """The text uses the place's demonym: "italy" → "italian", "china" → "chinese", "iran" → "iranian"."""
    return any(w.startswith(place[:4]) and w.endswith(_DEMONYM_ENDINGS) and place_of_demonym(w, frozenset([place]))
               for w in lowered)
