"""The grammar's regular expressions, compiled once per grammar.

Everything is assembled from the grammar file's fragments and word lists; long word lists (units,
classifiers, terms) become character tries, so that the regex engine picks a word by its first
characters instead of trying hundreds one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.lazy_regex import LazyPattern, Regex
from jixiao.quantities.grammar import Grammar

UNIT_GROUPS: tuple[tuple[str, str], ...] = (
    ("u_pw", "RATE"),
    ("u_ps", "RATE"),
    ("u_rt", "RATE"),
    ("u_cur", "AMOUNT"),
    ("u_me", "MEASURE"),
    ("u_ct", "COUNT"),
)
NEVER = "(?!x)x"
# The marks the general pattern writes itself (``general_source``), which ``_before_unit`` reads too:
# approximation marks after a number (200多元, 3千余至5千元) and after its multiplier (3千余万元),
# then the 万 or 亿 that completes the multiplier.
_AFTER_NUMBER = ("余", "多", "来")
_AFTER_MULTIPLIER = ("余", "多")
_LARGE = "万亿萬億"
_FIXED_MARKS = "≥≤⩾⩽＞＜>=<＝.．"


def alternation(items: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(re.escape(i) for i in items) + ")"


def trie(items: tuple[str, ...] | list[str]) -> str:
    """The alternation of ``items`` as a character trie: 平(?:方(?:公里|米)?|米). The regex engine then
    decides on a unit by its first characters instead of trying hundreds of words one by one; longer
    words are still tried first, shorter ones on backtracking, as in a longest-first alternation."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for item in items:
        node = tree
        for ch in item:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return "(?:" + emit(tree) + ")" if tree else NEVER


@dataclass(frozen=True)
class Patterns:
    general: re.Pattern[str]
    signed: LazyPattern | None  # the general pattern with a sign before the number (newer grammars)
    bracketed: LazyPattern | None  # ... with the unit in brackets: 4.52(万人)
    has_half: bool
    has_tenth: bool
    several: Regex  # 数 before a numeral that starts with 十百千万亿: "several" (数十万元)
    fraction: LazyPattern
    bare_money: Regex
    terms: Regex
    fixed: Regex
    prefixed: LazyPattern  # money after a currency sign: ￥1,200.00, $500万
    anchor: re.Pattern[str]
    longest_term: int
    term_counts: Regex  # where a term is a count after all (只发生一起事故)
    inner_starts: re.Pattern[str]  # where a new candidate may start inside a run of anchor characters
    quantity_end: Regex  # a quantity right before a sign makes it a range mark
    range_head: Regex  # the lower end of a range and its mark, ending where the upper end starts
    sign_starts: frozenset[str]  # characters a signed quantity can start with (a sign or a comparator)
    large_near: re.Pattern[str]  # 万 or 亿, without which there is no money without a unit
    bracket_near: re.Pattern[str]  # an opening bracket, without which there is no bracketed unit
    tail_starts: frozenset[str]  # characters that can start jiao or fen after a yuan (五元三毛)
    minus_signs: frozenset[str]  # the sign characters that make a value negative (- － − ﹣ –)
    cell_sign: Regex  # white space and a minus before a digit: a new cell's sign unless a range reads
    unit_start: Regex  # a classifier or a measure unit (not a currency word) starts here
    prefix_codes: re.Pattern[str]  # an ISO code of another currency, where a prefixed amount is tried too
    prefix_signs: re.Pattern[str]  # the last character of a currency sign (￥, $ of US$): where prefixed amounts are tried
    thousands: re.Pattern[str]  # the digit groups after a thousands separator and the decimals after them (,345.67 of 12,345.67万)
    before_unit: re.Pattern[str]  # what a general match may hold before its unit (numerals, marks, spaces)
    unit_firsts: frozenset[str]  # … and the characters its unit may begin with after that


