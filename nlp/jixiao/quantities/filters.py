"""The grammar's filters: what makes a match no quantity (SCHEME §1 rule 5 and the idioms of rule 2).

Each filter has a name; ``filter_flags`` lists the names that reject a candidate, so that the
rules drop it and the learned component sees the reasons as features. Names, slogans and idioms
(``terms``) are found in one scan of the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jixiao.lazy_regex import Regex
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.grammar import Grammar
from jixiao.quantities.numerals import ascii_digits, is_range_pair
from jixiao.quantities.patterns import Patterns, compile_patterns

NOT_AFTER_WINDOW = 12  # characters before a candidate or sign searched for the quantity before it
HORIZONTAL_SPACE = " \t\u00a0\u3000"


def space_before(text: str, at: int) -> int:
    """Where the run of spaces and tabs that ends at ``at`` begins (``at`` itself when none does)."""
    while at > 0 and text[at - 1] in HORIZONTAL_SPACE:
        at -= 1
    return at


def starts_line(text: str, at: int) -> bool:
    """Whether only spaces and tabs stand between ``at`` and the start of its line (only the indent
    is walked back over: a line may be very long)."""
    at = space_before(text, at)
    return at == 0 or text[at - 1] == "\n"


def several_before(text: str, start: int, patterns: Patterns) -> bool:
    """Whether 数 right before ``start`` means "several" (数百吨, 数十万元, 涉及资金数百万; not 人数十万人)."""
    return start > 0 and patterns.several.match(text, start - 1, start) is not None


def text_before(text: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start``, spaces and tabs right before it skipped."""
    end = space_before(text, start)
    return text[max(0, end - width) : end]


SENTENCE_STOPS = "。；;！？!?\n"
CLAUSE_STOPS = "，," + SENTENCE_STOPS


def text_since(text: str, start: int, stops: str, width: int | None = None) -> str:
    """The text before ``start`` back to the last of ``stops`` (and at most ``width`` characters). A
    comma between digits is a thousands separator, no stop (视频监控｜≥1,200路｜1,236路: the clause
    reaches back past 1,200)."""
    low = 0 if width is None else max(0, start - width)
    cut = max(low, *(text.rfind(ch, low, start) + 1 for ch in stops))
    while cut > low + 1 and text[cut - 1] in ",，" and text[cut - 2].isdigit() and text[cut : cut + 1].isdigit():
        cut = max(low, *(text.rfind(ch, low, cut - 1) + 1 for ch in stops))
    return text[cut:start]


def text_until(text: str, end: int, stops: str, width: int) -> str:
    """The text after ``end`` up to the first of ``stops`` (and at most ``width`` characters)."""
    piece = text[end : end + width]
    cut = min((at for at in map(piece.find, stops) if at >= 0), default=len(piece))
    return piece[:cut]


def sign_allowed(text: str, at: int, patterns: Patterns, grammar: Grammar) -> bool:
    """A sign after a quantity is a range mark or a minus (30万元-50万元, 2.5%-3%, 10万-$30万,
    ￥50万-￥30万); 负 in 胜负 is no sign."""
    before = text_before(text, at, 1)
    if not before:
        return True
    if cell_sign_at(text, at, patterns):
        return True  # 96.21 -2.23%: the minus of a new cell (the finder keeps 100 -200元 a range)
    last = before[-1]
    if last.isdigit() or last.isascii() and last.isalpha() or last in "%％‰‱.．":
        return False
    if text[at] in grammar.dash_signs and _is_cjk(last) and not text_before(text, at, 4).endswith(grammar.dash_minus_after):
        return False  # 项目概况–300万元: an en dash typed as a Chinese dash after a word, no minus (增长–12.6% has one)
    if text[at - 1 : at] in ("万", "亿", "萬", "億"):  # right after it: 10万-$30万 (across a gap: a new cell)
        return False
    if text[at] == "负" and last in grammar.sign_not_after:
        return False
    return patterns.quantity_end.search(text, max(0, at - NOT_AFTER_WINDOW), at) is None


def _unspaced(piece: str) -> str:
    """``piece`` without its horizontal white space (PDF text spaces words apart: 三类 ， 一是)."""
    return "".join(ch for ch in piece if ch not in HORIZONTAL_SPACE)


def cell_sign_at(text: str, at: int, patterns: Patterns) -> bool:
    """Whether the minus at ``at`` follows white space and precedes a digit (the grammar's
    ``cell_sign``): the sign of a table cell's number (96.21 -2.23%, 52%\t-23个百分点), unless the
    two numbers read as an ascending range of one unit (100 -200元), which the finder decides."""
    space = space_before(text, at)
    if space == at:
        return False
    m = patterns.cell_sign.match(text, space)
    return m is not None and m.end() == at + 2


_GAP = re.compile("\t|[ \u00a0\u2009\u202f\u3000]{3,}")
_GAP_BEFORE = re.compile("(?:\t|[ \u00a0\u2009\u202f\u3000]{2,})$")


def _cell_gap(text: str, c: Candidate) -> bool:
    """Whether the candidate spans the gap between two cells of a row: a tab or a run of three or more
    spaces inside it, where its number stands as a cell of its own (such a gap before it) and its unit
    begins a word (10    8    部分群众). Justified PDF text spaces a quantity wide too (书屋12   个，), and
    that stays one (SCHEME §1 rule 7), as does a quantity whose grammar reads a tab as a space."""
    return (_GAP.search(text, c.start, c.end) is not None and _is_cjk(text[c.end : c.end + 1])
            and _GAP_BEFORE.search(text, max(0, c.start - 8), c.start) is not None)


