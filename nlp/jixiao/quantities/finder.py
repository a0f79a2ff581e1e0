"""Find quantity candidates in text; resolving their values is the normalizer's job.

Patterns come from the grammar file. A candidate records the pieces the normalizer needs
(numerals, multiplier, unit, comparator, markers) and the label its unit implies. Filters from
the grammar drop dates, ordinals, names and idioms. Overlaps are settled longest-first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from jixiao.quantities.grammar import Grammar, load_grammar

UNIT_GROUPS: tuple[tuple[str, str], ...] = (
    ("u_pw", "RATE"),
    ("u_ps", "RATE"),
    ("u_rt", "RATE"),
    ("u_cur", "AMOUNT"),
    ("u_me", "MEASURE"),
    ("u_ct", "COUNT"),
)
_UNIT_LABELS = dict(UNIT_GROUPS)
_CLAUSE_END = "。；;！？!?\n"
MONEY_CUE_WINDOW = 30


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    label: str
    rule: str
    number: str
    number_max: str | None = None
    multiplier: str = ""
    unit: str = ""
    comparator: str | None = None
    approx_marker: bool = False
    denominator: str | None = None
    multiplier_max: str | None = None


def _alt(items: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(re.escape(i) for i in items) + ")"


@dataclass(frozen=True)
class Patterns:
    general: re.Pattern[str]
    fraction: re.Pattern[str]
    bare_money: re.Pattern[str]
    terms: re.Pattern[str]
    fixed: re.Pattern[str]
    anchor: re.Pattern[str]
    longest_term: int


@lru_cache(maxsize=8)
def compile_patterns(grammar: Grammar) -> Patterns:
    g = grammar.expand
    units = (
        f"(?:(?P<u_pw>{_alt(grammar.percent_words)})|(?P<u_ps>{_alt(grammar.percent_symbols)})"
        f"|(?P<u_rt>倍|成)|(?P<u_cur>{_alt(grammar.currency)})"
        f"|(?P<u_me>{_alt(grammar.measure_units)})(?![A-Za-z])|(?P<u_ct>{_alt(grammar.count_classifiers)}))"
    )
    general = g(
        r"(?P<cmp>{comparator})?{space}(?P<n1>{number})(?P<a1>余|多|来)?"
        r"(?:{space}(?P<sep>{range_sep}){space}(?P<n2>{number})(?P<a2>余|多|来)?)?"
        r"{space}(?P<mult>{multiplier})?(?P<a3>余|多)?{space}"
    ) + units
    fraction = g(
        r"(?P<cmp>{comparator})?(?:(?P<pre>百分之|千分之|万分之)(?!百)(?P<fn>{number})"
        r"|(?!百分之|千分之|万分之)(?P<fd>{number})分之(?P<fn2>{number}))"
    )  # raw_candidates relies on every fraction containing 分之
    bare_money = g(r"(?P<n1>[0-9０-９]+(?:[.．][0-9０-９]+)?{space}(?P<mult>万|亿)(?:[0-9０-９]{1,4}(?![0-9０-９.．]))?|{chinese_number})(?P<a1>余|多)?")
    fixed = re.compile(r"(?P<half>一半)|(?P<full>百分之?百)")  # raw_candidates relies on 一半 / 百分
    anchor_chars = re.escape("≥≤⩾⩽＞＜>=<＝.．") + grammar.fragments["anchor_chars"]
    return Patterns(
        anchor=re.compile(f"[{anchor_chars}]+"),
        longest_term=max((len(t) for t in grammar.terms), default=0),
        general=re.compile(general),
        fraction=re.compile(fraction),
        bare_money=re.compile(bare_money),
        terms=re.compile(_alt(grammar.terms)) if grammar.terms else re.compile(r"(?!x)x"),
        fixed=fixed,
    )


def find_candidates(text: str, grammar: Grammar | None = None, raw: list[Candidate] | None = None,
                    flags: dict[Candidate, list[str]] | None = None) -> list[Candidate]:
    """All accepted candidates in ``text``, sorted, not overlapping.

    ``raw`` and ``flags`` (``raw_candidates`` and ``filter_flags`` of the same text) may be passed
    by a caller that already computed them, so that the learned component scans the text once."""
    grammar = grammar or load_grammar()
    patterns = compile_patterns(grammar)
    raw = raw_candidates(text, grammar) if raw is None else raw
    if flags is None:
        found = [c for c in raw if _keep(text, c, grammar)]
    else:
        found = [c for c in raw if not flags[c]]
    found = _without_terms(text, found, patterns)
    return _merge_ranges(text, _resolve_overlaps(found), grammar)


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
    for anchor in patterns.anchor.finditer(text):
        for position in _starts(text, anchor.start(), anchor.end()):
            general = _general(text, patterns, position)
            found.append(general)
            if fractions:
                found.append(_fraction(text, patterns, position))
            if fixed:
                found.append(_fixed(text, patterns, position))
            if general is None:  # money without 元 only where no unit follows (not 4万 of 4万余人次)
                found.append(_bare_money(text, patterns, grammar, position))
    return [c for c in found if c is not None]


def _char_class(ch: str) -> int:
    if ch.isdigit():
        return 0
    if ch in ".．≥≤⩾⩽＞＜>=<＝":
        return 1
    return 2


def _starts(text: str, start: int, end: int) -> list[int]:
    """The run's start and every place inside it where digits meet other characters (伍200, .0.00)."""
    positions = [start]
    previous = _char_class(text[start])
    for index in range(start + 1, end):
        current = _char_class(text[index])
        if current != previous and current != 1:
            positions.append(index)
        previous = current
    return positions


