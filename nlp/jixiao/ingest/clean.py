"""Remove Word-export artifacts while keeping a map back to source offsets.

Cleaning only deletes characters (bookmarks, control characters, the CR of CRLF) and writes the
other line breaks as ``\n`` (a lone CR, Word's manual line break \v, the line and paragraph
separators U+2028 and U+2029 of web text, NEL), so the map is a list: ``offsets[i]`` is the source
index of cleaned character ``i``. A form feed (a PDF page break) is deleted: the page's last line
has its own line break, and a paragraph that runs on to the next page is joined as any wrapped
line. Text-changing normalisation such as NFKC is deliberately not done: it would turn ㎡ into m2
and ， into ,.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_ARTIFACT = re.compile(
    r"\[bookmark:[^\]\n]*\]"  # Word bookmarks as exported: [bookmark: _Toc36719771]
    r"|\r(?=\n)"  # CR of a CRLF pair
    # control characters, byte-order marks, and the invisible format characters that web pages and
    # Word put inside words and numbers (zero-width space, non-joiner and joiner, soft hyphen, word
    # joiner, direction marks): 「执行率9\u200c0%」 and 「2\xad00万元」 read as the reader sees them
    r"|[\x00-\x08\x0c\x0e-\x1f\x7f\xad\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u2064]"
)

# the line breaks other than \n (and the CR of a CRLF pair, deleted above), written as \n
_LINE_BREAKS = "\r\x0b\x85\u2028\u2029"


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
    """Drop artifacts; lone CRs and the other line-break characters become ``\n``, so old Mac
    exports, Word's manual line breaks and web text still split into lines."""
    kept: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    position = length = 0
    for match in _ARTIFACT.finditer(source):
        length = _keep(source, position, match.start(), length, kept, starts, sources)
        position = match.end()
    _keep(source, position, len(source), length, kept, starts, sources)
    return CleanText("".join(kept), tuple(starts), tuple(sources))


def _keep(source: str, start: int, end: int, length: int, kept: list[str], starts: list[int],
          sources: list[int]) -> int:
    """Keep ``source[start:end]`` as the next piece; the cleaned length after it."""
    if end <= start:
        return length
    piece = source[start:end]
    for mark in _LINE_BREAKS:  # str.replace and `in` scan at C speed; a 100 MB report has many pieces
        if mark in piece:
            piece = piece.replace(mark, "\n")
    kept.append(piece)
    starts.append(length)
    sources.append(start)
    return length + end - start
