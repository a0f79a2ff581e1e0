"""Typed table records: the five reports' tables checked by hand, one table built as .docx, text
and PDF (merged headers; 万元/元/亿元 captions), and the outputs that share the records — `tag`
(JSON Lines, CSV, Parquet), the audit and `show`."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.audit import audit_document
from jixiao.cli.main import app
from jixiao.document.jsonl import document_from_dict, document_to_dict, table_from_dict, table_to_dict
from jixiao.document.model import Document, Table, TableCell
from jixiao.ingest.reader import read_bytes, read_file
from jixiao.outputs.html import render_html
from jixiao.tables.budget import budget_tables
from jixiao.tables.records import type_table, with_typed_tables

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"
TITLE = "表1 2020年街道工作经费预算执行情况"
# The table as printed: 项目 and 执行率 merged down two rows, 2020年 across three columns; in the
# merged-once shape every source gives (a merged-down cell is empty in the rows below its first).
ROWS = [
    ["项目", "2020年", "执行率"],
    ["", "年初预算", "调整后预算", "实际支出", ""],
    ["基层党建办公室经费", "49", "49", "47.5", "96.94%"],
    ["社会建设办公室经费", "185.03", "185.03", "180.00", "97.28%"],
    ["合计", "234.03", "234.03", "227.50", "97.21%"],
]
LABELS = ["项目", "2020年 / 年初预算", "2020年 / 调整后预算", "2020年 / 实际支出", "执行率"]
ROLES = [("item", None), ("amount", "budget_initial"), ("amount", "budget"), ("amount", "actual"), ("rate", "execution")]


def _typed(doc: Document) -> tuple[Table, ...]:
    return with_typed_tables(doc).tables


def _cell(table: Table, row: int, column: int) -> TableCell:
    return next(c for c in table.rows[row] if c.column == column)


def _shape(table: Table) -> list[tuple[str | None, list[tuple[str, int | None, int, Decimal | None]]]]:
    """What a typed table says, without where its text stands."""
    return [(kind, [(c.text, c.column, c.span, c.value) for c in row]) for kind, row in zip(table.row_kinds, table.rows)]


# --- the built table as .docx, text and PDF ------------------------------------------------------


def table_docx(rows: list[list[str]] = ROWS, unit_line: str = "单位：万元") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("一、预算执行情况")
    document.add_paragraph(TITLE)
    document.add_paragraph(unit_line)
    table = document.add_table(rows=len(rows), cols=5)
    table.cell(0, 0).merge(table.cell(1, 0)).text = rows[0][0]
    table.cell(0, 1).merge(table.cell(0, 3)).text = rows[0][1]
    table.cell(0, 4).merge(table.cell(1, 4)).text = rows[0][2]
    for r, values in enumerate(rows[1:], start=1):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    document.add_paragraph("正文继续。")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def table_text(rows: list[list[str]] = ROWS, unit_line: str = "单位：万元", shape: str = "cells") -> bytes:
    """The table as a text export: a cell per line (tab first, blank line between rows) or a row per line."""
    if shape == "cells":
        body = "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows)
    else:
        body = "\n".join("\t".join(row) for row in rows)
    return f"一、预算执行情况\n{TITLE}\n{unit_line}\n{body}\n正文继续。\n".encode()


def table_pdf(rows: list[list[str]] = ROWS, unit_line: str = "单位：万元") -> bytes:
    """The table printed with ruling lines (reportlab's CID font STSong-Light), merged cells spanned."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10.5, leading=14)
    grid = [[rows[0][0], rows[0][1], "", "", rows[0][2]], *rows[1:]]
    table = PdfTable(grid)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (3, 0)), ("SPAN", (4, 0), (4, 1))]))
    buffer = BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph("一、预算执行情况", style), Paragraph(TITLE, style),
                                     Paragraph(unit_line, style), table, Paragraph("正文继续。", style)])
    return buffer.getvalue()


BUILDERS = {
    "docx": lambda unit: read_bytes(table_docx(unit_line=unit), "t.docx", "t"),
    "text cells": lambda unit: read_bytes(table_text(unit_line=unit), "t.txt", "t"),
    "text rows": lambda unit: read_bytes(table_text(unit_line=unit, shape="rows"), "t.txt", "t"),
    "pdf": lambda unit: read_bytes(table_pdf(unit_line=unit), "t.pdf", "t"),
}


