"""The line format of authored training batches (training/authored/lineformat.py): documents built
against the toolkit's splitter, hand corrections of the grammar's spans applied or refused."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from jixiao.quantities.rules import RuleExtractor

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lineformat() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lineformat", ROOT / "training" / "authored" / "lineformat.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SOURCE = """
# a comment line
=== 审计通报（测试）
n|一、基本情况
n|全县共有项目12个。
+p:be,sv|其中3个项目资金闲置。
r:sv|建议加强资金监管。
=== 新闻报道
p:dc|一位村民说，台账没有了。
"""


def test_documents_are_built_with_the_splitters_offsets(lineformat: ModuleType) -> None:
    docs = [lineformat.build(d, i, "t-") for i, d in enumerate(lineformat.parse(SOURCE), 1)]
    assert [d["id"] for d in docs] == ["t-001", "t-002"]
    first = docs[0]
    assert first["text"] == "一、基本情况\n全县共有项目12个。其中3个项目资金闲置。\n建议加强资金监管。"
    assert first["meta"] == {"source": "authored", "register": "审计通报（测试）"}
    got = [(first["text"][s["start"]:s["end"]], s["kind"], s["categories"]) for s in first["sentences"]]
    assert got == [("一、基本情况", "none", []), ("全县共有项目12个。", "none", []),
                   ("其中3个项目资金闲置。", "problem", ["budget_execution", "supervision"]),
                   ("建议加强资金监管。", "recommendation", ["supervision"])]


@pytest.mark.parametrize(("source", "message"), [
    ("n|句子。", "before the first"),
    ("=== r\nx:sv|句子。", "unknown kind"),
    ("=== r\np:zz|句子。", "unknown category"),
    ("=== r\nn:sv|句子。", "kind none with categories"),
    ("=== r\np|句子。", "kind problem with categories"),
    ("=== r\np:sv,sv|句子。", "repeated category"),
    ("=== r\n+n|句子。", "without a paragraph"),
    ("=== r\n没有标签的一行", "expected <label>|<sentence>"),
])
def test_malformed_lines_are_refused_with_their_line_number(lineformat: ModuleType, source: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        lineformat.parse(source)
    assert "line " in str(caught.value)


def test_a_sentence_the_splitter_would_cut_is_refused(lineformat: ModuleType) -> None:
    docs = lineformat.parse("=== r\np:sv|资金闲置。监管缺位。")
    with pytest.raises(ValueError, match="splits as"):
        lineformat.build(docs[0], 1, "t-")


def _built(lineformat: ModuleType, source: str) -> dict:
    return lineformat.build(lineformat.parse(source)[0], 1, "t-")


def test_span_fixes_drop_add_and_count(lineformat: ModuleType) -> None:
    doc = _built(lineformat, "=== r\np:dc|一位村民说，仅有一名管理员，另有资金小一百万元闲置。")
    text = doc["text"]
    extract = RuleExtractor().extract
    proposed = {text[s.start:s.end] for s in extract(text)}
    assert "一名" in proposed and "一位" not in proposed  # the grammar already leaves the speaker out
    one = text.index("一名")
    many = text.index("小一百万元")
    fixes = {1: {"drop": [(0, 2, "一位", "determiner 一"), (one, one + 2, "一名", "test"),
                          (many + 1, many + 5, "一百万元", "replaced by 小一百万元")],
                 "add": [(many, many + 5, "小一百万元", "AMOUNT", "小 as nearly")]}}
    hand = {(1, many, many + 5): {"value": Decimal("1000000"), "unit": "元", "approx": True}}
    stats = lineformat.SpanStats()
    lineformat.annotate_spans(doc, 1, extract, stats, fixes, hand)
    assert [(s["text"], s["label"], s["value"], s.get("approx")) for s in doc["spans"]] == [
        ("小一百万元", "AMOUNT", "1000000", True)]
    assert (stats.dropped, stats.filtered, stats.added, stats.by_hand) == (2, 1, 1, 1)
    assert json.dumps(doc, ensure_ascii=False)  # the document is plain JSON


def test_an_add_the_grammar_now_makes_is_counted(lineformat: ModuleType) -> None:
    doc = _built(lineformat, "=== r\np:sv|采购5台设备未验收。")
    stats = lineformat.SpanStats()
    lineformat.annotate_spans(doc, 1, RuleExtractor().extract, stats, {1: {"add": [(2, 4, "5台", "COUNT", "x")]}}, {})
    assert [s["text"] for s in doc["spans"]] == ["5台"] and (stats.added, stats.learned) == (0, 1)


@pytest.mark.parametrize(("fixes", "hand", "message"), [
    ({1: {"drop": [(0, 2, "两台", "wrong text")]}}, {}, "is '采购', not '两台'"),
    ({1: {"add": [(2, 4, "5台", "MEASURE", "proposed as a COUNT")]}}, {}, "already proposed"),
    ({1: {"add": [(2, 4, "5台", "COUNT", "read by hand, but the grammar reads it")]}},
     {(1, 2, 4): {"value": Decimal("5"), "unit": "台"}}, "already proposed"),
    ({1: {"add": [(2, 3, "5", "COUNT", "a bare numeral")]}}, {}, "give it a hand value"),
    ({1: {"add": [(4, 6, "设备", "COUNT", "overlaps nothing, read by hand")]}},
     {(1, 4, 6): {"value": Decimal("1"), "unit": "台"}}, None),
    ({1: {"add": [(3, 5, "台设", "COUNT", "overlaps 5台")]}}, {(1, 3, 5): {"value": Decimal("1"), "unit": "台"}}, "overlap"),
])
def test_corrections_that_do_not_fit_stop_the_build(lineformat: ModuleType, fixes: dict, hand: dict,
                                                     message: str | None) -> None:
    doc = _built(lineformat, "=== r\np:sv|采购5台设备未验收。")
    stats = lineformat.SpanStats()
    if message is None:
        lineformat.annotate_spans(doc, 1, RuleExtractor().extract, stats, fixes, hand)
        assert [s["text"] for s in doc["spans"]] == ["5台", "设备"]
        return
    with pytest.raises(ValueError, match=message):
        lineformat.annotate_spans(doc, 1, RuleExtractor().extract, stats, fixes, hand)
