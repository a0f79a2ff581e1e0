"""Find quantity candidates in text; resolving their values is the normalizer's job.

Patterns come from the grammar file (``patterns``). A candidate records the pieces the normalizer
needs (numerals, multiplier, unit, comparator, sign, markers) and the label its unit implies.
Filters from the grammar (``filters``) drop dates, ordinals, names and idioms. Overlaps are
settled longest-first; two quantities joined by a range mark become one.
"""

from __future__ import annotations

import re
from dataclasses import replace

from jixiao.lazy_regex import LazyPattern
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.filters import (
    WORD_FINAL_FIRSTS, cell_sign_at, ends_word, filter_flags, in_equation, points_counted, several_before, sign_allowed,
    text_before, without_terms, yi_ends_word,
)
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.money import (
    bare_money, currency_before, money_context, money_shaped, phrase_after, prefixed_money, with_money_tail,
)
from jixiao.quantities.numerals import NumeralError, parse_numeral
from jixiao.quantities.patterns import UNIT_GROUPS, Patterns, compile_patterns, range_gap

_UNIT_LABELS = dict(UNIT_GROUPS)
FRACTION_REACH = 14  # characters after a run of numerals within which its 分之 must come


def find_candidates(text: str, grammar: Grammar | None = None, raw: list[Candidate] | None = None,
                    flags: dict[Candidate, list[str]] | None = None) -> list[Candidate]:
    """All accepted candidates in ``text``, sorted, not overlapping.

    ``raw`` and ``flags`` (``raw_candidates`` and ``filter_flags`` of the same text) may be passed
    by a caller that already computed them, so that the learned component scans the text once."""
    grammar = grammar or load_grammar()
    patterns = compile_patterns(grammar)
    raw = raw_candidates(text, grammar) if raw is None else raw
    if flags is None:
        found = [c for c in raw if not filter_flags(text, c, grammar)]
    else:
        found = [c for c in raw if not flags[c]]
    found = without_terms(text, found, patterns)
    return _merge_ranges(text, _resolve_overlaps(found), grammar)


# 次日, 次年, 次月, 次生, 次要, 次级: 次 starts a word and ends no classifier (not 人次日常, 人次年度,
# 场次月度, 户次生产, 人次生活, 人次日均: there 次 ends 人次 and the word after it is another)
_CI_WORD = re.compile("次(?:日(?![常均])|年(?![度终均底末初内])|月(?![度均底末初])|生(?![活产])|要|级)")
_YI_AFTER = ("亿", "億", "多亿", "余亿")  # after a count of 个: spoken money (3.5个亿, 两个多亿)
_FORMAL = re.compile("[壹贰叁肆伍陆柒捌玖拾佰仟]")  # 大写 digits
BRACKET_REACH = 12  # characters after a numeral run searched for the bracket of a bracketed unit
# characters after a numeral run (and its thousands groups) searched for the 万 or 亿 that money
# without 元 needs: a space and a unit (487 万), or spaced stages (2 千5 百万)
LARGE_REACH = 7


