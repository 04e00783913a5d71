"""Question analysis: expected answer type, names and terms, sub-questions, follow-ups."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from rag.currency import currency_named
from rag.models import Turn
from rag.text import STOPWORDS, TYPO_RATIO, stem, terms, typo_similarity, words

# a time that is "the winning time" or "the journey time" is a span of time ("4 hours 52 minutes"), not a date
TIME_ASKED = r"\bwhat (?:is|was|will be) the (?:[\w’']+ ){0,2}time\b"
ANSWER_TYPES = {
    # keywords in lower case only: "Walter Price" is a name, not a price
    "money": re.compile(r"\bhow much\b(?! (?:time|longer|more time))|\b(?-i:value|cost|price|amount|worth|funding|income|salary|wages?|revenue|budget|fee)\b",
                        re.I),
    "percent": re.compile(r"\bwhat (?:percent(?:age)?|share|proportion|fraction)\b|\bhow many percent\b", re.I),
    "count": re.compile(r"\bhow many\b|\b(?:number|population) of\b", re.I),
    # a size is a measure ("2.3 centimetres", "40 hectares") or a count ("one million troops", "600 seats")
    "size": re.compile(r"\bhow (?:big|large|small)\b|\bsize of\b", re.I),
    "measure": re.compile(rf"\bhow (?:long|tall|high|far|wide|deep|heavy|old)\b(?! ago)|\b(?:median|average|mean) age\b|"
                          rf"{TIME_ASKED}", re.I),
    "date": re.compile(r"^\W*when\b|\bwhat (?:(?:is|was) the (?:\w+ )?)?(?:year|date|day|month)\b|\bwhat time\b|\b(?:in )?which (?:year|month)\b|\bhow long ago\b", re.I),
    "person": re.compile(r"^\W*who(?:m|se)?\b|\bwhich (?:person|leader|official)\b", re.I),
    "place": re.compile(r"^\W*where\b|\b(?:in|at) (?:which|what) (?:city|country|place|location|meeting|venue)\b", re.I),
}
_OPENING_TYPE = re.compile(r"^\W*(when|where|who|whom)\b", re.I)
_OPENING_TYPES = {"when": "date", "where": "place", "who": "person", "whom": "person"}
# the words that say what kind of answer is asked for (ANSWER_TYPES): a misspelling of one is corrected even
# when the corpus never uses the word ("what percnt of …")
ASKING_WORDS = frozenset("percent percentage proportion population number amount value price worth funding "
                         "income salary revenue budget".split())
_WHICH = re.compile(r"^\W*(?:(?:to|in|from|of|for|at|by|with)\s+)?(?:which|what\s+(?:is|are|was|were)\s+the\s+"
                    r"(?=names?\b|models?\b|types?\b|kinds?\b)|what\s+(?=names?\b|models?\b|types?\b|kinds?\b|brands?\b))"
                    r"(?:(?:names?|models?|types?|kinds?|brands?)\s+of\s+(?:the\s+|a\s+)?)?(?P<rest>.*)$", re.I)
_KIND_OF = re.compile(r"\b(?:types?|kinds?|sorts?)\s+of\b", re.I)
_SPEAKER = re.compile(  # verbs in lower case only: "the Elbonian State Department" is not "… state"
    r"\b(?i:what|how)\s+(?i:did|does|do|has|have|had)\s+(?P<who>.{2,60}?)\s+(?:say|said|think|believe|claim|state|"
    r"warn|argue|announce|describe|call|respond|react|reply)\b"
    r"|\b(?P<who2>[A-Z][\w. ]{1,40}?)['’]s\s+(?:opinion|view|position|reaction|response|stance)\b")
_LEAD = re.compile(r"^\W*(?:and|also|so|but|ok|okay)\b[\s,]*", re.I)
_WHAT_ABOUT = re.compile(r"^\W*(?:and\s+)?(?:what|how)\s+about\s+(.+?)\W*$", re.I)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|he|him|his|she|her|this|that|these|those|there)\b", re.I)
_WHO_IS = re.compile(r"^\W*who\s+(?:is|was|are|were)\s+(?P<rest>.+)$", re.I)
_WHAT_IS = re.compile(r"^\W*(?:what|who)\s+(?:is|was|are|were)\s+(?P<rest>.+?)\W*$", re.I)
_THING_PRONOUNS = {"it", "its", "this", "that", "they", "them", "their", "these", "those"}
_ASKED_THING = re.compile(r"^\W*(?:what|which)\s+(?P<thing>(?!(?:is|are|was|were|did|does|do|has|have|had|kind|type)\b)"
                          r"[a-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s+(?:is|are|was|were|did|does|do|has|have|had|will)\b",
                          re.I)
_HEAD = re.compile(  # "What sport is …", "Which political party …", "What is the profession of …", "type of institution"
    r"^\W*(?:(?:to|in|from|of|for|at|by|with|on)\s+)?(?:what|which)\s+(?:(?:kind|type|sort|form)s?\s+of\s+)?(?P<h>(?:[a-z][\w\-]*\s+){0,2}?[a-z][\w\-]*)\s+"
    r"(?:is|are|was|were|does|did|do|has|have|had)\b"
    r"|^\W*what\s+(?:is|was|are|were)\s+the\s+(?:(?:kind|type|sort|form)\s+of\s+(?P<h2>[a-z][\w\-]*)\b|"
    r"(?P<h3>(?:[a-z][\w\-]*\s+)?[a-z][\w\-]*)\s+of\b)", re.I)
_CLOSING_VERB = re.compile(r"\b([a-z]{3,})\s+(with|into|for|to|from|on|in|of|by|as|after)\W*$", re.I)
_FRAME = re.compile(r"\b([a-z]{3,})\s+(with|into|for|to|from|on|in|of|by|as)\s+(?:which|what)\b", re.I)
# "What position did Gary Bennett play in during …": the verb after the subject and its preposition
_VERB_AFTER_SUBJECT = re.compile(r"^\W*(?i:what|which)\s+(?:[a-z]+\s+){1,2}(?:did|does|do|has|have|had)\s+"
                                 r"(?:[A-Z][\w.’'\-]*\s+)+([a-z]{3,})\s+(with|into|for|to|from|on|in|of|by|as)\b")
# "What (kind of products) does Fernside Mills sell?": the answer is the object after that verb
_TRANSITIVE_CLOSING = re.compile(r"^\W*(?i:what|which)\b.*?\b(?i:did|does|do|will)\s+(?:[\w.’'\-]+\s+){1,6}?"
                                 r"([a-z]{3,})()\W*$")
_ASKS_FOR_OBJECT = re.compile(r"^\W*what\s+(?:did|does|do|has|have|had|will)\b", re.I)
_QWORDS = {"what", "who", "whom", "whose", "when", "where", "why", "how", "which", "did", "does", "do", "is",
           "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "should", "i", "and",
           "according", "quote", "tell", "in", "percentage", "percent", "number", "amount", "value", "year",
           "date", "much", "many", "exactly", "total", "long", "tall", "high", "far", "wide", "deep", "big", "large",
           "heavy", "old", "on", "of", "the", "a", "an", "to"}
_QWORD_STEMS = frozenset(stem(w) for w in _QWORDS)  # as `terms` gives them: "percentag" is no content term
# when the asked thing happened ("over the past year", "earlier this month", "this year's"): no word of what is
# asked about ("past" is near "ago" in meaning, and "four years ago" says nothing of house prices)
_TIME_PHRASE = re.compile(r"\b(?:(?:earlier|later)\s+)?(?:past|last|previous|coming|next|recent|current|this)\s+"
                          r"(?:(?:few|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)?"
                          r"(?:year|month|week|decade|day|quarter|season|century|centuries)s?\b", re.I)


@dataclass
class QuestionInfo:
    """What the answerer needs to know about a question (no topic knowledge: grammar and spelling only)."""

    text: str
    answer_type: str | None  # money, percent, count, measure, size, figure, date, person, place, name, statement or None
    entity_names: list[str] = field(default_factory=list)  # proper names as asked ("Henry Moseley")
    terms: list[str] = field(default_factory=list)  # stemmed content words, once each
    content_terms: list[str] = field(default_factory=list)  # those not part of a name: what is asked about
    # those that do not describe the named subject ("wind farm" in "… the Dunnock Reef wind farm have?"): what a
    # figure must stand next to
    asked_terms: list[str] = field(default_factory=list)
    stems: frozenset[str] = frozenset()  # every word of the question, stemmed
    future: bool = False  # asks about something still to come ("will", "next")
    head: str | None = None  # the kind of thing asked for, stemmed: "sport" in "What sport is …"
    asked_verb: tuple[str, str] | None = None  # the word and preposition the answer follows, stemmed: ("flow", "into")
    definition: bool = False  # asks what a name is: "What is "The 1975"?", "Who is Lena Marsh?"
    speaker: str | None = None  # who is asked to have said something: "the trawler owners' association"
    sources: list[str] = field(default_factory=list)  # sources the asker names: only their documents answer
    # short forms the documents define for a lower-case phrase ("gross domestic product (GDP)"): things, not names
    common_acronyms: frozenset[str] = frozenset()

    @property
    def subject_stems(self) -> list[str]:
        """Every word of the question's names but their articles and other stop words ("the" of "The Lantern
        Girl" names nothing), stemmed: the words that name its subject."""
        return [stem(w) for name in self.entity_names for w in words(name) if w.lower() not in STOPWORDS]