def filter_flags(text: str, c: Candidate, grammar: Grammar) -> list[str]:
    """Names of the grammar's filters that reject this candidate (empty: the rules keep it)."""
    flags = []
    if _cell_gap(text, c):
        flags.append("cell_gap")  # 10    8    部分群众: the gap between two cells, no quantity
    before = text_before(text, c.start, 4)
    if before.endswith(grammar.not_after) or (before[-1:] in grammar.range_chars
                                              and _range_head(text, c.start, grammar).endswith(grammar.not_after)):
        if not (c.unit in grammar.not_after_counts.get(next((w for w in grammar.not_after if before.endswith(w)), ""), ())
                and not _is_cjk(text[c.end : c.end + 1] or "。")):
            flags.append("not_after")  # (共附表「12张」，: the sheets counted; not 附表3张家界市…, a caption)
    elif c.label == "COUNT" and _denominator(text, c, grammar):
        flags.append("not_after")  # 6.2张/千人, 1名/600名学生: the denominator of a per-unit value
    elif (_bare_scale(c) and grammar.scale_denominator_before is not None and grammar.scale_denominator_before.search(before)
          and not (grammar.scale_norm_after is not None and grammar.scale_norm_after.match(text, c.end))):
        flags.append("not_after")  # 每千人拥有…2.8名: the same denominator written with 每 (每百名学生配备1名 counts)
    elif grammar.code_after and before.endswith(grammar.code_after) and _code_shaped(text, c, grammar):
        flags.append("not_after")
    elif grammar.code_before is not None and _code_before(text, c.start, grammar.code_before):
        flags.append("not_after")  # K10+200: a chainage
    elif grammar.ordinal_list_before is not None and _ordinal_item(text, c, grammar.ordinal_list_before):
        flags.append("not_after")  # 第1、2项: the second item of an ordinal list
    elif grammar.code_letter is not None and _letter_code(text, c, grammar.code_letter):
        flags.append("not_after")  # N95口罩
    if _grade(text, c, grammar):
        flags.append("grade")
    if _rank(text, c, grammar):
        flags.append("rank")
    if _list_decimal(text, c, grammar):
        flags.append("list_number")
    if (c.label == "COUNT" and text.startswith(grammar.count_not_before, c.end + text.startswith(("多", "余"), c.end))
            and not _period_adjective(text, c, grammar)):
        flags.append("duration")
    # (的一成 is 10 %, but 的一成员单位, 为一成套设备 are 'a member unit', 'a set')
    if c.number == "一" and not c.multiplier and c.rule != "fraction" and (
        c.label != "RATE" or text[c.end - 1 : c.end + 1] in grammar.rate_word_blocks) and (
        before.endswith(grammar.yi_not_after) and not before.endswith(_NOT_TONGYI)
        # what it is like, or holding an event: "a"; after 只 or 仅 (仅有一座…的水库) "just one"
        or (text.startswith(grammar.yi_not_before, c.end) or before.endswith(grammar.yi_event_verbs)
            or c.unit in grammar.yi_determiner_classifiers
            or grammar.yi_size_after is not None and grammar.yi_size_after.match(text, c.end) is not None)
        and not _just(text, c, grammar)
    ):
        flags.append("yi_determiner")
    if c.rule == "u_rt" and c.unit == "成" and not _chinese_or_short(c.number):
        flags.append("cheng_long")
    if not _keep_classifier(text, c, grammar):
        flags.append("classifier")
    if _row_number(text, c, grammar):
        flags.append("row_number")
    if _frequency(text, c, grammar):
        flags.append("frequency")
    if _name_cell(text, c, grammar):
        flags.append("name_cell")
    if not _keep_numeral(text, c, grammar):
        flags.append("numeral")
    if _inside_number(text, c, grammar):
        flags.append("inside_number")
    if c.label == "RATE" and c.number in ("100", "１００") and _formula_factor(text, c):
        flags.append("not_after")  # 执行率＝实际支出/预算数×100%: the formula's factor, not a rate
    if (grammar.heading_words and _heading_number(text, c, grammar)) or _caption_number(text, c, grammar):
        flags.append("heading_number")
    if grammar.yi_idioms and c.label == "COUNT" and "一" in c.number and in_yi_idiom(text, c.start, c.end, grammar):
        flags.append("idiom")
    if (grammar.name_lists and c.label == "COUNT" and not any(ch.isdigit() for ch in c.number)
            and overlaps(text, c.start, c.end, grammar.name_lists, grammar.name_list_reach)):
        flags.append("name_list")
    if grammar.referring_counts and c.label == "COUNT" and any(p.match(text, c.start) for p in grammar.referring_counts):
        flags.append("referring")
    if grammar.name_numbers is not None and grammar.name_numbers.match(text, c.start):
        flags.append("name_number")
    return flags


DENOMINATOR_REACH = 12  # characters before a count after a slash searched for what makes it a denominator
_SLASHES = ("/", "／")


def _denominator(text: str, c: Candidate, grammar: Grammar) -> bool:
    """Whether a count right after a slash is the denominator of a per-unit value: a bare scale
    (6.2张/千人, 单位：张/千人) or the count of a ratio to one (1名/600名学生). Elsewhere a slash pairs or
    divides two quantities (56人/48人, 360万元/1.2万人), each a span."""
    if grammar.count_denominator_before is None:
        return False
    before = text_before(text, c.start, DENOMINATOR_REACH)
    if not before.endswith(_SLASHES):
        return False
    return _bare_scale(c) or grammar.count_denominator_before.search(before) is not None


def _bare_scale(c: Candidate) -> bool:
    """Whether the candidate's number is a scale alone (千人, 百户, 十万人), no digit counting it."""
    return all(ch in "十百千万" for ch in c.number.strip(HORIZONTAL_SPACE) + c.multiplier)


def _just(text: str, c: Candidate, grammar: Grammar) -> bool:
    """Whether 只 or 仅 just before a count makes "just one" its point (只安排了一期, 仅举办一次)."""
    return grammar.ordinal_just is not None and grammar.ordinal_just.search(text_before(text, c.start, 8)) is not None


