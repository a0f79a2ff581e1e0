"""Python string offsets (code points) versus UTF-16 code units.

doccano (and anything written in JavaScript) counts a character outside the Basic Multilingual
Plane, such as 𠀋, as two units; SCHEME offsets count it as one. Converting through a prefix
table keeps both directions exact and rejects offsets that fall inside a surrogate pair.
"""

from __future__ import annotations

from jixiao.corpus.convert.errors import ConvertError


def utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


class OffsetMap:
    """Two-way offset conversion for one text; build once per text, convert many offsets."""

    def __init__(self, text: str) -> None:
        self._to_units: list[int] = [0]
        for ch in text:
            self._to_units.append(self._to_units[-1] + (2 if ord(ch) > 0xFFFF else 1))
        self._to_chars: dict[int, int] = {unit: index for index, unit in enumerate(self._to_units)}

    def to_utf16(self, char_offset: int) -> int:
        if not 0 <= char_offset < len(self._to_units):
            raise ConvertError(f"offset {char_offset} is outside the text")
        return self._to_units[char_offset]

    def to_chars(self, unit_offset: int) -> int:
        try:
            return self._to_chars[unit_offset]
        except KeyError:
            raise ConvertError(
                f"UTF-16 offset {unit_offset} is outside the text or inside a surrogate pair"
            ) from None
