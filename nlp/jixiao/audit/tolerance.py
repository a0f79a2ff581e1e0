"""Interval arithmetic over printed figures: when is a stated figure really inconsistent?

A printed figure with d decimals stands for every value that rounds to it, the interval
[x - 0.5·10^-d, x + 0.5·10^-d] (scaled by its unit). A derived figure (a rate, a sum, a
difference) is inconsistent only if *no* choice of inputs inside their intervals yields a value
inside the stated figure's interval. For sums this is interval addition. For the rates in budget
reports (a/b, (a-b)/b, d/(c+d) ...) each function is monotone in each argument over the boxes
that occur, so its range over the box is spanned by the values at the box's corners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from itertools import product

from jixiao.tables.figures import Figure

HUNDRED = Decimal(100)
_PRECISION = 34


@dataclass(frozen=True)
class Interval:
    """A closed range of values; ``point`` is the value computed from the printed figures."""

    lo: Decimal
    hi: Decimal
    point: Decimal

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    @property
    def spread(self) -> Decimal:
        """How far the interval reaches from its point, on the wider side."""
        return max(self.hi - self.point, self.point - self.lo)


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing a stated figure with the value derived from others."""

    consistent: bool
    stated: Decimal
    computed: Decimal
    tolerance: Decimal


def of(figure: Figure) -> Interval:
    return Interval(figure.lo, figure.hi, figure.value)


def interval_sum(figures: Sequence[Figure]) -> Interval:
    """The range of a sum of printed figures: the sum of their ranges."""
    return Interval(sum((f.lo for f in figures), Decimal(0)), sum((f.hi for f in figures), Decimal(0)),
                    sum((f.value for f in figures), Decimal(0)))


def corner_range(function: Callable[..., Decimal], figures: Sequence[Figure]) -> Interval | None:
    """Range of ``function`` over the box of the figures' intervals, from its values at the corners.

    None when the function is undefined somewhere on the box (a denominator that may be zero),
    because then the derived figure cannot be judged.
    """
    with localcontext() as context:
        context.prec = _PRECISION
        try:
            point = function(*(f.value for f in figures))
            values = [function(*corner) for corner in product(*((f.lo, f.hi) for f in figures))]
        except (ZeroDivisionError, DivisionByZero, InvalidOperation):
            return None
    return Interval(min(values), max(values), point)


def absolute(derived: Interval) -> Interval:
    """|x| over an interval; the corners alone would miss the zero inside a range that spans it."""
    if derived.lo >= 0:
        return derived
    if derived.hi <= 0:
        return Interval(-derived.hi, -derived.lo, -derived.point)
    return Interval(Decimal(0), max(-derived.lo, derived.hi), abs(derived.point))


def judge(stated: Figure, derived: Interval) -> Verdict:
    """Consistent when the derived range meets the stated figure's rounding interval."""
    consistent = derived.overlaps(of(stated))
    return Verdict(consistent, stated.value, derived.point, derived.spread + stated.half)


def ratio_percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator in percent; raises on a zero or negative denominator."""
    if denominator <= 0:
        raise ZeroDivisionError
    return numerator / denominator * HUNDRED


def difference_percent(actual: Decimal, base: Decimal) -> Decimal:
    """(actual - base) / base in percent, as 差异率 and 增长率 are defined."""
    if base <= 0:
        raise ZeroDivisionError
    return (actual - base) / base * HUNDRED


def decrease_percent(current: Decimal, decrease: Decimal) -> Decimal:
    """The fall in percent when ``current`` is ``decrease`` below last year: d / (c + d)."""
    return ratio_percent(decrease, current + decrease)


def increase_percent(current: Decimal, increase: Decimal) -> Decimal:
    """The rise in percent when ``current`` is ``increase`` above last year: d / (c - d)."""
    return ratio_percent(increase, current - increase)


def rate_verdict(stated: Figure, function: Callable[..., Decimal], inputs: Sequence[Figure],
                 unsigned: bool = False) -> Verdict | None:
    """Judge a stated figure against ``function`` of the inputs (or its absolute value).

    None when it cannot be judged. ``function`` must be monotone in each input over the box;
    ``unsigned`` takes the absolute value of its range afterwards, which keeps that true.
    """
    derived = corner_range(function, inputs)
    if derived is None:
        return None
    return judge(stated, absolute(derived) if unsigned else derived)


def sum_verdict(stated: Figure, parts: Sequence[Figure]) -> Verdict:
    return judge(stated, interval_sum(parts))


def at_most_verdict(total: Figure, parts: Sequence[Figure]) -> Verdict:
    """Parts listed under 其中 may be a selection, so they only must not exceed the total."""
    derived = interval_sum(parts)
    consistent = derived.lo <= total.hi
    return Verdict(consistent, total.value, derived.point, derived.spread + total.half)