@lru_cache(maxsize=8)
def compile_patterns(grammar: Grammar) -> Patterns:
    g = grammar.expand
    # currency codes are Latin words: never read out of a longer one (USDT, AUSD)
    codes_after = f"|{alternation(grammar.foreign_codes)}(?![A-Za-z])" if grammar.foreign_codes else ""
    # 50户（家）: a bracketed second classifier belongs to the unit
    alternative = g("(?:{alternative_classifier})?") if grammar.has("alternative_classifier") else ""
    # 九成五: the tenth is read with its 成 (finder._general makes 九点五成 of it)
    tenth = g("(?P<tenth>{rate_tenth})?") if grammar.has("rate_tenth") else ""
    # a measure unit that begins with a count classifier (人公里 after 人) is read whole: the count
    # alternative, tried first, gives way where one follows
    classifiers = frozenset(grammar.count_classifiers)
    compound = [u for u in grammar.measure_units if any(u[:k] in classifiers for k in range(1, len(u)))]
    not_compound = f"(?!{trie(compound)})" if compound else ""
    # a Latin unit ends at a word boundary (5700m, not 5700mg)
    latin_boundary = grammar.latin_unit_boundary
    units = (
        f"(?:(?P<u_pw>{trie(grammar.percent_words)})|(?P<u_ps>{trie(grammar.percent_symbols)})"
        f"|(?P<u_rt>倍|成{tenth})|(?P<u_cur>{trie(grammar.currency + grammar.foreign_currency)}{codes_after})"
        f"|(?P<u_ct>{not_compound}{trie(grammar.count_classifiers)}{alternative})|(?P<u_me>{trie(grammar.measure_units)}){latin_boundary})"
    )
    half = g(r"(?P<half>{half})?") if grammar.has("half") else ""

    # 3千至5千元: the first end of a range keeps a multiplier of its own (3千, not 3 and 千至…)
    # (3千余至5千元 too; the second end has a multiplier of its own, Arabic or Chinese, so that the
    # 千 of 5千米 or 5千瓦 is not taken for one: 3千至5千米 stays 3 to 5 千米)
    first_multiplier = (r"(?:{space}{multiplier}(?={space}(?:余|多|来)?{space}{range_sep}{space}"
                        r"(?:[0-9０-９][0-9０-９.．,，]*{space}{multiplier}|[一二两三四五六七八九十]+[十百千万亿])))?"
                        if grammar.has("range_first_multiplier") else "")

    # 5000+人次: a plus sign after the digits is an approximation marker, as 余 is
    plus = g("|{approx_plus}") if grammar.has("approx_plus") else ""

    after_number, after_multiplier = "|".join(_AFTER_NUMBER), "|".join(_AFTER_MULTIPLIER)

    def general_source(sign: str, bracket: bool) -> str:
        return (g(
            r"(?P<cmp>{comparator})?{space}" + sign + r"(?P<n1>{number}" + first_multiplier + r")(?:{space}(?P<a1>"
            + after_number + plus + "))?"
            r"(?:{space}(?P<sep>{range_sep}){space}(?P<n2>{number})(?P<a2>" + after_number + ")?)?"
            + (r"{space}(?P<lb>{bracket_open}){space}" if bracket else "")
            # 3千余万元: a multiplier split by its approximation marker (千 余 万) is one, 千万
            + r"{space}(?P<mult>{multiplier})?(?P<a3>" + after_multiplier + r")?(?:(?<=[千百十]余|[千百十]多)(?P<mult2>["
            + _LARGE + r"]))?{space}"
        ) + units + half + (g(r"{space}{bracket_close}") if bracket else ""))

    # The plain pattern runs at every start; the variants with a sign (-22.2%, 负3.9%) and with a
    # bracketed unit (4.52(万人)) only where a sign or a bracket is near, which keeps the scan fast.
    sign = alternation(grammar.sign_words + grammar.sign_chars) if grammar.sign_words or grammar.sign_chars else None
    brackets = grammar.has("bracket_open") and grammar.has("bracket_close")
    general = re.compile(general_source("", False))
    signed = LazyPattern(general_source(f"(?P<sign>{sign})", False)) if sign else None
    bracketed = LazyPattern(general_source(f"(?P<sign>{sign})?" if sign else "", True)) if brackets else None
    # a fraction's numerator never ends in a 百 that starts 百分 (百分之七十百分位 is 70 %)
    # a sign before a fraction belongs to it (SCHEME §1 rule 9: 负百分之三点五 → -3.5)
    # 百分之三十到四十: the upper end of a range in the same base, where the range ends there
    fraction_max = (r"(?:{range_sep}(?P<fn_max>{number})(?![0-9０-９.．])(?={fraction_range_end}))?"
                    if grammar.has("fraction_range_end") else "(?P<fn_max>(?!x)x)?")
    fraction = g(
        r"(?P<cmp>{comparator})?" + (f"(?P<sign>{sign})?" if sign else "(?P<sign>(?!x)x)?")
        + r"(?:(?P<pre>百分之|千分之|万分之)(?!百)(?P<fn>{number})(?!(?<=百)分)" + fraction_max
        + r"|(?!百分之|千分之|万分之)(?P<fd>{number})分之(?P<fn2>{number})(?!(?<=百)分))"
    )  # raw_candidates relies on every fraction containing 分之
    # a thousands group (older grammar files, which models keep, lack the fragment: its form then)
    thousands = g("{thousands}") if grammar.has("thousands") else r"[,，][ \u00a0]?[0-9０-９]{3}(?![0-9０-９])"
    # money without a unit: Arabic digits in stages of 万 and 亿, each with the 十, 百 or 千 before it
    # (487万, 3千万, 1万亿, 2.5万亿, 12亿3456万, 1亿5千万, 2千5百万; 13万2), or a Chinese numeral
    arabic = r"[0-9０-９]+(?:" + thousands + r")*(?:[.．][0-9０-９]+)?{space}"
    # (20余万, 2,000多万, 3千余万: an approximation mark before the multiplier)
    # (3.5个亿, 3个多亿: 个 before 亿, as money is spoken of)
    stage = arabic + r"(?:" + _GE_YI + r"(?:余|多)?[十百千]?(?:余|多)?[万亿萬億]{1,2}|[十百千](?=[0-9０-９]))"
    # … and a range of them (3-5亿, 30万-50万, 8000万～1.2亿, 三至五亿), the first end perhaps a plain number
    # (两千余万, 一百多万, 二十余万: a Chinese numeral with the mark before its multiplier)
    one = (r"(?:(?:" + stage + r"零?)+(?:[0-9０-９]{1,4}(?![0-9０-９.．]))?"
           r"|{chinese_number}(?<![万亿萬億])(?:余|多)[万亿萬億]{1,2}|{chinese_number}(?:(?<=[万萬])[亿億])?"
           r"(?:(?<![万亿萬億])" + _GE_YI + r"(?:余|多)?[亿億])?)")
    # the first end of a range may be a plain number of up to three digits (3-5亿, 30-50万, 1.2-1.5亿;
    # not a year: 2019-5亿)
    plain = r"[0-9０-９]{1,3}(?:[.．][0-9０-９]+)?"
    # a lone 万 or 亿 right after a word of reaching or passing (销售额破亿): ``bare_money`` decides
    passing = "".join(sorted({w for w in grammar.lone_scale_money_after if len(w) == 1}))
    lone = rf"|(?<=[{re.escape(passing)}])(?:万亿|[万亿](?![万亿]))" if passing else ""
    bare_money = g(r"(?P<n1>" + one + lone + "|" + plain + r"(?={space}{range_sep}))"
                   r"(?:{space}(?P<sep>{range_sep}){space}(?P<n2>" + one + r"))?(?P<a1>余|多)?")
    # raw_candidates relies on 一半 / 百分 (半个百分点: half a percentage point)
    fixed = LazyPattern(r"(?P<half>一半)|(?P<full>百分之?百)|(?P<point>半个(?P<more>多)?百分点)")
    # currency signs: the yuan signs and the signs of other currencies, whole (US$, HK$), longest
    # first; ``prefixed_money`` tries the pattern just before every sign character it finds
    signs = tuple(sorted(dict.fromkeys((*grammar.currency_prefixes, *grammar.foreign_prefixes)), key=len, reverse=True))
    # (the ISO codes of foreign_codes stand before the number too, only not inside a Latin word)
    sign_chars, currency = "".join(dict.fromkeys(p[-1] for p in signs)), alternation(signs)
    codes = f"(?<![A-Za-z]){alternation(grammar.foreign_codes)}" if grammar.foreign_codes else NEVER
    if grammar.foreign_codes:
        currency = f"(?:{currency}|{codes})"
    amount = r"(?:{mixed_number}|{chinese_number})"
    # a sign may stand right before the currency sign or after it (-$30万, ￥-30万); a range may
    # repeat the currency sign ($30-$50万)
    prefixed = g(r"(?P<cmp>{comparator})?{space}" + (f"(?P<sign_pre>{sign})?" if sign else "(?P<sign_pre>(?!x)x)?")
                 + "(?P<cur>" + currency + "){space}"
                 + (f"(?P<sign>{sign})?" if sign else "(?P<sign>(?!x)x)?")
                 + r"(?P<n1>" + amount + r")(?:{space}(?P<a1>余|多))?"
                 + r"(?:{space}{range_sep}{space}(?P<cur2>" + currency + r")?{space}(?P<n2>" + amount + r"))?"
                 + r"(?:{space}(?P<mult>{multiplier}))?(?:{space}(?P<a3>余|多))?(?:{space}(?P<unit>元))?"
                 ) if signs or grammar.foreign_codes else NEVER
    marks = (_FIXED_MARKS + "".join(grammar.comparator_ops) + "".join(grammar.sign_chars)
             + "".join(p for p in grammar.currency_prefixes if len(p) == 1))
    anchor_chars = re.escape("".join(dict.fromkeys(marks))) + grammar.fragments["anchor_chars"]
    before_unit, unit_firsts = _before_unit(grammar, anchor_chars)
    return Patterns(
        before_unit=before_unit,
        unit_firsts=unit_firsts,
        anchor=re.compile(f"[{anchor_chars}]+"),
        longest_term=max((len(t) for t in grammar.terms), default=0),
        term_counts=grammar.term_counts or LazyPattern(NEVER),
        general=general,
        signed=signed,
        bracketed=bracketed,
        has_half=grammar.has("half"),
        has_tenth=grammar.has("rate_tenth"),
        several=LazyPattern(g("{several}") if grammar.has("several") else NEVER),
        fraction=LazyPattern(fraction),
        bare_money=LazyPattern(bare_money),
        terms=LazyPattern(trie(grammar.terms) if grammar.terms else NEVER),
        fixed=fixed,
        prefixed=LazyPattern(prefixed),
        # (a comparator right after digits starts one too: PM10≤70μg, BOD5≤10mg, the code's digits before it)
        inner_starts=re.compile(rf"(?<=\D)\d|(?<=[\d{re.escape(marks)}])[^\d{re.escape(marks)}]"
                                rf"|(?<=\d)[{re.escape(''.join(grammar.comparator_ops))}]"),
        quantity_end=_quantity_end(grammar),
        range_head=LazyPattern(g(r"(?:{number})[ \u00a0\u3000]{0,2}{range_sep}{space}$")),
        large_near=re.compile("[万亿萬億]"),
        bracket_near=re.compile(g("{bracket_open}") if brackets else NEVER),
        sign_starts=frozenset("".join(grammar.sign_chars) + "".join(w[0] for w in grammar.sign_words)
                              + "".join(grammar.comparator_ops)),
        minus_signs=frozenset(grammar.sign_chars) - frozenset(grammar.plus_signs),
        prefix_signs=re.compile(f"[{re.escape(sign_chars)}]" if sign_chars else NEVER),
        thousands=re.compile(f"(?:{thousands})+(?:[.．][0-9０-９]+)?"),
        # without the lookbehind, which would make the engine try every position of the text
        prefix_codes=re.compile(alternation(grammar.foreign_codes) + "(?![A-Za-z])" if grammar.foreign_codes else NEVER),
        unit_start=LazyPattern(f"(?!{trie(grammar.currency + grammar.foreign_currency)})"
                              f"(?:{trie(grammar.count_classifiers)}|{trie(grammar.measure_units)})"),
        cell_sign=LazyPattern(g("{cell_sign}") if grammar.has("cell_sign") else NEVER),
        # 大写 digits too: contracts write 壹仟贰佰叁拾肆元伍角陆分
        tail_starts=frozenset(
            "0123456789０１２３４５６７８９零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖" if grammar.money_tail else ""),
    )


