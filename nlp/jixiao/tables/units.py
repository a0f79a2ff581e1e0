"""Money units: which unit a caption, a header or a quantity is written in, as a multiplier to 元.

Unit inheritance is what makes bare table numbers usable: ``405.81`` under a caption
「单位：万元」 or in a column headed 「合同金额（万元）」 is 4,058,100 元.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

MULTIPLIERS: Mapping[str, Decimal] = MappingProxyType({
    "亿元": Decimal(100_000_000),
    "万元": Decimal(10_000),
    "千元": Decimal(1_000),
    "百元": Decimal(100),
    "元": Decimal(1),
})
_UNIT = "亿元|万元|千元|百元|元"
_CAPTION = re.compile(rf"单位\s*[:：]\s*(?:人民币)?\s*({_UNIT})")
_HEADER = re.compile(rf"[（(]\s*(?:单位\s*[:：]\s*)?(?:人民币)?\s*({_UNIT})\s*[）)]|({_UNIT})\s*$")
_PERCENT_HEADER = re.compile(r"%|％|百分比|[（(]\s*百分[点之]?\s*[）)]")
_ANY = re.compile(rf"({_UNIT})|([亿万千])")


def caption_unit(text: str) -> str | None:
    """The unit a caption line declares (「单位：万元」, 「金额单位：元」), or None."""
    match = _CAPTION.search(text)
    return match.group(1) if match else None


def header_unit(text: str) -> str | None:
    """The unit a column header names (「合同金额（万元）」, 「预算数(元)」, 「支出万元」), or None."""
    compact = re.sub(r"\s+", "", text)
    match = _CAPTION.search(compact) or _HEADER.search(compact)
    if match is None:
        return None
    return next(group for group in match.groups() if group)


def is_percent_header(text: str) -> bool:
    """A header whose values are percentages even when the cells omit the % sign."""
    return bool(_PERCENT_HEADER.search(text))


def multiplier(unit: str | None) -> Decimal:
    """元 per unit; no unit means 元."""
    return MULTIPLIERS.get(unit or "元", Decimal(1))


def multiplier_in(text: str) -> Decimal:
    """The money scale written in a quantity's text (「0.00万元」 -> 10000); 1 when none."""
    match = _ANY.search(text)
    if match is None:
        return Decimal(1)
    if match.group(1):
        return MULTIPLIERS[match.group(1)]
    return MULTIPLIERS[match.group(2) + "元"]
