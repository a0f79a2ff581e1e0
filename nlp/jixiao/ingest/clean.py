"""Remove Word-export artifacts while keeping a map back to source offsets.

Cleaning only deletes characters (bookmarks, control characters, the CR of CRLF), so the map
is a list: ``offsets[i]`` is the source index of cleaned character ``i``. Text-changing
normalisation such as NFKC is deliberately not done: it would turn ㎡ into m2 and ， into ,.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARTIFACT = re.compile(
    r"\[bookmark:[^\]\n]*\]"  # Word bookmarks as exported: [bookmark: _Toc36719771]
    r"|\r(?=\n)"  # CR of a CRLF pair
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b\u200e\u200f\u202a-\u202e]"
)


@dataclass(frozen=True)
class CleanText:
    text: str
    offsets: tuple[int, ...]

    def source_offset(self, index: int) -> int:
        """Source index of cleaned index ``index`` (``len(text)`` maps past the source end)."""
        if index >= len(self.offsets):
            return (self.offsets[-1] + 1) if self.offsets else 0
        return self.offsets[index]


def clean(source: str) -> CleanText:
    """Drop artifacts; lone CRs become line breaks so old Mac exports still split into lines."""
    kept: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _ARTIFACT.finditer(source):
        _keep(source, position, match.start(), kept, offsets)
        position = match.end()
    _keep(source, position, len(source), kept, offsets)
    return CleanText("".join(kept), tuple(offsets))


def _keep(source: str, start: int, end: int, kept: list[str], offsets: list[int]) -> None:
    piece = source[start:end].replace("\r", "\n")
    kept.append(piece)
    offsets.extend(range(start, end))
