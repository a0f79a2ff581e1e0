"""Money units: which unit a caption, a header or a quantity is written in, as a multiplier to 元.

Unit inheritance is what makes bare table numbers usable: ``405.81`` under a caption
「单位：万元」 or in a column headed 「合同金额（万元）」 is 4,058,100 元.

Which units a table may be in is decided here; what 万 or 亿 is worth is not: the values come
from the quantity normalizer's numeral tables (``jixiao.quantities.numerals``), so a figure in a
table and the same figure in prose always get the same value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from jixiao.quantities.numerals import multiplier_value

CURRENCY = "元"
# The money units of captions and headers, largest first (also the order the patterns try them in).
MONEY_UNITS: tuple[str, ...] = ("亿元", "万元", "千元", "百元", CURRENCY)
MULTIPLIERS: Mapping[str, Decimal] = MappingProxyType(
    {unit: multiplier_value(unit.removesuffix(CURRENCY)) for unit in MONEY_UNITS})
# Multipliers that make a money unit when a quantity's text has them without 元 (「预算487万」).
_BARE = "亿万千"
_UNIT = "|".join(MONEY_UNITS)
UNIT_PATTERN = f"(?:{_UNIT})"  # for other modules' patterns: any money unit
_CAPTION = re.compile(rf"单位\s*[:：]\s*(?:人民币)?\s*({_UNIT})")
_HEADER = re.compile(rf"[（(]\s*(?:单位\s*[:：]\s*)?(?:人民币)?\s*({_UNIT})\s*[）)]|({_UNIT})\s*$")
_PERCENT_HEADER = re.compile(r"%|％|百分比|[（(]\s*百分[点之]?\s*[）)]")
_ANY = re.compile(rf"({_UNIT})|([{_BARE}])")
WHITE_SPACE = re.compile(r"\s+")  # compiled once: header_unit reads every header of every table


def caption_unit(text: str) -> str | None:
    """The unit a caption line declares (「单位：万元」, 「金额单位：元」), or None."""
    match = _CAPTION.search(text)
    return match.group(1) if match else None


def header_unit(text: str) -> str | None:
    """The unit a column header names (「合同金额（万元）」, 「预算数(元)」, 「支出万元」), or None."""
    compact = WHITE_SPACE.sub("", text)
    match = _CAPTION.search(compact) or _HEADER.search(compact)
    if match is None:
        return None
    return next(group for group in match.groups() if group)


def is_percent_header(text: str) -> bool:
    """A header whose values are percentages even when the cells omit the % sign."""
    return bool(_PERCENT_HEADER.search(text))


def multiplier(unit: str | None) -> Decimal:
    """元 per unit; no unit means 元."""
    return MULTIPLIERS.get(unit or CURRENCY, Decimal(1))


def unit_in(text: str) -> str:
    """The money unit written in a quantity's text (「0.00万元」 -> 万元, 「487万」 -> 万元); 元 when none."""
    match = _ANY.search(text)
    if match is None:
        return CURRENCY
    return match.group(1) or match.group(2) + CURRENCY


def multiplier_in(text: str) -> Decimal:
    """The money scale written in a quantity's text (「0.00万元」 -> 10000); 1 when none."""
    return MULTIPLIERS[unit_in(text)]