@pytest.fixture(scope="module")
def docx_table() -> tuple[Document, Table]:
    doc = with_typed_tables(read_bytes(table_docx(), "t.docx", "t"))
    return doc, doc.tables[0]


def test_docx_table_is_typed_with_caption_unit_and_flattened_header(docx_table: tuple[Document, Table]) -> None:
    doc, table = docx_table
    assert (table.caption, table.unit, table.unit_source) == (TITLE, "万元", "caption")
    (header,) = table.headers
    assert header.rows == (0, 1) and header.body == (2, 3, 4)
    assert [c.label for c in header.columns] == LABELS
    assert [(c.kind, c.role) for c in header.columns] == ROLES
    assert table.row_kinds == ("header", "header", "item", "item", "total")
    top = table.rows[0]
    assert [(c.text, c.column, c.span) for c in top] == [("项目", 0, 1), ("2020年", 1, 3), ("执行率", 4, 1)]
    assert [c.text for c in table.rows[1]] == ["", "年初预算", "调整后预算", "实际支出", ""]  # merged down: once
    cell = _cell(table, 3, 1)
    assert cell.text == "185.03" and cell.value == Decimal("1850300")
    assert doc.text[cell.start : cell.end] == "185.03"
    assert _cell(table, 2, 1).value == Decimal("490000")
    assert _cell(table, 2, 4).value == Decimal("96.94")
    assert _cell(table, 2, 0).value is None


@pytest.mark.parametrize("source", ["text cells", "text rows", "pdf"])
def test_the_same_table_as_text_or_pdf_gives_the_same_typed_rows(source: str, docx_table: tuple[Document, Table]) -> None:
    _, expected = docx_table
    doc = with_typed_tables(BUILDERS[source]("单位：万元"))
    (table,) = doc.tables
    assert _shape(table) == _shape(expected)
    assert (table.caption, table.unit, table.unit_source) == (TITLE, "万元", "caption")
    assert table.headers == expected.headers
    for row in table.rows:
        for cell in row:
            if cell.text:
                assert doc.text[cell.start : cell.end].strip() == cell.text  # offsets in the document text


@pytest.mark.parametrize(("unit_line", "unit", "value"), [
    ("单位：万元", "万元", Decimal("1850300")),
    ("金额单位：元", "元", Decimal("185.03")),
    ("（单位：亿元）", "亿元", Decimal("18503000000")),
])
@pytest.mark.parametrize("source", list(BUILDERS))
def test_caption_units_scale_the_values(source: str, unit_line: str, unit: str, value: Decimal) -> None:
    (table,) = _typed(BUILDERS[source](unit_line))
    assert table.unit == unit and table.headers[0].columns[1].unit == unit
    assert _cell(table, 3, 1).value == value
    assert _cell(table, 3, 4).value == Decimal("97.28")  # rates stay percent


def test_a_column_header_unit_overrides_the_caption() -> None:
    text = TITLE + "\n单位：万元\n" + "\n".join(["项目\t预算数（亿元）\t支出数（元）\t执行率", "甲\t1.5\t120000000\t80.00%"]) + "\n"
    (table,) = _typed(read_bytes(text.encode(), "t.txt", "t"))
    assert [(c.unit, c.unit_source) for c in table.headers[0].columns[1:3]] == [("亿元", "header"), ("元", "header")]
    assert _cell(table, 1, 1).value == Decimal("150000000") and _cell(table, 1, 2).value == Decimal("120000000")
    assert (table.unit, table.unit_source) == ("万元", "caption")