def _general(text: str, patterns: Patterns, position: int) -> Candidate | None:
    m = patterns.general.match(text, position)
    if m:
        group = m.lastgroup  # the unit alternatives close the pattern, so the last group is the unit
        label = _UNIT_LABELS.get(group or "")
        if label is None:
            group, label = next((name, lab) for name, lab in UNIT_GROUPS if m.group(name))
        number = m.group("n1")
        if number in ("万", "亿", "萬", "億") and not (m.group("a1") or m.group("a3")):
            return None
        if group == "u_me" and not m.group("a1") and all(ch in "十百千万亿" for ch in number):
            return None  # 千瓦时 and 百米 alone are units, not quantities
        start = m.start("cmp") if m.group("cmp") else m.start("n1")
        return Candidate(
            start=start,
            end=m.end(),
            label=label,
            rule=group,
            number=number,
            number_max=m.group("n2"),
            multiplier=m.group("mult") or "",
            unit=m.group(group),
            comparator=m.group("cmp"),
            approx_marker=bool(m.group("a1") or m.group("a2") or m.group("a3")),
        )
    return None


def _fraction(text: str, patterns: Patterns, position: int) -> Candidate | None:
    m = patterns.fraction.match(text, position)
    if m:
        start = m.start("cmp") if m.group("cmp") else m.start()
        if m.group("pre"):
            base = {"百分之": "100", "千分之": "1000", "万分之": "10000"}[m.group("pre")]
            return Candidate(start, m.end(), "RATE", "fraction", m.group("fn"), comparator=m.group("cmp"), denominator=base)
        else:
            return Candidate(start, m.end(), "RATE", "fraction", m.group("fn2"), comparator=m.group("cmp"), denominator=m.group("fd"))
    return None


def _fixed(text: str, patterns: Patterns, position: int) -> Candidate | None:
    m = patterns.fixed.match(text, position)
    if m:
        number = "50" if m.group("half") else "100"
        return Candidate(m.start(), m.end(), "RATE", "fixed", number, unit="%")
    return None


def _bare_money(text: str, patterns: Patterns, grammar: Grammar, position: int) -> Candidate | None:
    m = patterns.bare_money.match(text, position)
    if m:
        number = m.group("n1")
        if not any(ch in number for ch in "万亿萬億") or number in ("万", "亿"):
            return None
        if not _money_context(text, m.start(), m.end(), grammar):
            return None
        return Candidate(m.start(), m.end(), "AMOUNT", "bare_money", number.strip(),
                        unit="元", approx_marker=bool(m.group("a1")))
    return None


def _money_context(text: str, start: int, end: int, grammar: Grammar) -> bool:
    window = text[max(0, start - MONEY_CUE_WINDOW) : start]
    for stop in _CLAUSE_END:
        window = window.rsplit(stop, 1)[-1]
    if any(cue in window for cue in grammar.not_money_cues):
        return False
    after = text[end : end + 8]
    return any(cue in window for cue in grammar.money_cues) or any(cue in after for cue in grammar.money_cues_after)


def filter_flags(text: str, c: Candidate, grammar: Grammar) -> list[str]:
    """Names of the grammar's filters that reject this candidate (empty: the rules keep it)."""
    flags = []
    before = text[max(0, c.start - 4) : c.start]
    if before.endswith(grammar.not_after):
        flags.append("not_after")
    if c.label == "COUNT" and text.startswith(grammar.count_not_before, c.end):
        flags.append("duration")
    if c.number == "一" and not c.multiplier and (
        before.endswith(grammar.yi_not_after) or text.startswith(grammar.yi_not_before, c.end)
    ):
        flags.append("yi_determiner")
    if c.rule == "u_rt" and c.unit == "成" and not _chinese_or_short(c.number):
        flags.append("cheng_long")
    if not _keep_classifier(text, c, grammar):
        flags.append("classifier")
    if not _keep_numeral(text, c):
        flags.append("numeral")
    return flags