def _code_shaped(text: str, c: Candidate, grammar: Grammar) -> bool:
    """Whether the number of a candidate right after 电话 or 手机 reads as a phone number: long, or
    with a dash inside it (010-87654321)."""
    digits = sum(ch.isdigit() for ch in c.number)
    return digits >= grammar.code_digits or "-" in text[c.start : c.end + 1]


def _grade(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A 类 after 为, 属于, 达到, 优于, 保持在 … is a grade (结论为三类坝, 水质达到三类), not an enumeration; so
    is one that a count of what reached it follows (三类的4个), or 及以下 (四类及以下), and every one of a
    list or range of them (评定为一类、二类、三类). Only a class 一 to 五 is a grade, and a 类 of people or
    cases, or one an enumeration follows (为三类人员, 主要为三类：一是…), counts."""
    if (grammar.grade_before is None or c.label != "COUNT" or c.unit not in grammar.grade_classifiers
            or c.number.strip(HORIZONTAL_SPACE) not in _GRADE_NUMERALS
            or _unspaced(text[c.end : c.end + 8]).startswith(grammar.grade_counted_after)):
        return False  # 两 and 32 count (对象为两类, 覆盖大类达到32类), and so does a 类 of people or cases (为三类人员：…)
    return (grammar.grade_before.search(text_before(text, c.start, GRADE_REACH)) is not None
            or grammar.grade_after is not None and grammar.grade_after.match(text, c.end) is not None)


_GRADE_NUMERALS = frozenset("一二三四五12345１２３４５")  # a grade is a class 一 to 五 (GUIDELINES §4)
_GRADE_WORDS = frozenset("一二三四五")  # … and one named in words alone (``grade_word_blocks``)
GRADE_REACH = 24  # characters before a 类 searched for what makes it a grade (评定为一类、二类、三类)


ORDINAL_LIST_REACH = 40  # characters before a candidate searched for 第 and the earlier items


def _ordinal_item(text: str, c: Candidate, pattern: Regex) -> bool:
    """Whether the candidate is a later item of an ordinal list (第1、2项, 第一、二、三条): the items
    before it end in a list mark and the first is written in the candidate's script (第一、3个项目
    is the first point, then a count)."""
    m = pattern.search(text, max(0, c.start - ORDINAL_LIST_REACH), c.start)
    return m is not None and m.group("first")[0].isdigit() == c.number.lstrip()[:1].isdigit()


def _code_before(text: str, start: int, pattern: Regex) -> bool:
    """Whether the text right before ``start`` (spaces skipped, twelve characters at most) ends as a
    code does; ``^`` in the pattern means the start of the text, not of the window."""
    end = space_before(text, start)
    return pattern.search(text, max(0, end - 12), end) is not None


_DIGIT = "0123456789０１２３４５６７８９"
_GROUP_FRAGMENT = re.compile(r"[0-9０-９]{3}(?![0-9０-９])")
_STAGE_BEFORE = re.compile(r"[0-9０-９][十百千]$")
_BEFORE_FRAGMENT = frozenset("十百千.．· \u00a0,，")  # what may stand right before a fragment that starts with a digit
_MULTIPLIER_START = frozenset("十百千万亿萬億拾佰仟余多")
# (a number, not a list number alone on its line: 1.⏎300万元用于… keeps its amount)
_OCR_DIGITS = frozenset("lIOo")  # letters a scan reads for 1 and 0
_OCR_GROUP = re.compile(r"[lIOo][ \u00a0]?[,，][ \u00a0]?$")  # l,256人: a thousands group after such a letter
# … unless they end a word or code of letters (CO2, NO2, PO4, SO2: the digit is the code's)
_LETTERS_BEFORE_OCR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
# (a comma alone at the line's end only after one to three digits and where the next line starts
# with a group of three: 今年共实施项目12，⏎3个项目… and 截至2023，⏎120个… are two clauses)
_BROKEN_BEFORE = re.compile(r"(?<=[^\s])[0-9０-９](?:[.．]|[,，][0-9０-９]{1,2}|(?<![0-9０-９]{4})(?P<comma>[,，]))[ \t\u3000]*\r?\n$")
_GROUP_AFTER = re.compile(r"[0-9０-９]{3}(?![0-9０-９])")
_DECIMALS_BEFORE = re.compile(r"[.．][0-9０-９]+$")
_LIST_NUMBER = re.compile(r"(?:^|[\n：:；;。！？]|是)[ \t\u3000]*[0-9０-９]{1,2}[.．][ \u00a0]*$")
_POINT_BEFORE = re.compile(r"[0-9０-９][ \u00a0]*[.．·][ \u00a0]*$")
# digits set one space apart, as PDF text letter-spaces a number (3 2 0 万元, 9 8 . 5 6 %): each digit
# alone, three or more; a table row's cells (50 50 100%) have numbers of several digits, and a row
# number before one count (1 3户) is two
_SPACED_DIGITS_BEFORE = re.compile(r"(?:^|[^0-9０-９.．])[0-9０-９](?:[ \u00a0][0-9０-９.．])+[ \u00a0]$")


def _run_start(text: str, end: int, belongs: Callable[[str], bool], limit: int) -> int:
    """Where the run of at most ``limit`` characters that ``belongs`` accepts, ending at ``end``, starts."""
    start = end
    while start > 0 and end - start < limit and belongs(text[start - 1]):
        start -= 1
    return start


def _ocr_read(text: str, end: int) -> bool:
    """Whether the letters right before ``end`` are a scan's reading of digits (l and I for 1, O and o
    for 0): one to three of them, not the end of a word or code of letters (CO2, NO2, No.5)."""
    start = _run_start(text, end, _OCR_DIGITS.__contains__, OCR_RUN)
    return start < end and (start == 0 or text[start - 1] not in _LETTERS_BEFORE_OCR)


OCR_RUN = 3  # letters read for digits in a row, at most


def _inside_number(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A candidate that starts inside a longer number the grammar did not read whole: a multiplier
    right after Arabic digits (千万 of 2千万, 十余 of 3十余人; a Chinese numeral after a code is a
    number of its own: PM2.5两项), digits after an Arabic number's 千 or 百 (5百元 of 2千5百元), the
    decimals after a point
    (5成 of 3.5成) or the last group after a thousands separator (345.67万 of 12,345.67万). Its value
    would be a fragment's, silently wrong; no span is better (the whole number, where the grammar
    reads it, wins the overlap anyway). So is a numeral that takes in the 一 ending a word before it
    (一三个 of 统一三个: the finder reads 三个 from the 三). Cheap tests of the character before come
    first: this runs for every candidate."""
    if c.rule == "fraction":
        return False
    if text[c.start] in WORD_FINAL_FIRSTS and len(c.number) > 1 and ends_word(text, c.start, grammar):
        return True  # 八两场 of 初八两场, 伍三支 of 队伍三支: the finder reads the count from the next digit
    if c.start == 0:
        return False
    before, first = text[c.start - 1], text[c.start]
    if first == "一" and yi_ends_word(text, c.start, grammar):
        return c.number[1:2] in _CHINESE_DIGITS
    if before in _DIGIT:
        # not a Chinese numeral after a code (PM2.5两项, G219两条); 〇 after digits is a zero misread (1〇〇人次)
        return first in _MULTIPLIER_START or first in "〇○"
    if first in _DIGIT and (before in _OCR_DIGITS and _ocr_read(text, c.start)
                            or before in ",， \u00a0" and _OCR_GROUP.search(text, max(0, c.start - 4), c.start)
                            or before in ".．" and text[c.start - 2 : c.start - 1] in _OCR_DIGITS and _ocr_read(text, c.start - 1)):
        # 资金l2.5万元, 合格率1O0%, 人员经费lO5.6万元, l,256人, 总投资l.26亿元, 9O.25%: a letter read for 1 or 0 in
        # scanned text; the rest is a fragment
        return True
    if before in "\n \t\u3000" and first in _DIGIT and (line := text.rfind("\n", max(0, c.start - 4), c.start)) >= 0 \
            and not text[line + 1 : c.start].strip(" \t\u3000"):
        # 89.⏎45%, 1,2⏎86.3万元, 12,⏎345.67万元: a line broken inside a number (a point, a separator or a
        # short thousands group ends the line before); the digits after the break are a fragment
        broken = _BROKEN_BEFORE.search(text, max(0, line - 7), line + 1)
        return broken is not None and (not broken.group("comma") or _GROUP_AFTER.match(text, c.start) is not None)
    if first not in _DIGIT or before not in _BEFORE_FRAGMENT:
        return False
    if before in "十百千" and _STAGE_BEFORE.search(text, max(0, c.start - 3), c.start):
        return True  # 5百元 of 2千5百元: the grammar reads no 千 or 百 inside an Arabic number
    if before in ".．" and (c.start == 1 or not text[c.start - 2].isalnum()):
        # .5万元 at a line's start, after white space or punctuation: the whole part is elsewhere
        # (after a word, as in 完成.5个项目, the point ends a sentence)
        return True
    if (before in " \u00a0" and _one_digit(c.number)
            and _SPACED_DIGITS_BEFORE.search(text, max(0, c.start - 40), c.start)):
        return True  # 0 万元 of 3 2 0 万元: the last of letter-spaced digits
    if _POINT_BEFORE.search(text, max(0, c.start - 6), c.start):
        # the decimals of 3.5成, or of 98. 56% and 12 .5公里 as PDF text spaces them, read alone; not the
        # count after a list number that goes on as prose (4.3个项目 at a line's start, 问题：1. 3个项目…)
        listed = (c.label == "COUNT" and _LIST_NUMBER.search(text, max(0, c.start - 10), c.start) is not None
                  and _is_cjk(text[c.end : c.end + 1]))
        return not listed
    return (before in ",，" and c.start >= 2 and text[c.start - 2] in _DIGIT
            and _GROUP_FRAGMENT.match(text, c.start) is not None
            and _DECIMALS_BEFORE.search(text, max(0, c.start - 24), c.start - 1) is None)  # 92.5，150户: a clause