def raw_candidates(text: str, grammar: Grammar | None = None) -> list[Candidate]:
    """Every pattern match before filters and overlap resolution (the learned model's input).

    Matching is tried only where a numeral, comparator or decimal point starts, which keeps the
    scan close to the speed of a bare character-class search.
    """
    grammar = grammar or load_grammar()
    patterns = compile_patterns(grammar)
    found: list[Candidate | None] = []
    # every fraction contains 分之, every fixed form 一半 or 百分: without them, skip the patterns
    fractions, fixed = "分之" in text, "一半" in text or "百分" in text
    signs = patterns.signed is not None
    brackets = patterns.bracketed is not None and patterns.bracket_near.search(text) is not None
    general_match, large_near = patterns.general.match, patterns.large_near.search
    before_unit, unit_firsts = patterns.before_unit.match, patterns.unit_firsts
    bracket_near, bracketed = patterns.bracket_near.search, patterns.bracketed
    for anchor in patterns.anchor.finditer(text):
        start, end = anchor.span()
        if signs and text[start] in patterns.sign_starts:  # a sign starts its run (or follows ≥ there)
            found.append(_general(text, patterns, grammar, patterns.signed.match(text, start), patterns.signed))
        # the bracket may follow later groups of the same number (9 512.06(万元): the run is 「9」)
        bracket = brackets and bracket_near(text, end, end + BRACKET_REACH) is not None
        # a fraction's 分之 follows its first numeral closely (三百万分之一); 一半 and 百分 start a run
        fraction = fractions and text.find("分之", start, end + FRACTION_REACH) >= 0
        fixed_here = fixed and (text.find("半", start, end) >= 0 or text.find("百分", start, end + 1) >= 0)
        # money without a unit needs 万 or 亿 in its numeral: in the run or just after a space
        large: bool | None = None
        positions = _starts(text, start, end, patterns)
        if end - start > 1 and text[start] == "一" and yi_ends_word(text, start, grammar):
            positions.append(start + 1)  # 统一三个: the 一 ends the word; the numeral starts after it
        elif end - start > 1 and text[start] in WORD_FINAL_FIRSTS and ends_word(text, start, grammar):
            positions.append(start + 1)  # 初八两场, 队伍三支, 清零三处: the count starts at the next digit
        for position in positions:
            # no general match where the numerals and marks are not followed by a unit's start
            lead = before_unit(text, position).end()  # (always matches: the run may be empty)
            m = general_match(text, position) if text[lead : lead + 1] in unit_firsts else None
            if m is not None and text[m.end() - 1] == "次" and m.end() - 2 >= lead and _CI_WORD.match(text, m.end() - 1):
                m = general_match(text, position, m.end() - 1)  # 3所次年秋季: 3所 (次年 is a word), not 所次
            if m is not None and _cells_not_range(text, m, patterns):  # 1.2亿 -3.5%: the first cell alone
                m = general_match(text, position, m.start("sep"))
            if m is not None and _counted_points(text, m, grammar):  # 布设12个基点: points counted with 个
                m = general_match(text, position, m.start(m.lastgroup) + 1)
            general = _general(text, patterns, grammar, m, patterns.general) if m is not None else None
            if general is not None:
                found.append(general)
            if bracket:
                found.append(_general(text, patterns, grammar, bracketed.match(text, position), bracketed))
            if fraction:
                found.append(_fraction(text, patterns, grammar, position))
            if fixed_here:
                found.append(_fixed(text, patterns, position))
            # money without 元 where no unit follows or a count was refused before a verb (not 4万 of
            # 4万余人次; 500万支持…), or beside a count of 万 or
            # 亿 that the filters may yet drop (资金20余万对村部进行改造, 预算500万列入…: the longer
            # count wins where it stands)
            if m is None:
                bare = True
            elif general is None:
                bare = _before_money_verb(text, m, grammar)  # (the bare stage checks the context again)
            else:
                bare = general.label == "COUNT" and (large_near(general.number + general.multiplier) is not None
                                                     or general.unit == "个" and text.startswith(_YI_AFTER, general.end))
            if bare:  # (3.5个亿: the bare stage reads 个 before 亿)
                if large is None:  # (2,600万, 12,345.67万: the run is 「2」, its thousands and decimals follow it)
                    groups = patterns.thousands.match(text, end)
                    large = large_near(text, start, (groups.end() if groups else end) + LARGE_REACH) is not None
                if large:
                    found.append(bare_money(text, patterns, grammar, position))
    for sign in patterns.prefix_signs.finditer(text):  # ￥1,200.00, $500万, ≥US$100万
        found.append(prefixed_money(text, patterns, grammar, sign.start()))
    for code in patterns.prefix_codes.finditer(text):  # USD 1200万, not inside a Latin word (AUSD)
        if not (code.start() and text[code.start() - 1].isascii() and text[code.start() - 1].isalpha()):
            found.append(prefixed_money(text, patterns, grammar, code.end() - 1))
    return [c for c in found if c is not None]


def _counted_points(text: str, m: re.Match[str], grammar: Grammar) -> bool:
    """Whether a rate's points written with 个 (12个基点) have no rate that moves: then they are
    places counted with 个 (布设12个基点用于沉降监测: 「12个」), which the count before 基点 reads."""
    group = m.lastgroup
    if group is None or _UNIT_LABELS.get(group) != "RATE" or not m.group(group).startswith("个"):
        return False
    return m.group(group) in grammar.cued_classifiers and points_counted(text, m.start("n1"), m.group(group), grammar)


def _starts(text: str, start: int, end: int, patterns: Patterns) -> list[int]:
    """The run's start and every place inside it where digits meet other characters (伍200, .0.00);
    comparator symbols, signs and decimal points start nothing of their own."""
    if end - start == 1 or text[start:end].isdigit():
        return [start]
    return [start, *(m.start() for m in patterns.inner_starts.finditer(text, start + 1, end))]


