"""Which part of a report a sentence sits in: problems, recommendations, experience, description.

Reports announce these parts with headings (「（二）存在问题」, 「六、措施建议」, 「有关建议」,
「审计发现的主要问题」, 「审计建议」, 「整改要求」). Text taken from web pages and PDFs often fuses a
heading with the first item on one line (「二、主要问题 1、项目的绩效目标…」): the part still starts
there. The section is reported with every sentence; the shipped classifier reads a sentence by its
own words and uses the section only as a soft prior for imperatives (a remedy under 建议, a
practice under 主要做法, a duty, target or method under 部门职能, 绩效目标, 评价标准).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.document.model import Sentence
from jixiao.document.sentences import TERMINATORS, split_offsets

SECTION_KINDS: tuple[str, ...] = ("problem", "recommendation", "experience", "description", "other")
# The parts under which an imperative reports practice or states a duty, target or criterion
# rather than prescribing a remedy (the classifiers' one use of the heading).
NOT_PRESCRIBING: tuple[str, ...] = ("experience", "description")

_MARKERS: tuple[tuple[float, re.Pattern[str]], ...] = (
    (0.0, re.compile(r"^第[一二三四五六七八九十]+部分")),
    (1.0, re.compile(r"^[一二三四五六七八九十]+\s*[、.．]")),
    (2.0, re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]")),
    (3.0, re.compile(r"^\d{1,2}\s*[、.．](?!\d)")),
    (4.0, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]")),
)
# the markers as one alternation, tried in the same order (the first that matches wins)
_ANY_MARKER = re.compile("|".join(f"(?P<m{i}>{pattern.pattern[1:]})" for i, (_, pattern) in enumerate(_MARKERS)))
# The words of each part, each pattern a plain alternation of literals: the regular expression engine
# then skips to the positions where one of their first characters stands, which a group anywhere
# in the pattern (「(审计|检查)发现」) prevents, at six times the cost per line.
_PROBLEM = re.compile(r"问题|不足|短板|薄弱|审计发现|检查发现|巡察发现|督查发现|评价发现|抽查发现|扣分原因|扣分情况|差距")
_NEUTRAL = re.compile(r"需要?说明的?的?问题")
_RECOMMEND = re.compile(r"建议|措施|整改|下一步|改进|对策|举措|审计意见|处理意见|审查意见|审议意见|有关要求|工作要求|今后")
_EXPERIENCE = re.compile(r"经验|做法|成效|亮点")
# The parts that report the work done (主要工作开展情况, 整改工作开展情况, 整改落实情况, 项目进展情况): the
# list items under them are measures taken, written as imperatives (「（二）强化绩效目标管理。」). Only
# in a line that is no sentence: an item or a demand that names the work (「（二）健全项目进展情况跟踪机制。」,
# 「要定期通报整改落实情况。」) opens no such part. (Not 主要工作: 下一步主要工作, 2025年主要工作安排 plan.)
_WORK_DONE = re.compile(r"开展情况|落实情况|完成情况|进展情况")
_SENTENCE_END = ("。", "；", ";")
# Parts that describe the unit, the project, its targets or the evaluation's method: the lists
# under them are duties (「4、加强集体资产监管，加快推进产业发展」), targets and criteria written
# as imperatives. A heading that itself prescribes or finds fault (「完善绩效目标」,
# 「绩效目标设置不合理」) is not one, and inside a problem or recommendation part a description
# heading does not change the part (``_innermost_kind``).
_DESCRIPTION = re.compile(r"基本情况|概况|概述|简介|职能|职责|绩效目标|年度目标|总目标|阶段性目标|评价标准|评价方法|评价依据"
                          r"|评价原则|评价指标|指标体系|名词解释|评价对象|评价范围|主要任务|工作任务|主要内容|建设内容|实施内容")
_NOT_DESCRIPTION = re.compile(r"不|未|无|缺|低|差|偏|滞后|加强|完善|健全|提高|提升|规范|强化|细化|明确|优化|设置|建立|落实|严格"
                              r"|做好|科学|合理|加快|推进|确保")
# the alternations joined as they are (wrapped in groups, they would lose the skip): the words of
# a problem, recommendation or experience part, and those of any part
_ANY_PART = re.compile("|".join(p.pattern for p in (_PROBLEM, _RECOMMEND, _EXPERIENCE, _WORK_DONE)))
_PART_WORD = re.compile("|".join(p.pattern for p in (_PROBLEM, _RECOMMEND, _EXPERIENCE, _WORK_DONE, _DESCRIPTION)))
# 「二、主要问题 1、…」, 「三、审计建议：（一）…」: a numbered heading of a few characters that names a
# part, then a space or colon and the first item on the same line
_FUSED = re.compile(r"^\s*(?P<head>(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]"
                    r"|\d{1,2}\s*[、.．](?!\d))\s*[^\s，,。：:；;]{1,14}?)(\s+|[：:]\s*)\S")
MAX_HEADING_CHARS = 40
_TERMINATOR = re.compile(f"[{re.escape(TERMINATORS)}]")


@dataclass(frozen=True)
class Heading:
    level: float
    kind: str
    text: str


def heading_level(line: str) -> float | None:
    """Level of a heading line, or None when the line reads as prose rather than a heading."""
    line = line.strip()
    if not line or len(line) > MAX_HEADING_CHARS:
        return None
    body = line.rstrip("。：:")
    if _TERMINATOR.search(body) or "，" in body[:-1] and len(body) > 24:
        return None
    marker = _ANY_MARKER.match(line)
    if marker is not None:
        return _MARKERS[int(marker.lastgroup[1:])][0]  # type: ignore[index]
    return -1.0 if len(body) <= 20 else None


def names_part(line: str) -> bool:
    """Whether a line read on its own is a heading that names a part of a report (「（二）存在问题」,
    「六、措施建议」, 「有关建议」, 「一、项目基本情况」) rather than a statement: the heading detector's
    test, without the document around it."""
    # the kind first: most lines name no part, which one scan tells
    return heading_kind(line) != "other" and heading_level(line) is not None


# A list item's marker past the start of a line, or a colon with text after it: a heading fused with
# its first item (「四、意见和建议(一)完善绩效目标设置。」, 「三、审计建议：加强合同管理。」), which
# takes the item's kind
_INNER_ITEM = re.compile(r"[（(]\s*(?:[一二三四五六七八九十]+|\d{1,2})\s*[）)]|(?<![\d.．])\d{1,2}\s*[、.．](?!\d)|[：:]\s*\S")


def opens_part(line: str) -> bool:
    """Whether a line is only the heading of a part (「六、政策调整和完善建议」, 「（三）存在问题」), not
    fused with its first item and not a sentence (「（一）加强对审计发现问题的整改。」 is a terse item):
    such a line is ``none`` unless its own words prescribe, whatever part it opens."""
    return names_part(line) and not line.rstrip().endswith(_SENTENCE_END) and _INNER_ITEM.search(line, 1) is None


def _fused_heading(line: str) -> tuple[float | None, str | None]:
    """(level, heading text) of a heading fused with the text after it, when the heading part
    names a part of the report (problems, recommendations, experience); else (None, None)."""
    match = _FUSED.match(line)
    if match is None:
        return None, None
    head = match.group("head").strip()
    if heading_kind(head) == "other":
        return None, None
    return heading_level(head), head


def heading_kind(text: str) -> str:
    """Classify a heading; when a heading names several parts, the last one named wins."""
    if _PART_WORD.search(text) is None:  # most lines name no part: one scan instead of three
        return "other"
    if _NEUTRAL.search(text):
        return "other"
    if _ANY_PART.search(text) is None:
        return "description" if _DESCRIPTION.search(text) and not _NOT_DESCRIPTION.search(text) else "other"
    found = [(m.start(), "problem") for m in _PROBLEM.finditer(text)]
    found += [(m.start(), "recommendation") for m in _RECOMMEND.finditer(text)]
    found += [(m.start(), "experience") for m in _EXPERIENCE.finditer(text)]
    if not text.rstrip().endswith(_SENTENCE_END):
        found += [(m.start(), "experience") for m in _WORK_DONE.finditer(text)]
    if found:
        return max(found)[1]
    return "description" if _DESCRIPTION.search(text) and not _NOT_DESCRIPTION.search(text) else "other"


def assign_sections(text: str, sentences: list[tuple[int, int]]) -> list[str]:
    """Section kind ('problem', 'recommendation', 'experience' or 'other') of each sentence."""
    stack: list[Heading] = []
    result: list[str] = []
    current = "other"  # the kind of the stack, recomputed only when a heading changes it
    for start, end in sentences:
        line_start = text.rfind("\n", 0, start) + 1
        if line_start < start and not text[line_start:start].isspace():
            result.append(current)  # only a sentence that starts its line can be a heading
            continue
        line_end = text.find("\n", end)
        line: str | None = text[line_start : len(text) if line_end < 0 else line_end]
        level = heading_level(line)
        if level is None:
            level, line = _fused_heading(line)
        if level is not None and line is not None:
            kind = heading_kind(line)
            if level < 0:
                level = _unnumbered_level(stack, kind, line)
            if level is not None:
                while stack and stack[-1].level >= level:
                    stack.pop()
                stack.append(Heading(level, kind, line.strip()))
                current = _innermost_kind(stack)
        result.append(current)
    return result


def sectioned_sentences(text: str, offsets: Sequence[tuple[int, int]] | None = None) -> tuple[Sentence, ...]:
    """The document analysis in one call: sentences (SCHEME §2 splitter, unless ``offsets`` are
    given) as unlabelled records that carry the section each one sits in.

    For paths that need sentence records without a classifier (the rules-free tagger, the corpus
    build); a classifier computes sections itself from the offsets, so tagging never does it twice.
    """
    found = split_offsets(text) if offsets is None else list(offsets)
    return tuple(Sentence(s, e, section=k) for (s, e), k in zip(found, assign_sections(text, found)))


def _unnumbered_level(stack: list[Heading], kind: str, line: str) -> float | None:
    """An unnumbered heading (「有关建议」) starts a part beside the outermost part it follows,
    so numbered items under it belong to it; short lines naming no part are not headings."""
    if kind == "other" and not _NEUTRAL.search(line):
        return None
    kinded = [h.level for h in stack if h.kind != "other"]
    if kinded:
        return min(kinded)
    return (stack[-1].level + 0.5) if stack else 0.5


def _innermost_kind(stack: list[Heading]) -> str:
    """The kind of the innermost heading that names a part; a description heading inside a
    problem or recommendation part (「三、存在问题」 → 「1.绩效目标」) leaves that part."""
    for i in range(len(stack) - 1, -1, -1):
        kind = stack[i].kind
        if kind == "description":
            outer = next((h.kind for h in reversed(stack[:i]) if h.kind in ("problem", "recommendation")), None)
            return outer or kind
        if kind != "other":
            return kind
    return "other"
