"""Typed values in text: the short answer a question asks for (an amount, count, percentage,
measure, date, person, place or name), found in a span without being one the question already holds.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rag.countries import countries_in, country_of, is_country
from rag.currency import PREFIX as _CURRENCY_PREFIX, WORD as _CURRENCY_WORD, currency_named
from rag.query import TIME_ASKED, QuestionInfo, asks_for_place
from rag.text import STOPWORDS, demonym_of_place, place_of_demonym, same_start, stem, words

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_NUM = (r"(?:\d+(?:[.,]\d+)*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
        r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
        r"(?:half\s+)?an?\s+(?:dozen|hundred)|(?:half\s+)?an?(?=\s+(?:thousand|million|billion)\b)|dozens|hundreds|"
        r"thousands|millions|tens of thousands)")
_SCALE = r"(?:\s?(?:bn|m|mn|k|billion|million|trillion|thousand))?"
_ORD = r"(?:st|nd|rd|th)?"
_TIME_UNITS = r"years?|months?|weeks?|days?|hours?|minutes?|seconds?"  # a measure of time, not of size
_POWER_UNITS = r"horsepower|hp|mw|kw|gw|[kmgt]wh|(?:kilo|mega|giga|tera)?watts?(?:[- ]hours?)?|volts?"  # power, energy
_RANGE_START = r"(?:\d[\d,.]*\s?[-–]\s?(?=\d))?"  # a range is one value: "50-70 seats", "20–25%"
_LENGTH_UNITS = (r"metres?|meters?|m|km|kilomet(?:re|er)s?|centimet(?:re|er)s?|millimet(?:re|er)s?|miles?|feet|foot|"
                 r"ft|inch(?:es)?|cm|mm")
# weight, volume, area and speed: a measure, but no length
_OTHER_UNITS = (r"lbs?|ounces?|gallons?|cc|kg|kilograms?|grams?|tonnes?|tons?|hectares?|acres?|sq\s?(?:km|mi)|"
                r"square \w+|cubic \w+|litres?|liters?|mph|km/h|knots")
_ONE_MEASURE = (rf"{_NUM}(?:\s+and\s+a\s+(?:half|quarter))?{_SCALE}\s?-?\s?(?:{_LENGTH_UNITS}|{_OTHER_UNITS}|"
                rf"{_TIME_UNITS}|{_POWER_UNITS}|degrees?|(?-i:C))\b")
PATTERNS: dict[str, re.Pattern] = {
    # an amount ("$5m", "a 9 million dollar loan")
    "money": re.compile(rf"{_CURRENCY_PREFIX}\s?\d[\d,.]*{_SCALE}\b|\b\d[\d,.]*{_SCALE}\s*{_CURRENCY_WORD}", re.I),
    "percent": re.compile(rf"\b{_RANGE_START}\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I),
    # a measure, with its fraction and further parts ("four and a half years", "4 hours 52 minutes 10 seconds")
    "measure": re.compile(rf"\b{_ONE_MEASURE}(?:,?\s+(?:and\s+)?{_ONE_MEASURE})*|\b{_NUM}\s?°\s?[CF]?", re.I),
    "date": re.compile(rf"\b(?:\d{{1,2}}{_ORD}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}|"
                       rf"{_MONTH}\s+\d{{4}}|(?-i:{_MONTH})\s+\d{{1,2}}{_ORD}|\d{{1,2}}{_ORD}\s+(?-i:{_MONTH})|"
                       rf"(?:early|mid|late)[- ](?:\d{{4}}s?)|\d{{4}}s|(?:1[0-9]|20)\d\d|"
                       # a month alone: "will begin in May", "until September" ("May" only after a preposition)
                       rf"(?-i:January|February|March|April|June|July|August|September|October|November|December)|"
                       rf"(?:(?<=\bin )|(?<=\bby )|(?<=\bfrom )|(?<=\buntil )|(?<=\bsince )|(?<=\bnext )|"
                       rf"(?<=\blast )|(?<=\bearly )|(?<=\blate )|(?<=\bmid-))(?-i:May))\b"
                       rf"|\b(?:last|this|next|earlier this|later this) (?:year|month|week)\b"
                       # a day of the week, as news dates what happened or will ("opened on Monday", "on Thursdays")
                       rf"|\b(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b", re.I),
    "count": re.compile(rf"\b{_RANGE_START}{_NUM}{_SCALE}\b", re.I),
    # what someone said: a quotation, or a verb or phrase that reports speech ("warned", "according to"); lower
    # case, so that "the United States" states nothing
    "statement": re.compile(r"[“\"][^”\"]{12,}[”\"]|\b(?:said|says|say|told|tells|stated|states|warned|warns|"
                            r"reported|announced|announces|added|argued|argues|claimed|claims|insisted|noted|urged|urges|"
                            r"described|accused|praised|critici[sz]ed|condemned|denied|denies|confirmed|reiterated|"
                            r"expressed|voiced|responded|replied|declared|declares|called|calls|emphasi[sz]ed|emphasi[sz]es|"
                            r"stressed|stresses|vowed|vows|pledged|pledges|promised|admitted|admits|acknowledged|"
                            r"explained|explains|asserted|asserts|wrote|predicted|predicts|cautioned|"
                            r"[Aa]ccording to|[Ii]n a statement|"
                            r"spokes(?:person|man|woman))\b"),
}
_HOW_OLD = re.compile(r"\bhow old\b", re.I)
# how news gives an age: "a 29-year-old", "aged 58", "at the age of 19", "she was only 19 at the time",
# "Declan Morrow, 58, who …"
_AGE = re.compile(r"\b(?P<n>\d{1,3}[- ]years?[- ]old)\b|\b(?:aged|at the age of|age)\s+(?P<n2>\d{1,3})\b|"
                  r"\b(?:was|is|were|are|turned|turns)\s+(?:only\s+|just\s+|about\s+|nearly\s+|almost\s+)?"
                  r"(?P<n3>\d{1,3})(?=\s*(?:[,.;)]|$)|\s+(?:at|when|in|on|and|but)\b)|"
                  r"(?<=[a-z]), (?P<n4>\d{1,3})(?=,)")
_CALENDAR = re.compile(rf"^(?:{_MONTH}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)$")
_SHARE = re.compile(r"\s?(?:%|percent\b|per cent\b)", re.I)
_YEAR = re.compile(r"^(?:1[0-9]|20)\d\d$")
_MODEL_NUMBER = re.compile(r"[A-Za-z]-$")  # the number of a name counts nothing: "COVID-19", "B-52", "F-16"
_INITIALS = r"(?:[A-Z]\.){1,3}\s*(?=[A-Z][a-z])"  # "John M. Stahl", "J. Searle Dawley", "J.K. Rowling"
_NAME = re.compile(rf"\b(?:{_INITIALS})?[A-Z][\w’'\-]*(?:\s+(?:of\s+|the\s+|de\s+|von\s+|van\s+|&\s+)?"
                   rf"(?:{_INITIALS})?[A-Z][\w’'\-]*)*")
MAX_NAME_WORDS = 6  # a longer run of capitalised words is a list of headings, not one name
DEMONYM = re.compile(r"(?:ish|ese|ian|ean|ican)$")  # the shape of "English", "Japanese", "Italian", "Mexican"
_NEXT_WORD = re.compile(r"\s+([a-z]\w*)")  # a demonym before a lower-case noun modifies it
_PLACE = re.compile(r"\b(?:in|at|from|near|inside|to)\s+(?:the\s+)?"
                    r"(?P<v>[A-Z][\w’'\-]*(?:,?\s+(?:of\s+)?[A-Z][\w’'\-]*)*)")
# a name right after these is where something is ("a lender based in Kestel", "across the River Ostra",
# "throughout Asia"): a place, no person, and no organisation unless the question asks for a kind of place
_LOCATIVE = re.compile(r"\b(?:in|inside|near|across|throughout|around)\s+(?:the\s+)?$", re.I)
# a name right before one of these is a place too ("off the Grisholm coast", "across the Kestel region")
_PLACE_AFTER = re.compile(r"\s+(?:coast|coastline|shore|shores|border|borders|river|sea|bay|valley|hills|mountains|"
                          r"lake|peninsula|region|area|district|province|county|countryside)\b")
_LEADING = {"the", "a", "an", "in", "on", "at", "he", "she", "it", "they", "his", "her", "its", "their", "this",
            "that", "these", "those", "there", "after", "before", "during", "when", "while", "however", "but",
            "and", "as", "by", "for", "from", "with", "according", "since", "although"}


# the last word of a name that names a place or a building and is no common surname, never who did something
# (general English): "Pell Street", "Kestel Airport" answer no "Who …?" ("Park", "Hall", "Hill", "Lane" are
# surnames; an organisation may answer: "designed by the Burgess Company"), nor does a country's name ("the
# United States"; a capital may be a surname: "Hamilton")
_NOT_A_PERSON = frozenset("""street road avenue boulevard square stadium airport station harbour harbor county
district province region valley island islands abbey theatre theater gallery""".split())
# the first word of a name that names a place, never who did something (general English): "the River Ostra",
# "Mount Kessel", "Port Calder" ("Lake" and "Bay" are also surnames)
_PLACE_FIRST = frozenset("river mount cape gulf ocean sea strait canal port fort isle loch".split())


@dataclass(frozen=True)
class Value:
    kind: str
    text: str
    start: int  # offsets into the searched text
    end: int


def _in_question(info: QuestionInfo, value: str) -> bool:
    """Every word of the value is already in the question, or is the place of a demonym in it or the
    demonym of a place in it ("Elbonia" for "… Elbonian cyberattacks"), or the value is another name of a
    country the question names (its capital, "the U.S."): it cannot be the answer."""
    ws = words(value)
    asked = _lower_words(info.text)
    if bool(ws) and all(stem(w) in info.stems or demonym_of_place(w.lower(), asked) or
                        place_of_demonym(w.lower(), asked) for w in ws):
        return True
    return (country := country_of(value)) is not None and country in countries_in(info.text)


@lru_cache(maxsize=256)
def _lower_words(text: str) -> frozenset[str]:
    """The text's words, lower-cased (a question's, read once however many values are checked against it)."""
    return frozenset(w.lower() for w in words(text))


def name_values(text: str) -> list[Value]:
    """The names a text gives: runs of capitalised words, without a leading article or pronoun, a date
    ("Friday"), a run of headings or a demonym before a noun ("English rock band")."""
    out = []
    for m in _NAME.finditer(text):
        ws = m.group().split()
        while ws and ws[0].lower() in _LEADING:
            ws = ws[1:]
        if not ws or len(ws) == 1 and _CALENDAR.match(ws[0]):
            continue  # "Friday", "March": dates, not names
        after = _NEXT_WORD.match(text, m.end())
        demonym = DEMONYM.search(ws[-1]) and (len(ws) == 1 or country_of(" ".join(ws)) is not None)
        if len(ws) > MAX_NAME_WORDS or demonym and after and after.group(1) not in STOPWORDS:
            continue  # a run of headings, or "English" in "English rock band", "South African" in "South African leader"
        value = " ".join(ws)
        start = m.end() - len(value) if m.group().endswith(value) else m.start()
        value = re.sub(r"[’']s?$", "", value)  # "Lisbon’s" names Lisbon
        out.append(Value("name", value, start, start + len(value)))
    return out


# a lower-case phrase and the short form it is given in brackets: "non-governmental organisations (NGOs)"
_BRACKETED = re.compile(r"\(([A-Z][A-Z0-9]{1,6})(s?)\)")  # "(GDP)", "(NGOs)"
_PHRASE_REACH = 80  # characters before the brackets that may spell the acronym out


def common_acronyms(texts: Iterable[str]) -> frozenset[str]:
    """The acronyms the texts spell out as a lower-case phrase, singular and plural ("GDP" for "gross domestic
    product (GDP)", "NGO" and "NGOs" for "non-governmental organisations (NGOs)"): they stand for a kind of
    thing, never for a name ("Harbour Safety Board (HSB)" is spelt in capitals and stays a name)."""
    return frozenset().union(*(_spelt_out_in_lower_case(t) for t in texts))


@lru_cache(maxsize=256)
def _spelt_out_in_lower_case(text: str) -> frozenset[str]:
    out: set[str] = set()
    for m in _BRACKETED.finditer(text):
        acronym = m.group(1)
        parts = re.split(r"[\s\-]+", text[max(0, m.start() - _PHRASE_REACH):m.start()].strip())[-len(acronym):]
        if len(parts) == len(acronym) and all(re.fullmatch(r"[a-z]+", w) for w in parts) and \
                "".join(w[0] for w in parts).upper() == acronym:
            out |= {acronym, acronym + "s"}
    return frozenset(out)


def _typed(kind: str, text: str, asked: frozenset[str] = frozenset()) -> list[Value]:
    """The values of one of PATTERNS' kinds in the text. A count is no year (a date), "40%" (a share), lone
    "one", amount or measure ("22 kilometres", "$5m"), unless the measure's unit is the asked (stemmed) word
    ("How many days …": "12 days")."""
    found = [Value(kind, m.group().strip(), m.start(), m.end()) for m in PATTERNS[kind].finditer(text)]
    if kind == "count":
        other = [m.span() for k in ("measure", "money") for m in PATTERNS[k].finditer(text)
                 if k == "money" or not any(stem(w) in asked for w in _TOKEN.findall(m.group()))]
        found = [v for v in found if not any(_YEAR.match(p.strip()) for p in re.split("[-–]", v.text))
                 and not _SHARE.match(text, v.end) and not _MODEL_NUMBER.search(text, 0, v.start)
                 and v.text.lower() != "one" and not any(a <= v.start < b for a, b in other)]
    return found


def asks_age(question: str) -> bool:
    """ "How old …": the figure asked for is someone's age."""
    return bool(_HOW_OLD.search(question))


def values(info: QuestionInfo, text: str) -> list[Value]:
    """Values of the kind the question asks for, in text order, that the question does not contain."""
    kind = info.answer_type
    if kind is None:
        return []
    if kind == "statement":  # the question's own "say" is no answer, but "says" in the span reports one
        return [Value(kind, m.group(), m.start(), m.end()) for m in PATTERNS[kind].finditer(text)]
    if kind == "measure" and asks_age(info.text):  # an age, not any span of years ("led it for 8 years")
        return [Value(kind, m.group(g), m.start(g), m.end(g)) for m in _AGE.finditer(text)
                for g in ("n", "n2", "n3", "n4") if m.group(g)]
    if kind == "size":  # a measure, or a count
        found = _typed("measure", text) + _typed("count", text)
    elif kind == "figure":  # any figure: "What was the highest temperature …", "What pay rise …"
        found = sorted((v for k in ("money", "percent", "measure", "count") for v in _typed(k, text)),
                       key=lambda v: v.start)
        found = [v for i, v in enumerate(found) if not any(u.start <= v.start < u.end for u in found[:i])]
    elif kind in PATTERNS:
        found = _typed(kind, text, info.stems)
        if kind == "money" and (asked := currency_named(info.text)):  # "damage in euros": not "3 million dollars"
            found = [v for v in found if currency_named(v.text) in (asked, None)]
    elif kind == "place":
        found = [Value(kind, m.group("v"), m.start("v"), m.end("v")) for m in _PLACE.finditer(text)]
    else:  # person, name: not a lone capitalised first word ("One report …"), not "GPS-guided", not a place,
        # not the short form of a kind of thing
        found = [Value(kind, v.text, v.start, v.end) for v in name_values(text)
                 if (len(v.text.split()) >= 2 or v.start > 0) and not re.search(r"-[a-z]", v.text)
                 and v.text not in info.common_acronyms
                 and not (kind == "person" and (v.text.split()[-1].lower().strip(".,") in _NOT_A_PERSON
                                                or v.text.split()[0].lower() in _PLACE_FIRST or is_country(v.text)))
                 and not ((_LOCATIVE.search(text, 0, v.start) or _PLACE_AFTER.match(text, v.end))
                          and (kind == "person" or not asks_for_place(info.text)))]
    if kind == "date" and _WHICH_YEAR.search(info.text):  # a year, not "on Friday" or "June 9"
        found = [v for v in found if _HAS_YEAR.search(v.text)]
    if kind in ("measure", "size") and _DIMENSION.search(info.text):  # a height is never "an eight-year project"
        found = [v for v in found if not _NO_DIMENSION.search(v.text)]  # nor "960 megawatts"
        if _LENGTH_ASKED.search(info.text):  # nor "1.1 billion cubic metres"
            found = [v for v in found if not _NO_LENGTH.search(v.text)]
    return [v for v in found if not _in_question(info, v.text)]


_WHICH_YEAR = re.compile(r"\b(?:what|which)\s+year\b", re.I)
_HAS_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d|\byear\b", re.I)  # "2011", "the 1990s", "last year"
_LENGTH_WORDS = r"tall|high|wide|deep|far"
_DIMENSION = re.compile(rf"\bhow (?:{_LENGTH_WORDS}|heavy|big|large|small)\b", re.I)
_TIME_UNIT = re.compile(rf"(?:{_TIME_UNITS})$", re.I)
_NO_DIMENSION = re.compile(rf"(?:{_TIME_UNITS}|{_POWER_UNITS})$", re.I)
_LENGTH_ASKED = re.compile(rf"\bhow (?:{_LENGTH_WORDS})\b", re.I)
_NO_LENGTH = re.compile(rf"(?:{_OTHER_UNITS})$", re.I)  # "How high …" may still be in degrees
# "How long did it take / will it last / had they held …", "What was the winning time?": a span of time, not a length
_DURATION = re.compile(rf"\bhow long (?:did|does|do|will|would|has|have|had|can|could)\b|{TIME_ASKED}", re.I)


def no_span_of_time_for_duration(question: str, value_text: str) -> bool:
    """The question asks how long something took or lasts, or for a time ("the winning time"), and the value is no
    span of time ("142 metres", "212-kilometre", not "three years")."""
    return bool(_DURATION.search(question)) and not _TIME_UNIT.search(value_text)


_TOKEN = re.compile(r"[\w’']+")  # "News-Democrat" is two words: either may be the asked one


_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]")
CLAUSE_WINDOW = 8  # a value and an asked word with no clause break between them may stand this far apart