_TITLE = re.compile(r"[\"“]([^\"“”]{1,80}?)[\"”]")  # a title the question quotes: "It's Raining", "The 1975"
_TITLE_WORDS = 8  # a longer quotation is what someone said, not a title


def entities(text: str) -> list[str]:
    """Capitalised word runs (proper names, acronyms), skipping a question's leading words; a quoted title is
    one name as written ("It's Raining", not "It" and "Raining"); names written "A/B" are one name with two
    alternatives."""
    titles = [m for m in _TITLE.finditer(text)
              if re.search(r"[A-Z\d]", m.group(1)) and len(m.group(1).split()) <= _TITLE_WORDS]
    for m in titles:  # blanked out, so that its words are not read again as runs
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return [n for _, n in sorted([((m.start(), 0), m.group(1).strip()) for m in titles] + _runs(text))]


def _runs(text: str) -> list[tuple[tuple[int, int], str]]:
    """The capitalised word runs of `entities`, each with where it starts."""
    out: list[tuple[tuple[int, int], str]] = []
    end = 0
    for m in re.finditer(r"(?:[A-Z][\w.\-’']*|(?<![\d,.])\d{4}(?![\d,]))(?:\s+(?:of\s+|the\s+)?[A-Z][\w.\-’']*)*",
                         text):  # a year is a name of sorts; "20000" and "12,0000" hold none
        phrase = m.group().strip(" .’'")
        first = phrase.split()[0].lower().rstrip("’'s")
        if m.start() == 0 or text[:m.start()].strip() in ("", "And", "and"):
            if first in _QWORDS or first in STOPWORDS:
                rest = phrase.split()[1:]
                if not rest:
                    continue
                phrase = " ".join(rest)
        if phrase.lower() in _QWORDS:
            continue
        # a possessive ends a name: "Ostra's Harbour Board" is Ostra and its Harbour Board
        parts = [p.strip(" .") for p in re.split(r"(?<=\w)[’']s(?:\s+|$)", phrase) if p.strip(" .")]
        if out and text[end:m.start()].strip() == "/":
            out[-1] = (out[-1][0], out[-1][1] + "/" + parts.pop(0))  # "Hajin/Nor Hachn": either names the subject
        out += [((m.start(), i), p) for i, p in enumerate(parts)]
        end = m.end()
    return out