def _one_digit(number: str) -> bool:
    """Whether a number starts with a single digit followed by no digit or point (0 万, 6; not 60
    or 6.5)."""
    return bool(number) and number[0] in _DIGIT and (len(number) == 1 or number[1] not in _DIGIT and number[1] not in ".．")


def _formula_factor(text: str, c: Candidate) -> bool:
    """The ×100% of a formula (实际支出/预算数×100%, 数*100%, (A/B)x100%); not **100%** set in bold
    and not 满意度X100% (a letter after a word)."""
    sign = text[c.start - 1 : c.start]
    if sign == "×":
        return True
    if c.start < 2 or sign not in ("*", "＊", "x", "X"):
        return False
    operand = text[c.start - 2]
    if sign in "xX":
        return operand.isdigit() or operand in ")）"
    return operand not in "*＊" and text[c.end : c.end + 1] not in "*＊" and (
        operand.isdigit() or operand in ")）" or _is_cjk(operand))


_CHINESE_DIGITS = frozenset("一二两三四五六七八九十")
WORD_FINAL_FIRSTS = frozenset("伍陆拾零一二两三四五六七八九")  # what may end a word before a count (ends_word)
_PLAIN_DIGITS = frozenset("一二两三四五六七八九")
_PLAIN_NUMERAL = frozenset("一二两三四五六七八九十百千万亿零〇点")


# words that end in 统 with no 一 after them: 系统一套 is one set, not 统一 + 套
_NOT_TONGYI = ("系统", "传统", "总统", "血统", "正统", "体统")


