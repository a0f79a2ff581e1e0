"""Tables from .txt exports and .docx files: structure, units, column roles and typed rows (see also
test_table_records.py for the typed records of every source and output)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest

from jixiao.document.model import Document
from jixiao.ingest.reader import read_bytes, read_file
from jixiao.ingest.text_tables import find_text_tables
from jixiao.tables import columns as col
from jixiao.tables.budget import DETAIL, ITEM_ROW, TOTAL, budget_tables
from jixiao.tables.figures import amount_cell, rate_cell, span_figure
from jixiao.tables.records import context_lines, type_table
from jixiao.tables.units import caption_unit, header_unit

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"


def _doc(text: str) -> Document:
    return read_bytes(text.encode("utf-8"), "fixture.txt", "fixture")


def _cells(rows: list[list[str]]) -> str:
    """Render rows in the cell-per-line shape of the exports: a tab before each cell, blank between rows."""
    return "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows) + "\n"


# --- structure of .txt tables -------------------------------------------------------------------


def test_cell_per_line_table_with_wrapped_cells_and_double_blank_lines() -> None:
    text = ("表1 示例\n单位：万元\n\t序号\n\t实施部室\n\t金额\n\n\t1\n\t城市管理\n办公室\n\t405.81\n\n\n"
            "\t2\n\t综合\n\n办公室\n\t12.70\n\n正文继续。\n")
    tables = list(find_text_tables(text))
    assert len(tables) == 1
    rows = [[c.text for c in row] for row in tables[0].rows]
    assert rows == [["序号", "实施部室", "金额"], ["1", "城市管理办公室", "405.81"], ["2", "综合办公室", "12.70"]]
    cell = tables[0].rows[1][1]
    assert text[cell.start : cell.end] == "城市管理\n办公室"
    assert tables[0].caption is None  # captions and units are read when the table is typed
    typed = type_table(tables[0], context_lines(text, 0, tables[0].start))
    assert (typed.caption, typed.unit, typed.unit_source) == ("表1 示例", "万元", "caption")
    assert typed.rows[1][2].value == Decimal("4058100")


def test_cell_offsets_index_the_text_in_every_report() -> None:
    """A cell's offsets are those of its text without the white space around it; a cell that wrapped
    onto several lines spans its pieces, and its text is them joined (the line breaks left out)."""
    cells = [(doc.text, c) for path in sorted(RAW.glob("*.txt")) for doc in [read_file(path)]
             for table in doc.tables for row in table.rows for c in row if c.start is not None]
    assert len(cells) > 1000
    for text, cell in cells:
        piece = text[cell.start : cell.end]
        if "\n" in piece:
            assert "".join(line.strip() for line in piece.split("\n")) == cell.text
        else:
            assert piece == cell.text, (piece, cell.text)
    assert sum("\n" in text[c.start : c.end] for text, c in cells) < 100
    row = next(find_text_tables("项目 \t  预算\t\n甲\t 10 \t9\n"))
    assert [(c.text, c.start, c.end) for c in row.rows[0]] == [("项目", 0, 2), ("预算", 6, 8), ("", 9, 9)]


def test_row_cut_by_a_stray_blank_line_is_joined() -> None:
    text = _cells([["序号", "名称", "合同金额", "支付金额", "比例"]]) + "\n" + \
        "\t1\n\t工程\n\t220.787249\n\t110.393625\n\n\t50%\n\n\t2\n\t设计\n\t9.93\n\t2.979\n\t30%\n"
    rows = [[c.text for c in row] for row in next(find_text_tables(text)).rows]
    assert rows[1] == ["1", "工程", "220.787249", "110.393625", "50%"]
    assert len(rows) == 3


def test_row_per_line_table() -> None:
    text = "说明\n项目\t预算数（万元）\t支出数（万元）\n办公费\t10.00\t9.50\n"
    table = next(find_text_tables(text))
    assert [[c.text for c in row] for row in table.rows] == [["项目", "预算数（万元）", "支出数（万元）"], ["办公费", "10.00", "9.50"]]
    cell = table.rows[1][2]
    assert text[cell.start : cell.end] == "9.50"


def test_a_lone_tab_is_an_empty_cell_not_a_row_break() -> None:
    text = _cells([["项目", "预算", "支出"], ["", "合计", "5"]])
    rows = [[c.text for c in row] for row in next(find_text_tables(text)).rows]
    assert rows[1] == ["", "合计", "5"]


# --- units and printed figures ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "unit"), [("单位：万元", "万元"), ("金额单位:元", "元"), ("（单位：亿元）", "亿元"), ("表1 说明", None)])
def test_caption_unit(text: str, unit: str | None) -> None:
    assert caption_unit(text) == unit


@pytest.mark.parametrize(("text", "unit"), [("合同金额（万元）", "万元"), ("预算数(元)", "元"), ("支出 万元", "万元"), ("执行率", None)])
def test_header_unit(text: str, unit: str | None) -> None:
    assert header_unit(text) == unit


def test_amount_cell_inherits_unit_and_keeps_precision() -> None:
    figure = amount_cell("405.81 ", Decimal(10000))
    assert figure is not None
    assert figure.value == Decimal("4058100")
    assert figure.half == Decimal("50")
    assert amount_cell("23,439.08", Decimal(10000)).value == Decimal("234390800")
    assert amount_cell("—", Decimal(1)) is None


def test_rate_cell_forms() -> None:
    assert rate_cell("98.04%", False).value == Decimal("98.04")
    assert rate_cell("   99.20%", False).half == Decimal("0.005")
    assert rate_cell("20%进度款", False).value == Decimal("20")
    assert rate_cell("60", True).value == Decimal("60")
    assert rate_cell("60", False) is None
    assert rate_cell("100-90%", False) is None


def test_span_figure_precision_follows_printed_digits() -> None:
    figure = span_figure("4414.344467万元", Decimal("44143444.67"), 0, 12)
    assert figure.half == Decimal("0.005")
    assert span_figure("0.00万元", Decimal(0), 0, 6).half == Decimal("50")
    assert span_figure("100%", Decimal(100), 0, 4).half == Decimal("0.5")


@pytest.mark.parametrize(("header", "kind", "role"), [
    ("年初预算金额", col.AMOUNT, col.BUDGET_INITIAL),
    ("调整后预算金额", col.AMOUNT, col.BUDGET),
    ("实际支出金额", col.AMOUNT, col.ACTUAL),
    ("合同金额（万元）", col.AMOUNT, col.BUDGET),
    ("支付金额（万元）", col.AMOUNT, col.ACTUAL),
    ("全年执行数", col.AMOUNT, col.ACTUAL),
    ("预算支出比例", col.RATE, col.EXECUTION),
    ("累计申请比例%", col.RATE, col.EXECUTION),
    ("占比", col.RATE, col.SHARE),
    ("差异率", col.RATE, col.DIFFERENCE),
    ("合同名称", col.ITEM, None),
    ("项目名称", col.ITEM, None),
    ("序号", col.INDEX, None),
    ("分值", col.OTHER, None),
])
def test_header_vocabulary(header: str, kind: str, role: str | None) -> None:
    assert col.classify_header(header) == (kind, role)


# --- typed budget tables ------------------------------------------------------------------------


def test_budget_table_from_txt_fixture_inherits_caption_unit() -> None:
    text = "表1 重点项目\n单位：万元\n" + _cells([
        ["序号", "项目名称", "调整后预算金额", "实际支出金额", "执行率"],
        ["1", "办公经费", "405.81", "395.41", "97.44%"],
        ["", "其中：租金", "100.00", "100.00", "100.00%"],
        ["合计", "405.81", "395.41", "97.44%"],
    ])
    (table,) = budget_tables(_doc(text))
    assert table.unit == "万元"
    assert table.title == "表1 重点项目"
    first, detail, total = table.rows
    assert (first.kind, detail.kind, total.kind) == (ITEM_ROW, DETAIL, TOTAL)
    assert first.item == "办公经费"
    assert first.amounts[2].value == Decimal("4058100")
    assert first.rates[4].value == Decimal("97.44")
    assert total.item == "合计" and total.amounts[3].value == Decimal("3954100")


def test_budget_table_from_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("表2 项目支出情况")
    document.add_paragraph("单位：万元")
    table = document.add_table(rows=3, cols=4)
    for r, values in enumerate([["项目", "预算数", "支出数", "执行率"], ["城市管理\n办公室经费", "12.50", "10.00", "80.00%"],
                                ["合计", "12.50", "10.00", "80.00%"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    buffer = BytesIO()
    document.save(buffer)
    doc = read_bytes(buffer.getvalue(), "fixture.docx", "fixture")
    (budget,) = budget_tables(doc)
    assert budget.unit == "万元"
    row = budget.rows[0]
    assert row.item == "城市管理 办公室经费"
    assert row.amounts[1].value == Decimal("125000")
    cell = row.cells[2]
    assert doc.text[cell.start : cell.end] == "10.00"


def test_label_column_header_unit_applies_to_the_block() -> None:
    text = _cells([["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "执行率"],
                   ["", "年度资金总额", "67.97", "67.97", "67.97", "100%"]])
    (table,) = budget_tables(_doc(text))
    assert table.unit == "万元"
    assert table.rows[0].item == "年度资金总额"
    assert table.rows[0].amounts[4].value == Decimal("679700")


# --- the five reports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def yuetan() -> Document:
    return read_file(RAW / "001_f25cf90dc0a01762.txt")


def test_unit_inheritance_in_report(yuetan: Document) -> None:
    table = budget_tables(yuetan)[0]
    assert table.unit == "万元"
    first = table.rows[0]
    assert first.item == "社区居委会、服务站办公及活动用房租金"
    assert first.cells[3].text == "405.81"
    assert first.amounts[3].value == Decimal("4058100")


def test_multi_line_cells_recovered_in_report(yuetan: Document) -> None:
    table = budget_tables(yuetan)[0]
    departments = {row.cells[1].text for row in table.rows if row.cells[1] is not None and row.cells[1].text}
    assert {"城市管理办公室", "党群工作办公室", "民生保障办公室", "市民服务中心"} <= departments
    second = budget_tables(yuetan)[1]
    assert second.rows[0].cells[1].text == "综合办公室"


def test_table_across_double_blank_lines_is_one_table(yuetan: Document) -> None:
    table = budget_tables(yuetan)[0]
    items = [r for r in table.rows if r.kind == ITEM_ROW]
    assert len(items) == 52
    assert table.rows[-1].kind == TOTAL
    assert table.rows[-1].amounts[5].value == Decimal("229912500")


def test_split_row_joined_in_report() -> None:
    doc = read_file(RAW / "000_d6a03cfb2cfdfbfd.txt")
    table = budget_tables(doc)[2]
    first = table.rows[0]
    assert first.item == "农光里二区楼本体上下水改造"
    assert first.rates[5].value == Decimal("50")
    assert first.amounts[4].value == Decimal("1103936.25")


def test_tables_in_every_report_parse() -> None:
    counts = {path.stem[:3]: len(budget_tables(read_file(path))) for path in sorted(RAW.glob("*.txt"))}
    assert counts == {"000": 4, "001": 8, "002": 0, "003": 1, "004": 0}


def test_tab_indented_paragraphs_are_not_a_table() -> None:
    text = "\t一、基本情况\n\n\t项目预算100万元，实际支出100万元，执行率100%。\n"
    assert list(find_text_tables(text)) == []


def test_a_sentence_just_above_a_table_is_not_its_caption() -> None:
    """The nearest short line is a caption only when it does not end as a sentence does."""
    from jixiao.tables.records import caption_of

    assert caption_of(("二、项目资金情况", "建议加强预算编制，提高资金使用效率。")) == "二、项目资金情况"
    assert caption_of(("执行情况如下；",)) is None
    assert caption_of(("表2 资金使用情况", "单位：万元")) == "表2 资金使用情况"
    assert caption_of(("项目支出明细", "单位：万元")) == "项目支出明细"


def test_an_amount_in_brackets_is_negative_as_accounts_print_it() -> None:
    """(100.00) in an amount column is -100.00 in its unit, so a total over it adds up."""
    figure = amount_cell("（1,200.50）", Decimal(10000))
    assert figure is not None and figure.value == Decimal("-12005000") and figure.half == Decimal("50")
    assert amount_cell("(a)", Decimal(1)) is None
    from jixiao.audit import audit_document

    text = "表1 结余情况\n单位：万元\n项目\t预算\t结余\n甲\t100\t100.00\n乙\t100\t(100.00)\n合计\t200\t0.00\n"
    assert [f.check for f in audit_document(read_bytes(text.encode("utf-8"), "acc.txt"))] == []
    wrong = text.replace("合计\t200\t0.00", "合计\t200\t100.00")
    assert [f.check for f in audit_document(read_bytes(wrong.encode("utf-8"), "acc.txt"))] == ["total_sum"]
