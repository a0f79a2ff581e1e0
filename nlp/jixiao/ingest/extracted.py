"""What a format reader hands back before cleaning: raw text and tables with raw offsets."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.document.model import Table


@dataclass(frozen=True)
class Extracted:
    text: str
    format: str
    encoding: str | None = None
    tables: tuple[Table, ...] = field(default_factory=tuple)


class TextBuilder:
    """Appends pieces of text and remembers where each landed, for table cell offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0

    @property
    def position(self) -> int:
        return self._length

    def add(self, piece: str) -> tuple[int, int]:
        start = self._length
        self._parts.append(piece)
        self._length += len(piece)
        return start, self._length

    def text(self) -> str:
        return "".join(self._parts)
