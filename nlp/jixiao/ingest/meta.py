"""Issuing unit, region and year, when a report's opening states them."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

# the words an issuing unit's name ends in; a text without any of them is not searched
_UNIT_ENDINGS = ("街道办事处", "地区办事处", "乡人民政府", "镇人民政府", "街道办", "办事处")
_UNIT = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:" + "|".join(_UNIT_ENDINGS) + "))")
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    "四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_REGION = re.compile(
    rf"((?:{_PROVINCES})(?:市|省|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)?"
    r"(?:[\u4e00-\u9fff]{2,4}?(?:市|州|盟))?(?:[\u4e00-\u9fff]{1,3}?(?:区|县|旗))?)"
)
# (the lookbehind after the 2, not before it: a pattern that opens with a lookbehind is tried at
# every position of the text, one that opens with a 2 only where a 2 stands)
_YEAR = re.compile(r"(2(?<!\d2)0[0-4]\d)\s*年")
TITLE_LINES = 3
HEAD_CHARS = 2400


def detect_meta(text: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    head = text[:HEAD_CHARS]
    if any(word in head for word in _UNIT_ENDINGS) and (unit := _UNIT.search(head)):
        meta["unit"] = _strip_prefix(unit.group(1))
    if (region := _REGION.search(head)) and len(region.group(1)) > 3:
        meta["region"] = region.group(1)
    if (year := _year(text)) is not None:
        meta["year"] = year
    return meta


def _year(text: str) -> int | None:
    """The title's year if it has one; otherwise the year the report mentions most."""
    title = "\n".join([line for line in text.split("\n") if line.strip()][:TITLE_LINES])
    if found := _YEAR.search(title):
        return int(found.group(1))
    counts = Counter(int(y) for y in _YEAR.findall(text))
    return counts.most_common(1)[0][0] if counts else None


def _strip_prefix(unit: str) -> str:
    """「北京市朝阳区人民政府劲松街道办事处」 → 「劲松街道办事处」: the unit itself, not its parents."""
    for marker in ("人民政府", "区", "县", "市"):
        head, sep, tail = unit.rpartition(marker)
        if sep and len(tail) >= 4:
            return tail
    return unit
