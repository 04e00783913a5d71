"""Typed numeric claims (money, counts, percentages, dates) found in quotes.

A claim is the interval [low, high] of values consistent with the text, a
qualifier saying how it was stated, its unit, the verbatim surface string and
its slot: the content words of its clause, which say WHAT is being measured.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

from rag.currency import PREFIX as CURRENCY_PREFIX, WORD as CURRENCY_WORD, code as currency_code
from rag.text import WORD_TOKEN, sentence_spans

Kind = Literal["money", "count", "percent", "date"]
Qualifier = Literal["exact", "about", "upper", "lower", "range"]


@dataclass(frozen=True)
class Mention:
    """A figure found in a sentence, before its slot is known."""
    kind: Kind
    start: int
    end: int
    low: float  # values consistent with the text (dates: day ordinals, high exclusive)
    high: float
    qualifier: Qualifier
    unit: str  # currency code, counted noun ("workers"), "%", "pp" or "day"
    value: float | None = None  # the stated figure of an exact/about claim
    assumption: str | None = None  # how a relative date was resolved


@dataclass(frozen=True)
class Slot:
    """What a figure measures, read from the clause around it."""
    words: tuple[str, ...]  # content words of the clause, in text order
    after: tuple[str, ...]  # those from the figure on ("worth of grain")
    entities: frozenset[str]  # proper names in the sentence (4-letter stems)
    attribution: str | None = None  # who the sentence cites ("a Dutch research institute")


@dataclass(frozen=True)
class Claim:
    """A figure, its verbatim text and what it measures."""
    mention: Mention
    surface: str  # verbatim text[start:end], qualifier included
    slot: Slot

    @property
    def shown(self) -> str:
        a = self.mention.assumption
        return f"{self.surface} ({a})" if a else self.surface


# ---- vocabulary ------------------------------------------------------------------
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12}
_NUMWORDS = {w: float(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven"
                                               " twelve thirteen fourteen fifteen sixteen seventeen eighteen"
                                               " nineteen".split())}
_NUMWORDS |= {w: 10.0 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_NUMWORDS |= {"a": 1.0, "an": 1.0, "half a": 0.5, "half an": 0.5}  # only with a scale: "(half) a million"
_VAGUE = {"dozens": (24, 100), "hundreds": (200, 1e3), "thousands": (2e3, 1e4),
          "tens of thousands": (1e4, 1e5), "hundreds of thousands": (1e5, 1e6), "millions": (2e6, 1e7),
          "tens of millions": (1e7, 1e8), "hundreds of millions": (1e8, 1e9), "billions": (2e9, 1e10)}
_QUALIFIERS = [  # qualifier, (allows values below, above the stated one), phrases
    ("about", (True, False), "nearly|almost|just under|just shy of"),
    ("about", (False, True), "just over|just above"),
    ("about", (True, True), "about|around|roughly|approximately|some|an estimated|estimated|circa|close to|~"),
    ("upper", (True, False), "less than|fewer than|under|below|up to|at most|no more than|as many as|as much as"),
    ("lower", (False, True), "more than|over|above|at least|upwards of|in excess of|exceeding|no less than"),
]
_COLLECTIVE = {"people", "personnel", "staff", "population", "police", "children", "men", "women", "crew"}
STOPWORDS = set("""a an the of in on at to for with by from as and or but nor so than then that this these those
which who whom whose what when where why how it its they them their there here he she his her we our you i
is are was were be been being has have had do does did will would can could may might must shall should not
no only also just now still already recently reportedly some about around nearly almost roughly approximately
estimated estimate estimates more less over under up least most worth value total number amount figure sum
say says said report reports reported suggest suggests suggested according note noted show shows showed
find finds found tell told add added while whereas though although however yet out into onto upon per cent
percent year years month months day days week weeks ago last next earlier later past along such other another
each both all any many much few several like including between dollars euros pounds official officials
analyst analysts expert experts source sources authorities""".split()) \
    | set(_SCALES) | set(_NUMWORDS) | {w for v in _VAGUE for w in v.split()}
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_NOT_NAMES = set("""The A An In On At For By From As And Or But Last This That These Those It Its He She They
We Our President Prime Minister Supreme Leader Mr Mrs Ms Dr""".split()) | set(WEEKDAYS) | set(MONTHS)


# ---- patterns --------------------------------------------------------------------
def _alts(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _amount(i: int) -> str:
    return (rf"(?:(?P<cur{i}>{CURRENCY_PREFIX})\s?)?(?:(?P<vag{i}>\b(?:{_alts(_VAGUE)})\b)"
            rf"|(?P<num{i}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{_alts(_NUMWORDS)})\b)"
            rf"(?P<sc{i}>\s?(?:trillion|billion|million|thousand)\b|(?:trn|tn|bn|mn|mln|b|m|k)\b)?)")


_FIRST = re.compile(rf"(?<![\w.\-/$€£¥]){_amount(1)}", re.I)
_SECOND = re.compile(rf"(?:\s?%)?\s*(?P<join>to|and|-|–|—)\s*{_amount(2)}", re.I)
_PCT = re.compile(r"\s?(?:%|per\s?cent\b)|\s+(?P<pp>percentage\s+points?)\b", re.I)
_CURWORD = re.compile(rf"\s+(?:of\s+)?(?:(?:US|U\.S\.)\s+)?({CURRENCY_WORD})", re.I)
_QUAL = [(q, f, re.compile(rf"(?<![\w~])(?:{p})\s*$", re.I)) for q, f, p in _QUALIFIERS]
_MON = r"(?:" + "|".join(MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
_DATE = re.compile(rf"\b(?:(?P<m1>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
                   rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MON}),?\s+(?P<y2>(?:19|20)\d\d)"
                   rf"|(?P<m3>{_MON}),?\s+(?P<y3>(?:19|20)\d\d)|(?P<y4>(?:19|20)\d\d))\b(?![.,]?\d|\s?%)"
                   r"|(?i:\b(?P<rel>(?:earlier |later )?(?:last|this|next) (?:year|month))\b)")
_NOT_POINT = re.compile(r"(?:\b(?:since|by|before|after|until|till|through|from|between)|[-–$€£¥]"
                        r"|(?:19|20)\d\d\s*(?:to|-|–))\s*$", re.I)
_YEAR_RANGE = re.compile(r"\s*(?:-|–|to)\s*(?:19|20)\d\d")
_BREAK = re.compile(r",\s|;|:\s|\s[–—-]\s|[()]|\b(?:but|while|whereas|although|though|however|yet)\b", re.I)
_COORD = re.compile(r",|\b(?:and|or)\b")
_RANGE_START = re.compile(r"\b(?P<word>between|from)\s+$", re.I)
_HEAD = re.compile(r"(?:\s+of)?((?:\s+[A-Za-z][\w-]*){1,4})")
_OF_HEAD = re.compile(r"\b([a-z]+) of\s*$")
_CITES = re.compile(r"\baccording to (?P<a>[^,.;]{3,60})|^(?P<b>(?:an?|the)\s[^,;]{3,50}?)\s+(?:recently\s+)?"
                    r"(?:reported|said|says|estimated|estimates|found|concluded|calculated)\b", re.I)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` (the shared splitter)."""
    return [(sp.start, sp.end) for sp in sentence_spans(text)]