# The grammar's fragments a general match is made of before its unit (numerals, digit-group and
# decimal marks, spaces, multipliers, range marks, comparators, a plus).
_BEFORE_UNIT_FRAGMENTS = ("number", "multiplier", "range_sep", "space", "comparator", "approx_plus")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[tnrfvsd])")
_CLASS_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "s": " \t\n\r\f\v", "d": "0123456789"}


_LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")


def _consumed(pattern: str) -> str:
    """A fragment without its lookarounds (innermost first), which hold characters a match only
    looks at (the words before 数 or 万 in ``bare_large``): only what a match consumes is left."""
    while (shorter := _LOOKAROUND.sub("", pattern)) != pattern:
        pattern = shorter
    return pattern


def _unescaped(pattern: str) -> str:
    """The characters a fragment's escapes stand for, written out (\\u3000, \\t, \\s, \\d)."""
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        return chr(int(code[1:], 16)) if code[0] in "ux" else _CLASS_ESCAPES[code]
    return _ESCAPE.sub(one, pattern)


# 个 between a number and 亿 (3.5个亿, 两个多亿, 30多个亿, 十几个亿): spoken money, read as the
# number 亿; not 12个亿元以上项目, 3个亿级产业集群 (counts of projects and clusters)
_GE_YI = "(?:(?:余|多)?个(?=(?:余|多)?[亿億](?![万萬元级])))?"


