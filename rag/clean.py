"""Remove scraped-site boilerplate from article text, line by line.

Cleaning only ever drops whole lines, so every sentence kept is byte-for-byte
what the source file says (quotes stay checkable against the file).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_BOILERPLATE_LINE = re.compile(
    r"""^\s*(?:
        share\ this\ (?:post|article|story)|share\ on\ \w+|share|tweet|print|email
      | leave\ a\ (?:reply|comment)|\d*\s*comments?
      | your\ email\ address\ will\ not\ be\ published.*|required\ fields\ are\ marked.*
      | recommended\ (?:stories|articles|reading)|related\ (?:stories|articles|posts|content)
      | read\ more.*|more\ from\ .{0,40}|you\ may\ also\ like.*|most\ (?:read|popular)
      | advertisement|sponsored(?:\ content)?|skip\ to\ (?:main\ )?content
      | sign\ up\ for\ .{0,60}newsletter.*|subscribe(?:\ now)?|follow\ us.*|click\ here.*
      | (?:all\ rights\ reserved|copyright\ ©?).{0,80}|©.{0,80}
      | (?:published|updated|posted)\ (?:on\ )?\d{1,2}\ \w{3,9}\ \d{4}.{0,20}
      | list\ of\ \d+\ items.*|-?\s*list\ \d+\ of\ \d+.*
      | [\w.-]+\.(?:com|org|net|co\.uk|news|info|io)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A photo caption: a line ending in a bracketed picture credit ("… in a photo released on Monday [Agency via
# Wire/AFP]", "[File: Jane Doe/Reuters]") or one that starts as a credit or caption ("Photograph: …", "Image
# caption, …"). It describes a picture, not the story, and repeats what the story says.
_CAPTION_LINE = re.compile(
    r"""^.{0,400}\[\s*(?:file\s*:[^\]\n]{0,60}|[^\]\n]{0,60}(?:\bvia\b|\w/(?-i:[A-Z])|\bphoto\b|\bgetty\b|\bhandout\b|\bcourtesy\b)
           [^\]\n]{0,40})\]\s*$
      | ^\s*(?:photo(?:graph)?|image(?:\ source|\ caption)?|picture|caption|credit)\s*[:,]""",
    re.IGNORECASE | re.VERBOSE,
)
_PUBLISHED_LINE = re.compile(r"^\s*(?:published|updated|posted)\s+(?:on\s+)?(\d{1,2}\s+\w{3,9}\s+\d{4})", re.I)


@dataclass(frozen=True)
class Cleaned:
    text: str
    dropped: int  # number of boilerplate lines removed
    published_hint: str | None  # e.g. "19 Sep 2025" from a "Published On" line


def clean_article(text: str) -> Cleaned:
    """Drop boilerplate lines (share/comment widgets, related-story lists, bare site names) and photo captions."""
    kept: list[str] = []
    dropped = 0
    hint = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _BOILERPLATE_LINE.match(line) or _CAPTION_LINE.match(line):
            dropped += 1
            m = _PUBLISHED_LINE.match(line)
            if m and hint is None:
                hint = m.group(1)
            continue
        kept.append(line.rstrip())
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return Cleaned(body, dropped, hint)