def _general(text: str, patterns: Patterns, grammar: Grammar, m: re.Match[str] | None,
             pattern: re.Pattern[str] | LazyPattern) -> Candidate | None:
    """The candidate of a match of the general ``pattern`` (plain, signed or bracketed)."""
    if m is None:
        return None
    group = m.lastgroup  # the unit alternatives close the pattern, so the last group is usually the unit
    label = _UNIT_LABELS.get(group or "")
    if label is None:
        group, label = next((name, lab) for name, lab in UNIT_GROUPS if m.group(name))
    number, number_max, mult, cmp, a1, a2, a3 = m.group("n1", "n2", "mult", "cmp", "a1", "a2", "a3")
    if m.group("mult2"):
        mult += m.group("mult2")  # 3千余万元: 千万, approximate
    # (a bare 万 or 亿 is a number only where the grammar's `number` lets it be one: 万余人次, 近万名)
    if (group == "u_me" and not a1 and all(ch in "十百千万亿" for ch in number) and number not in ("万", "亿")
            and not cmp and not several_before(text, m.start("n1"), patterns)
            and text[m.start("n1") - 1 : m.start("n1")] not in _NEAR_WORDS):
        return None  # 千瓦时 and 百米 alone are units, not quantities (数百吨 and 近百公里 are)
    unit, end = m.group(group), m.end()
    if (mult == "千" and "千" + unit in grammar.thousand_units and number_max is None
            and (number.rstrip()[-1:] in "万亿萬億" or not any("\u4e00" <= ch <= "\u9fff" for ch in number))):
        # 126千吨, 1.5万千吨: a unit of statistical tables (not 1万2千吨, 一万五千吨, 3千至5千吨)
        mult, unit = "", "千" + unit
    if group == "u_rt" and patterns.has_tenth and m.group("tenth"):
        unit, number, number_max, end = _with_tenth(m, number, number_max)
    if unit in grammar.foreign_codes and not money_shaped(number, mult):
        return None  # 2019CAD: a code after a plain number is no money
    if unit in grammar.arabic_only_units and not any(ch.isdigit() for ch in number):
        return None  # 两度获评: 度 measures only after Arabic digits
    if unit in grammar.formal_currency and not (_FORMAL.search(number) or text_before(text, m.start("n1"), 3).endswith("人民币")):
        return None  # 三圆环: 圆 is 元 only in 大写 money (人民币叁仟圆整)
    if label in grammar.unspaced_labels and _spaced(number):
        return None  # 预算 120 100%: two cells; the rate is read from its own digits
    if number[:1] in "0０" and number[1:2].isdigit():
        return None  # 000‰ of 1 000‰, 05 of 2023-05: no quantity is written with a leading zero
    if grammar.unit_word_blocks and text[m.end(group) - 1 : m.end(group) + 1] in grammar.unit_word_blocks:
        return None  # 1日元旦
    if (label == "COUNT" and any(ch in "万亿萬億" for ch in number + (mult or "")) and _before_money_verb(text, m, grammar)
            and money_context(text, m.start(), m.end(group) - 1, grammar)):
        return None  # 财政安排500万支持…: money before a verb (the bare-money stage reads it), no count of 支
    if pattern is not patterns.general and _cells_not_range(text, m, patterns):
        return None  # -5% -3%: two cells, the second signed (raw_candidates re-reads plain matches)
    sign = (m.group("sign") or "") if pattern is not patterns.general else ""
    bracketed = pattern is patterns.bracketed
    half = patterns.has_half and bool(m.group("half"))
    if sign or bracketed or half:
        if sign and not sign_allowed(text, m.start("sign"), patterns, grammar):
            return None  # 30万元-50万元: a range mark; the digits after it are a start of their own
        if sign and label not in grammar.signed_labels and unit not in grammar.money_classifiers:
            return None  # -3个: a dash before a count, which the digits' own start reads
        if bracketed and text_before(text, m.start("cmp") if cmp else m.start("n1"), 3).endswith(grammar.bracket_not_after):
            return None  # 表1（万元）
        if half and unit in grammar.money_classifiers:
            label, group = "AMOUNT", "u_cur"  # 三块半: money, 3.5 元
        if half and label not in grammar.half_after_labels:
            if bracketed:
                return None
            half, end = False, m.start("half")  # 一个半月: the count without 半, which the filters judge
    start = m.start("cmp") if cmp else m.start("sign") if sign else m.start("n1")
    several = start == m.start("n1") and number[:1] in "十百千万亿" and several_before(text, start, patterns)
    if several:
        start -= 1  # 数十万元: "several hundred thousand", approximate, the span from 数
    if unit == "元" and (named := currency_before(text, start, grammar)):
        unit = named  # 港币1,200万元: the money named before the number (SCHEME §1 rule 10)
    candidate = Candidate(start, end, label, group, number, number_max, mult or "", unit, cmp,
                          bool(a1 or a2 or a3) or several, sign=sign, half=half)
    if (not bracketed and not half and not mult and (label == "AMOUNT" or unit in grammar.money_classifiers)
            and (unit in grammar.money_classifiers or text[end : end + 1] in patterns.tail_starts)):
        return with_money_tail(text, candidate, grammar)
    return candidate