def _keep(text: str, c: Candidate, grammar: Grammar) -> bool:
    return not filter_flags(text, c, grammar)


def _keep_classifier(text: str, c: Candidate, grammar: Grammar) -> bool:
    if c.label != "COUNT":
        return True
    if text[c.end - 1 : c.end + 1] in grammar.classifier_word_blocks:
        return False
    chinese = not any(ch.isdigit() for ch in c.number)
    if chinese and c.unit in grammar.ordinal_classifiers:
        before = text[max(0, c.start - 1) : c.start]
        if before not in grammar.ordinal_classifier_counts_after:
            return False
    if grammar.address_after.match(text, c.end):
        return False
    return not text.startswith(grammar.ordinal_forms, c.start)


_FINANCIAL = set("壹贰叁肆伍陆柒捌玖拾佰仟")
_QUOTES = {"“": "”", "「": "」", "\"": "\""}
QUOTED_MAX = 8


def _keep_numeral(text: str, c: Candidate) -> bool:
    """大写 numerals belong to money; a Chinese numeral inside a short quoted phrase is a slogan."""
    if _FINANCIAL & set(c.number) and c.label != "AMOUNT":
        return False
    if any(ch.isdigit() for ch in c.number):
        return True
    return not _inside_short_quote(text, c.start, c.end)


def _inside_short_quote(text: str, start: int, end: int) -> bool:
    left = text[max(0, start - QUOTED_MAX) : start]
    for opening, closing in _QUOTES.items():
        at = left.rfind(opening)
        if at >= 0 and closing not in left[at + 1 :]:
            close = text.find(closing, end, end + QUOTED_MAX)
            if close >= 0:
                return True
    return False


def _chinese_or_short(number: str) -> bool:
    return not number.isascii() or len(number) <= 2


def _without_terms(text: str, found: list[Candidate], patterns: Patterns) -> list[Candidate]:
    return [c for c in found if not in_term(text, c.start, c.end, patterns)]


def in_term(text: str, start: int, end: int, patterns: Patterns) -> bool:
    """Whether a name, slogan or idiom from the grammar overlaps [start, end)."""
    reach = patterns.longest_term
    for m in patterns.terms.finditer(text, max(0, start - reach), min(len(text), end + reach)):
        if m.start() < end and start < m.end() and not _numeral_continues_into(text, m.start()):
            return True
    return False


def _numeral_continues_into(text: str, term_start: int) -> bool:
    """二十一起: a term that starts with a numeral continuing a longer numeral is no term there."""
    numerals = "零〇一二两三四五六七八九十百千万"
    return term_start > 0 and text[term_start] in numerals and text[term_start - 1] in numerals


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


def _range_gap(grammar: Grammar) -> re.Pattern[str]:
    return _compiled_gap(grammar.expand(r"{space}{range_sep}{space}"))


@lru_cache(maxsize=8)
def _compiled_gap(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _joinable(a: Candidate, b: Candidate) -> bool:
    return (a.label == b.label and a.unit == b.unit and a.rule == b.rule
            and a.number_max is None and b.number_max is None)


def _joined(a: Candidate, b: Candidate) -> Candidate:
    return replace(a, end=b.end, number_max=b.number, multiplier_max=b.multiplier,
                   approx_marker=a.approx_marker or b.approx_marker)


def _merge_ranges(text: str, found: list[Candidate], grammar: Grammar) -> list[Candidate]:
    """「30万元-50万元」 and 「90%～100%」: two quantities joined by a range mark are one span."""
    gap = _range_gap(grammar)
    merged: list[Candidate] = []
    for c in found:
        if merged and _joinable(merged[-1], c) and gap.fullmatch(text, merged[-1].end, c.start):
            merged[-1] = _joined(merged[-1], c)
            continue
        merged.append(c)
    return merged


def range_variants(text: str, found: list[Candidate], grammar: Grammar) -> list[Candidate]:
    """Joined ranges among raw candidates, so that the learned model can choose them too."""
    gap = _range_gap(grammar)
    by_start: dict[int, list[Candidate]] = {}
    for c in found:
        by_start.setdefault(c.start, []).append(c)
    variants = []
    for a in found:
        m = gap.match(text, a.end)
        if m is None or m.end() == a.end:
            continue
        variants.extend(_joined(a, b) for b in by_start.get(m.end(), ()) if _joinable(a, b))
    return variants