def _before_unit(grammar: Grammar, anchor_chars: str) -> tuple[re.Pattern[str], frozenset[str]]:
    """A general match is numerals and marks up to its unit, which it must have. So the first
    character after the run of numerals and marks at a place (``before_unit``) starts the unit, or
    no general match starts there (most places where a numeral starts: 2023年, 进一步, 一区, a list
    number). Testing that is a fraction of the cost of the failed match it saves.

    The marks are every character written in those fragments outside their lookarounds (escapes
    decoded; the regular-expression syntax adds characters no match holds there, which only makes
    the test pass more often), so a grammar that widens a fragment (a range mark 或, a tab as space)
    widens the run. Character ranges other than the digits (in the anchor characters) are not
    expanded and a negated class is not understood: a fragment that needs one must list its
    characters instead (tests/test_quantities.py checks the packaged grammar against the pattern).
    A unit written only in such characters would be skipped over by the run: its characters are
    left out of the run and may start a unit, and the test stays exact."""
    units = (*grammar.currency, *grammar.foreign_currency, *grammar.foreign_codes, *grammar.percent_symbols,
             *grammar.percent_words, *grammar.count_classifiers, *grammar.measure_units, "倍", "成")
    written = "".join(_consumed(grammar.expand("{%s}" % name)) for name in _BEFORE_UNIT_FRAGMENTS if grammar.has(name))
    written = _unescaped(written) + "".join(_AFTER_NUMBER) + "".join(_AFTER_MULTIPLIER) + _LARGE
    marks = f"[{anchor_chars}{re.escape(''.join(sorted(set(written))))}]"
    inside = re.compile(marks)
    excluded = "".join(sorted({ch for unit in units if all(inside.match(c) for c in unit) for ch in unit}))
    if excluded:
        marks = f"(?![{re.escape(excluded)}]){marks}"
    mark = re.compile(marks)
    firsts = frozenset({next(ch for ch in unit if not mark.match(ch)) for unit in units if unit} | set(excluded))
    return re.compile(f"(?:{marks})*"), firsts


def range_gap(grammar: Grammar) -> re.Pattern[str]:
    """The text between the two ends of a range (「30万元-50万元」, 「90% ～ 100%」): one pattern for
    the merge of ranges and the learned model's suggester."""
    return _compiled_gap(grammar.expand(r"{space}{range_sep}{space}"))


@lru_cache(maxsize=8)
def _compiled_gap(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _quantity_end(grammar: Grammar) -> LazyPattern:
    """A quantity ending the text before a sign: then the sign is a range mark (30万元-50万元, 3个-5个),
    unless a word merely ends like a unit (增幅-3%, 同比-2%)."""
    words = (*grammar.currency, *grammar.foreign_currency, *grammar.percent_symbols, *grammar.percent_words,
             *grammar.measure_units, *grammar.count_classifiers, "倍", "成")
    return LazyPattern(r"[0-9０-９零〇一二两三四五六七八九十百千万亿萬億][余多来几]?[ \u00a0\u3000]{0,2}"
                      + alternation(sorted(set(words), key=len, reverse=True)) + r"[ \u00a0\u3000]{0,2}$")