# ---- money, counts, percentages --------------------------------------------------
class _Figure(NamedTuple):
    low: float  # rounding interval of the written number, or the band of a vague one
    high: float
    value: float | None  # None for vague amounts ("tens of thousands")


def _figure(num: str | None, scale: str | None, vague: str | None) -> _Figure:
    if vague:
        return _Figure(*_VAGUE[re.sub(r"\s+", " ", vague.lower())], None)
    mult = _SCALES[scale.strip().lower()] if scale else 1.0
    if (word := " ".join(num.lower().split())) in _NUMWORDS:
        v, prec = _NUMWORDS[word] * mult, mult * min(1.0, _NUMWORDS[word])  # "half a million": 250,000-750,000
    else:
        digits = num.replace(",", "")
        v, prec = float(digits) * mult, mult * 10.0 ** -len(digits.partition(".")[2])
    return _Figure(v - prec / 2, v + prec / 2, v)


def _count_head(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The counted noun after (or, as in 'population of', before) a number, and the widened span."""
    if m := _HEAD.match(text, end):
        for w in re.finditer(r"[A-Za-z][\w-]*", m.group(1)):
            if (word := w.group()).lower() in STOPWORDS:
                break
            if word[0].islower() and (word in _COLLECTIVE or re.search(r"[^su'i]s$", word)):
                return word, start, m.start(1) + w.end()
    if (m := _OF_HEAD.search(text, max(0, start - 30), start)) and m.group(1) in _COLLECTIVE:
        return m.group(1), m.start(), end
    return None


def _mention(kind: Kind, unit: str, span: tuple[int, int], figs: list[_Figure], qual: Qualifier,
             sides: tuple[bool, bool]) -> Mention:
    top, f = (100.0 if kind == "percent" else float("inf")), figs[0]
    if len(figs) == 2:
        return Mention(kind, *span, f.low, figs[1].high, "range", unit)
    if qual in ("upper", "lower"):
        v = f.value if f.value is not None else (f.high if qual == "upper" else f.low)
        return Mention(kind, *span, *((0.0, v) if qual == "upper" else (v, top)), qual, unit)
    if f.value is None:  # vague: "tens of thousands"
        return Mention(kind, *span, f.low, f.high, "about", unit)
    if qual == "exact":
        return Mention(kind, *span, f.low, f.high, "exact", unit, f.value)
    half = max(0.1 * f.value, (f.high - f.low) / 2)  # "about one million" allows 1.2 million
    return Mention(kind, *span, f.value - half * sides[0], min(f.value + half * sides[1], top), "about", unit,
                   f.value)


def _not_a_claim(parts: list[dict], opener: re.Match | None) -> bool:
    """'rose from 5% to 8%' (a change, not a range), a bare 'a', or a year (the date pass owns those)."""
    year = not any(p["cur1"] or p["sc1"] for p in parts) and re.fullmatch(r"(19|20)\d\d", parts[0]["num1"] or "")
    return bool(len(parts) == 2 and opener is not None and opener["word"].lower() == "from" or year
                or any(p["num1"] and p["num1"].lower().split()[-1] in ("a", "an") and not p["sc1"] for p in parts))


def _qualifier(text: str, a: int, start: int) -> tuple[Qualifier, tuple[bool, bool], int]:
    for qual, sides, rx in _QUAL:
        if m := rx.search(text, max(a, start - 30), start):
            return qual, sides, m.start()
    return "exact", (False, False), start


def _amounts(text: str, a: int, b: int, taken: list[tuple[int, int]]) -> list[Mention]:
    """Money, count and percent mentions in the sentence text[a:b]; `taken` spans are dates."""
    found, pos = [], a
    while (m := _FIRST.search(text, pos, b)) is not None:
        parts, pos = [m.groupdict()], m.end()
        opener = _RANGE_START.search(text, a, m.start())
        if (n := _SECOND.match(text, pos, b)) and (n["join"].lower() != "and" or opener):
            parts.append({k[:-1] + "1": v for k, v in n.groupdict().items() if k != "join"})
            pos = n.end()
        if _not_a_claim(parts, opener) or any(s < pos and m.start() < e for s, e in taken):
            continue
        pct, curw = _PCT.match(text, pos, b), _CURWORD.match(text, pos, b)
        cur = next((p["cur1"] for p in parts if p["cur1"]), None) or (curw and curw.group(1))
        kind: Kind = "percent" if pct else "money" if cur else "count"
        unit = ("pp" if pct["pp"] else "%") if pct else currency_code(cur) if cur else ""
        end = pct.end() if pct else curw.end() if curw else pos
        figs = [_figure(p["num1"], p["sc1"] or parts[-1]["sc1"], p["vag1"]) for p in parts]
        qual, sides, start = _qualifier(text, a, m.start())
        start = opener.start() if len(parts) == 2 and opener and start == m.start() else start
        if kind == "count":
            if not (head := _count_head(text, start, end)):
                continue
            unit, start, end = head
        found.append(_mention(kind, unit, (start, end), figs, qual, sides))
    return found


# ---- dates ------------------------------------------------------------------------
def _dates(text: str, a: int, b: int, published: str | None) -> list[Mention]:
    """Dates in text[a:b]; relative ones ("last year") only when `published` is known."""
    pub = date.fromisoformat(published) if published and re.fullmatch(r"\d{4}-\d\d-\d\d", published) else None
    found = []
    for m in _DATE.finditer(text, a, b):
        if _NOT_POINT.search(text, max(a, m.start() - 30), m.start()) or _YEAR_RANGE.match(text, m.end(), b):
            continue  # "since 2011", "2020-2024": not the date of an event
        g, day, assumption = m.groupdict(), None, None
        if g["rel"]:
            if pub is None:
                continue
            *_, which, what = g["rel"].lower().split()
            shift = {"last": -1, "this": 0, "next": 1}[which]
            if what == "year":
                year, month = pub.year + shift, None
            else:
                year, month = divmod(pub.year * 12 + pub.month + shift - 1, 12)
                month += 1
            shown = f"{MONTHS[month - 1]} {year}" if month else str(year)
            assumption = f"taken as {shown}, given publication on {published}"
        else:
            prev = re.search(r"([A-Za-z]+)\W*$", text[max(a, m.start() - 20):m.start()])
            if g["y4"] and prev and prev.group(1)[0].isupper() and prev.group(1).lower() not in STOPWORDS:
                continue  # part of a name, e.g. "Zapad 2025"
            year = int(g["y1"] or g["y2"] or g["y3"] or g["y4"])
            name = g["m1"] or g["m2"] or g["m3"]
            month = next(i for i, full in enumerate(MONTHS, 1) if full.startswith(name[:3])) if name else None
            day = int(g["d1"] or g["d2"]) if (g["d1"] or g["d2"]) else None
        try:
            lo = date(year, month or 1, day or 1)
            hi = lo + timedelta(1) if day else date(year + (month == 12), month % 12 + 1, 1) if month \
                else date(year + 1, 1, 1)
        except ValueError:
            continue
        found.append(Mention("date", m.start(), m.end(), lo.toordinal(), hi.toordinal(), "exact", "day",
                             assumption=assumption))
    return found


# ---- slots ------------------------------------------------------------------------
def _content(text: str, lo: int, hi: int, skip: tuple[int, int] = (0, 0), first: int = -1) -> list[str]:
    """Content words of text[lo:hi] outside text[skip]; capitalised ones only as a sentence's `first` word."""
    return [w.group().lower() for w in WORD_TOKEN.finditer(text, lo, hi)
            if not skip[0] <= w.start() < skip[1] and (w.group()[0].islower() or w.start() == first)
            and w.group().lower() not in STOPWORDS]


def _context(text: str, x: Mention, segs: list[tuple[int, int]], mentions: list[Mention]) -> tuple[int, int]:
    """The clause of a mention, cut where a neighbouring figure of the same kind starts its own."""
    i = next(i for i, (s, e) in enumerate(segs) if s <= x.start < e or i == len(segs) - 1)
    lo, hi = segs[i]
    if not _content(text, lo, hi, (x.start, x.end)):  # "In 2024, the two leaders ... signed": join the next clause
        lo, hi = (lo, segs[i + 1][1]) if i + 1 < len(segs) else (segs[i - 1][0] if i else lo, hi)
    for y in mentions:
        if y.kind == x.kind and lo < y.end <= x.start:
            cut = list(_COORD.finditer(text, y.end, x.start))
            lo = cut[-1].end() if cut else x.start
        elif y.kind == x.kind and x.end <= y.start < hi:
            cut = list(_COORD.finditer(text, x.end, y.start))
            hi = cut[-1].start() if cut else x.end
    return lo, hi


def extract_claims(text: str, published: str | None = None, span: tuple[int, int] | None = None) -> list[Claim]:
    """Claims whose figures lie in text[span] (default: all of it), read in their sentence.

    `published` (YYYY-MM-DD) resolves relative dates; without it they yield no claim.
    """
    lo, hi = span or (0, len(text))
    claims = []
    for a, b in sentences(text):
        if b <= lo or a >= hi:
            continue
        dates = _dates(text, a, b, published)
        mentions = sorted(dates + _amounts(text, a, b, [(d.start, d.end) for d in dates]), key=lambda x: x.start)
        cuts = [c for c in _BREAK.finditer(text, a, b) if not any(x.start <= c.start() < x.end for x in mentions)]
        segs = list(zip([a] + [c.end() for c in cuts], [c.start() for c in cuts] + [b]))
        tokens = list(WORD_TOKEN.finditer(text, a, b))
        names = [t.group() for t in tokens if t.group()[0].isupper() and t.group() not in _NOT_NAMES]
        if tokens and names[:1] == [tokens[0].group()] and (names[0].lower() in STOPWORDS or names[0][-1] == "s"):
            names = names[1:]  # a sentence's first word is a name unless it looks common ("Officials", "Over")
        first = tokens[0].start() if len(tokens) > 1 and tokens[1].group()[0].islower() else -1  # "Unemployment rose"
        cite = _CITES.search(text[a:b])
        attribution = (cite["a"] or cite["b"][0].lower() + cite["b"][1:]).strip() if cite else None
        for x in (x for x in mentions if lo <= x.start and x.end <= hi):
            c_lo, c_hi = _context(text, x, segs, mentions)
            words = _content(text, c_lo, c_hi, first=first)
            after = _content(text, max(x.start, c_lo), c_hi, first=first)
            slot = Slot(tuple(words), tuple(after), frozenset(n[:4].lower() for n in names), attribution)
            claims.append(Claim(x, text[x.start:x.end], slot))
    return claims
