"""Sentence splitting, sections, meta detection and the JSON Lines round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.document.jsonl import decimal_str, document_from_dict, document_to_dict, read_documents, write_documents
from jixiao.document.model import Document, Sentence, Span
from jixiao.document.sections import assign_sections, heading_kind, sectioned_sentences
from jixiao.document.sentences import split_offsets
from jixiao.ingest.reader import read_file


def pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in split_offsets(text)]


def test_split_at_terminators_and_line_breaks() -> None:
    text = "一、基本情况\n  执行率为100%。资金已拨付！是否完成？是；另外 ok!  next? end;\n2.合同管理的严谨性需要加强\n"
    assert pieces(text) == [
        "一、基本情况", "执行率为100%。", "资金已拨付！", "是否完成？", "是；", "另外 ok!", "next?", "end;",
        "2.合同管理的严谨性需要加强",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert pieces("他说：“已完成。”随后离开。") == ["他说：“已完成。”", "随后离开。"]


def test_sentences_on_the_five_reports_cover_all_visible_text(report_paths: list[Path]) -> None:
    for path in report_paths:
        doc = read_file(path)
        assert doc.sentences == ()  # ingestion returns text, tables and metadata; tagging splits
        sentences = sectioned_sentences(doc.text)
        covered = set()
        for sentence in sentences:
            piece = doc.text[sentence.start : sentence.end]
            assert piece == piece.strip() and piece
            assert "\n" not in piece
            covered.update(range(sentence.start, sentence.end))
        visible = {i for i, ch in enumerate(doc.text) if not ch.isspace()}
        assert visible <= covered
        ends = [doc.text[s.end - 1] for s in sentences]
        assert ends.count("。") > 20


def test_sections_follow_headings() -> None:
    text = "四、主要经验、存在问题和建议\n（一）主要经验\n做法好。\n（二）存在问题\n1、资料不完善。\n（三）建议\n加强归档。\n五、其他需要说明的问题\n无。"
    offsets = split_offsets(text)
    sections = dict(zip((text[s:e] for s, e in offsets), assign_sections(text, offsets)))
    assert sections["做法好。"] == "experience"
    assert sections["1、资料不完善。"] == "problem"
    assert sections["加强归档。"] == "recommendation"
    assert sections["无。"] == "other"
    assert heading_kind("四、主要经验、存在问题和建议") == "recommendation"


def test_meta_of_the_reports(report_paths: list[Path]) -> None:
    metas = [read_file(p).meta for p in report_paths]
    assert [m.get("unit") for m in metas] == ["劲松街道办事处", "月坛街道办事处", "龙城街道办事处", "中仓街道办事处", "孙河地区办事处"]
    assert [m.get("year") for m in metas] == [2021, 2020, 2020, 2024, 2023]
    assert metas[1]["region"] == "北京市西城区"


def test_decimal_strings_are_plain() -> None:
    assert decimal_str(Decimal("44143444.670000")) == "44143444.67"
    assert decimal_str(Decimal("1E+5")) == "100000"
    assert decimal_str(Decimal("0.00")) == "0"
    assert decimal_str(Decimal("0.00738")) == "0.00738"


def test_jsonl_round_trip(tmp_path: Path) -> None:
    doc = Document(
        id="d1",
        text="预算487万，执行率≥95%。",
        meta={"source": "authored"},
        spans=(Span(2, 6, "AMOUNT", Decimal("4870000"), "元"), Span(10, 14, "RATE", Decimal("95"), "%", op=">=", score=0.9)),
        sentences=(Sentence(0, 15, "problem", ("budget_execution",), 0.8, {"budget_execution": 0.7}),),
    )
    raw = document_to_dict(doc)
    assert raw["spans"][0] == {"start": 2, "end": 6, "label": "AMOUNT", "text": "487万", "value": "4870000", "unit": "元"}
    assert document_from_dict(raw) == doc
    write_documents(tmp_path / "x.jsonl", [doc, doc.replace(id="d2")])
    assert [d.id for d in read_documents(tmp_path / "x.jsonl")] == ["d1", "d2"]
    assert not list(tmp_path.glob(".x.jsonl*"))


def test_a_text_with_lone_surrogates_is_written_and_read_back(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A Python string may hold lone surrogates, which UTF-8 cannot encode: the line is written
    with JSON escapes and reads back as the same document."""
    doc = Document(id="s", text="资金100万元\udc80，执行率90%。", spans=(Span(0, 2, "COUNT"),))
    path = tmp_path / "s.jsonl"
    write_documents(path, [doc, Document(id="plain", text="资金。")])
    assert "资金。" in path.read_text("utf-8").splitlines()[1]  # other lines keep their characters
    back = read_documents(path)
    assert (back[0].text, back[0].spans) == (doc.text, doc.spans) and back[1].text == "资金。"


@pytest.mark.parametrize(("raw", "message"), [
    ({"id": "x", "text": 123}, "'text' must be a string"),
    ({"id": "x", "text": "资金100万元。", "spans": "oops"}, "'spans' must be a list of objects"),
    ({"id": "x", "text": "资金100万元。", "sentences": [[0, 8]]}, "'sentences' must be a list of objects"),
    ({"id": "x", "text": "资金100万元。", "spans": [{"start": 2, "end": 200, "label": "AMOUNT"}]},
     r"spans\[0\]: \[2, 200\) is not within the text \(8 characters\)"),
    ({"id": "x", "text": "资金100万元。", "sentences": [{"start": 5, "end": 3, "kind": "none"}]}, r"sentences\[0\]"),
])
def test_a_record_that_is_not_a_document_says_what_is_wrong(raw: dict, message: str) -> None:  # type: ignore[type-arg]
    """Tagged JSON Lines read by `show` and `audit` (and corpus files) are checked as they are read:
    offsets outside the text were drawn past the end, a string of spans failed with Python's own
    "string indices must be integers"."""
    from jixiao.document.jsonl import FormatError, document_from_dict

    with pytest.raises(FormatError, match=message):
        document_from_dict(raw)
