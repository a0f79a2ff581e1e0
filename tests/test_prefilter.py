"""The first-character filter never changes whether a pattern matches."""

from __future__ import annotations

import re

import pytest

from nlp.issues.prefilter import Prefiltered, prefiltered

TEXTS = ["", "合同", "未签订合同", "签订了合同", "预算编制不够精准", "调整比例较大", "进度与支出不匹配", "abc",
         "（一）建议加强监管", "满意度调查样本不足", "x合", "12345", "资金结余较多", "ABC合同"]

FILTERED = [r"合同|协议", r"(调整|调减).{0,8}(比例|幅度)", r"预算.{0,6}(准确|精准)", r"[合协][同议]",
            r"(?:满意度)?调查", r"a?合同", r"x*合", r"(未|没有)签订", r"\d{3}"]
UNFILTERED = [r".合同", r"合?", r"^建议", r"\w+", r"[^合]同", r"(?i)abc", r"(?=合)合同", r"x*"]


@pytest.mark.parametrize("source", FILTERED)
def test_filtered_patterns_answer_like_the_pattern(source: str) -> None:
    pattern = re.compile(source)
    wrapped = prefiltered(pattern)
    assert isinstance(wrapped, Prefiltered) if source != r"\d{3}" else wrapped is pattern
    for text in TEXTS:
        assert bool(wrapped.search(text)) == bool(pattern.search(text)), (source, text)


@pytest.mark.parametrize("source", UNFILTERED)
def test_unbounded_first_characters_are_left_alone(source: str) -> None:
    pattern = re.compile(source)
    assert prefiltered(pattern) is pattern


def test_the_filter_is_the_set_of_first_characters() -> None:
    wrapped = prefiltered(re.compile(r"(调整|调减|追加).{0,8}比例|a?合同"))
    assert isinstance(wrapped, Prefiltered)
    assert set(re.sub(r"[\[\]\\]", "", wrapped.first.pattern)) == {"调", "追", "a", "合"}