def yi_ends_word(text: str, start: int, grammar: Grammar) -> bool:
    """Whether the 一 at ``start`` ends a word before it (统一三个, 唯一一家), so that a numeral after
    it starts after it; not where the character before ends another word (系统一套)."""
    return (start > 0 and text[start - 1] in grammar.yi_word_starts
            and not (text[start - 1] == "统" and text[max(0, start - 2) : start] in _NOT_TONGYI))


def ends_word(text: str, start: int, grammar: Grammar) -> bool:
    """Whether the first character of the run of numerals at ``start`` ends the word before it, so
    that the count starts at the next character: a formal digit before plain ones or 几 or 数 (队伍三支,
    入伍三十人, 内陆十二个, 队伍几十个: 大写 numbers are written in 大写 throughout), 零 before a digit (清零三处),
    the first of two Chinese digits that make no range wherever they stand (初八两场, 一、二两个标段:
    八两 is never 82), and of two that make one after a word that ends in a digit (高三两个班,
    星期三两次: grammar.digit_word_ends)."""
    first, second = text[start : start + 1], text[start + 1 : start + 2]
    if first in "伍陆拾":  # (伍万元 is 大写 throughout: 万 and 亿 have no other form; 队伍几十个, 入伍数十人)
        return second in _PLAIN_DIGITS or second in "十几数"
    if first == "零":
        return second in _PLAIN_DIGITS
    if first not in _PLAIN_DIGITS or second not in _PLAIN_DIGITS or text[start + 2 : start + 3] in _PLAIN_NUMERAL:
        return False
    if not is_range_pair(first, second):
        return True
    if not start or not "\u4e00" <= text[start - 1] <= "\u9fff":
        return False
    ends = grammar.digit_word_ends.search(text, max(0, start - 4), start) if grammar.digit_word_ends else None
    # no day is 初两 and no school year 高两 or 高四 (年初两三个, 调高三五个)
    return ends is not None and first != "两" and (not ends.group().endswith("高") or first in "一二三")



def _is_cjk(ch: str) -> bool:
    """Whether ``ch`` (one character, or empty) is a Chinese character."""
    return "\u4e00" <= ch <= "\u9fff"
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_SECTION = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)*")