def distance_to_terms(text: str, value: Value, term_stems: list[str], after_only: bool = False,
                      same_clause: bool = False) -> float | None:
    """Words between a value and the nearest of the given (stemmed) words in text (with `after_only`, of
    those before the value; with `same_clause`, of those after it with no comma, bracket or dash between); None when
    none is there. A word counts when its stem is a term's or starts alike for 6+ letters ("directed" for
    "directors"); a value after the word is half a word nearer than one as far before it ("movie directed
    by X": X, not the word before "movie")."""
    tokens = list(_TOKEN.finditer(text))
    first = sum(1 for m in tokens if m.start() < value.start)
    last = max(first, sum(1 for m in tokens if m.start() < value.end) - 1)
    asked = [i for i, m in enumerate(tokens) if is_term(stem(m.group()), term_stems)
             and not (after_only and i >= first)
             and not (same_clause and (i <= last or _CLAUSE_BREAK.search(text[value.end:m.start()])))]
    return min((0 if first <= i <= last else (first - i - 0.5 if i < first else i - last) for i in asked), default=None)


def near_terms(text: str, value: Value, term_stems: list[str], window: int) -> float | None:
    """The value's distance to an asked word when near enough: within `window` words, or an asked word
    later in its clause within CLAUSE_WINDOW ("over 40% of the residents are unemployed": what is said
    of what the figure counts); else None."""
    d = distance_to_terms(text, value, term_stems)
    if d is not None and d <= window:
        return d
    d = distance_to_terms(text, value, term_stems, same_clause=True)
    return d if d is not None and d <= CLAUSE_WINDOW else None


def in_clause_with_terms(text: str, value: Value, term_stems: list[str]) -> bool:
    """An asked word stands in the value's clause, before or after it (no comma, bracket or dash between):
    "The museum said the project came in at 92 million dollars"."""
    return any(is_term(stem(m.group()), term_stems) and not _CLAUSE_BREAK.search(
        text[min(m.end(), value.end):max(m.start(), value.start)]) for m in _TOKEN.finditer(text))


def is_term(word: str, term_stems: Iterable[str]) -> bool:
    """The (stemmed) word is one of the terms, or starts alike for 6+ letters."""
    return _is_term(word, tuple(term_stems))


@lru_cache(maxsize=65536)
def _is_term(word: str, term_stems: tuple[str, ...]) -> bool:
    """is_term, once per word and question (it runs for every word of every candidate sentence)."""
    return any(same_start(word, t, 6) for t in term_stems)