def _before_money_verb(text: str, m: re.Match[str], grammar: Grammar) -> bool:
    """Whether the match's unit character starts one of the grammar's money verbs (500万支持…):
    ``_general`` refuses the count there, and the bare-money stage reads the amount instead."""
    if not grammar.money_verb_blocks:
        return False
    group = m.lastgroup if m.lastgroup in _UNIT_LABELS else next((name for name, _ in UNIT_GROUPS if m.group(name)), None)
    if group is None:
        return False
    pair = text[m.end(group) - 1 : m.end(group) + 1]
    if pair in grammar.money_verb_blocks:
        return True
    if pair not in grammar.money_noun_blocks:
        return False
    # where a count is as likely (1.2万人居住, 1.2万户厕): an amount a money word hands over right before it
    # (安排资金500万人居环境整治), or one whose phrase names a fund (1.2亿人居环境整治资金); not 可满足1.2万人居住
    # 需求, 完成1.2万户厕改造
    phrase = phrase_after(text, m.end(group), grammar, MONEY_FUND_REACH)
    return (any(fund in phrase for fund in grammar.money_noun_block_funds)
            or text_before(text, m.start(), MONEY_FUND_REACH).rstrip(" \u00a0\u3000了").endswith(grammar.money_cues))


MONEY_FUND_REACH = 10  # characters around such an amount searched for its money word or its fund


_NEAR_WORDS = frozenset("近上约")  # before a bare multiplier and a unit of measure: 近百公里, 上千亩


def _with_tenth(m: re.Match[str], number: str, number_max: str | None) -> tuple[str, str, str | None, int]:
    """九成五 is 9.5 成 (95 %): the digit after 成 is a tenth of the Chinese numeral before it (of the
    range's upper end, 八至九成五). After Arabic digits or a decimal (9成五, 九点五成五) it is not read,
    and the span ends at 成."""
    tenth = m.group("tenth")
    last = number_max if number_max is not None else number
    if any(ch.isdigit() for ch in last) or "点" in last:
        return "成", number, number_max, m.end("u_rt") - len(tenth)
    if number_max is not None:
        return "成", number, f"{number_max}点{tenth}", m.end()
    return "成", f"{number}点{tenth}", number_max, m.end()


def _spaced(number: str) -> bool:
    """Whether a numeral has digit groups set apart by a space (1 234, 9 512.06)."""
    return any(ch in " \u00a0\u2009\u202f" for ch in number.strip(" \u00a0\u2009\u202f"))


def _fraction(text: str, patterns: Patterns, grammar: Grammar, position: int) -> Candidate | None:
    m = patterns.fraction.match(text, position)
    if m is None:
        return None
    sign = m.group("sign") or ""
    if sign and not sign_allowed(text, m.start("sign"), patterns, grammar):
        # a range mark or 胜负, not a sign: the fraction after it is read on its own
        return None if m.group("cmp") else _fraction(text, patterns, grammar, m.end("sign"))
    start = m.start("cmp") if m.group("cmp") else m.start()
    if m.group("pre"):
        base = {"百分之": "100", "千分之": "1000", "万分之": "10000"}[m.group("pre")]
        return Candidate(start, m.end(), "RATE", "fraction", m.group("fn"), m.group("fn_max"),
                         comparator=m.group("cmp"), denominator=base, sign=sign)
    return Candidate(start, m.end(), "RATE", "fraction", m.group("fn2"), comparator=m.group("cmp"),
                     denominator=m.group("fd"), sign=sign)


