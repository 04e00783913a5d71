"""Whether a statement sizes a change unlike its quote: "nearly doubled" for a rise of 38 per cent, "risen
slightly" for "almost tripled".

A change is read as a factor: "doubled" 2, "tripled" / "trebled" 3, "quadrupled" 4, "halved" 0.5; "up 38 per
cent" 1.38, "fell 15%" 0.85; "from 1,200 to 2,760" 2.3. "Slightly", "marginally", "modestly" and "edged" say a
small change. A statement's factor must be within a third of one of its quote's factors ("nearly doubled" for
"up 90 per cent"), and a small change needs a quote factor within a tenth of 1; a quote that sizes no change
is no evidence here (the figure checks compare the numbers).
"""
from __future__ import annotations

import math
import re

_FACTOR_WORDS = {"doubled": 2.0, "doubling": 2.0, "double": 2.0, "tripled": 3.0, "trebled": 3.0,
                 "tripling": 3.0, "triple": 3.0, "quadrupled": 4.0, "halved": 0.5, "halving": 0.5}
_FACTOR = re.compile(r"\b(" + "|".join(_FACTOR_WORDS) + r")\b", re.I)
_SMALL = re.compile(r"\b(?:slightly|marginally|modestly|edged|inched)\b", re.I)
_UP = r"(?:rose|risen|rises|rising|rise|up|increased|increases|increase|grew|grown|grows|climbed|jumped|gained|higher)"
_DOWN = r"(?:fell|fallen|falls|falling|fall|down|decreased|decreases|decrease|dropped|declined|lower|shrank|cut)"
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_PERCENT = re.compile(rf"\b({_UP}|{_DOWN})\s+(?:by\s+)?(?:about\s+|around\s+|some\s+|nearly\s+|almost\s+)?{_NUMBER}\s*"
                      r"(?:%|per\s*cent|percent)", re.I)
_FROM_TO = re.compile(rf"\bfrom\s+[£$€]?{_NUMBER}\s*(?:%|per\s*cent|percent)?\s+to\s+[£$€]?{_NUMBER}", re.I)
_CLOSE = math.log(1.34)  # within a third
_SMALL_BAND = (0.9, 1.1)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def factors(text: str) -> list[float]:
    """Every change the text sizes, as a factor."""
    out = [_FACTOR_WORDS[m.group(1).lower()] for m in _FACTOR.finditer(text)]
    for m in _PERCENT.finditer(text):
        sign = 1 if re.fullmatch(_UP, m.group(1), re.I) else -1
        out.append(1 + sign * _number(m.group(2)) / 100)
    for m in _FROM_TO.finditer(text):
        a, b = _number(m.group(1)), _number(m.group(2))
        if a > 0:
            out.append(b / a)
    return [f for f in out if f > 0]


def magnitude_problems(statement: str, quote: str) -> list[str]:
    """A change the statement sizes unlike every change its quote sizes (see the module)."""
    quoted = factors(quote)
    if not quoted:
        return []
    problems = []
    for m in _FACTOR.finditer(statement):
        f = _FACTOR_WORDS[m.group(1).lower()]
        if all(abs(math.log(f / q)) > _CLOSE for q in quoted):
            problems.append(f"the statement says “{m.group(1)}”; the quote sizes the change otherwise")
    small = _SMALL.search(statement)
    if small and not _SMALL.search(quote) and not any(_SMALL_BAND[0] <= q <= _SMALL_BAND[1] for q in quoted):
        problems.append(f"the statement says “{small.group()}”; the quote sizes the change larger")
    return problems