def test_a_stacked_header_over_pairs_of_columns() -> None:
    rows = [["项目", "预算数", "执行数"], ["", "金额", "占比", "金额", "占比"], ["甲", "60", "60.00%", "50", "62.50%"],
            ["乙", "40", "40.00%", "30", "37.50%"], ["合计", "100", "100.00%", "80", "100.00%"]]
    text = "单位：万元\n" + "\n".join("\t".join(r) for r in rows) + "\n"
    (table,) = _typed(read_bytes(text.encode(), "t.txt", "t"))
    columns = table.headers[0].columns
    assert [c.label for c in columns] == ["项目", "预算数 / 金额", "预算数 / 占比", "执行数 / 金额", "执行数 / 占比"]
    assert [(c.kind, c.role) for c in columns] == [("item", None), ("amount", "budget"), ("rate", "share"),
                                                   ("amount", "actual"), ("rate", "share")]
    assert [(c.text, c.column, c.span) for c in table.rows[0]] == [("项目", 0, 1), ("预算数", 1, 2), ("执行数", 3, 2)]


def test_a_row_of_other_labels_above_a_header_stays_out_of_it() -> None:
    rows = [["主管部门", "某局", "实施单位", "某街道"], ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
            ["", "年度资金总额", "67.97", "67.97", "67.97", "100%"]]
    (table,) = _typed(read_bytes(("\n".join("\t".join(r) for r in rows) + "\n").encode(), "t.txt", "t"))
    assert table.headers[0].rows == (1,)
    assert table.row_kinds[0] is None and all(c.column is None for c in table.rows[0])
    assert (table.unit, table.unit_source) == ("万元", "header")


# --- the five reports (expected values read off the reports by hand) -----------------------------


@pytest.fixture(scope="module")
def reports() -> dict[str, Document]:
    return {path.stem[:3]: with_typed_tables(read_file(path)) for path in sorted(RAW.glob("*.txt"))}


def test_000_contract_table_in_wan_yuan_from_its_column_headers(reports: dict[str, Document]) -> None:
    doc = reports["000"]
    table = doc.tables[2]
    assert table.caption == "3、2020年老旧小区综合整治-农光里二区"
    assert (table.unit, table.unit_source) == ("万元", "header")
    columns = table.headers[0].columns
    assert [c.label for c in columns] == ["序号", "合同名称", "施工（服务） 单位  名称", "合同金额（万元）", "支付金额（万元）", "累计申请比例%"]
    assert [(c.kind, c.role) for c in columns[3:]] == [("amount", "budget"), ("amount", "actual"), ("rate", "execution")]
    first = table.rows[1]
    assert [c.text for c in first] == ["1", "农光里二区楼本体上下水改造", "北京市北协建设工程公司", "220.787249", "110.393625", "50%"]
    assert [c.value for c in first[3:]] == [Decimal("2207872.49"), Decimal("1103936.25"), Decimal("50")]
    total = table.rows[-1]
    assert table.row_kinds[-1] == "total"
    assert [c.value for c in total if c.value is not None] == [Decimal("2394424.49"), Decimal("1186727.85")]
    cell = first[4]
    assert doc.text[cell.start : cell.end].strip() == "110.393625"


def test_000_table_without_a_unit_is_in_yuan(reports: dict[str, Document]) -> None:
    table = reports["000"].tables[3]
    assert table.caption == "500万及以上年初预算项目：3个"
    assert (table.unit, table.unit_source) == (None, None)
    row = table.rows[2]
    assert row[0].text == "2" and row[0].column is None  # the 序号 column has no header of its own
    assert [(c.text, c.value) for c in row[1:]] == [("基本事业费（自管）", None), ("5263082", Decimal("5263082")),
                                                   ("5219689.93", Decimal("5219689.93")), ("99.18%", Decimal("99.18"))]


def test_001_key_projects_table_in_wan_yuan_from_its_caption(reports: dict[str, Document]) -> None:
    table = reports["001"].tables[0]
    assert table.caption == "表1  重点跟踪项目全年预算情况表"
    assert (table.unit, table.unit_source) == ("万元", "caption")
    assert [(c.label, c.role) for c in table.headers[0].columns[3:]] == [
        ("年初预算金额", "budget_initial"), ("调整后预算金额", "budget"), ("实际支出金额", "actual"), ("预算支出比例", "execution")]
    row = table.rows[25]
    assert [c.text for c in row] == ["25", "民生保障办公室", "残疾人两项补贴", "380.00", "270.00", "266.47", "100.00%"]
    assert [c.value for c in row[3:]] == [Decimal("3800000"), Decimal("2700000"), Decimal("2664700"), Decimal("100")]
    assert table.row_kinds.count("item") == 52 and table.row_kinds[-1] == "total"
    assert table.rows[-1][-2].value == Decimal("229912500")


