"""Heading detection on layouts the five reports do not show: headings fused with the first item
on one line (web pages, PDFs), the heading words of audit, inspection and rectification documents,
and numbered items that are themselves statements."""

from __future__ import annotations

import pytest

from jixiao.document.sections import assign_sections, names_part, opens_part
from jixiao.document.sentences import split_offsets


def sections_of(text: str) -> list[tuple[str, str]]:
    offsets = split_offsets(text)
    return [(text[s:e], k) for (s, e), k in zip(offsets, assign_sections(text, offsets))]


def test_a_heading_fused_with_its_first_item_opens_the_part() -> None:
    text = ("二、主要问题 1、项目的绩效目标与实际工作内容不匹配。\n2、合同未约定履行期限。\n"
            "三、审计建议：（一）加强合同管理。\n（二）完善绩效目标。")
    assert [k for _, k in sections_of(text)] == ["problem", "problem", "recommendation", "recommendation"]


@pytest.mark.parametrize("heading, kind", [
    ("二、审计发现的主要问题", "problem"), ("（三）检查发现", "problem"), ("三、发现的问题", "problem"),
    ("1、扣分原因", "problem"), ("四、审计建议", "recommendation"), ("三、审计意见", "recommendation"),
    ("（二）整改要求", "recommendation"), ("五、相关建议", "recommendation"), ("四、主要做法", "experience"),
    ("一、基本情况", "description"), ("（二）部门职能", "description"), ("4.评价标准", "description"),
    ("（二）项目绩效目标", "description"), ("二、附件", "other"),
    # the parts that report work done: their list items are measures taken, not remedies
    ("一、主要工作开展情况", "experience"), ("一、整改工作开展情况", "experience"), ("二、整改落实情况", "experience"),
    ("三、绩效目标完成情况", "experience"), ("（四）项目进展情况", "experience"), ("九、下一步工作", "recommendation"),
    # … but a plan of work is no report of it, and an item that names the work is a sentence, no heading of such a part
    ("四、下一步主要工作", "recommendation"), ("三、2025年主要工作安排", "other"), ("（二）健全项目进展情况跟踪机制。", "other"),
])
def test_heading_words_of_audit_and_inspection_documents(heading: str, kind: str) -> None:
    found = sections_of(f"{heading}\n部分单位未按规定开展绩效自评。")
    assert found[1][1] == kind


def test_a_numbered_statement_does_not_end_its_part() -> None:
    text = "二、存在问题\n（一）绩效管理制度建立与执行不合规。\n部分单位未开展自评。\n（二）预算执行进度较慢。"
    assert [k for _, k in sections_of(text)] == ["problem"] * 4


def test_a_long_line_that_only_mentions_a_part_word_is_not_a_heading() -> None:
    text = "一、基本情况\n针对上年评价发现的问题，本单位制定了整改措施并已全部完成，资金使用效益明显提升。"
    assert [k for _, k in sections_of(text)] == ["description", "description"]


def test_a_description_heading_inside_a_problem_or_recommendation_part_leaves_the_part() -> None:
    text = ("三、存在的问题\n1.绩效目标\n部分指标未量化。\n四、有关建议\n（一）评价标准\n细化评分标准。\n"
            "五、附件\n（一）主要职能\n加强集体资产监管，加快推进产业发展。")
    assert [k for _, k in sections_of(text)] == ["problem"] * 3 + ["recommendation"] * 3 + ["other", "description", "description"]


@pytest.mark.parametrize("heading", ["（一）完善绩效目标管理", "（一）绩效目标设置不合理", "2.评价指标未细化"])
def test_a_heading_that_prescribes_or_finds_fault_is_not_a_description(heading: str) -> None:
    assert sections_of(f"{heading}\n部分指标未量化。")[1][1] != "description"


@pytest.mark.parametrize("line, expected", [
    ("（二）存在问题", True), ("六、措施建议", True), ("有关建议", True), ("一、项目基本情况", True),
    ("审计发现的主要问题", True), ("（一）存在的问题及原因分析", True),
    ("1.部分项目合同未约定验收标准", False), ("（二）加强合同履约管理", False), ("三、预算执行率偏低", False),
    ("项目资金已按合同约定全部拨付到位。", False),
])
def test_a_line_that_only_names_a_part_is_told_from_a_terse_statement(line: str, expected: bool) -> None:
    """``names_part`` reads one line without its document: the classifier's ``form:names_part``
    column, which tells a heading from a list item that states a shortcoming or a remedy."""
    assert names_part(line) is expected


@pytest.mark.parametrize("line, opens", [
    ("六、政策调整和完善建议", True), ("（三）存在问题", True), ("1.存在问题", True), ("整改要求：", True),
    ("四、意见和建议(一)完善绩效目标设置。", False), ("四、意见和建议1.完善绩效目标设置。", False),
    ("三、审计建议：加强合同管理。", False), ("（二）加快预算执行进度。", False), ("（一）加强对审计发现问题的整改。", False),
])
def test_a_part_heading_fused_with_its_first_item_does_not_only_open_the_part(line: str, opens: bool) -> None:
    """``opens_part``: a line that is a part's heading and nothing else (the classifier leaves its
    kind to its own words); fused with its first item it takes that item's kind (GUIDELINES)."""
    assert opens_part(line) is opens