_EMBEDDED_QUESTION = re.compile(r"[:;,]\s*((?:how|what|who|whom|when|where|which|why)\b[^:;]*)$", re.I)


_WH = ("what", "which", "who", "when", "where", "why", "how")


def core_question(text: str) -> str:
    """The question itself: without a preamble ("Answer from memory: …"), its first word's typo fixed."""
    m = _EMBEDDED_QUESTION.search(text)
    text = m.group(1) if m and len(words(m.group(1))) >= 3 else text
    first = re.match(r"\s*([A-Za-z]+)", text)
    if first and first.group(1).lower() not in _WH:
        close = get_close_matches(first.group(1).lower(), _WH, n=1, cutoff=0.75)
        if close:
            text = text[:first.start(1)] + close[0] + text[first.end(1):]
    return text


_POINTS_BACK = re.compile(r"\b(?:he|she|it|they|him|her|them|his|its|their)\b", re.I)


def _preamble_subject(text: str) -> list[str]:
    """The names of a preamble the question points back to with a pronoun: "2nd Duke of Newcastle, what year
    was he born?" asks about the Duke; "According to the Gazette, how many …" names a source, not a subject."""
    m = _EMBEDDED_QUESTION.search(text)
    if not m or len(words(m.group(1))) < 3 or not _POINTS_BACK.search(m.group(1)) or _ACCORDING.search(text):
        return []
    return entities(text[:m.start()])


