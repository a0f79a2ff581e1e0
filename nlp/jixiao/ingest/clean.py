"""Remove Word-export artifacts while keeping a map back to source offsets.

Cleaning only deletes characters (bookmarks, control characters, the CR of CRLF) and writes the
other line breaks as ``\n`` (a lone CR, the line and paragraph separators U+2028 and U+2029 of web
text, NEL, and, where they break lines, Word's manual line break \v and the form feed of a PDF
page break), so the map is a list: ``offsets[i]`` is the source index of cleaned character ``i``.
A form feed beside a line break is deleted (pdftotext ends a page with one: the page's last line
has its own break, and a paragraph that runs on to the next page is joined as any wrapped line),
and so is a \v inside a table row (a line with tabs: a manual line break inside a cell, which
would cut the row). Text-changing normalisation such as NFKC is deliberately not done: it would
turn ㎡ into m2 and ， into ,.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from jixiao.linebreaks import line_form

_ARTIFACT = re.compile(
    r"\[bookmark:[^\]\n]*\]"  # Word bookmarks as exported: [bookmark: _Toc36719771]
    r"|\r(?=\n)"  # CR of a CRLF pair
    # control characters, byte-order marks, and the invisible format characters that web pages and
    # Word put inside words and numbers (zero-width space, non-joiner and joiner, soft hyphen, word
    # joiner, direction marks): 「执行率9\u200c0%」 and 「2\xad00万元」 read as the reader sees them
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xad\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u2064]"
)

@dataclass(frozen=True)
class CleanText:
    """The cleaned text and where its pieces came from: piece ``k`` starts at cleaned index
    ``starts[k]`` and at source index ``sources[k]`` and runs unbroken to the next piece.

    Pieces, not an offset per character: a map of ints per character cost 36 bytes per character
    of a report (a 100 MB text file needed over a gigabyte for it alone)."""

    text: str
    starts: tuple[int, ...]
    sources: tuple[int, ...]

    def source_offset(self, index: int) -> int:
        """Source index of cleaned index ``index`` (``len(text)`` maps past the source end)."""
        if not self.text:
            return 0
        if index >= len(self.text):
            return self.source_offset(len(self.text) - 1) + 1
        k = bisect_right(self.starts, index) - 1
        return self.sources[k] + index - self.starts[k]

    def cleaned_index(self, source: int) -> int:
        """The cleaned index of the first kept character at source index ``source`` or after it."""
        k = bisect_right(self.sources, source) - 1
        if k < 0:
            return 0
        end = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        return min(self.starts[k] + source - self.sources[k], end)


def clean(source: str) -> CleanText:
    """Drop artifacts; lone CRs and the other line breaks become ``\n``, so old Mac exports, web
    text and Word's manual line breaks still split into lines."""
    kept: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    position = length = 0
    for match in _ARTIFACT.finditer(source):
        if match.group() in ("\x0b", "\x0c") and _breaks_line(source, match.start()):
            continue  # kept, in the next piece, and written as \n below
        length = _keep(source, position, match.start(), length, kept, starts, sources)
        position = match.end()
    _keep(source, position, len(source), length, kept, starts, sources)
    # the other line breaks as \n (the same length, the same map); \v and the form feed are left
    # in the text only where ``_breaks_line`` keeps them
    return CleanText(line_form("".join(kept)), tuple(starts), tuple(sources))


def _breaks_line(source: str, at: int) -> bool:
    """Whether the \v or form feed at ``at`` ends a line: a form feed not beside a line break,
    a \v not inside a table row (its line holds no tab)."""
    if source[at] == "\x0c":
        return source[at - 1 : at] not in ("\n", "\r") and source[at + 1 : at + 2] not in ("\n", "\r")
    line_start = max(source.rfind("\n", 0, at), source.rfind("\r", 0, at)) + 1
    line_end = min((i for i in (source.find("\n", at), source.find("\r", at)) if i >= 0), default=len(source))
    return "\t" not in source[line_start:line_end]


def _keep(source: str, start: int, end: int, length: int, kept: list[str], starts: list[int],
          sources: list[int]) -> int:
    """Keep ``source[start:end]`` as the next piece; the cleaned length after it."""
    if end <= start:
        return length
    kept.append(source[start:end])
    starts.append(length)
    sources.append(start)
    return length + end - start
