"""Numerals to Decimal: Arabic (full-width, separators), Chinese (大写 too) and mixed forms.

Handles 3.5万, 13万2 (=132000), 3万4000, 两千万, 一万二千, 五十五点五, 千万, 1万亿 (=10^12) and the
adjacent-digit ranges 两三 / 三四十. ``几`` stands for an unknown digit and is read as 1 (the
lower bound of "a few") with the result marked approximate. Only Decimal arithmetic is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9, "几": 1,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "廿": 20, "卅": 30}
_LARGE = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_SPACES = " \u00a0\u3000\u2009\u202f"
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class NumeralError(ValueError):
    """Text that the grammar took for a numeral but that has no value."""


@dataclass(frozen=True)
class Numeral:
    value: Decimal
    value_max: Decimal | None = None
    approx: bool = False


def parse_numeral(text: str) -> Numeral:
    if _PLAIN.fullmatch(text):  # most numerals in reports: plain Arabic digits
        return Numeral(Decimal(text))
    cleaned = "".join(ch for ch in text.translate(_FULLWIDTH) if ch not in _SPACES).replace(",", "")
    if not cleaned:
        raise NumeralError(f"empty numeral {text!r}")
    approx = "几" in cleaned
    if (pair := _adjacent_range(cleaned)) is not None:
        return Numeral(pair[0], pair[1], approx)
    return Numeral(_value(cleaned), None, approx)


def is_range_pair(a: str, b: str) -> bool:
    """Whether two Chinese digits side by side say "a few" (两三, 七八, 一两, 三五, 三两) rather than
    one number digit by digit; the finder reads the first of any other pair as the end of a word
    (初八两场)."""
    if a not in _DIGITS or b not in _DIGITS or a in "零〇几" or b in "零〇几":
        return False
    return _DIGITS[b] == _DIGITS[a] + 1 or (a, b) in _RANGE_PAIRS


_RANGE_PAIRS = frozenset({("一", "两"), ("三", "五"), ("三", "两")})  # not neighbours, and still "a few"


def _adjacent_range(text: str) -> tuple[Decimal, Decimal] | None:
    """两三 → (2, 3); 三四十 → (30, 40); 一两万 → (10000, 20000); 三五个 → (3, 5), the one pair of
    digits that are not neighbours and still say "a few" (三五成群); 三两个 → (2, 3), written high to low. Digits after 点 are decimal
    places, never a range (一百二十三点四五万 is 1234500, 十二点三四 is 12.34)."""
    point = text.find("点")
    for index in range((point if point >= 0 else len(text)) - 1):
        a, b = text[index], text[index + 1]
        if index > 0 and text[index - 1] in _DIGITS or text[index + 2 : index + 3] in _DIGITS.keys():
            continue  # inside a longer run of digits (三五〇, 二〇二三): read digit by digit
        if is_range_pair(a, b):
            low, high = (a, b) if (a, b) != ("三", "两") else (b, a)  # 三两个 says "two or three", as 两三个 does
            rest = text[index + 2 :]
            head = text[:index]
            return _value(head + low + rest), _value(head + high + rest)
    return None


def _value(text: str) -> Decimal:
    if "点" in text:
        whole, _, decimals = text.partition("点")
        # the places run to the first multiplier, which scales the whole number: 三点五万 is 35000
        places = len(decimals) - len(decimals.lstrip("".join(_DIGITS)))
        fraction = "".join(str(_DIGITS[ch]) for ch in decimals[:places])
        scale = multiplier_value(decimals[places:]) if decimals[places:] else Decimal(1)
        return (_value(whole or "零") + Decimal("0." + (fraction or "0"))) * scale
    tokens = _tokens(text)
    total = Decimal(0)
    section = Decimal(0)
    number: Decimal | None = None
    last_multiplier = 1
    seen = False  # whether the current section has any digit or small multiplier yet
    for kind, value in tokens:
        if kind == "num":
            number, seen = value, True
        elif kind == "small":
            section += (number if number is not None else Decimal(1)) * value
            number, last_multiplier, seen = None, int(value), True
        elif not seen and number is None and total:
            total *= value  # multipliers compose: 1万亿 is 10^12, not 10^4 + 10^8
            last_multiplier = int(value)
        else:
            section += number if number is not None else Decimal(0)
            part = section if seen else Decimal(1)
            total = (total + part) * value if value > 10**4 else total + part * value
            section, number, last_multiplier, seen = Decimal(0), None, int(value), False
    if number is not None:
        number = _abbreviated_tail(tokens, number, last_multiplier)
        section += number
    return total + section


def _abbreviated_tail(tokens: list[tuple[str, Decimal]], number: Decimal, last_multiplier: int) -> Decimal:
    """13万2 means 132000 and 一百二 means 120: a lone final digit after a multiplier is scaled."""
    if len(tokens) >= 2 and tokens[-2][0] != "num" and last_multiplier >= 100:
        raw = tokens[-1][1]
        if raw == raw.to_integral_value() and 0 < raw < 10 and _single_digit(tokens[-1]):
            return number * (last_multiplier // 10)
    return number


def _single_digit(token: tuple[str, Decimal]) -> bool:
    return len(str(token[1])) == 1


def _tokens(text: str) -> list[tuple[str, Decimal]]:
    tokens: list[tuple[str, Decimal]] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch.isascii() and (ch.isdigit() or ch == "."):
            end = index
            while end < len(text) and text[end].isascii() and (text[end].isdigit() or text[end] == "."):
                end += 1
            tokens.append(("num", Decimal(text[index:end])))
            index = end
            continue
        if ch in _DIGITS:
            # a run of digits without 十百千 between them is read digit by digit (一〇〇 is 100); a
            # 零 that starts one is the placeholder of 一千零五 and stays a token of its own
            end = index + 1
            while end < len(text) and text[end] in _DIGITS and text[end] != "几" and ch not in "零〇几":
                end += 1
            digits = "".join(str(_DIGITS[c]) for c in text[index:end])
            tokens.append(("num", Decimal(digits)))
            index = end
            continue
        elif ch in _SMALL:
            tokens.append(("small", Decimal(_SMALL[ch])))
        elif ch in _LARGE:
            tokens.append(("large", Decimal(_LARGE[ch])))
        else:
            raise NumeralError(f"{ch!r} is not part of a numeral in {text!r}")
        index += 1
    if not tokens:
        raise NumeralError(f"no numeral in {text!r}")
    return tokens


def multiplier_value(word: str) -> Decimal:
    """What a multiplier word multiplies by, read with the normalizer's own tables: 万 → 10000,
    亿 → 100000000, 千万 → 10000000, 佰 → 100, and the empty word → 1.

    Tables and the audit scale amounts with this (「单位：万元」, 「预算数（万元）」), so a table figure
    and the same figure in prose (「405.81万元」) are worth the same. A word that is not made of
    multipliers raises NumeralError.
    """
    value = Decimal(1)
    for ch in word:
        factor = _LARGE.get(ch) or (_SMALL.get(ch) if ch not in "廿卅" else None)  # 廿 and 卅 are numbers
        if factor is None:
            raise NumeralError(f"{ch!r} is not a multiplier in {word!r}")
        value *= factor
    return value


def ascii_digits(text: str) -> str:
    """``text`` with full-width digits, decimal point and comma in ASCII (「１２．５」 → 「12.5」),
    every other character as it was (offsets do not move)."""
    return text.translate(_FULLWIDTH)
