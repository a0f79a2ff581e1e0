"""Resolve a candidate into the scheme's value, unit, op, approx and value_max (Decimal only)."""

from __future__ import annotations

from decimal import DecimalException, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import gcd

from jixiao.document.jsonl import decimal_str
from jixiao.document.model import Span
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.filters import CLAUSE_STOPS, text_since
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.numerals import NumeralError, parse_numeral

_LARGE = "万亿萬億"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_TWO_PLACES = Decimal("0.01")
_SIGNIFICANT = 4
HUNDRED = Decimal(100)
HALF = Decimal("0.5")
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")
_SPACES = " \t\u00a0\u3000"


def normalize(text: str, candidate: Candidate, grammar: Grammar | None = None,
              score: float | None = None) -> Span | None:
    """The Span for a candidate (with ``score``), or None when its numerals have no value."""
    grammar = grammar or load_grammar()
    try:
        low, high, approx = _numbers(candidate, grammar)
        unit, low, high = _scale(candidate, low, high, grammar)
    except (NumeralError, DecimalException):
        # a numeral beyond exact decimal arithmetic (a run of a million digits) is no quantity a
        # report states: no span, and the rest of the document is tagged as usual
        return None
    if high is not None and high < low:
        low, high = high, low
    if high is not None and high == low:
        high = None
    approx = (approx or candidate.approx_marker or _POINT_FORMS.get(candidate.unit) == "approx"
              or _approx_around(text, candidate, grammar))
    op = grammar.comparator_op(candidate.comparator) if candidate.comparator else None
    # the value as the output writes it (44143444.67, not 44143444.670000; 66000, not 66000.0), so
    # the Python API and the JSON agree to the character
    low = Decimal(decimal_str(low))
    high = None if high is None else Decimal(decimal_str(high))
    return Span(candidate.start, candidate.end, candidate.label, low, unit, op, approx, high, score)


def _numbers(c: Candidate, grammar: Grammar) -> tuple[Decimal, Decimal | None, bool]:
    first = c.number.strip()
    second = c.number_max.strip() if c.number_max else None
    mult_max = c.multiplier_max if c.multiplier_max is not None else c.multiplier
    gained = ""  # what the first end of a range gains from the second's multiplier (30-50万: 万)
    if second is not None and not _trailing_multiplier(first) and not c.first_whole:
        if (first in _ONE_DIGIT and second[:1] in _ONE_DIGIT and len(second) > 2
                and all(ch in _STAGES for ch in second[1:])):
            gained = second[1:]  # 三至五千万: the first end is 三千万 (not 一至二十人: 一 and 二十)
        else:
            gained = _trailing_multiplier(second)  # 30-50万, 1-2万亿元 (2万, then 亿)
    multiplier = c.multiplier
    if second is not None and multiplier:
        # The first end of a range with a multiplier of its own keeps it: 3千至5千元 (3000), 5百至1千元
        # (500). It gains the rest of the range's multiplier when it is the start of it (3千至5千万元:
        # 3千万), and 亿 after its 万 (1万至2万亿元: 1万亿); otherwise nothing (3百万至5千万元: 3百万).
        own = multiplier if first.endswith(multiplier) else _trailing_multiplier(first)
        if own:
            multiplier = (multiplier[len(own):] if multiplier.startswith(own)
                          else multiplier if own[-1] in "万萬" and multiplier in ("亿", "億") else "")
    signed = bool(c.sign and c.sign not in grammar.plus_signs)
    signed_max = bool(c.sign_max and c.sign_max not in grammar.plus_signs)
    if second is None:
        parsed = parse_numeral(first + multiplier)
        low, high = parsed.value, parsed.value_max
        if signed:  # SCHEME §1 rule 9: -22.2%, 负3.9%, 零下5℃
            low, high = -low, None if high is None else -high
        return low, high, parsed.approx
    parsed_max = parse_numeral(second + mult_max)
    high = -parsed_max.value if signed_max else parsed_max.value
    # The first end gains the whole of the multiplier (30-50万: 30万; written high to low, 10-5万:
    # 10万, the ends swapped below) unless that makes it ten times the second end or more: then it
    # gains the part that puts it closest below the second (8000至1.2万: 8000; 800-1千万元: 800万;
    # 8000至1.2亿元: 8000万), GUIDELINES §1.4.
    added = gained + multiplier
    parsed = parse_numeral(first + added)
    low = -parsed.value if signed else parsed.value
    if not signed and not signed_max and high > 0 and low >= RANGE_OVERTAKE * high:
        readings = [added[i:] for i in range(1, len(added) + 1)] + (["万"] if "亿" in added and "万" not in added else [])
        below = [r for r in (parse_numeral(first + reading) for reading in readings) if 0 < r.value <= high]
        if below:
            parsed = max(below, key=lambda r: r.value)  # the reading closest below the second end
            low = parsed.value
    return low, high, parsed.approx or parsed_max.approx