def test_003_self_evaluation_form_funds_block(reports: dict[str, Document]) -> None:
    table = reports["003"].tables[0]
    assert table.caption == "三、项目支出绩效自评表"
    assert (table.unit, table.unit_source) == ("万元", "header")  # from 「项目资金（万元）」
    (header,) = table.headers
    assert header.rows == (4,) and header.body == (5, 6)
    assert table.row_kinds[:4] == (None, None, None, None)
    row = table.rows[5]
    assert [(c.text, c.value) for c in row[1:]] == [
        ("年度资金总额", None), ("67.97", Decimal("679700")), ("67.97", Decimal("679700")), ("67.97", Decimal("679700")),
        ("10", None), ("100%", Decimal("100")), ("10", None)]
    assert [c.kind for c in header.columns][5:] == ["other", "rate", "other"]
    assert table.row_kinds[6] == "detail"
    assert [t.headers for t in reports["003"].tables[1:]] == [(), ()]  # 收入决算 / 支出决算: no budget header


def test_002_and_004_have_no_tables(reports: dict[str, Document]) -> None:
    for key in ("002", "004"):
        assert reports[key].tables == () and "\t" not in reports[key].text


# --- one code path: records out, records back, the audit reads them -------------------------------


def test_records_round_trip_and_the_audit_reads_them(reports: dict[str, Document]) -> None:
    for doc in reports.values():
        back = document_from_dict(json.loads(json.dumps(document_to_dict(doc), ensure_ascii=False)))
        assert back.tables == doc.tables
        assert audit_document(back) == audit_document(read_file(doc.meta["source"]))


def test_the_audit_judges_the_values_in_the_records(docx_table: tuple[Document, Table]) -> None:
    doc, table = docx_table
    assert audit_document(doc) == []
    # a record that says 47.5 万元 is 400000 元 (not what the text says): the audit follows the record
    rows = list(table.rows)
    rows[2] = tuple(c if c.column != 3 else TableCell(c.text, c.start, c.end, c.column, c.span, Decimal("400000"))
                    for c in rows[2])
    changed = doc.replace(tables=(Table(tuple(rows), table.start, table.end, table.caption, table.unit,
                                        table.unit_source, table.headers, table.row_kinds),))
    (finding,) = [f for f in audit_document(changed) if f.check == "row_rate"]
    assert (finding.row, finding.column, finding.computed) == (2, "执行率", Decimal("81.6327"))


def test_old_records_with_plain_string_rows_are_typed_on_read() -> None:
    table = table_from_dict({"start": 0, "end": 10, "caption": None, "rows": [["项目", "预算数", "支出数"], ["甲", "10", "9"]]})
    assert not table.typed and [c.text for c in table.rows[1]] == ["甲", "10", "9"]
    typed = type_table(table, ("单位：万元",))
    assert typed.typed and _cell(typed, 1, 1).value == Decimal("100000")
    assert table_from_dict(table_to_dict(typed)) == typed


def test_budget_tables_are_built_from_the_records(reports: dict[str, Document]) -> None:
    doc = reports["001"]
    block = budget_tables(doc)[0]
    assert block.title == doc.tables[0].caption and block.unit == "万元"
    row = block.rows[24]
    assert row.item == "残疾人两项补贴" and row.amounts[5].value == Decimal("2664700") and row.amounts[5].half == Decimal("50")


# --- outputs ---------------------------------------------------------------------------------------


def _tag(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["tag", *args])