# a source the asker names ("According to the Harbour Gazette, how many …"): only a document naming it answers
_ACCORDING = re.compile(r"\b[Aa]ccording to (?:the\s+)?(?P<source>[A-Z][\w.&’'\-]*(?:\s+[A-Z][\w.&’'\-]*)*)")


def analyze(question: str) -> QuestionInfo:
    """Answer type, proper names and content terms of a question, and a source named in a preamble the core
    question drops ("According to the Harbour Gazette article, …")."""
    sources = [m.group("source") for m in _ACCORDING.finditer(question)]
    subject = _preamble_subject(question)
    question = core_question(question).strip()
    opening = _OPENING_TYPE.match(question)  # "When was … the price …": the question word decides
    answer_type = _OPENING_TYPES[opening.group(1).lower()] if opening else \
        next((t for t, rx in ANSWER_TYPES.items() if rx.search(question)), None)
    if answer_type == "money" and _quantity_asked(question):
        answer_type = "size"  # "How much cargo …" asks for tonnes, not euros: a measure or a count
    if answer_type in ("money", "size") and _BY_HOW_MUCH.search(question):
        answer_type = "figure"  # a change is told in any unit: "By how much did the price drop?" "12 percent"
    if answer_type is None and asks_quantity(question):
        answer_type = "figure"
    if answer_type is None and _WHICH.search(question) and not _KIND_OF.search(question):
        answer_type = "name"  # a kind of thing is a phrase ("What type of institution …": "academy"), not a name
    speaker = _SPEAKER.search(question)
    if answer_type in (None, "date") and speaker:
        answer_type = answer_type or "statement"
    names = subject + [n for n in entities(question) if n not in subject]
    sources = [n for n in sources if n not in question]  # one the core question still holds is one of its names
    if answer_type == "person" and names and _WHO_IS.match(question) and \
            _WHO_IS.match(question).group("rest").strip(" ?.").lower() in {n.lower() for n in names}:
        answer_type = None  # "Who is Lena Marsh?" asks what the person is, not for a name
    terms_ = list(dict.fromkeys(t for t in terms(question) if t not in _QWORD_STEMS))
    name_stems = {stem(w) for n in names for w in words(n)}
    content = [t for t in terms_ if t not in name_stems]
    described = {stem(w) for n in names for w in _described(question, n)}
    when = {stem(w) for m in _TIME_PHRASE.finditer(question) for w in words(m.group())}
    asked = [t for t in content if t not in described and t not in when]
    stems = frozenset(stem(w) for w in words(question))
    future = bool(re.search(r"\b(?:will|next|upcoming|going to|plan(?:s|ned)? to)\b", question, re.I))
    closing = (_CLOSING_VERB.search(question) or _VERB_AFTER_SUBJECT.search(question)
               or (_TRANSITIVE_CLOSING.search(question) if answer_type is None else None)) \
        if re.match(r"^\W*(?:what|which)\b", question, re.I) else \
        _FRAME.search(question) or (  # "… is the home venue of which team?": what follows "venue of" answers
            _CLOSING_VERB.search(question) if answer_type in ("person", "place", "name") else None)  # "named after"
    what_is = _WHAT_IS.match(question)
    definition = bool(what_is) and answer_type is None and all(
        w[0].isupper() or w[0].isdigit() or w.lower() in ("the", "a", "an", "of")
        for w in re.findall(r"[\w’'\-.]+", what_is.group("rest")))
    return QuestionInfo(question, answer_type, names, terms_, content, asked, stems, future, asked_head(question),
                        (stem(closing.group(1)), closing.group(2).lower()) if closing else None, definition,
                        (speaker.group("who") or speaker.group("who2")) if answer_type == "statement" else None,
                        sources)


# what "how much <noun>" asks about when it asks for money (general English; a currency named asks for money too)
MONEY_NOUNS = frozenset("""money cash funding funds fund aid help support assistance debt debts revenue revenues
profit profits budget tax taxes income salary salaries wage wages pay compensation investment spending rent fee
fees fine fines damage damages subsidy subsidies grant grants loan loans capital savings""".split())
_HOW_MUCH_NOUN = re.compile(r"\bhow much\s+([a-z]+)\b(?:\s+([a-z]+)\b)?", re.I)
_BY_HOW_MUCH = re.compile(r"\bby how much\b", re.I)