def _heading_number(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A section, caption or year number before a heading word (1.1 项目概况, 2.4 成本指标, 附件2项目
    清单, 2023 项目支出情况, 2024项目库): the unit's character starts the word, so the number counts
    nothing. Where the number is a year, a section number set apart by white space, at the start of
    a line (after a list mark at most) or after a caption word."""
    if (c.rule == "fraction" or text[c.end - 1 : c.end + 1] not in grammar.heading_words
            or text[c.end - 1 : c.end + 2] in grammar.heading_word_exceptions):
        return False
    number = text[c.start : c.end - 1]
    bare = number.rstrip(HORIZONTAL_SPACE)
    line = text[text.rfind("\n", 0, c.start) + 1 : c.start].strip(" \t\u3000")
    # after a caption word, or its number and a dash or point (表4-2 项目…, 附件2-1 项目…, 附件二 项目…)
    part = _CAPTION_PART.search(line)
    caption = line.endswith(grammar.heading_captions) or (
        part is not None and line[: part.start()].rstrip(HORIZONTAL_SPACE).endswith(grammar.heading_captions))
    if not _SECTION.fullmatch(bare):
        return caption and _CAPTION_NUMBER.fullmatch(bare) is not None
    if _YEAR.fullmatch(ascii_digits(bare)) or (bare != number and any(ch in bare for ch in ".．")):
        return True  # 2024项目库, 2023 项目支出情况; 2.3.1 项目资金 (not 完成3 项目标任务)
    return not line or caption or _LIST_MARK.fullmatch(line) is not None


def _caption_number(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A caption's number in two parts at the start of a line (表4-2 项目…, 图 2-1 批次抽检情况, 附件5-1
    场馆运营情况): what follows is the caption's title, whatever word it starts with; not 报表2-3份 or
    效果图2-3套, where no caption starts the line."""
    if not grammar.heading_captions or c.label != "COUNT":
        return False
    # (every COUNT passes here: the line's start is looked for only as far back as a caption line reaches)
    newline = text.rfind("\n", max(0, c.start - CAPTION_LINE_REACH), c.start)
    if newline < 0 and c.start > CAPTION_LINE_REACH:
        return False
    line = text[newline + 1 : c.start].strip(HORIZONTAL_SPACE)
    name = next((word for word in grammar.heading_captions if line.startswith(word)), None)
    if name is None:
        return False
    rest = line[len(name) :].strip(HORIZONTAL_SPACE)
    if not rest:  # 附件|5-1 场馆: the candidate is the whole number
        return _CAPTION_WHOLE.match(text, c.start) is not None
    # 表4-|2 项目: the candidate is the number's second part
    return _CAPTION_PART.fullmatch(rest) is not None and _CAPTION_SECOND.match(text, c.start) is not None


CAPTION_LINE_REACH = 32  # characters before a count within which a caption's line must start (indent included)
_CAPTION_WHOLE = re.compile(r"[0-9０-９]{1,3}[ \u00a0]*[-－—.．][ \u00a0]*[0-9０-９]{1,3}(?![0-9０-９.．])")
_CAPTION_SECOND = re.compile(r"[0-9０-９]{1,3}(?![0-9０-９.．])")
_CAPTION_PART = re.compile(r"(?:[0-9０-９]{1,3}[-－—.．]){1,3}$")  # the first parts of a caption's number (表4-, 表4-2-)
# a caption's whole number where it is no section number: in words (附件二) or with a dash (附件2-1)
_CAPTION_NUMBER = re.compile("[一二三四五六七八九十]{1,3}|[0-9０-９]{1,3}[-－—][0-9０-９]{1,3}")
_LIST_MARK = re.compile(r"[（(][一二三四五六七八九十0-9０-９]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|[0-9０-９]{1,2}[.．、]|[①-⑳]")


def _letter_code(text: str, c: Candidate, letter: Regex) -> bool:
    """A count or measure whose digits touch a single Latin letter (N95口罩, A4纸, G20, 20cmC30); not
    one whose comparator does (NH3-N≤5mg: a limit after the pollutant's code)."""
    if (c.label not in ("COUNT", "MEASURE") or c.start == 0 or c.comparator or not letter.fullmatch(text[c.start - 1])
            or not text[c.start].isdigit()):
        return False  # (a Chinese numeral after a letter is no code: 划分为A、B、C三类)
    # (an upper-case letter right after a lower-case unit is a code of its own: 20cmC30)
    if c.start < 2 or not letter.fullmatch(text[c.start - 2]) or text[c.start - 1].isupper() and text[c.start - 2].islower():
        return True
    # a long run of letters and digits before it: a code (统一社会信用代码91350200MA2Y7KQ83L), not a word
    # before a number (CODcr30mg) nor a unit and a times sign or a model name (500kVAx2台, 1000Mbps2条)
    start = _run_start(text, c.start, lambda ch: ch in _DIGIT or letter.fullmatch(ch) is not None, CODE_RUN)
    return c.start - start >= CODE_MIN and sum(ch in _DIGIT for ch in text[start : c.start]) >= CODE_MIN_DIGITS


CODE_RUN = 24  # characters of letters and digits read back from a number for a code it ends
CODE_MIN, CODE_MIN_DIGITS = 10, 4  # … the shortest such code, and its fewest digits


# characters before a 位 or 名 searched for the ranking words (进入全国电子商务进农村综合示范县前「10名」)
RANK_REACH = 24


def _rank(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A 位 or 名 after 排名前, 列全市后 is a rank (列全市后三位, 排名前10名), not a count."""
    if grammar.rank_before is None or c.label != "COUNT" or c.unit not in grammar.rank_classifiers:
        return False
    return grammar.rank_before.search(text_before(text, c.start, RANK_REACH)) is not None


def _list_decimal(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A decimal count at the start of a line that goes on as prose (「4.3个项目未按期完工」): a list
    number and a count, which the candidate starting after the point reads (a count of 4.3 items is
    no count); a table cell alone on its line (「1.5个」) stays a decimal. A list run into one line,
    as web pages give it, starts its items after ：；。 (问题：1.3个部门未公开预算；2.2个部门…): there
    the number is an item's when its point is followed by one digit."""
    if (grammar.list_decimal is None or c.label != "COUNT" or c.multiplier
            or grammar.list_decimal.fullmatch(c.number) is None or not _CJK.match(text, c.end)):
        return False
    if starts_line(text, c.start):
        return True
    before = text_before(text, c.start, 16).rstrip(HORIZONTAL_SPACE)
    if before[-1:] == "" or before[-1] not in _ITEM_STOPS or _ONE_DECIMAL.fullmatch(c.number) is None:
        return False
    head = before[:-1]  # the clause the stop ends: 平均每村配备：2.5名, 户均：2.3人 keep their decimals
    return _AVERAGE.search(head[max(head.rfind(ch) for ch in CLAUSE_STOPS) + 1 :]) is None


_ITEM_STOPS = frozenset("：:；;。")
_ONE_DECIMAL = re.compile("[0-9０-９][.．][0-9０-９]")  # 1.3个: an item from 1 to 9, one digit after its point
_AVERAGE = re.compile("均|每|平均|负担|[/／]")


_CJK = re.compile("[\u4e00-\u9fff]")


def _row_number(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A table row's 序号 (GUIDELINES §1.2): a whole number alone at the start of its line and set
    apart from the next cell by a tab or a run of spaces (``3  张德明  二组`` in a 公示 rendered as
    lines) is no quantity, even when the next cell starts with a classifier or unit character (张, 条;
    方 of 方明)."""
    if grammar.row_number_gap is None:
        return False
    return starts_line(text, c.start) and grammar.row_number_gap.match(text, c.start) is not None


FREQUENCY_REACH = 24  # characters before a count searched for the 每… that makes it a frequency


def _frequency(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A count of events in the same clause as a 每… before it is a frequency, never a span
    (每季度开展「1～2次」, 每年培训不少于「4次」, 平均每人每年培训「2次」); a total in a clause of its own
    (…，全年共开展「4次」) stays a count."""
    if grammar.frequency_before is None or c.label != "COUNT" or c.unit not in grammar.frequency_units:
        return False
    return grammar.frequency_before.search(text, max(0, c.start - FREQUENCY_REACH), c.start) is not None


CELL_REACH = 12  # characters on either side of a candidate searched for its cell's bounds
_CELL_GAP = re.compile(r"\t|\n|[ \u00a0\u3000]{2,}")


def _name_cell(text: str, c: Candidate, grammar: Grammar) -> bool:
    """A table cell that is only a name like 五组 (a 村民小组 in a 公示 rendered as lines: 1  张德明
    五组  3.40): cells end at tabs, line ends and runs of spaces; in prose (分为三组开展) the
    candidate stays a count."""
    if grammar.name_cell is None or c.label != "COUNT":
        return False
    low = max(0, c.start - CELL_REACH)
    gaps = [m.end() for m in _CELL_GAP.finditer(text, low, c.start)]
    if not gaps and low > 0:
        return False  # no cell boundary close before it: part of a longer text
    after = _CELL_GAP.search(text, c.end, c.end + CELL_REACH)
    end = after.start() if after else len(text)
    if not after and end > c.end + CELL_REACH:
        return False
    cell = text[gaps[-1] if gaps else 0 : end].strip(HORIZONTAL_SPACE)
    return grammar.name_cell.fullmatch(cell) is not None


def _period_adjective(text: str, c: Candidate, grammar: Grammar) -> bool:
    """月度, 季度, 年度 after an event count are adjectives (全年12次月度考核, 完成3项年度任务), not the
    period of a duration; after a duration classifier (4个季度) they still make one."""
    return (c.unit not in grammar.duration_classifiers
            and text.startswith(grammar.count_period_adjectives, c.end))


def in_yi_idiom(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """Whether a slogan or idiom of 一 + classifier from the grammar (成熟一个、进场一个; 升级改造一批
    商贸中心; 形成一套…体制) overlaps [start, end)."""
    return overlaps(text, start, end, grammar.yi_idioms, grammar.yi_idiom_reach)


def overlaps(text: str, start: int, end: int, patterns: tuple[Regex, ...], reach: int) -> bool:
    """Whether a match of one of ``patterns`` within ``reach`` characters overlaps [start, end)."""
    low, high = max(0, start - reach), min(len(text), end + reach)
    for pattern in patterns:
        for m in pattern.finditer(text, low, high):
            if m.start() < end and start < m.end():
                return True
            if m.start() >= end:
                break
    return False


def _range_head(text: str, start: int, grammar: Grammar) -> str:
    """The text before the lower end of a range whose upper end starts at ``start`` (第 of 第3-5个)."""
    m = compile_patterns(grammar).range_head.search(text, max(0, start - NOT_AFTER_WINDOW), start)
    return text_before(text, m.start(), 4) if m else ""


CUE_REACH = 24  # characters before a cued classifier's count searched, within its clause, for a cue
CUE_AFTER = 6  # characters after it searched the same way (600路视频监控: the cue follows the count)
BREAKDOWN_CLAUSES = 8  # clauses of a sentence (and digit groups: 1,300) looked back through for the 其中 of a breakdown


# after a count: a list or range of them, or a slogan (1针1管), whose line is no wrapped clause
LINE_LIST_MARKS = "、至到~～-－和及与0123456789０１２３４５６７８９"


def _line_above(text: str, c: Candidate, grammar: Grammar) -> str:
    """The end of the line above a count of a ``cued_across_lines`` classifier that stands first on its
    own line (视频监控\n「2.6万路」): the clause the layout broke there, or the label of an infographic's
    figure; the clause the line above breaks down with 其中 too (…其中公安自建1.8万路、社会资源\n「8,000路」).
    Empty where the count does not open its line or starts a list, a range or a slogan there (\n1路、3路、5路
    延伸至新区, \n1针1管规范操作)."""
    if c.unit not in grammar.cued_across_lines:
        return ""
    line = text.rfind("\n", 0, c.start)
    after = text[c.end : c.end + 1]
    if line < 1 or text[line + 1 : c.start].strip(HORIZONTAL_SPACE) or (after and after in LINE_LIST_MARKS):
        return ""
    if text[line - 1] in SENTENCE_STOPS or text[line - 1] in "，,":
        return ""
    return text_since(text, line, CLAUSE_STOPS, CUE_REACH) + _broken_down(text, line)


def _broken_down(text: str, start: int) -> str:
    """The text before a breakdown that the clause at ``start`` belongs to: 其中 (or 另有 after it)
    breaks down what the clause before it counted, so that clause's cue words apply to every part
    (视频监控3,600路，其中乡镇1,300路，村级2,900路); empty when no 其中 opens a clause of the sentence
    within a few clauses back."""
    position = start
    for _ in range(BREAKDOWN_CLAUSES):
        clause = position - len(text_since(text, position, CLAUSE_STOPS, 2 * CUE_REACH))
        if text[clause:position].lstrip(" \u3000").startswith("其中"):
            return text[max(0, clause - CUE_REACH) : clause]
        if clause == 0 or text[clause - 1] in SENTENCE_STOPS:
            return ""
        position = clause - 1
    return ""


def rate_points_cued(text: str, start: int, unit: str, grammar: Grammar) -> bool:
    """Whether points of a rate (基点, BP) at ``start`` have their rate: the rate that moves is
    named before the points, in their clause, or in the clause before where theirs says how it moved
    (利率为2.65%，较上年下降26个基点); not 布设12个基点, 依托12个基点开展利率宣传."""
    cues = grammar.cued_classifiers[unit]
    clause = text_since(text, start, CLAUSE_STOPS, CUE_REACH)
    if any(cue in clause for cue in cues):
        return True
    if not any(word in clause for word in grammar.cued_rate_moves):
        return False
    return any(cue in text_since(text, start, SENTENCE_STOPS, 2 * CUE_REACH) for cue in cues)


def points_counted(text: str, start: int, unit: str, grammar: Grammar) -> bool:
    """Whether 基点 written with 个 at ``start`` are places counted with 个 (布设12个基点: 「12个」):
    neither a rate nor a word of a rate's move stands in their clause (同业存单价格下行15个基点 are
    points of a rate whose name the grammar may not know, and no count)."""
    # (the clause read once: without a word of a move, ``rate_points_cued`` is its cues alone)
    clause = text_since(text, start, CLAUSE_STOPS, CUE_REACH)
    return not any(word in clause for word in grammar.cued_rate_moves) and not any(
        cue in clause for cue in grammar.cued_classifiers[unit])


def _keep_classifier(text: str, c: Candidate, grammar: Grammar) -> bool:
    if c.label == "RATE" and c.unit == "成":  # 12成员单位 (Arabic digits); 六成绩效目标, 八成员工 are rates
        return not c.number[:1].isdigit() or text[c.end - 1 : c.end + 1] not in grammar.rate_word_blocks
    if c.label == "RATE" and c.unit in grammar.cued_classifiers:
        return rate_points_cued(text, c.start, c.unit, grammar)
    if c.label != "COUNT":
        return True
    pair = text[c.end - 1 : c.end + 1]
    # (the character after a blocked pair may show it is no word after all: 12人均未签订, 三类闸门)
    after = text[c.end + 1 : c.end + 2]
    excepted = bool(after) and after in grammar.classifier_word_block_exceptions.get(pair, "")
    if pair in grammar.classifier_word_blocks and not excepted:
        return False
    if pair in grammar.grade_word_blocks and c.number.strip(HORIZONTAL_SPACE) in _GRADE_WORDS and not excepted:
        return False  # 按四类岗位标准, 四类闸5座: a grade (等6类岗位, 3类闸门, 三类闸门 count)
    cues = grammar.cued_classifiers.get(c.unit)
    if cues:
        if (text.startswith(grammar.cued_classifier_names.get(c.unit, ()), c.end)
                and not text.startswith(grammar.cued_classifier_names_not.get(c.unit, ()), c.end)):
            return False  # 8路公交车, 8路车上: a route's name, whatever the clause speaks of (not 80路车载)
        around = (text_since(text, c.start, CLAUSE_STOPS, CUE_REACH) + text_until(text, c.end, CLAUSE_STOPS, CUE_AFTER)
                  + _broken_down(text, c.start) + _line_above(text, c, grammar))
        if not any(cue in around for cue in cues):
            return False  # 1路公交: a route's name; 视频监控3,600路 and 600路视频监控 count channels
    chinese = not any(ch.isdigit() for ch in c.number)
    if chinese and c.unit in grammar.ordinal_classifiers and not c.number.startswith(grammar.ordinal_classifier_cardinals):
        before = text[max(0, c.start - 1) : c.start]
        if before not in grammar.ordinal_classifier_counts_after and (
                not _just(text, c, grammar) or text.startswith(grammar.ordinal_phase_after, c.end)):
            return False  # 一期工程 names a phase (仅一期工程完工 too); 只安排了一期 counts one
    if grammar.address_after.match(text, c.end):
        return False
    return not text.startswith(grammar.ordinal_forms, c.start)


_FINANCIAL_RE = re.compile("[壹贰叁肆伍陆柒捌玖拾佰仟]")
_QUOTES = {"“": "”", "「": "」", "\"": "\""}
QUOTED_MAX = 8


def _keep_numeral(text: str, c: Candidate, grammar: Grammar) -> bool:
    """大写 numerals belong to money; a Chinese numeral inside a short quoted phrase is a slogan."""
    if c.number[:1].isdigit():  # Arabic and mixed numerals (4万余) start with a digit
        return True
    if c.label != "AMOUNT" and _FINANCIAL_RE.search(c.number):
        return False
    if any(ch.isdigit() for ch in c.number):
        return True
    return not _inside_short_quote(text, c.start, c.end, grammar)


def _inside_short_quote(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """Whether [start, end) stands in a short quoted phrase (“三个一”, “两不愁三保障”): a slogan's name.
    A quotation of speech is no name (``_speech``)."""
    left = text[max(0, start - QUOTED_MAX) : start]
    for opening, closing in _QUOTES.items():
        at = left.rfind(opening)
        if at >= 0 and closing not in left[at + 1 :]:
            close = text.find(closing, end, end + QUOTED_MAX)
            if close >= 0 and not _speech(text, start - len(left) + at, close, grammar):
                return True
    return False


_SENTENCE_END = frozenset("。！？!?.")  # (a half-width full stop too: 老李说:"…收了一百多吨猕猴桃.")


def _speech(text: str, opening: int, closing: int, grammar: Grammar) -> bool:
    """Whether the quotation from ``opening`` to ``closing`` is speech rather than a name: it ends a
    sentence (“县里砸了三千万。”), a colon opens it (他说：“花了三千万”) unless a word after it makes it a
    name (答：“三个到位，两个确保”是…), or a clause of it ends where a speaker is named after it
    (“光拆迁补偿就是两个亿，”指挥部负责人说). A slogan's halves may stand apart with a comma (“两个确保，
    三个提升”): a comma alone shows no speech. The words are the grammar's (``quote_named_after``,
    ``quote_speaker_after``); a grammar without them reads every short quotation as a name."""
    if grammar.quote_speaker_after is None:
        return False
    if text[closing - 1 : closing] in _SENTENCE_END:
        return True
    if text[opening - 1 : opening] in ("：", ":") and not text.startswith(grammar.quote_named_after, closing + 1):
        return True
    return text[closing - 1 : closing] in ("，", ",") and grammar.quote_speaker_after.match(text, closing + 1) is not None


def _chinese_or_short(number: str) -> bool:
    plain = ascii_digits(number)  # full-width digits are Arabic too (３.５成 as 3.5成)
    return not plain.isascii() or len(plain) <= 2


def without_terms(text: str, found: list[Candidate], patterns: Patterns) -> list[Candidate]:
    """The candidates that overlap no name, slogan or idiom: the terms are found in one scan of the
    text (a character trie the regex engine skips through), not once around every candidate."""
    if not found:
        return found
    covered = bytearray(len(text))
    for m in patterns.terms.finditer(text):
        if not _numeral_continues_into(text, m.start()) and not patterns.term_counts.match(text, m.start()):
            covered[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return [c for c in found if not any(covered[c.start : c.end])]


def in_term(text: str, start: int, end: int, patterns: Patterns) -> bool:
    """Whether a name, slogan or idiom from the grammar overlaps [start, end)."""
    reach = patterns.longest_term
    for m in patterns.terms.finditer(text, max(0, start - reach), min(len(text), end + reach)):
        if (m.start() < end and start < m.end() and not _numeral_continues_into(text, m.start())
                and not patterns.term_counts.match(text, m.start())):
            return True
    return False


def _numeral_continues_into(text: str, term_start: int) -> bool:
    """二十一起: a term that starts with a numeral continuing a longer numeral is no term there."""
    numerals = "零〇一二两三四五六七八九十百千万"
    return term_start > 0 and text[term_start] in numerals and text[term_start - 1] in numerals


def in_equation(text: str, end: int) -> bool:
    """A quantity followed by = ends a difference (￥50万-￥30万=￥20万), not a range."""
    return text[end : end + 4].lstrip(" \u00a0\u3000")[:1] in ("=", "＝")