def test_tag_writes_the_typed_table(tmp_path: Path, rules_model: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(table_docx())
    out = tmp_path / "out.jsonl"
    result = _tag(str(source), "-o", str(out), "-q", "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    (table,) = record["tables"]
    assert (table["caption"], table["unit"], table["unit_source"]) == (TITLE, "万元", "caption")
    assert [c["label"] for c in table["headers"][0]["columns"]] == LABELS
    cell = next(c for row in table["rows"] for c in row["cells"] if c["text"] == "185.03")
    assert cell["value"] == "1850300" and record["text"][cell["start"] : cell["end"]] == "185.03"
    assert [row["kind"] for row in table["rows"]] == ["header", "header", "item", "item", "total"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_flat_output_has_a_tables_file(tmp_path: Path, rules_model: Path, fmt: str) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(table_docx())
    folder = tmp_path / "flat"
    result = _tag(str(source), "-o", str(folder), "--format", fmt, "-q", "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        with open(folder / "tables.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(folder / "tables.parquet").to_pylist()
    assert len(rows) == sum(len(r) for r in ROWS)
    cell = next(r for r in rows if r["text"] == "185.03" and str(r["column"]) == "1")
    assert (cell["id"], cell["source"], str(cell["table"]), cell["caption"], cell["unit"]) == ("report", str(source), "0", TITLE, "万元")
    assert (cell["label"], cell["role"], cell["row_kind"], cell["value"], cell["value_unit"]) == (
        "2020年 / 年初预算", "budget_initial", "item", "1850300", "元")
    rate = next(r for r in rows if r["text"] == "97.28%")
    assert (rate["value"], rate["value_unit"], rate["label"]) == ("97.28", "%", "执行率")


def test_show_draws_the_table_with_values_and_findings(docx_table: tuple[Document, Table]) -> None:
    doc, _ = docx_table
    wrong = [row[:] for row in ROWS]
    wrong[3][4] = "99.28%"
    flawed = with_typed_tables(read_bytes(table_docx(wrong), "t.docx", "t"))
    findings = audit_document(flawed)
    assert [(f.check, f.row) for f in findings] == [("row_rate", 3)]
    page = render_html(flawed, findings)
    table = page.split('<table class="doc-table"')[1].split("</table>")[0]
    assert '<th colspan="3" data-column="1">2020年</th>' in table
    cell = table.split('data-value="1850300"')[1].split("</td>")[0]
    assert "185.03 万元 → 1,850,300 元" in cell and "2020年 / 年初预算 · budget_initial" in cell
    flagged = table.split('class="num flag"')[1].split("</td>")[0]
    assert 'id="f-0"' in flagged and "99.28%" in flagged and "row_rate" in flagged
    assert '<td class="num flag"' not in render_html(doc, audit_document(doc))


@pytest.mark.parametrize(("context", "caption"), [
    (["二、存在的问题"], None),
    (["三、意见和建议"], None),
    (["表1 项目资金情况", "二、存在的问题"], "表1 项目资金情况"),
    (["一、项目基本情况"], "一、项目基本情况"),
    (["项目资金使用情况", "单位：万元"], "项目资金使用情况"),
])
def test_a_heading_that_opens_the_problems_or_recommendations_is_no_caption(context: list[str],
                                                                            caption: str | None) -> None:
    from jixiao.tables.records import caption_of

    assert caption_of(context) == caption


@pytest.mark.parametrize(("context", "caption"), [
    (("某区2022年度项目支出绩效评价报告", "项目预算120万元，执行情况如下。"), None),  # the title over prose is no caption
    (("某区2022年度项目支出绩效评价报告", "项目预算120万元，执行情况如下。", "表1 资金执行情况"), "表1 资金执行情况"),
    (("3、农光里二区", "项目资金来源为财政拨款，年度资金安排118万元。"), "3、农光里二区"),  # the item the table details
    (("资金执行情况", "单位：万元"), "资金执行情况"),
    (("二、存在的问题",), None),
])
def test_caption_is_the_nearest_short_line_or_the_numbered_item_above_its_paragraph(context, caption) -> None:  # type: ignore[no-untyped-def]
    from jixiao.tables.records import caption_of

    assert caption_of(context) == caption


def test_a_placed_header_cell_keeps_every_field_of_the_cell() -> None:
    """Header cells are placed by building the cell anew (cheaper than dataclasses.replace); a
    field added to TableCell must still be carried over, as replace would carry it."""
    from dataclasses import fields, replace

    from jixiao.tables.records import _placed_cell

    cell = TableCell("年初预算", start=3, end=7, column=0, span=2, value=Decimal("49"))
    assert _placed_cell(cell, 5, 3) == replace(cell, column=5, span=3)
    assert {f.name for f in fields(TableCell)} == {"text", "start", "end", "column", "span", "value"}