def _quantity_asked(question: str) -> bool:
    """ "How much <noun> …" about a thing that is not money ("How much cargo …", "How much rain …"), with no
    currency named: it asks for a quantity. Not "How much did …", "How much of …", "How much aid …" or "How much
    prize money …"."""
    m = _HOW_MUCH_NOUN.search(question)
    noun = m.group(1).lower() if m else ""
    money = any(typo_similarity(w.lower(), n) >= TYPO_RATIO for w in (m.groups() if m else ()) if w for n in MONEY_NOUNS)
    return bool(noun) and noun not in _QWORDS and noun not in STOPWORDS and noun not in ("more", "less") and \
        not money and currency_named(question) is None


def _described(question: str, name: str, most: int = 2) -> list[str]:
    """The lower-case words right after a name that say what it names ("wind farm" in "the Dunnock Reef wind farm
    have", "railway" in "Pellham's railway"), up to `most` and the first stop word; only after "the" or a
    possessive ("How many Olympic medals …": the medals are asked for). Or right before it, after "the":
    "stolen painting" in "the stolen painting The Blue Harbour"."""
    out: list[str] = []
    for m in re.finditer(re.escape(name), question):
        before = re.search(rf"\bthe\s+((?:[a-z][\w\-]*\s+){{1,{most}}})$", question[:m.start()])
        ws = before.group(1).split() if before else []
        out += ws if all(w not in STOPWORDS and w not in _QWORDS for w in ws) else []  # not "the population of X"
        if not (question[:m.start()].lower().endswith("the ") or re.search(r"['’]s?$", name)):
            continue
        rest = question[m.end():]
        for w in re.findall(r"[\w’'\-]+|[^\w\s]", rest)[:most]:
            if not re.fullmatch(r"[a-z][\w\-]*", w) or w in STOPWORDS or w in _QWORDS or _closing_participle(w, rest):
                break
            out.append(w)
    return out


# participles that do not end in -ed (general English): "When was the X built?"
IRREGULAR_PARTICIPLES = frozenset("""built born held made won sold written given taken begun run set shot laid led paid
found known shown drawn grown thrown chosen spent sent lost bought brought fought taught caught struck hit cut put
sung rung hung dug spun""".split())


def _closing_participle(word: str, rest: str) -> bool:
    """The word closes the question and is a participle: the verb of "When was the Douglas Courthouse built?",
    not a word saying what the name is ("Where is the Dunnock Reef wind farm?")."""
    closing = re.match(rf"\s*{re.escape(word)}\W*$", rest)
    return bool(closing) and (word in IRREGULAR_PARTICIPLES or len(word) > 4 and word.endswith("ed"))


# nouns naming a quantity (general English): what such a noun asks for is a figure of some kind
QUANTITY_NOUNS = frozenset("""temperature temperatures magnitude turnout rate speed distance height length depth width
weight capacity score margin total toll rise increase cut drop fall growth gain loss majority deficit surplus""".split())
_WHAT_RUN = re.compile(r"^\W*what\s+(?:(?:is|was|are|were|will\s+be)\s+)?(?:the\s+)?(?P<run>(?:[a-z][\w\-]*\b\s*){1,3})",
                       re.I)


def asks_quantity(question: str) -> bool:
    """A what-question whose opening words name a quantity ("What was the highest temperature recorded …",
    "What pay rise is …"; not "What caused the drop …": the run of words after "what" stops at "the")."""
    m = _WHAT_RUN.match(question)
    run = []
    for w in (m.group("run").split() if m else []):
        if w.lower() in STOPWORDS:
            break
        run.append(w.lower())
    return any(w in QUANTITY_NOUNS for w in run)


def asked_head_word(question: str) -> str | None:
    """The noun naming what a what/which question asks for ("party" in "What political party is …",
    "countries" in "To which countries has …"), when it is not a question word or a name."""
    m = _HEAD.search(question)
    phrase = m and next(g for g in m.group("h", "h2", "h3") if g)
    head = phrase.split()[-1].lower() if phrase else None
    return head if head and head not in _QWORDS and head not in STOPWORDS and head != "name" else None


