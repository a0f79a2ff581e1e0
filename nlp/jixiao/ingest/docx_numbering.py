"""The numbers Word puts before list paragraphs (一、 （二） 1. ①), which the document's text lacks.

Government reports number their headings and findings with Word's automatic numbering: the
paragraph 「项目基本情况」 is displayed as 「一、项目基本情况」, the number held in the numbering
part (``word/numbering.xml``), not in the paragraph. Without it a heading reads as a bare line and
a numbered finding loses its number. This module renders the label Word displays: the paragraph's
numbering instance and level (its own ``w:numPr``, or its style's, following ``w:basedOn``), the
level's counter (continued across instances of one abstract definition, restarted by a
``w:startOverride`` and below a higher level), its number format and its ``w:lvlText`` pattern.

Bullets and levels without a number give no label. The gap Word draws after a label (a tab, a
space or nothing) is left out: Chinese list labels end in their own punctuation (一、, 1., （二）).
The XML parts are read from the .docx archive with python-docx's own XML parser (``parse_xml``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from docx.oxml.ns import qn

_W_VAL, _NUM_PR, _NUM_ID, _ILVL = qn("w:val"), qn("w:numPr"), qn("w:numId"), qn("w:ilvl")
_P_PR, _P_STYLE = qn("w:pPr"), qn("w:pStyle")

_CHINESE = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULL_STOPPED = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str
    legal: bool  # w:isLgl: every level's number shown in decimal


def chinese_numeral(n: int, digits: str = _CHINESE, thousand: bool = False) -> str:
    """一 … 十一 … 九十九 as Word's chineseCounting gives them; from 100 digit by digit (一〇五), or
    with 百 and 千 (一百零五) for chineseCountingThousand."""
    ten = "十" if digits is _CHINESE else "拾"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[units] if units else "")
    if not thousand or n >= 10000:
        return "".join("〇" if d == "0" and digits is _CHINESE else digits[int(d)] for d in str(n))
    out, zero = [], False
    for value, name in ((1000, "千" if digits is _CHINESE else "仟"), (100, "百" if digits is _CHINESE else "佰"), (10, ten)):
        count, n = divmod(n, value)
        if count:
            if zero:
                out.append(digits[0])
            out.append(digits[count] + name)
            zero = False
        elif out:
            zero = True
    if n:
        out.append(digits[0] + digits[n] if zero else digits[n])
    return "".join(out)


def _letters(n: int) -> str:
    """A, B, … Z, AA, BB (Word repeats the letter)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(numeral * count)
    return "".join(out)


def _from(table: str, n: int) -> str:
    return table[n - 1] if 1 <= n <= len(table) else str(n)


