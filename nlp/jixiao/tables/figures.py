"""Figures as printed: a value, and the rounding interval its printed digits stand for.

A report that prints ``405.81`` (万元) says the true amount lies in [405.805, 405.815] 万元; the
audit must judge a derived figure against every amount in that interval, not against 405.81
alone. So every figure keeps ``half``: half a unit of its last printed digit, in the same scale
as ``value`` (元 for amounts, percent for rates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jixiao.quantities.numerals import ascii_digits
from jixiao.tables.units import multiplier_in

_SIGNS = str.maketrans("％－", "%-")  # full-width signs a printed figure may carry besides its digits
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")
_AMOUNT_CELL = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?$")
_BRACKETED = re.compile(r"^[(（]\s*(\d[\d,]*(?:\.\d+)?)\s*[)）]$")  # (100.00): a negative amount in accounts
_RATE_CELL = re.compile(r"^([-−]?\d+(?:\.\d+)?)\s*%")
_RANGE = re.compile(r"\d\s*[-~～—至]\s*\d")


@dataclass(frozen=True)
class Figure:
    """A printed number: ``value`` in the base unit, ``half`` the half-width of its rounding interval."""

    value: Decimal
    half: Decimal
    text: str
    start: int | None = None
    end: int | None = None

    @property
    def lo(self) -> Decimal:
        return self.value - self.half

    @property
    def hi(self) -> Decimal:
        return self.value + self.half

    @property
    def decimals(self) -> int:
        """Decimals of the printed digits (in their own unit, e.g. 2 for ``405.81`` 万元)."""
        number = _NUMBER.search(normalize_digits(self.text))
        if number is None or "." not in number.group():
            return 0
        return len(number.group().split(".")[1])


def normalize_digits(text: str) -> str:
    """Full-width digits, point, comma, percent and minus in ASCII (digits as the normalizer reads them)."""
    return ascii_digits(text).translate(_SIGNS)


def half_unit(number_text: str) -> Decimal:
    """Half a unit of the last printed digit: ``'405.81'`` -> 0.005, ``'60'`` -> 0.5."""
    decimals = len(number_text.split(".")[1]) if "." in number_text else 0
    return Decimal(5).scaleb(-(decimals + 1))


def parse_number(text: str) -> Decimal | None:
    """A plain printed number (thousands separators allowed), or None."""
    return _decimal(normalize_digits(text).strip())


def _decimal(cleaned: str) -> Decimal | None:
    """``parse_number`` of a text whose digits are normalised and whose edges are stripped."""
    cleaned = cleaned.replace(",", "").replace("−", "-")
    if not cleaned:
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def amount_cell(text: str, multiplier: Decimal, start: int | None = None, end: int | None = None) -> Figure | None:
    """A table cell holding a bare amount (``405.81``, ``23,439.08``) in a unit worth ``multiplier`` 元;
    an amount in brackets (``(100.00)``, ``（100.00）``) is negative, as accounts print it."""
    amount = _amount(text)
    if amount is None:
        return None
    value, digits = amount
    return Figure(value * multiplier, half_unit(digits.replace(",", "")) * multiplier, text.strip(), start, end)


def amount_value(text: str, multiplier: Decimal) -> Decimal | None:
    """``amount_cell(text, multiplier).value``, without the rest of the figure: typing a table
    reads the value of every cell, and its rounding interval is only needed by the audit."""
    amount = _amount(text)
    return None if amount is None else amount[0] * multiplier


def _amount(text: str) -> tuple[Decimal, str] | None:
    """(value as printed, normalised digits) of a cell holding a bare amount, or None."""
    cleaned = normalize_digits(text).strip()
    bracketed = _BRACKETED.match(cleaned)
    if bracketed is not None:
        cleaned = "-" + bracketed.group(1)
    if not _AMOUNT_CELL.match(cleaned):
        return None
    value = _decimal(cleaned)
    return None if value is None else (value, cleaned)


def rate_cell(text: str, percent_header: bool, start: int | None = None, end: int | None = None) -> Figure | None:
    """A cell holding a rate: ``98.04%``, ``20%进度款``, or a bare number under a header in percent.

    Ranges (``100-90%``) are scoring bands, not rates, and give None.
    """
    rate = _rate(text, percent_header)
    if rate is None:
        return None
    value, number = rate
    return Figure(value, half_unit(number), text.strip(), start, end)


def rate_value(text: str, percent_header: bool) -> Decimal | None:
    """``rate_cell(text, percent_header).value``, without the rest of the figure (see ``amount_value``)."""
    rate = _rate(text, percent_header)
    return None if rate is None else rate[0]


def _rate(text: str, percent_header: bool) -> tuple[Decimal, str] | None:
    """(value in percent, normalised number) of a cell holding a rate, or None."""
    cleaned = normalize_digits(text).strip()
    if not cleaned or _RANGE.search(cleaned):
        return None
    match = _RATE_CELL.match(cleaned)
    if match is None and percent_header and _AMOUNT_CELL.match(cleaned):
        number = cleaned
    elif match is not None:
        number = match.group(1)
    else:
        return None
    value = _decimal(number)
    return None if value is None else (value, number)


def cell_figure(text: str, value: Decimal, scale: Decimal, start: int | None = None, end: int | None = None) -> Figure:
    """A typed table cell as a figure: the value its record holds, the precision its printed digits give.

    ``scale`` is what one printed unit is worth in the value's unit (10000 for a cell in 万元,
    1 for rates), so ``405.81`` under 万元 stands for 4058100 ± 50 元.
    """
    number = _NUMBER.search(normalize_digits(text))
    digits = number.group().replace(",", "") if number is not None else "0"
    return Figure(value, half_unit(digits) * scale, text.strip(), start, end)


def span_figure(span_text: str, value: Decimal, start: int, end: int) -> Figure:
    """A quantity span as a figure: the printed digits give the precision, the span the scale.

    ``4414.344467万元`` has value 44143444.67 元 and six printed decimals in 万, so half a unit is
    0.005 元. Spans without Arabic digits (「两千万元」) are as precise as their last non-zero digit.
    """
    number = _NUMBER.search(normalize_digits(span_text))
    if number is not None:
        printed = parse_number(number.group())
        if printed is not None:
            scale = abs(value / printed) if printed else multiplier_in(span_text)
            return Figure(value, half_unit(number.group().replace(",", "")) * scale, span_text, start, end)
    exponent = value.normalize().as_tuple().exponent
    step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return Figure(value, step / 2, span_text, start, end)
