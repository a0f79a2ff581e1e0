"""Load the quantity grammar (YAML) and expand its named fragments into regular expressions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.lazy_regex import LazyPattern, lazy_compile
from jixiao.yaml_data import load_yaml

_REF = re.compile(r"\{([a-z_]+)\}")
# The comparator symbols a grammar without `comparator_ops` knows, each its own op.
LEGACY_OPS: dict[str, str] = {"≥": ">=", "⩾": ">=", ">=": ">=", "≤": "<=", "⩽": "<=", "<=": "<=", ">": ">",
                              "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "="}


@dataclass(frozen=True, eq=False)
class Grammar:
    """Compiled patterns are cached per grammar object, so equality is identity."""

    fragments: dict[str, str]
    multipliers: dict[str, int]
    currency: tuple[str, ...]
    percent_symbols: tuple[str, ...]
    percent_words: tuple[str, ...]
    count_classifiers: tuple[str, ...]
    count_not_before: tuple[str, ...]
    measure_units: tuple[str, ...]
    approx_before: tuple[str, ...]
    approx_after: tuple[str, ...]
    approx_false_words: tuple[str, ...]
    yi_not_before: tuple[str, ...]
    approx_inside: tuple[str, ...]
    not_after: tuple[str, ...]
    terms: tuple[str, ...]
    yi_not_after: tuple[str, ...]
    money_cues: tuple[str, ...]
    money_cues_after: tuple[str, ...]
    classifier_word_blocks: frozenset[str]
    ordinal_classifiers: tuple[str, ...]
    ordinal_forms: tuple[str, ...]
    ordinal_classifier_counts_after: tuple[str, ...]
    # numerals that only count, never order (两): 两期 and 两届 count even where 三期 names a phase
    ordinal_classifier_cardinals: tuple[str, ...]
    address_after: LazyPattern
    not_money_cues: tuple[str, ...]
    # Optional keys (added with issue 14): a grammar file without them, such as a model's copy from
    # before, keeps the behaviour it was trained with: no signs, no bracketed units, no foreign
    # money, no idiom patterns, one op per comparator symbol.
    comparator_ops: dict[str, str] = field(default_factory=lambda: dict(LEGACY_OPS))
    sign_chars: tuple[str, ...] = ()
    approx_false_exceptions: tuple[str, ...] = ()
    sign_words: tuple[str, ...] = ()
    currency_prefixes: tuple[str, ...] = ()
    plus_signs: tuple[str, ...] = ()
    dash_signs: tuple[str, ...] = ()  # signs that are also typed as a Chinese dash: no minus right after a word
    # … except right after these words, where a dash sign is a minus (增长率为–3.5%, 同比增长–12.6%)
    dash_minus_after: tuple[str, ...] = ("为", "是", "至", "到")
    rate_word_blocks: frozenset[str] = frozenset()  # 成本, 成员: 成 starting a word is no rate
    heading_words: frozenset[str] = frozenset()  # 1.1 项目概况: the words a section number stands before
    heading_captions: tuple[str, ...] = ()  # 附件2 项目清单: caption words before such a number
    yi_word_starts: frozenset[str] = frozenset()  # 统一三个: the 一 ends the word 统一
    heading_word_exceptions: frozenset[str] = frozenset()  # 3项目标: 项目 only begins 项目标
    yi_size_after: LazyPattern | None = None  # 一条长2.5公里的道路: a dimension with its figure
    sign_not_after: tuple[str, ...] = ()
    foreign_currency: tuple[str, ...] = ()
    foreign_prefixes: tuple[str, ...] = ()
    foreign_codes: tuple[str, ...] = ()
    currency_factors: dict[str, Decimal] = field(default_factory=dict)
    money_classifiers: tuple[str, ...] = ()
    money_classifier_cues: tuple[str, ...] = ()
    # words right after 块 that start no counted noun (五块上调为八块, 十块左右)
    money_classifier_followers: tuple[str, ...] = ()
    signed_labels: tuple[str, ...] = ()
    money_tail: LazyPattern | None = None
    money_tail_lone: LazyPattern | None = None
    approx_after_pattern: LazyPattern | None = None
    approx_after_comparisons: tuple[str, ...] = ()
    unit_word_blocks: frozenset[str] = frozenset()
    # (optional) words a classifier's character starts that make an amount of 万 or 亿 money, not a count
    money_verb_blocks: frozenset[str] = frozenset()
    # … and those after which a count is as likely: money only with a money word right before or a fund after
    money_noun_blocks: frozenset[str] = frozenset()
    # money nouns right after 块 that make it money (发了500块慰问金)
    money_classifier_nouns: tuple[str, ...] = ()
    money_classifier_noun_pattern: LazyPattern | None = None  # 三十块物业费: a money word ending its phrase
    money_noun_block_funds: tuple[str, ...] = ()
    # verbs that end the phrase after an amount, where its fund is looked for
    phrase_end_verbs: tuple[str, ...] = ()
    # the boundary after a unit of measure (5700m, not 5700mg): after Latin letters only, in newer
    # files; older ones (kept by models) put it after every unit
    latin_unit_boundary: str = "(?![A-Za-z])"
    thousand_units: tuple[str, ...] = ()  # 126千吨: a unit after Arabic digits; 1万2千吨 is 12000 吨
    arabic_only_units: tuple[str, ...] = ()
    bracket_not_after: tuple[str, ...] = ()
    half_after_labels: tuple[str, ...] = ()
    # labels whose number is never written with spaced digit groups (a rate after a number cell:
    # 「预算 120 100%」 is two cells, not 120,100 %)
    unspaced_labels: tuple[str, ...] = ()
    yi_idioms: tuple[LazyPattern, ...] = ()
    # (optional) people or things right after a bare 万-number: it counts them, no money (3万脱贫户)
    not_money_after: tuple[str, ...] = ()
    # (optional) … unless they pay the next sum, a money word right before the number (补助50万企业自筹30万)
    not_money_payers: tuple[str, ...] = ()
    # (optional) … and a fund named after them makes the sum theirs (下达3000万困难群众救助资金)
    not_money_funds: tuple[str, ...] = ()
    # (optional) words of giving money before people: the people receive it (补贴农户500万)
    money_to_people: tuple[str, ...] = ()
    # Words that say which people, between such a word and the people (发放给困难退役军人…).
    people_modifiers: tuple[str, ...] = ()
    # Words that name a sum as money only right after it (两千多万工资; not 1.2万务工人员追回工资).
    money_names_after: tuple[str, ...] = ()
    # Per word of ``not_after``, the classifiers after which its number counts (附表 + 12张: sheets, no table number).
    not_after_counts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (optional) things counted in 块 named right before the number (宣传展板30块): a count
    money_classifier_not_after: tuple[str, ...] = ()
    yi_idiom_reach: int = 0
    name_lists: tuple[LazyPattern, ...] = ()
    name_list_reach: int = 24
    # counts that refer back to things named before (两次调查的满意度分别为), matched from the count
    referring_counts: tuple[LazyPattern, ...] = ()
    # numbers that are part of a code or a name, matched from the candidate's start (201类, 五间房村):
    # the grammar file's patterns as one alternation, tried once per candidate
    name_numbers: LazyPattern | None = None
    # Optional keys added for text from other registers (authored quantities_2): rates per 10^n written
    # with a slash (孕产妇死亡率12.36/10万), the period words that follow an event count as
    # adjectives (12次月度考核) rather than make a duration (4个季度), and the row number of a table
    # rendered as lines (3  张德明  二组).
    percent_factors: dict[str, Decimal] = field(default_factory=dict)
    # what each rate unit other than percent is worth, and the unit its value is given in (‰: 0.1, %)
    rate_scales: dict[str, tuple[Decimal, str]] = field(default_factory=dict)
    count_period_adjectives: tuple[str, ...] = ()
    duration_classifiers: tuple[str, ...] = ()
    row_number_gap: LazyPattern | None = None
    # A count of events after 每… in the same clause is a frequency (每季度开展1～2次): SCHEME's
    # table of non-spans and GUIDELINES §4 ("frequencies with 每 are never spans").
    frequency_units: tuple[str, ...] = ()
    frequency_before: LazyPattern | None = None
    code_before: LazyPattern | None = None  # a chainage before a number: a position, not a count
    ordinal_list_before: LazyPattern | None = None  # 第1、 before 2项: a later item of an ordinal list
    # A table cell that is only a name of this form (一组, 五组: a 村民小组 in a 公示 row) counts
    # nothing (GUIDELINES §4).
    name_cell: LazyPattern | None = None
    # A count with one of these classifiers right after this pattern is a grade, not a count
    # (鉴定结论为三类坝, 水质达到三类); an enumeration (分为三类, 效益和满意度三类指标) stays a COUNT.
    grade_classifiers: tuple[str, ...] = ()
    grade_before: LazyPattern | None = None
    # (optional) what follows such a count when it is a grade (三类的4个, 四类及以下)
    grade_after: LazyPattern | None = None
    # … but a 类 of people or cases right before these counts kinds (补助对象为三类人员：…).
    grade_counted_after: tuple[str, ...] = ()
    # (optional) words that end in a Chinese digit (初八, 周五, 星期三, 高三): a count right after
    # them starts at the next digit (初八两场 counts 两场, not 82)
    digit_word_ends: LazyPattern | None = None
    # (optional) event verbs before 一 that make it "a" (开展一次调查) unless 只 or 仅 comes first
    yi_event_verbs: tuple[str, ...] = ()
    term_counts: LazyPattern | None = None  # where a term is a count after all (仅发生一起)
    # the text before a count after a slash that makes it a per-unit denominator (1名/600名学生)
    count_denominator_before: LazyPattern | None = None
    # (optional) the text before a bare scale that makes it a per-unit denominator (每千人, 每百户)
    scale_denominator_before: LazyPattern | None = None
    # … unless a staffing norm's verb follows in its clause (每百名学生配备1名): then it counts
    scale_norm_after: LazyPattern | None = None
    yi_determiner_classifiers: tuple[str, ...] = ()  # 一款 is "a" wherever it stands (unless 只 or 仅)
    # (optional) words of reaching or passing right before a lone 万 or 亿 with no unit that make it a sum
    # where the clause speaks of money (销售额破亿, 月收入过万); without them a lone 万 or 亿 is no number
    lone_scale_money_after: tuple[str, ...] = ()
    # (optional) text right before a Chinese 一期/三届, or before 一次 after an event verb, that makes
    # it a count: "just" (只安排了一期, 仅开展一次); and what after 一期 keeps it a phase (一期工程)
    ordinal_just: LazyPattern | None = None
    ordinal_phase_after: tuple[str, ...] = ()
    # (optional) currency words that are money only after a 大写 numeral or 人民币 (人民币叁仟圆整, not 三圆环)
    formal_currency: tuple[str, ...] = ()
    # A count with one of these classifiers right after this pattern is a rank (列全市后三位,
    # 排名前10名), not a count.
    rank_classifiers: tuple[str, ...] = ()
    rank_before: LazyPattern | None = None
    # A decimal count at the start of a line that reads as a list number and a count (「4.3个项目未
    # 按期完工」 is item 4 and 3 projects): the count is read from the digits after the point.
    list_decimal: LazyPattern | None = None
    # A number right after one of these words is a code (电话010-87654321) when it has ``code_digits``
    # digits or more or a dash inside; a short count after them (卫星电话12部) stays a count.
    code_after: tuple[str, ...] = ()
    # A count or measure right against one Latin letter (N95口罩, A4纸) is a code, not a quantity.
    code_letter: LazyPattern | None = None
    code_digits: int = 5
    # A classifier that counts only in the clause of one of its cue words (视频监控3,600路).
    cued_classifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # … and words right after such a count that make it a name whatever the cues (8路公交车, 2路车站点).
    cued_classifier_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cued_classifier_names_not: dict[str, tuple[str, ...]] = field(default_factory=dict)  # … but not these (车载)
    # Words of a rate's move that let a cued rate unit take its cue from the clause before (较上年下降26个基点).
    cued_rate_moves: tuple[str, ...] = ()
    # Per classifier word block, the characters after it that show it is no word (12人均未签订: 人 counts).
    classifier_word_block_exceptions: dict[str, str] = field(default_factory=dict)
    # Classifier pairs that are a grade only after a grade's numeral, 一 to 五 (按四类岗位标准 is a grade;
    # 等6类岗位 counts kinds of post).
    grade_word_blocks: frozenset[str] = frozenset()
    # A short quotation is speech, not a slogan's name, where a speaker is named after it
    # (“…就是两个亿，”指挥部负责人说), unless one of these words after it names it (答：“三个到位，两个确保”是…).
    quote_speaker_after: LazyPattern | None = None
    quote_named_after: tuple[str, ...] = ()
    # Cued classifiers whose count, standing first on its line, takes its cue from the line above: a PDF
    # wraps a clause there and an infographic puts a figure under its label (视频监控\n2.6万路).
    cued_across_lines: tuple[str, ...] = ()

    def expand(self, pattern: str) -> str:
        """Replace ``{name}`` references recursively by their fragments."""
        return _expander(self.fragments)(pattern)

    @cached_property
    def money_words_right_after(self) -> tuple[str, ...]:
        """The words that, right after a sum, name it money: ``money_cues_after`` and the words that do so
        only there (``money_names_after``: 两千多万工资), joined once per grammar for ``str.startswith``."""
        return self.money_cues_after + self.money_names_after

    @cached_property
    def range_chars(self) -> frozenset[str]:
        """The characters of the range mark (its fragment is a character class): a candidate right
        after one of them may be the upper end of a range."""
        mark = re.compile(self.expand("{range_sep}"))
        return frozenset(ch for ch in self.fragments["range_sep"] if mark.fullmatch(ch))

    @cached_property
    def approx_reach(self) -> int:
        """How far before a span the words that make it approximate or not can begin (大约有, 签约达)."""
        return max(map(len, (*self.approx_before, *self.approx_false_words, *self.approx_false_exceptions)), default=0)

    def has(self, fragment: str) -> bool:
        """Whether the grammar defines a fragment (older grammar files lack the newer ones)."""
        return fragment in self.fragments

    def comparator_op(self, comparator: str | None) -> str | None:
        """The op of a comparator as written: one symbol, a pair (>=) or a run (≥≥, ＞＝).

        A run pointing both ways (<>) has no op."""
        if not comparator:
            return None
        ops = self.comparator_ops
        if comparator in ops:
            return ops[comparator]
        kinds = {ops.get(ch) for ch in comparator if not ch.isspace()}
        if None in kinds:
            return None
        greater, less = kinds & {">=", ">"}, kinds & {"<=", "<"}
        if greater and less:
            return None
        if greater:
            return ">=" if ">=" in kinds or "=" in kinds else ">"
        if less:
            return "<=" if "<=" in kinds or "=" in kinds else "<"
        return "="


def _unique_longest_first(items: list[str]) -> tuple[str, ...]:
    return tuple(sorted(dict.fromkeys(items), key=len, reverse=True))


def grammar_from_dict(data: dict[str, Any]) -> Grammar:
    filters = data["filters"]
    return Grammar(
        fragments=dict(data["fragments"]),
        multipliers={k: int(v) for k, v in data["multipliers"].items()},
        currency=_unique_longest_first(data["currency"]),
        percent_symbols=tuple(data["percent"]["symbols"]),
        percent_words=_unique_longest_first(data["percent"]["words"]),
        count_classifiers=_unique_longest_first(_with_dots(data["count_classifiers"], data.get("unit_dots", ()))),
        count_not_before=_unique_longest_first(data["count_not_before"]),
        measure_units=_unique_longest_first(_with_dots(data["measure_units"], data.get("unit_dots", ()))),
        approx_before=_unique_longest_first(data["approx_before"]),
        approx_after=_unique_longest_first(data["approx_after"]),
        approx_false_words=_unique_longest_first(_false_approx_words(data)),
        approx_false_exceptions=_unique_longest_first(data.get("approx_false_exceptions", [])),
        yi_not_before=_unique_longest_first(filters.get("yi_not_before", [])),
        approx_inside=_unique_longest_first(data["approx_inside"]),
        not_after=_unique_longest_first(filters["not_after"]),
        terms=_unique_longest_first(filters["terms"]),
        yi_not_after=_unique_longest_first(filters["yi_not_after"]),
        money_cues=_unique_longest_first(filters["money_cues"]),
        money_cues_after=_unique_longest_first(filters["money_cues_after"]),
        classifier_word_blocks=frozenset(data["classifier_word_blocks"]),
        ordinal_classifiers=tuple(data["ordinal_classifiers"]),
        ordinal_forms=tuple(data["ordinal_forms"]),
        ordinal_classifier_counts_after=tuple(data.get("ordinal_classifier_counts_after", [])),
        ordinal_classifier_cardinals=tuple(data.get("ordinal_classifier_cardinals", [])),
        address_after=lazy_compile(data.get("address_after", "(?!x)x")),
        not_money_cues=_unique_longest_first(filters["not_money_cues"]),
        **_optional_keys(data),
    )


def _false_approx_words(data: dict[str, Any]) -> list[str]:
    """The words that end like an approximation word but mean something else (节约, 签约), and each
    joined with an approximation word that begins with its last character (签约 + 约达 → 签约达:
    全年签约达126亿元 is exact)."""
    false = list(data.get("approx_false_words", []))
    approx = data.get("approx_before", [])
    return false + [word + tail[1:] for word in false for tail in approx if len(tail) > 1 and tail[0] == word[-1]]


def _with_dots(units: list[str], dots: list[str] | tuple[str, ...]) -> list[str]:
    """The units, and each written with a middle dot (人·次) also with every other dot of ``dots``:
    text from web pages and PDFs writes the dot as any of several characters."""
    if not dots:
        return list(units)
    first = dots[0]
    return [variant for unit in units
            for variant in ([unit.replace(first, dot) for dot in dots] if first in unit else [unit])]


# What the rate units meant in grammar files written before ``percent.scales`` existed (a model keeps
# the grammar it was trained with): the same values the key now states, so an older model reads 5‰,
# 三成 and 2个百分点 as it always did.
_SCALES_BEFORE_THE_KEY: dict[str, list[str]] = {
    "‰": ["0.1", "%"], "‱": ["0.01", "%"], "倍": ["100", "%"], "成": ["10", "%"],
    **{unit: ["1", "个百分点"] for unit in ("个百分点", "百分点", "个 百分点", "个多百分点", "个余百分点", "个半百分点")},
    "千分点": ["0.1", "个百分点"], "个千分点": ["0.1", "个百分点"],
    **{unit: ["0.01", "个百分点"] for unit in ("基点", "个基点", "BP", "bp", "BPs", "bps", "ＢＰ", "个BP", "个bp")},
}


def _optional_keys(data: dict[str, Any]) -> dict[str, Any]:
    """The optional keys; absent ones keep the dataclass defaults (the older behaviour)."""
    filters = data["filters"]
    out: dict[str, Any] = {}
    if "comparator_ops" in data:
        out["comparator_ops"] = {ch: op for op, chars in data["comparator_ops"].items() for ch in chars}
    for key in ("thousand_units", "sign_chars", "sign_words", "currency_prefixes", "plus_signs", "dash_signs", "dash_minus_after",
                "sign_not_after", "signed_labels",
                "money_classifiers", "money_classifier_cues", "money_classifier_followers", "arabic_only_units", "bracket_not_after",
                "half_after_labels", "approx_after_comparisons", "unspaced_labels"):
        if key in data:
            out[key] = tuple(data[key])
    for key in ("rate_word_blocks", "heading_words", "yi_word_starts", "heading_word_exceptions"):
        if key in data:
            out[key] = frozenset(data[key])
    if filters.get("yi_size_after"):
        out["yi_size_after"] = lazy_compile(filters["yi_size_after"])
    if "heading_captions" in data:
        out["heading_captions"] = tuple(sorted(data["heading_captions"], key=len, reverse=True))
    if "foreign_currency" in data:
        out["foreign_currency"] = _unique_longest_first(data["foreign_currency"])
    if "foreign_prefixes" in data:
        out["foreign_prefixes"] = _unique_longest_first(data["foreign_prefixes"])
    if "foreign_codes" in data:
        out["foreign_codes"] = _unique_longest_first(data["foreign_codes"])
    if "currency_factors" in data:
        out["currency_factors"] = {k: Decimal(str(v)) for k, v in data["currency_factors"].items()}
    if "factors" in data["percent"]:
        out["percent_factors"] = {k: Decimal(str(v)) for k, v in data["percent"]["factors"].items()}
    scales = data["percent"].get("scales", _SCALES_BEFORE_THE_KEY)
    out["rate_scales"] = {k: (Decimal(str(v[0])), str(v[1])) for k, v in scales.items()}
    for key in ("count_period_adjectives", "duration_classifiers"):
        if key in data:
            out[key] = _unique_longest_first(data[key])
    if "cued_classifiers" in data:
        out["cued_classifiers"] = {unit: tuple(cues) for unit, cues in data["cued_classifiers"].items()}
    for key in ("cued_classifier_names", "cued_classifier_names_not"):
        if key in data:
            out[key] = {unit: tuple(words) for unit, words in data[key].items()}
    if "cued_rate_moves" in data:
        out["cued_rate_moves"] = tuple(data["cued_rate_moves"])
    if "classifier_word_block_exceptions" in data:
        out["classifier_word_block_exceptions"] = {pair: "".join(chars) for pair, chars
                                                   in data["classifier_word_block_exceptions"].items()}
    if "latin_unit_boundary" in data:
        out["latin_unit_boundary"] = str(data["latin_unit_boundary"])
    if "unit_word_blocks" in data:
        out["unit_word_blocks"] = frozenset(data["unit_word_blocks"])
    expand = _expander(data["fragments"])
    for key in ("money_tail", "money_tail_lone", "approx_after_pattern"):
        if key in data:
            out[key] = lazy_compile(expand(data[key]))
    if "row_number_gap" in filters:
        out["row_number_gap"] = lazy_compile(filters["row_number_gap"])
    if "code_before" in filters:
        out["code_before"] = lazy_compile(filters["code_before"])
    if "frequency_before" in filters:
        out["frequency_before"] = lazy_compile(filters["frequency_before"])
        out["frequency_units"] = tuple(filters.get("frequency_units", ()))
    if "grade_before" in filters:
        out["grade_before"] = lazy_compile(f"(?:{filters['grade_before']})$")
        out["grade_classifiers"] = tuple(filters.get("grade_classifiers", ()))
    if "yi_event_verbs" in filters:
        out["yi_event_verbs"] = _unique_longest_first(filters["yi_event_verbs"])
    if "ordinal_just" in data:
        out["ordinal_just"] = lazy_compile(f"(?:{data['ordinal_just']})$")
        out["ordinal_phase_after"] = tuple(data.get("ordinal_phase_after", ()))
    if "formal_currency" in data:
        out["formal_currency"] = tuple(data["formal_currency"])
    if "digit_word_ends" in data:
        out["digit_word_ends"] = lazy_compile(f"(?:{data['digit_word_ends']})$")
    if "rank_before" in filters:
        out["rank_before"] = lazy_compile(f"(?:{filters['rank_before']})$")
        out["rank_classifiers"] = tuple(filters.get("rank_classifiers", ()))
    if "code_after" in filters:
        out["code_after"] = _unique_longest_first(filters["code_after"])
        out["code_digits"] = int(filters.get("code_digits", 5))
    if "yi_idioms" in filters:
        out["yi_idioms"] = tuple(lazy_compile(p) for p in filters["yi_idioms"])
        out["yi_idiom_reach"] = int(filters.get("yi_idiom_reach", 24))
    # word lists and patterns read as they are (each optional; a model's older grammar file may lack them)
    for section, key, convert in ((data, "money_classifier_not_after", tuple), (data, "money_verb_blocks", frozenset),
                                  (filters, "money_to_people", tuple), (filters, "people_modifiers", _unique_longest_first),
                                  (filters, "money_names_after", _unique_longest_first),
                                  (filters, "not_money_after", _unique_longest_first),
                                  (filters, "not_money_payers", tuple), (filters, "not_money_funds", tuple),
                                  (data, "money_noun_blocks", frozenset), (data, "money_noun_block_funds", tuple),
                                  (data, "phrase_end_verbs", tuple), (data, "money_classifier_nouns", tuple),
                                  (data, "money_classifier_noun_pattern", lazy_compile),
                                  (data, "grade_word_blocks", frozenset), (data, "quote_speaker_after", lazy_compile),
                                  (data, "quote_named_after", tuple), (data, "cued_across_lines", tuple),
                                  (filters, "grade_counted_after", tuple), (filters, "yi_determiner_classifiers", tuple),
                                  (data, "lone_scale_money_after", tuple),
                                  (filters, "ordinal_list_before", lazy_compile), (filters, "grade_after", lazy_compile),
                                  (filters, "list_decimal", lazy_compile), (filters, "code_letter", lazy_compile),
                                  (filters, "name_cell", lazy_compile), (filters, "term_counts", lazy_compile),
                                  (filters, "count_denominator_before", lazy_compile),
                                  (filters, "scale_denominator_before", lazy_compile), (filters, "scale_norm_after", lazy_compile)):
        if key in section:
            out[key] = convert(section[key])
    if "not_after_counts" in filters:
        out["not_after_counts"] = {word: tuple(units) for word, units in filters["not_after_counts"].items()}
    if "name_lists" in filters:
        out["name_lists"] = tuple(lazy_compile(p) for p in filters["name_lists"])
        out["name_list_reach"] = int(filters.get("name_list_reach", 24))
    if filters.get("name_numbers"):
        out["name_numbers"] = lazy_compile("|".join(f"(?:{p})" for p in filters["name_numbers"]))
    if "referring_counts" in filters:
        out["referring_counts"] = tuple(lazy_compile(p) for p in filters["referring_counts"])
    return out


def _expander(fragments: dict[str, str]) -> Callable[[str], str]:
    def expand(pattern: str) -> str:
        for _ in range(10):
            new = _REF.sub(lambda m: fragments[m.group(1)], pattern)
            if new == pattern:
                return new
            pattern = new
        raise ValueError(f"fragment references nest too deep in {pattern!r}")

    return expand


GRAMMAR_FILE = "grammar.yaml"


@lru_cache(maxsize=1)
def packaged_grammar_text() -> str:
    """The grammar the package ships (``quantities/grammar/quantities.yaml``): what new models are
    trained with and what the rules-only tagger uses. A trained model keeps its own copy."""
    return resources.files("jixiao.quantities").joinpath("grammar/quantities.yaml").read_text("utf-8")


@lru_cache(maxsize=8)
def parse_grammar(text: str) -> Grammar:
    """A grammar from its YAML text (cached by text: models that carry the same grammar share it)."""
    return grammar_from_dict(load_yaml(text))


def load_grammar(path: str | Path | None = None) -> Grammar:
    """The packaged grammar, or the one in the YAML file at ``path`` (a model's own copy)."""
    return parse_grammar(packaged_grammar_text() if path is None else Path(path).read_text("utf-8"))
