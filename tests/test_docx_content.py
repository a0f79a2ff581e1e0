"""A .docx reads as the text Word displays: content inside tracked insertions, content controls,
smart tags, fields, hyperlinks and nested tables is kept; deleted text and field codes are not."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from jixiao.document.model import Table
from jixiao.ingest.reader import read_bytes

W = nsdecls("w")


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def p(*inline: str) -> str:
    return f"<w:p>{''.join(inline)}</w:p>"


def tc(*blocks: str, merge: str | None = None) -> str:
    """A cell; ``merge`` is its w:vMerge value ("" for a bare w:vMerge, None for no merge)."""
    value = f' w:val="{merge}"' if merge else ""
    properties = "" if merge is None else f"<w:tcPr><w:vMerge{value}/></w:tcPr>"
    return f"<w:tc>{properties}{''.join(blocks)}</w:tc>"


def tbl(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>"


def tr(*cells: str) -> str:
    return f"<w:tr>{''.join(cells)}</w:tr>"


def sdt(content: str) -> str:
    return f'<w:sdt><w:sdtPr><w:alias w:val="金额"/></w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>'


def field(code: str, result: str) -> str:
    """A complex field: begin, its code, separate, the displayed result, end."""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve">{code}</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{r(result)}"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def docx_with(*blocks: str) -> bytes:
    """A .docx whose body holds ``blocks`` (WordprocessingML fragments) in order."""
    document = Document()
    body = document.element.body
    section = body.find(qn("w:sectPr"))
    for block in blocks:
        name = block[1:].split(">", 1)[0].split(" ", 1)[0]  # declare the namespace on the outer tag
        section.addprevious(parse_xml(block.replace(f"<{name}", f"<{name} {W}", 1)))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(*blocks: str):
    return read_bytes(docx_with(*blocks), "t.docx")


def assert_cell_offsets(text: str, tables: tuple[Table, ...]) -> None:
    assert tables
    for table in tables:
        for row in table.rows:
            for cell in row:
                assert text[cell.start : cell.end] == cell.text


def test_tracked_insertion_kept_and_deletion_left_out() -> None:
    doc = read(p(r("资金安排"),
                 '<w:del w:id="1" w:author="a"><w:r><w:delText>999</w:delText></w:r></w:del>',
                 f'<w:ins w:id="2" w:author="a">{r("500")}</w:ins>',
                 r("万元。")))
    assert doc.text.strip() == "资金安排500万元。"
    assert "999" not in doc.text


def test_deleted_runs_with_tabs_and_moves() -> None:
    """Everything in w:del and w:moveFrom is gone, not just w:delText; w:moveTo is kept."""
    doc = read(p(r("甲"),
                 '<w:del w:id="1" w:author="a"><w:r><w:tab/><w:delText>旧</w:delText><w:br/></w:r></w:del>',
                 f'<w:moveFrom w:id="2" w:author="a">{r("搬走")}</w:moveFrom>',
                 f'<w:moveTo w:id="3" w:author="a">{r("搬来")}</w:moveTo>'))
    assert doc.text.strip() == "甲搬来"


def test_block_content_control_paragraphs_and_table() -> None:
    doc = read(p(r("一、项目概况")),
               sdt(p(r("项目单位：劲松街道办事处")) + p(r("年度资金安排100万元。"))),
               sdt(tbl(tr(tc(p(r("项目"))), tc(p(r("金额")))),
                       tr(tc(p(r("办公费"))), tc(sdt(p(r("405.81"))))))),
               p(r("二、存在的问题")))
    lines = doc.text.strip().split("\n")
    assert lines == ["一、项目概况", "项目单位：劲松街道办事处", "年度资金安排100万元。",
                     "项目\t金额", "办公费\t405.81", "二、存在的问题"]
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [["项目", "金额"], ["办公费", "405.81"]]
    assert_cell_offsets(doc.text, doc.tables)


def test_row_and_cell_content_controls_in_a_table() -> None:
    doc = read(tbl(tr(tc(p(r("项目"))), sdt(tc(p(r("金额"))))),
                   sdt(tr(tc(p(r("合计"))), tc(p(r("500")))))))
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [["项目", "金额"], ["合计", "500"]]
    assert_cell_offsets(doc.text, doc.tables)


def test_inline_wrappers_are_read() -> None:
    doc = read(p(r("单位："), sdt(r("劲松街道")), r("，"),
                 '<w:smartTag w:uri="urn:x" w:element="place">' + r("北京市") + "</w:smartTag>",
                 '<w:customXml w:element="amount">' + r("金额") + "</w:customXml>",
                 '<w:fldSimple w:instr=" DOCPROPERTY Total ">' + r("100") + "</w:fldSimple>",
                 r("万元，见"),
                 '<w:hyperlink w:anchor="x">' + r("附件1") + "</w:hyperlink>",
                 r("。")))
    assert doc.text.strip() == "单位：劲松街道，北京市金额100万元，见附件1。"
    assert "DOCPROPERTY" not in doc.text


def test_complex_field_result_kept_and_code_left_out() -> None:
    doc = read(p(r("第"), field(" PAGE ", "3"), r("页，合计"),
                 field(' =SUM(ABOVE) \\# "0.00" ', "405.81"), r("万元")))
    assert doc.text.strip() == "第3页，合计405.81万元"
    assert "PAGE" not in doc.text and "SUM" not in doc.text


def test_nested_fields_and_a_field_without_result() -> None:
    """An IF whose code holds a nested field shows only its own result; a field with no result
    shows nothing; a field left open hides only the rest of its paragraph."""
    nested = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
              '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
              + field(" MERGEFIELD x ", "不显示") +
              '<w:r><w:instrText xml:space="preserve"> = 1 "是" "否" </w:instrText></w:r>'
              '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("是") +
              '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    empty = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText> XE "x" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')
    unclosed = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + r("代码")
    doc = read(p(r("结果"), nested, empty, r("。")), p(r("甲"), unclosed), p(r("乙")))
    assert doc.text.strip().split("\n") == ["结果是。", "甲", "乙"]


def test_field_result_over_several_paragraphs() -> None:
    """A table of contents: begin and code in the first paragraph, result in several, end in the last."""
    doc = read(p('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                 '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" </w:instrText></w:r>',
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
                 '<w:hyperlink w:anchor="_Toc1">' + r("一、项目概况\t1") + "</w:hyperlink>"),
               p('<w:hyperlink w:anchor="_Toc2">' + r("二、存在的问题\t") + field(" PAGEREF _Toc2 ", "2") + "</w:hyperlink>"),
               p('<w:r><w:fldChar w:fldCharType="end"/></w:r>'), p(r("正文")))
    assert doc.text.strip().split("\n") == ["一、项目概况\t1", "二、存在的问题\t2", "", "正文"]


def test_nested_table_text_is_in_its_cell() -> None:
    inner = tbl(tr(tc(p(r("人员经费"))), tc(p(r("120")))),
                tr(tc(p(r("公用经费"))), tc(p(r("80")))))
    doc = read(tbl(tr(tc(p(r("项目"))), tc(p(r("明细"))), tc(p(r("合计")))),
                   tr(tc(p(r("基本支出"))), tc(p(r("如下：")), inner), tc(p(r("200"))))),
               p(r("完")))
    lines = doc.text.strip().split("\n")
    assert lines == ["项目\t明细\t合计", "基本支出\t如下： 人员经费 120 公用经费 80\t200", "完"]
    assert [c.text for c in doc.tables[0].rows[1]] == ["基本支出", "如下： 人员经费 120 公用经费 80", "200"]
    assert len(doc.tables) == 1
    assert_cell_offsets(doc.text, doc.tables)


def test_merges_still_follow_the_table_contract() -> None:
    doc = read(tbl(tr(tc(p(r("城市管理")), merge="restart"), tc(p(r("1")))),
                   tr(tc(p(), merge=""), tc(p(r("2"))))))
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [["城市管理", "1"], ["", "2"]]
    assert_cell_offsets(doc.text, doc.tables)


def test_ordinary_paragraphs_read_as_python_docx_reads_them() -> None:
    """Runs give what python-docx's Paragraph.text gives: tab, ptab, line break, cr and
    non-breaking hyphen as characters; page breaks, soft hyphens and symbols as nothing."""
    special = ('<w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:br w:type="page"/>'
               '<w:t>丁</w:t><w:cr/><w:t>A</w:t><w:noBreakHyphen/><w:t>B</w:t><w:softHyphen/>'
               '<w:t>C</w:t><w:sym w:font="Wingdings" w:char="F0FC"/><w:ptab w:relativeTo="margin" '
               'w:alignment="right" w:leader="none"/><w:t>D</w:t><w:br w:type="textWrapping" w:clear="all"/></w:r>')
    data = docx_with(p(special), p(r("  前后空格  ")), p(),
                     p('<w:hyperlink w:anchor="a">' + r("链接") + "</w:hyperlink>" + r("后")))
    expected = "\n".join(paragraph.text for paragraph in Document(BytesIO(data)).paragraphs) + "\n"
    assert read_bytes(data, "t.docx").text == expected
    assert expected.startswith("甲\t乙\n丙丁\nA-BC\tD\n\n  前后空格  \n\n链接后")


def test_placeholders_hidden_text_deleted_rows_and_deleted_paragraph_marks_show_nothing() -> None:
    """Word does not display a content control's placeholder as content, hidden text (w:vanish), a
    table row deleted with tracked changes, or an empty paragraph whose mark was deleted."""
    placeholder = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
                   f'{p(r("单击或点击此处输入文字。"))}</w:sdtContent></w:sdt>')
    hidden = p(r("资金"), '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏100万元</w:t></w:r>', r("到位。"))
    shown = p(r("显示"), '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>30万元</w:t></w:r>', r("。"))
    deleted_row = ('<w:tr><w:trPr><w:del w:id="9" w:author="a" w:date="2024-01-01T00:00:00Z"/></w:trPr>'
                   f'{tc(p(r("删")))}{tc(p(r("5")))}</w:tr>')
    table = tbl(tr(tc(p(r("项目"))), tc(p(r("金额")))), deleted_row, tr(tc(p(r("甲"))), tc(p(r("10")))))
    gone_mark = '<w:p><w:pPr><w:rPr><w:del w:id="8" w:author="a" w:date="2024-01-01T00:00:00Z"/></w:rPr></w:pPr></w:p>'
    extracted = read_bytes(docx_with(p(r("开头。")), placeholder, hidden, shown, gone_mark, table), "x.docx")
    assert extracted.text == "开头。\n资金到位。\n显示30万元。\n项目\t金额\n甲\t10\n"
    assert [[c.text for c in row] for row in extracted.tables[0].rows] == [["项目", "金额"], ["甲", "10"]]
