"""Python string offsets (code points) versus the offsets annotation tools count.

SCHEME offsets count code points (Python string indices). Annotation tools count differently:

- ``utf16``: UTF-16 code units, what JavaScript front ends count (doccano by default, Label Studio
  in the browser). A character outside the Basic Multilingual Plane, such as 𠀋, counts twice.
- ``codepoints``: code points, the same as SCHEME (Label Studio's own exports, Python tools).
- ``graphemes``: extended grapheme clusters (Unicode UAX #29), what a doccano project with
  "count grapheme clusters as one character" switched on counts: é written as e plus a combining
  accent, or an emoji joined by ZWJ, is one.

Converting through a prefix table keeps both directions exact; an offset that falls inside a
surrogate pair or a grapheme cluster has no SCHEME offset and is rejected, and a span boundary
inside a cluster cannot be written in grapheme offsets. Clusters are found with the ``regex``
library's ``\\X``, which implements UAX #29.
"""

from __future__ import annotations

from jixiao.corpus.convert.errors import ConvertError

UTF16, CODEPOINTS, GRAPHEMES = "utf16", "codepoints", "graphemes"
UNITS: tuple[str, ...] = (UTF16, CODEPOINTS, GRAPHEMES)
# names earlier exports wrote into Label Studio tasks (data.offset_unit)
_ALIASES = {"utf-16": UTF16, "code-point": CODEPOINTS, "code-points": CODEPOINTS, "grapheme": GRAPHEMES}


def offset_unit(name: str) -> str:
    """The unit a name stands for (``utf16``, ``codepoints``, ``graphemes`` or an older alias)."""
    unit = _ALIASES.get(name, name)
    if unit not in UNITS:
        raise ConvertError(f"unknown offset unit {name!r} (expected {', '.join(UNITS)})")
    return unit


def utf16_len(text: str) -> int:
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def _widths(text: str, unit: str) -> list[int]:
    """Characters per counted unit boundary: the code-point length of each unit, in order."""
    if unit == GRAPHEMES:
        import regex

        return [len(cluster) for cluster in regex.findall(r"\X", text)]
    return [1] * len(text)


class OffsetMap:
    """Two-way offset conversion for one text in one unit; build once per text, convert many offsets."""

    def __init__(self, text: str, unit: str = UTF16) -> None:
        self.unit = offset_unit(unit)
        # the code-point offset of every unit boundary, and the reverse
        chars = [0]
        units = [0]
        if self.unit == UTF16:
            for ch in text:
                units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
            chars = list(range(len(text) + 1))
        else:
            for width in _widths(text, self.unit):
                chars.append(chars[-1] + width)
            units = list(range(len(chars)))
        self._to_units: dict[int, int] = dict(zip(chars, units))
        self._to_chars: dict[int, int] = dict(zip(units, chars))
        self._length = len(text)

    def to_units(self, char_offset: int) -> int:
        """The tool's offset for a SCHEME offset."""
        try:
            return self._to_units[char_offset]
        except KeyError:
            if 0 <= char_offset <= self._length:
                raise ConvertError(f"offset {char_offset} falls inside a grapheme cluster, "
                                   f"which {self.unit} offsets cannot express") from None
            raise ConvertError(f"offset {char_offset} is outside the text") from None

    def to_chars(self, unit_offset: int) -> int:
        """The SCHEME offset for a tool's offset."""
        try:
            return self._to_chars[unit_offset]
        except KeyError:
            inside = "a surrogate pair" if self.unit == UTF16 else "a grapheme cluster"
            raise ConvertError(
                f"{self.unit} offset {unit_offset} is outside the text or inside {inside}"
            ) from None