# kinds of place a "which …" question may ask for (general English): the answer may stand after "in"
PLACE_NOUNS = frozenset("""city cities town towns village villages country countries nation nations state states
county counties region regions province provinces district districts area areas island islands continent
continents capital capitals suburb suburbs neighbourhood neighborhood place places location locations site sites
venue venues""".split())
_WHICH_WORDS = re.compile(r"^\W*(?:(?:in|at|from|to|of)\s+)?(?:which|what)\s+([a-z]+)(?:\s+([a-z]+))?", re.I)


def asks_for_place(question: str) -> bool:
    """A which/what question whose first words name a kind of place ("Which city hosted …")."""
    m = _WHICH_WORDS.match(question)
    return bool(m) and any(w and w.lower() in PLACE_NOUNS for w in m.groups())


def asked_head(question: str) -> str | None:
    """`asked_head_word`, stemmed."""
    head = asked_head_word(question)
    return stem(head) if head else None


def split_question(question: str) -> list[str]:
    """Split 'How much … and when …?' into its parts; a single question stays whole."""
    parts = re.split(r"\s*(?:,\s*)?(?:\band\b|;|\?)\s+(?=(?:what|who|when|where|why|how|which|did|does|is|was)\b)",
                     question.strip(), flags=re.I)
    return [p.strip() for p in parts if len(terms(p)) >= 1] or [question.strip()]


def rewrite_followup(question: str, history: list[Turn]) -> str | None:
    """A standalone version of a follow-up question, or None when it already stands alone."""
    if not history:
        return None
    prev_standalone = _standalone_chain([t.question for t in history])
    q = question.strip()
    prev_entities = entities(prev_standalone)
    m = _WHAT_ABOUT.match(q)
    if m and prev_entities:
        return _replace_first(prev_standalone, prev_entities[0], m.group(1).strip())
    has_own_entity = bool(entities(_LEAD.sub("", q)))
    pron = _PRONOUN.search(q)
    starts_with_lead = bool(_LEAD.match(q))
    short = len(words(q)) <= 5 and not has_own_entity
    if not (pron or starts_with_lead or short) or has_own_entity and not pron:
        return None
    body = _LEAD.sub("", q)
    body = body[0].upper() + body[1:] if body else body
    word = pron.group(1).lower() if pron else ""
    asked = _ASKED_THING.match(prev_standalone)
    if pron and asked and word in _THING_PRONOUNS:
        # "What agreement did Lee sign with Ortega?" → "When was it signed?" asks about the agreement
        thing = f"the {asked.group('thing')}" + (f" ({', '.join(prev_entities)})" if prev_entities else "")
        start, end = pron.start() - (len(q) - len(body)), pron.end() - (len(q) - len(body))
        return body[:start] + thing + ("’s" if word in ("its", "their") else "") + body[end:]
    if pron and word in ("it", "they", "them") and _ASKS_FOR_OBJECT.match(prev_standalone) \
            and not _ASKS_FOR_OBJECT.match(body) and not re.match(r"^\W*who\b", body, re.I):
        # "What did A give B?" → "How much was it worth?": "it" is that question's answer (but in
        # "What did it get in return?" it is the one acting: A or B, below)
        return f"{body.rstrip('?').rstrip()} ({prev_standalone.strip().rstrip('?')})?"
    if pron and prev_entities:
        # after "did/has/is", the pronoun is the one acting: the previous question's subject
        subject = re.search(r"\b(?:did|does|do|has|have|had|is|was|will)\s+$", q[:pron.start()], re.I)
        target = prev_entities[0] if subject else prev_entities[-1]
        replacement = target + ("’s" if word in ("its", "their", "his", "her") else "")
        return body[:pron.start() - (len(q) - len(body))] + replacement + body[pron.end() - (len(q) - len(body)):]
    if prev_entities:
        return f"{body.rstrip('?').rstrip()} ({', '.join(prev_entities)})?"
    return body if body != q else None


RECENT_TURNS = 4  # follow-ups are read against the last few questions only (linear in history length)


def _standalone_chain(questions: list[str]) -> str:
    questions = questions[-RECENT_TURNS:]
    current = questions[0]
    for q in questions[1:]:
        current = rewrite_followup(q, [Turn(current)]) or q
    return current


def _replace_first(text: str, old: str, new: str) -> str:
    i = text.find(old)
    return text[:i] + new + text[i + len(old):] if i >= 0 else f"{text} ({new})"