def format_number(n: int, fmt: str) -> str:
    """``n`` in a WordprocessingML number format (ST_NumberFormat); unknown formats as decimal."""
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand"):
        return chinese_numeral(n, thousand=True)
    if fmt in ("chineseCounting", "ideographDigital", "taiwaneseCounting", "japaneseCounting"):
        return chinese_numeral(n)
    if fmt == "chineseLegalSimplified":
        return chinese_numeral(n, _LEGAL, thousand=True)
    if fmt in ("ideographTraditional",):
        return _from(_STEMS, n)
    if fmt in ("ideographZodiac",):
        return _from(_BRANCHES, n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _from(_CIRCLED, n)
    if fmt == "decimalEnclosedParen":
        return _from(_PARENTHESISED, n)
    if fmt == "decimalEnclosedFullstop":
        return _from(_FULL_STOPPED, n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


class Numbering:
    """The list labels of one document's paragraphs, in reading order (``label`` keeps counters:
    call it once per paragraph, in document order)."""

    def __init__(self, abstract: dict[str, dict[int, Level]], instances: dict[str, tuple[str, dict[int, int]]],
                 styles: dict[str, tuple[str | None, str | None, str | None]]) -> None:
        self.abstract = abstract  # abstractNumId -> level -> Level
        self.instances = instances  # numId -> (abstractNumId, level -> start override)
        self.styles = styles  # styleId -> (numId, ilvl, basedOn)
        self.counters: dict[str, dict[int, int]] = {}
        self.overridden: set[tuple[str, int]] = set()

    @classmethod
    def of_docx(cls, data: bytes) -> Numbering | None:
        """The numbering of a .docx archive, or None when it has no numbering part."""
        from docx.oxml import parse_xml  # python-docx's parser: no entities resolved, no network
        from lxml.etree import XMLSyntaxError

        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/numbering.xml" not in names:
                    return None
                numbering = parse_xml(archive.read("word/numbering.xml"))
                styles = parse_xml(archive.read("word/styles.xml")) if "word/styles.xml" in names else None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, XMLSyntaxError):
            return None  # the document itself was readable: its text without labels
        return cls(_abstract_levels(numbering), _instances(numbering), _style_numbering(styles))

    def label(self, paragraph: Any) -> str:
        """The label Word displays before ``paragraph`` (a ``w:p``), counting it; "" for none."""
        num_id, ilvl = self._numbering_of(paragraph)
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.abstract.get(abstract_id, {})
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if ilvl in overrides and (num_id, ilvl) not in self.overridden:
            self.overridden.add((num_id, ilvl))  # a restarted list: its first paragraph starts over
            counters[ilvl] = overrides[ilvl]
        else:
            counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # 一、 after （二）: the sub-list starts again under the next item
        text = level.text
        for k in range(ilvl, -1, -1):  # %10 before %1
            if f"%{k + 1}" in text:
                shown = levels.get(k, level)
                n = counters.get(k, shown.start)
                text = text.replace(f"%{k + 1}", str(n) if level.legal and k != ilvl else format_number(n, shown.fmt))
        return text

    def _numbering_of(self, paragraph: Any) -> tuple[str | None, int]:
        properties = paragraph.find(_P_PR)
        num_id: str | None = None
        ilvl: int | None = None
        style: str | None = None
        if properties is not None:
            numbered = properties.find(_NUM_PR)
            if numbered is not None:
                num_id = _val(numbered.find(_NUM_ID))
                ilvl = _int(_val(numbered.find(_ILVL)))
            style = _val(properties.find(_P_STYLE))
        seen: set[str] = set()
        while (num_id is None or ilvl is None) and style and style not in seen:
            seen.add(style)
            style_num, style_ilvl, based_on = self.styles.get(style, (None, None, None))
            num_id = num_id if num_id is not None else style_num
            if ilvl is None and style_ilvl is not None:
                ilvl = _int(style_ilvl)
            style = based_on
        return num_id, ilvl or 0


def _val(element: Any) -> str | None:
    return None if element is None else element.get(_W_VAL)


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _abstract_levels(numbering: Any) -> dict[str, dict[int, Level]]:
    out: dict[str, dict[int, Level]] = {}
    for abstract in numbering.iter(qn("w:abstractNum")):
        levels: dict[int, Level] = {}
        for lvl in abstract.iter(qn("w:lvl")):
            index = _int(lvl.get(qn("w:ilvl")))
            if index is None:
                continue
            start = _int(_val(lvl.find(qn("w:start"))))
            levels[index] = Level(start=1 if start is None else start,
                                  fmt=_val(lvl.find(qn("w:numFmt"))) or "decimal",
                                  text=_val(lvl.find(qn("w:lvlText"))) or "",
                                  legal=lvl.find(qn("w:isLgl")) is not None)
        out[abstract.get(qn("w:abstractNumId")) or ""] = levels
    return out


def _instances(numbering: Any) -> dict[str, tuple[str, dict[int, int]]]:
    out: dict[str, tuple[str, dict[int, int]]] = {}
    for num in numbering.iter(qn("w:num")):
        overrides: dict[int, int] = {}
        for override in num.iter(qn("w:lvlOverride")):
            index, start = _int(override.get(qn("w:ilvl"))), _int(_val(override.find(qn("w:startOverride"))))
            if index is not None and start is not None:
                overrides[index] = start
        out[num.get(qn("w:numId")) or ""] = (_val(num.find(qn("w:abstractNumId"))) or "", overrides)
    return out


def _style_numbering(styles: Any) -> dict[str, tuple[str | None, str | None, str | None]]:
    out: dict[str, tuple[str | None, str | None, str | None]] = {}
    if styles is None:
        return out
    for style in styles.iter(qn("w:style")):
        properties = style.find(_P_PR)
        numbered = properties.find(_NUM_PR) if properties is not None else None
        out[style.get(qn("w:styleId")) or ""] = (
            _val(numbered.find(_NUM_ID)) if numbered is not None else None,
            _val(numbered.find(_ILVL)) if numbered is not None else None,
            _val(style.find(qn("w:basedOn"))))
    return out