RANGE_OVERTAKE = 10  # how many times the second end the first may read before it gains less of the multiplier
_ONE_DIGIT = frozenset("一二两三四五六七八九壹贰叁肆伍陆柒捌玖")
_STAGES = frozenset("十百千万亿拾佰仟萬億")


def _trailing_multiplier(number: str) -> str:
    tail = ""
    plain = number.translate(_FULLWIDTH)
    for ch in reversed(plain):
        if ch in _LARGE or (ch in "千百" and plain[:-1].isascii()):
            tail = ch + tail
        else:
            break
    return tail


def _scale(c: Candidate, low: Decimal, high: Decimal | None,
           grammar: Grammar) -> tuple[str, Decimal, Decimal | None]:
    """Unit conversion per SCHEME §1: money in 元 (another currency as written), rates in percent."""
    factor, unit = Decimal(1), c.unit
    if c.rule == "fraction":
        denominator = parse_numeral(c.denominator or "100").value
        denominator_max = parse_numeral(c.denominator_max).value if c.denominator_max else denominator
        if denominator == 0 or denominator_max == 0:
            raise NumeralError("zero denominator")
        # a range of fractions keeps its upper end: 十分之一到五分之一 → 10 to 20
        return "%", exact_or_rounded(Fraction(low) * 100 / Fraction(denominator)), (
            None if high is None else exact_or_rounded(Fraction(high) * 100 / Fraction(denominator_max)))
    if (c.half or _POINT_FORMS.get(c.unit) == "half") and high is None:  # 一吨半, 一个半百分点
        low += HALF.copy_sign(low) if low else HALF
    if c.label == "AMOUNT":
        if c.unit != "元" and (c.unit in grammar.foreign_currency or c.unit in grammar.foreign_prefixes
                               or c.unit in grammar.foreign_codes):
            unit = c.unit
        else:
            unit = "元"
            if c.unit in grammar.currency_factors:
                factor = grammar.currency_factors[c.unit]
    elif c.label == "RATE":
        # a rate per 10^n written with a slash (12.36/10万) is read as a percent by the grammar's factor
        factor, unit = (grammar.percent_factors[c.unit], "%") if c.unit in grammar.percent_factors \
            else grammar.rate_scales.get(c.unit, (Decimal(1), "%"))
    if factor != 1:
        low, high = low * factor, None if high is None else high * factor
    if c.jiao or c.fen:
        cents = parse_numeral(c.jiao or "0").value * TENTH + parse_numeral(c.fen or "0").value * HUNDREDTH
        low += cents.copy_sign(low) if low else cents
    return unit, low, high


# 个百分点 written with 多 or 余 after 个 (两个多百分点: approximate) or with 半 (一个半百分点: half a
# point more); the grammar's ``rate_scales`` give every form the unit 个百分点
_POINT_FORMS = {"个多百分点": "approx", "个余百分点": "approx", "个半百分点": "half"}


def exact_or_rounded(value: Fraction) -> Decimal:
    """SCHEME values paragraph: a fraction that terminates is exact (百万分之五 → 0.0005); one
    that does not is rounded to two decimals (三分之二 → 66.67), or to four significant digits
    where two decimals would show zero (三百万分之一 → 0.00003333)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        return _terminating(value)
    two = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)
    if two != 0 or value == 0:
        return two
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    places = _SIGNIFICANT - exact.adjusted() - 1
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _terminating(value: Fraction) -> Decimal:
    """A fraction whose denominator is 2^a·5^b, as the exact decimal (no context rounding)."""
    places, numerator, denominator = 0, value.numerator, value.denominator
    while denominator != 1:
        numerator, places = numerator * 10, places + 1
        common = gcd(numerator, denominator)
        numerator, denominator = numerator // common, denominator // common
    return Decimal(numerator).scaleb(-places)


def _approx_around(text: str, c: Candidate, grammar: Grammar) -> bool:
    end = c.start
    while end > 0 and text[end - 1] in _SPACES:
        end -= 1  # 约 5700m: a space after the word does not change it
    before = text[max(0, end - grammar.approx_reach) : end]  # as far back as the longest word that decides
    after = text[c.end : c.end + 2]
    if after[:1] in _SPACES and after:
        after = text[c.end : c.end + 4].lstrip(_SPACES)[:2]
    after_marks = after.startswith(grammar.approx_after) or (
        grammar.approx_after_pattern is not None and grammar.approx_after_pattern.match(text, c.end) is not None
        and not _compared(text, c.start, grammar))
    if before.endswith(grammar.approx_false_words) and not before.endswith(grammar.approx_false_exceptions):
        return after_marks
    return before.endswith(grammar.approx_before) or after_marks


def _compared(text: str, start: int, grammar: Grammar) -> bool:
    """Whether the span is what a comparison measures against (比上年的「30万元」多了…): a comparison
    word earlier in its clause and 的 right before it. 比上年增长「1倍」多 stays approximate."""
    clause = text_since(text, start, CLAUSE_STOPS)
    return clause.endswith("的") and any(word in clause for word in grammar.approx_after_comparisons)
