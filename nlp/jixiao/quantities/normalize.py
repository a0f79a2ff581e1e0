"""Resolve a candidate into the scheme's value, unit, op, approx and value_max (Decimal only)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from jixiao.document.model import Span
from jixiao.quantities.finder import Candidate
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.numerals import NumeralError, parse_numeral

_OPS = {"≥": ">=", "⩾": ">=", ">=": ">=", "≤": "<=", "⩽": "<=", "<=": "<=", ">": ">", "＞": ">",
        "<": "<", "＜": "<", "=": "=", "＝": "="}
_LARGE = "万亿萬億"
_TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


def normalize(text: str, candidate: Candidate, grammar: Grammar | None = None) -> Span | None:
    """The Span for a candidate, or None when its numerals have no value."""
    grammar = grammar or load_grammar()
    try:
        low, high, approx = _numbers(candidate)
    except NumeralError:
        return None
    unit, low, high = _scale(candidate, low, high)
    if high is not None and high < low:
        low, high = high, low
    if high is not None and high == low:
        high = None
    approx = approx or candidate.approx_marker or _approx_around(text, candidate, grammar)
    return Span(
        start=candidate.start,
        end=candidate.end,
        label=candidate.label,
        value=low,
        unit=unit,
        op=_OPS.get(candidate.comparator or ""),
        approx=approx,
        value_max=high,
    )


def _numbers(c: Candidate) -> tuple[Decimal, Decimal | None, bool]:
    first = c.number.strip()
    second = c.number_max.strip() if c.number_max else None
    mult_max = c.multiplier_max if c.multiplier_max is not None else c.multiplier
    if second is not None:
        tail = _trailing_multiplier(second)
        if tail and not _trailing_multiplier(first) and not c.multiplier:
            first += tail
    parsed = parse_numeral(first + c.multiplier)
    if second is None:
        return parsed.value, parsed.value_max, parsed.approx
    parsed_max = parse_numeral(second + mult_max)
    return parsed.value, parsed_max.value, parsed.approx or parsed_max.approx


def _trailing_multiplier(number: str) -> str:
    tail = ""
    for ch in reversed(number):
        if ch in _LARGE or (ch in "千百" and number[:-1].isascii()):
            tail = ch + tail
        else:
            break
    return tail


def _scale(c: Candidate, low: Decimal, high: Decimal | None) -> tuple[str, Decimal, Decimal | None]:
    """Unit conversion per SCHEME §1: money in 元, rates in percent."""
    factor, unit = Decimal(1), c.unit
    if c.rule == "fraction":
        denominator = parse_numeral(c.denominator or "100").value
        if denominator == 0:
            raise NumeralError("zero denominator")
        return "%", _round_fraction(low * HUNDRED / denominator), None
    if c.label == "AMOUNT":
        unit = "元"
    elif c.label == "RATE":
        factor, unit = _rate_factor(c.unit)
    scaled_high = None if high is None else high * factor
    return unit, low * factor, scaled_high


def _rate_factor(unit: str) -> tuple[Decimal, str]:
    if unit in ("个百分点", "百分点"):
        return Decimal(1), "个百分点"
    if unit in ("千分点", "个千分点"):
        return Decimal("0.1"), "个百分点"
    if unit == "‰":
        return Decimal("0.1"), "%"
    if unit == "‱":
        return Decimal("0.01"), "%"
    if unit == "倍":
        return HUNDRED, "%"
    if unit == "成":
        return Decimal(10), "%"
    return Decimal(1), "%"


def _round_fraction(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value
    return value.quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def _approx_around(text: str, c: Candidate, grammar: Grammar) -> bool:
    before = text[max(0, c.start - 3) : c.start]
    after = text[c.end : c.end + 2]
    if before.endswith(grammar.approx_false_words):
        return after.startswith(grammar.approx_after)
    return before.endswith(grammar.approx_before) or after.startswith(grammar.approx_after)
