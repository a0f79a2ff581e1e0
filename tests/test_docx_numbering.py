"""Word's automatic list numbers (一、 （二） 1. ①) are read before the paragraphs they number, as
Word displays them; bullets add nothing."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest

from jixiao.ingest.docx_numbering import chinese_numeral, format_number
from jixiao.ingest.reader import read_bytes

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# abstract 1: 一、 over （一）; abstract 2: ① ; abstract 3: a bullet. num 11 restarts abstract 1.
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering {W}>
<w:abstractNum w:abstractNumId="1">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="10"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="11"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="12"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="13"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"""

# paragraph text -> (numId, ilvl); the others are plain paragraphs
NUMBERED = {"项目基本情况": ("10", "0"), "存在的问题": ("10", "0"), "预算编制不细": ("10", "1"),
            "合同管理不严": ("10", "1"), "细项": ("10", "2"), "有关建议": ("10", "0"), "加强管理": ("10", "1"),
            "另一份清单": ("11", "0"), "圈号一": ("12", "0"), "圈号二": ("12", "0"), "要点": ("13", "0")}


def numbered_docx() -> bytes:
    from docx import Document

    document = Document()
    for text in ["报告标题", *NUMBERED, "普通段落"]:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/numbering.xml":
                data = NUMBERING.encode("utf-8")
            elif item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                for text, (num_id, ilvl) in NUMBERED.items():
                    xml = re.sub(f"<w:p>(<w:r><w:t>{text}</w:t>)", f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/>'
                                 f'<w:numId w:val="{num_id}"/></w:numPr></w:pPr>\\1', xml, count=1)
                data = xml.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def test_list_numbers_are_read_as_word_displays_them() -> None:
    text = read_bytes(numbered_docx(), "report.docx").text
    assert text.splitlines() == [
        "报告标题", "一、项目基本情况", "二、存在的问题", "（一）预算编制不细", "（二）合同管理不严", "二.1细项",
        "三、有关建议", "（一）加强管理", "一、另一份清单", "①圈号一", "②圈号二", "要点", "普通段落"]


def test_the_list_number_style_of_the_default_template_numbers_its_paragraphs() -> None:
    from docx import Document

    document = Document()
    for text in ("项目基本情况", "存在的问题"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("结语")
    buffer = BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "x.docx").text.splitlines() == ["1.项目基本情况", "2.存在的问题", "结语"]


@pytest.mark.parametrize(("n", "fmt", "shown"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (23, "chineseCountingThousand", "二十三"), (3, "chineseLegalSimplified", "叁"), (12, "chineseLegalSimplified", "拾贰"), (2, "ideographTraditional", "乙"),
    (3, "decimalEnclosedCircle", "③"), (4, "upperLetter", "D"), (28, "lowerLetter", "bb"), (9, "upperRoman", "IX"),
    (12, "decimalFullWidth", "１２"), (7, "decimalZero", "07"), (5, "someFutureFormat", "5")])
def test_number_formats(n: int, fmt: str, shown: str) -> None:
    assert format_number(n, fmt) == shown


def test_chinese_numerals_past_ninety_nine() -> None:
    assert chinese_numeral(99) == "九十九" and chinese_numeral(105) == "一〇五"  # chineseCounting: digit by digit
    assert [chinese_numeral(n, thousand=True) for n in (105, 110, 1010, 1234)] == ["一百零五", "一百一十", "一千零一十",
                                                                                 "一千二百三十四"]
    assert format_number(0, "decimal") == "0"


def test_an_empty_numbered_paragraph_takes_its_number_and_a_level_may_start_at_zero() -> None:
    from docx.oxml import parse_xml

    from jixiao.ingest.docx_numbering import Level, Numbering

    numbering = Numbering({"1": {0: Level(0, "decimal", "%1.", False)}}, {"5": ("1", {})}, {})
    paragraph = parse_xml(f'<w:p {W}><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr></w:p>')
    assert [numbering.label(paragraph) for _ in range(3)] == ["0.", "1.", "2."]