def _fixed(text: str, patterns: Patterns, position: int) -> Candidate | None:
    m = patterns.fixed.match(text, position)
    if m and m.group("point"):
        return Candidate(m.start(), m.end(), "RATE", "fixed", "0.5", unit="个百分点", approx_marker=bool(m.group("more")))
    if m:
        number = "50" if m.group("half") else "100"
        return Candidate(m.start(), m.end(), "RATE", "fixed", number, unit="%")
    return None


def _resolve_overlaps(found: list[Candidate]) -> list[Candidate]:
    """Longest first, then leftmost; a character taken by a kept candidate blocks the others."""
    if not found:
        return []
    taken = bytearray(max(c.end for c in found))
    chosen: list[Candidate] = []
    for c in sorted(found, key=lambda c: (-(c.end - c.start), c.start)):
        if not any(taken[c.start : c.end]):
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _joinable(a: Candidate, b: Candidate) -> bool:
    return (a.label == b.label and a.unit == b.unit and a.rule == b.rule
            and a.number_max is None and b.number_max is None)


def _joined(a: Candidate, b: Candidate) -> Candidate:
    return replace(a, end=b.end, number_max=b.number, multiplier_max=b.multiplier, sign_max=b.sign,
                   denominator_max=b.denominator, approx_marker=a.approx_marker or b.approx_marker, first_whole=True)


def _merge_ranges(text: str, found: list[Candidate], grammar: Grammar) -> list[Candidate]:
    """「30万元-50万元」 and 「90%～100%」: two quantities joined by a range mark are one span; so are
    「30万元 -50万元」, where the mark after a space reads as the upper end's sign, when the two ends
    ascend (「96.21% -2.23%」 are two cells)."""
    gap, patterns = range_gap(grammar), compile_patterns(grammar)
    merged: list[Candidate] = []
    for c in found:
        if merged and not in_equation(text, c.end):
            a = merged[-1]
            if a.label == "COUNT" and a.unit == "个" and c.label == "RATE" and c.unit.startswith("个"):
                a = replace(a, label="RATE", unit=c.unit, rule=c.rule)  # 3个至5个百分点: the 个 of the unit
            if (_joinable(a, c) and gap.fullmatch(text, a.end, c.start)
                    and not (cell_sign_at(text, c.start - 1, patterns) and _descending(a.number, c.number))):
                merged[-1] = _joined(a, c)  # (3500户 -184户: two cells of a row, the second a decrease)
                continue
            if (c.sign and c.sign not in grammar.plus_signs and _joinable(a, replace(c, sign=""))
                    and a.multiplier == c.multiplier and a.end < c.start
                    and not text[a.end : c.start].strip(" \u00a0\u3000") and cell_sign_at(text, c.start, patterns)
                    and _descending(a.number, c.number) is False):  # not across a tab: two cells
                merged[-1] = _joined(a, replace(c, sign=""))
                continue
        merged.append(c)
    return merged


def _cells_not_range(text: str, m: re.Match[str], patterns: Patterns) -> bool:
    """Whether a match read as a range 「n1 -n2 unit」 is two table cells, the second signed: the
    minus follows white space and precedes a digit, and a tab stands between them or the numbers
    do not ascend (96.21 -2.23%, 1.2亿 -3.5%; 100 -200元 and 30 -50个 stay ranges), or the first
    is signed too (-6.24 -24.96%: no range runs from a negative number to a positive one)."""
    if m.group("n2") is None or not cell_sign_at(text, m.start("sep"), patterns):
        return False
    signed = bool("sign" in m.re.groupindex and m.group("sign")) or (m.start("n1") > 0 and text[m.start("n1") - 1] in patterns.minus_signs)
    return signed or "\t" in text[m.end("n1") : m.start("sep")] or _descending(m.group("n1"), m.group("n2")) is not False


def _descending(low: str, high: str) -> bool | None:
    """Whether the numeral ``low`` is at least ``high`` (None when one does not parse)."""
    try:
        return parse_numeral(low).value >= parse_numeral(high).value
    except NumeralError:
        return None


def range_variants(text: str, found: list[Candidate], grammar: Grammar) -> list[Candidate]:
    """Joined ranges among raw candidates, so that the learned model can choose them too."""
    gap = range_gap(grammar)
    by_start: dict[int, list[Candidate]] = {}
    for c in found:
        by_start.setdefault(c.start, []).append(c)
    variants = []
    for a in found:
        m = gap.match(text, a.end)
        if m is None or m.end() == a.end:
            continue
        variants.extend(_joined(a, b) for b in by_start.get(m.end(), ())
                        if _joinable(a, b) and not in_equation(text, b.end))
    return variants
