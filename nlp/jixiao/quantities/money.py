"""Money the general pattern does not settle alone: jiao and fen after the yuan (五元三毛), 块 as
money or as a count, amounts after a yuan sign (￥1,200.00) and amounts without any currency
word where the clause speaks of money (预算487万)."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from jixiao.quantities.candidate import Candidate
from jixiao.quantities.filters import (
    CLAUSE_STOPS, SENTENCE_STOPS, in_equation, several_before, sign_allowed, text_before, text_since, text_until,
)
from jixiao.quantities.grammar import Grammar
from jixiao.quantities.patterns import Patterns

MONEY_CUE_WINDOW = 30


def with_money_tail(text: str, c: Candidate, grammar: Grammar) -> Candidate:
    """Jiao and fen after the yuan (五元三毛), and 块 as money (单价三块, 三块五) or as a count."""
    tail = grammar.money_tail.match(text, c.end) if grammar.money_tail else None
    if tail is None and grammar.money_tail_lone is not None and c.unit in grammar.money_classifiers:
        tail = grammar.money_tail_lone.match(text, c.end)
    if tail is not None:
        jiao = tail.groupdict().get("jiao") or ""
        fen = tail.groupdict().get("fen") or tail.groupdict().get("fen_only") or ""
        return replace(c, end=tail.end(), label="AMOUNT", rule="u_cur", jiao=jiao or ("0" if fen else ""), fen=fen)
    if c.label == "AMOUNT" or c.number_max is not None:
        return c
    if (grammar.money_classifier_nouns and text.startswith(grammar.money_classifier_nouns, c.end)
            or c.unit in grammar.money_classifiers and grammar.money_classifier_noun_pattern is not None
            and grammar.money_classifier_noun_pattern.match(text, c.end)):
        return replace(c, label="AMOUNT", rule="u_cur")  # 发了500块慰问金, 交了三十块物业费: the money noun says it
    after = text[c.end : c.end + 1]
    if after and "\u4e00" <= after <= "\u9fff" and not text.startswith(grammar.money_classifier_followers, c.end):
        return c  # 三块展板: the count of what follows (not 五块上调为八块, 十块左右)
    before = text_before(text, c.start, 5)
    if grammar.money_classifier_not_after and (before.endswith(grammar.money_classifier_not_after)
                                               or before.rstrip("共有计约达为了").endswith(grammar.money_classifier_not_after)):
        return c  # 使用项目经费制作宣传展板30块, 入股分红的承包地共36块: the boards and plots are counted
    # the cue in the same clause (租金标准为每亩800元，涉及承包地126块: a count of plots)
    clause = text_since(text, c.start, CLAUSE_STOPS, MONEY_CUE_WINDOW)
    if any(cue in clause for cue in grammar.money_classifier_cues):
        return replace(c, label="AMOUNT", rule="u_cur")
    return c


def _clause_before(text: str, start: int) -> str:
    return text_since(text, start, SENTENCE_STOPS, MONEY_CUE_WINDOW)


PREFIX_REACH = 6  # characters before a currency sign's last character where its amount may start (≥-US$)


def prefixed_money(text: str, patterns: Patterns, grammar: Grammar, at: int) -> Candidate | None:
    """The amount of the currency sign whose last character is at ``at``: the sign alone makes it
    money, in yuan after ￥ and ¥, in the currency of any other sign, its unit the sign as written
    (SCHEME §1 rule 10: $500万 is 5,000,000 in 「$」, never yuan). The pattern is tried from a few
    characters before the sign, so that a comparator, a sign and the letters of US$ belong to it;
    the leftmost reading that is allowed wins."""
    for position in range(max(0, at - PREFIX_REACH), at + 1):
        m = patterns.prefixed.match(text, position)
        if m is not None and m.start("cur") <= at < m.end("cur"):
            candidate = _prefixed(text, patterns, grammar, m)
            if candidate is not None:
                return candidate
    return None


def _prefixed(text: str, patterns: Patterns, grammar: Grammar, m: re.Match[str]) -> Candidate | None:
    cmp, before, after = m.group("cmp"), m.group("sign_pre") or "", m.group("sign") or ""
    if before and after:
        return None  # -$-30万
    sign = before or after
    if sign and not sign_allowed(text, m.start("sign_pre") if before else m.start("sign"), patterns, grammar):
        return None  # 10万-$30万: a range mark; the amount after it is read from the sign itself
    cur, n1, n2 = m.group("cur"), m.group("n1"), m.group("n2")
    if cur in grammar.foreign_codes and (not money_shaped(n1, m.group("mult"))
                                         or _counted_after(text, m.end(), patterns)):
        return None  # CAD 2019, MOP 3000张: a code before a plain number or a count is no money
    foreign = cur not in grammar.currency_prefixes
    multiplier, approx, end = m.group("mult") or "", bool(m.group("a1") or m.group("a3")), m.end()
    if n2 is not None and m.group("cur2") and in_equation(text, m.end()):
        # ￥50万-￥30万=￥20万: a difference, not a range; the first amount alone
        n2, multiplier, approx, end = None, "", bool(m.group("a1")), m.end("a1") if m.group("a1") else m.end("n1")
    elif foreign and m.group("unit"):
        end = m.start("unit")  # US$1,250万元: the sign decides the currency, 元 stays outside
        while text[end - 1].isspace():
            end -= 1
    start = m.start("cmp") if cmp else m.start("sign_pre") if before else m.start("cur")
    return Candidate(start, end, "AMOUNT", "u_cur", n1.strip(), number_max=n2.strip() if n2 else None,
                     multiplier=multiplier, unit=cur if foreign else "元", comparator=cmp,
                     approx_marker=approx, sign=sign)


def money_shaped(number: str, multiplier: str | None) -> bool:
    """Whether a number is written as money is: with 万 or 亿, thousands separators or decimals."""
    return bool(multiplier) or any(ch in number for ch in "万亿萬億,，.．")


def _counted_after(text: str, end: int, patterns: Patterns) -> bool:
    """A count or a measure, or a Latin word (USD 100 million), right after an amount."""
    rest = text[end : end + 12].lstrip(" \u00a0\u3000")
    return bool(rest[:1].isascii() and rest[:1].isalpha()) or patterns.unit_start.match(rest) is not None


_AROUND_STAGE = re.compile("[ \u00a0\u3000]+(?=[十百千万亿萬億])|(?<=[十百千万亿萬億])[ \u00a0\u3000]+")


_INNER_MARKS = "余多"  # an approximation mark inside a bare amount's numeral (20余万, 2,000多万)


def _numeral(number: str) -> str:
    """A bare amount's numeral without spaces around its stages, without an approximation mark and
    without the 个 of 3.5个亿."""
    return "".join(ch for ch in _AROUND_STAGE.sub("", number.strip()) if ch not in _INNER_MARKS and ch != "个")


def bare_money(text: str, patterns: Patterns, grammar: Grammar, position: int) -> Candidate | None:
    """A number with 万 or 亿 and no unit, taken for money where the clause speaks of money
    (SCHEME §1 rule 6: 预算「487万」)."""
    m = patterns.bare_money.match(text, position)
    if m:
        number, number_max = m.group("n1"), m.group("n2")
        written = number + (number_max or "")
        if not any(ch in written for ch in "万亿萬億") or number_max in ("万", "亿"):
            return None
        if number in ("万", "亿", "万亿") and not (number_max is None and _lone_scale_money(text, m.start(), m.end(), grammar)):
            return None
        named = currency_before(text, m.start(), grammar)  # 英镑500万由外方支付: the currency says money
        # and so does 个亿 ending the clause or before an approximation (前后投了3个亿, 3个亿左右)
        spoken = "个" in written and (not (after := text_until(text, m.end(), CLAUSE_STOPS, 2))
                                      or after.startswith(_GE_YI_NEXT))
        if not named and not spoken and not money_context(text, m.start(), m.end(), grammar):
            return None
        # a space before or after a stage's multiplier (2 千5 百万) is no part of the numeral
        # 2千5百万元: 元 right after the number the general pattern could not read is the span's
        end = m.end() + 1 if text.startswith("元", m.end()) else m.end()
        # 20余万: the mark inside the numeral makes it approximate and is no part of its value
        marked = any(ch in written for ch in _INNER_MARKS)
        begin = m.start()
        if number[:1] in "十百千万亿" and several_before(text, begin, patterns):
            begin, marked = begin - 1, True  # 涉及资金数百万: "several", the span from 数
        # a comparator symbol right before it is the span's, as before any quantity (控制数 ≤280万)
        # (a space may stand between them, as it may before a quantity with 元: ≤ 280万)
        at = begin - 2 if begin > 1 and text[begin - 1] == " " else begin - 1
        comparator = text[at] if at >= 0 and text[at] in grammar.comparator_ops else None
        return Candidate(at if comparator else begin, end, "AMOUNT", "bare_money", _numeral(number),
                         _numeral(number_max) if number_max else None,
                         unit=named or "元", comparator=comparator,
                         approx_marker=bool(m.group("a1")) or marked)
    return None


_LONE_SCALE_FOLLOWERS = ("的", "了", "大关")  # 破亿的企业, 过万了, 突破亿大关: nothing more is counted


def _lone_scale_money(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """A lone 万, 亿 or 万亿 after a word of reaching or passing (销售额破亿, 月收入过万) with no word going
    on after it: the grammar's ``lone_scale_money_after``. Its own clause must name money: the
    money context the caller checks reaches back over commas, and 金额破亿，参与商户过万 counts
    商户, no money."""
    if not start or text[start - 1] not in grammar.lone_scale_money_after:
        return False
    after = text[end : end + 1]
    if after and "\u4e00" <= after <= "\u9fff" and not text.startswith(_LONE_SCALE_FOLLOWERS, end):
        return False
    clause = text_since(text, start, CLAUSE_STOPS, MONEY_CUE_WINDOW)
    return any(cue in clause for cue in grammar.money_cues)


@lru_cache(maxsize=8)
def _last_characters(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word[-1] for word in words)


_GE_YI_NEXT = ("左右", "上下", "了", "的", "多", "余", "啊", "呢", "吧")  # after 3个亿 (or nothing): spoken money
_APPROX_BEFORE = frozenset("约近超逾")  # one-character approximation words that may stand between them


def currency_before(text: str, start: int, grammar: Grammar) -> str | None:
    """The other currency named right before a number (利用外资美元1,200万, 港币1,200万元), as written:
    the money is in that currency, never in yuan (SCHEME §1 rule 10)."""
    before = text[max(0, start - 9) : start].rstrip(" \u00a0\u3000")
    if before[-1:] in _APPROX_BEFORE:  # 折合美元约150万: an approximation word between them
        before = before[:-1].rstrip(" \u00a0\u3000")
    if before[-1:] not in _last_characters(grammar.foreign_currency):  # most numbers: no word to look for
        return None
    word = next((word for word in grammar.foreign_currency if before.endswith(word)), None)
    if word is None:
        return None
    ahead = before[: -len(word)].rstrip(" \u00a0\u3000")[-1:]
    # 每美元6.9元, 1美元6.9元, 兑美元: the word is the unit of an exchange rate, the number yuan
    return None if ahead and (ahead in "每兑" or ahead.isdigit() or ahead in "一二两三四五六七八九十百千万") else word


def money_context(text: str, start: int, end: int, grammar: Grammar) -> bool:
    """Whether the clause before (or the words right after) the number speak of money and not of
    people or things (人口, 面积). Where the clause has words of both, the one nearer the number
    decides: 接待游客320万人次，实现旅游收入「26.5亿」 and 居民人均可支配收入「4.2万」 are money,
    补助资金发放人数3.2万 is not."""
    window = _clause_before(text, start)
    money = _last_end(window, grammar.money_cues)
    people = _last_end(window, grammar.not_money_cues)
    while people and people >= money:
        head = window[: people - _cue_length(window, people, grammar.not_money_cues)]
        bare_head = _without_modifiers(head, grammar).rstrip("：: 向对给为")
        if bare_head.endswith("其中"):  # 发放贷款30亿，其中(：)农户15亿: a breakdown of the sum before it
            people = _last_end(bare_head[:-2], grammar.not_money_cues)
            continue
        counted = window[len(head) : people].endswith(_COUNT_WORDS)  # 发放人数3.2万: the word says a count
        # (the people end right before the number: 发放退役军人优待证1.2万 counts cards)
        given = not counted and not window[people:].strip(" \u00a0\u3000") and grammar.money_to_people
        if given and _gives_to(head, grammar):
            return True  # 补贴农户500万, 发放给脱贫户…: the people receive the money
        # what the sum is, named right after it, outweighs people before it (带动1.2亿社会资本投入, 讨回了两千多万工资)
        return text.startswith(grammar.money_words_right_after, end)
    # the people right after the number (覆盖3万脱贫户), unless a money word right before it and a payer's
    # verb after them say they pay the next sum (省级补助50万企业自筹30万), or a fund is named in their
    # phrase (下达3000万困难群众救助资金)
    if (grammar.not_money_after and text.startswith(grammar.not_money_after, end)
            and not (money and money >= len(window.rstrip(" \u00a0\u3000")) and _payers_after(text, end, grammar))
            and not _fund_after(text, end, grammar)):
        return False
    after = text_until(text, end, CLAUSE_STOPS, 8)  # not across a comma: 达到百万，投入资金…
    return money > 0 or any(cue in after for cue in grammar.money_cues_after) or text.startswith(grammar.money_names_after, end)




def _payers_after(text: str, end: int, grammar: Grammar) -> bool:
    """Whether the people named right after the number pay the next sum (省级补助50万企业自筹30万)."""
    word = max((w for w in grammar.not_money_after if text.startswith(w, end)), key=len, default="")
    return text.startswith(grammar.not_money_payers, end + len(word))


def _gives_to(head: str, grammar: Grammar) -> bool:
    """Whether a word of giving money ends the text before a people word (补贴农户500万, 借给职工30万): the
    people receive the money (not 借给企业的设备1.2万, 领取现金补贴的困难群众1.2万: a modifier between). Words
    that only say which people (``people_modifiers``: 困难, 退役) may stand between (发放给困难退役军人1,200万)."""
    head = _without_modifiers(head, grammar)
    return head.rstrip("给向对为").endswith(grammar.money_to_people) or head.endswith(grammar.money_to_people)


def _without_modifiers(head: str, grammar: Grammar) -> str:
    """``head`` without the words at its end that only say which people follow (困难, 退役)."""
    while grammar.people_modifiers and head.endswith(grammar.people_modifiers):
        head = head[: -len(next(m for m in grammar.people_modifiers if head.endswith(m)))]
    return head


def phrase_after(text: str, end: int, grammar: Grammar, reach: int) -> str:
    """The phrase after an amount, within its clause and up to the first verb that ends a noun phrase
    (3000万困难群众救助资金; 十多万农户|发放补贴)."""
    phrase = text_until(text, end, CLAUSE_STOPS, reach)
    cut = min((at for at in (phrase.find(verb) for verb in grammar.phrase_end_verbs) if at >= 0), default=len(phrase))
    return phrase[:cut]


def _fund_after(text: str, end: int, grammar: Grammar) -> bool:
    """Whether a fund is named in the phrase of the people that follow the number (下达3000万困难群众救助资金):
    the sum is that fund, money (not 为十多万农户发放补贴)."""
    phrase = phrase_after(text, end, grammar, FUND_REACH)
    return any(fund in phrase for fund in grammar.not_money_funds)


FUND_REACH = 10  # characters after a bare amount searched for the fund its people words belong to
_COUNT_WORDS = ("数", "人次", "对象", "量")  # people words that name the count itself (人数, 户数, 客流量)


def _cue_length(window: str, end: int, cues: tuple[str, ...]) -> int:
    """The length of the longest of ``cues`` ending at ``end`` in ``window``."""
    return max((len(cue) for cue in cues if window.endswith(cue, 0, end)), default=0)


def _last_end(window: str, cues: tuple[str, ...]) -> int:
    """Where the last of ``cues`` in ``window`` ends (0 when none is there)."""
    return max((found + len(cue) for cue in cues if (found := window.rfind(cue)) >= 0), default=0)
