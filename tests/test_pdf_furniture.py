"""Page furniture (running heads, running feet, page numbers) leaves the PDF text; the document's own
lines at the tops and bottoms of pages stay, even when they repeat their shape from page to page:
numbered lines 「1.…100万元，执行率为90%。」, a continued table's header row and its data rows.

The PDFs are drawn here with reportlab page by page, so that what stands at each page's edges is
known; the lines are also built by hand (``PdfLine``) to test ``drop_page_furniture`` alone.
"""

from __future__ import annotations

from io import BytesIO

from jixiao.ingest.pdf_furniture import MARGIN, drop_page_furniture
from jixiao.ingest.pdf_lines import PdfLine
from jixiao.ingest.pdf_tables import GridCell, PdfGrid, Piece
from jixiao.ingest.reader import read_bytes

FONT = "STSong-Light"
PAGE = (420.0, 700.0)  # the top and bottom margins (MARGIN of the height) are 84 points high
HEAD = "某某街道2023年绩效评价报告  第{page}页"
HEADER = ["项目", "预算数", "执行数", "执行率"]
NUMBERED = [f"{n}.街道办公经费安排{n}00万元，执行率为{rate}%。" for n, rate in ((1, 90), (2, 95), (3, 99))]
BODY = ["本页正文第一段继续说明", "本页正文第二段", "本页正文第三段"]


def pages_pdf(pages: list[list[str | list[str]]], head: str | None = None, foot: str | None = None) -> bytes:
    """Each page a list of items from its top: a string is a line of text, a list of strings a
    table row; consecutive rows are drawn as one table with ruling lines. ``head`` and ``foot`` are
    drawn in the margins of every page, ``{page}`` replaced by the page number."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=PAGE)
    left, leading, row_height, widths = 40.0, 18.0, 20.0, (120.0, 70.0, 70.0, 70.0)
    columns = [left + sum(widths[:k]) for k in range(len(widths) + 1)]
    for number, items in enumerate(pages, 1):
        pdf.setFont(FONT, 9)
        if head:
            pdf.drawString(left, PAGE[1] - 22, head.format(page=number))
        if foot:
            pdf.drawCentredString(PAGE[0] / 2, 15, foot.format(page=number))
        pdf.setFont(FONT, 10.5)
        y, index = PAGE[1] - 50, 0
        while index < len(items):
            item = items[index]
            if isinstance(item, str):
                pdf.drawString(left, y, item)
                y, index = y - leading, index + 1
                continue
            rows = []
            while index < len(items) and not isinstance(items[index], str):
                rows.append(items[index])
                index += 1
            top = y + 14
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    pdf.drawString(columns[c] + 4, top - row_height * (r + 1) + 6, cell)
            for r in range(len(rows) + 1):
                pdf.line(columns[0], top - row_height * r, columns[-1], top - row_height * r)
            for x in columns:
                pdf.line(x, top, x, top - row_height * len(rows))
            y = top - row_height * len(rows) - leading
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _top_lines(data: bytes, count: int = 2) -> list[list[str]]:
    """The first lines of each page that sit in the top margin: what the furniture test looks at."""
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:
        return [[line["text"] for line in page.extract_text_lines()[:count] if line["bottom"] <= MARGIN * page.height]
                for page in pdf.pages]


# --- end to end ---------------------------------------------------------------------------------


def test_numbered_lines_at_page_tops_stay_and_the_running_head_and_page_numbers_go() -> None:
    pages = [[line, *BODY] for line in NUMBERED]
    data = pages_pdf(pages, head=HEAD, foot="- {page} -")
    tops = _top_lines(data)
    assert [page[1] for page in tops] == NUMBERED  # really at the page edge, under the running head
    assert tops[2][0] == "某某街道2023年绩效评价报告 第3页"
    text = read_bytes(data, "numbered.pdf").text
    assert text.splitlines() == [line for page in pages for line in page]


def test_a_continued_table_keeps_its_header_and_data_rows_with_offsets() -> None:
    pages: list[list[str | list[str]]] = [
        ["表1 项目支出情况", HEADER, ["项目1", "100", "90", "90%"], ["项目2", "80", "70", "87.5%"], *BODY],
        [HEADER, ["项目4", "50", "50", "100%"], ["项目5", "40", "30", "75%"], *BODY],
        [HEADER, ["项目6", "20", "10", "50%"], ["合计", "290", "250", "86.2%"], *BODY],
    ]
    data = pages_pdf(pages, foot="第{page}页 共3页")
    assert [page[:2] for page in _top_lines(data)[1:]] == [["项目 预算数 执行数 执行率", "项目4 50 50 100%"],
                                                           ["项目 预算数 执行数 执行率", "项目6 20 10 50%"]]
    doc = read_bytes(data, "table.pdf")
    lines = doc.text.splitlines()
    assert lines[:3] == ["表1 项目支出情况", "项目 预算数 执行数 执行率", "项目1 100 90 90%"]
    for row in ("项目4 50 50 100%", "项目6 20 10 50%", "合计 290 250 86.2%"):
        assert row in lines
    assert "共3页" not in doc.text  # the page numbers went
    assert len(doc.tables) == 3
    for table in doc.tables:
        assert [cell.text for cell in table.rows[0]] == HEADER
        for row in table.rows:
            for cell in row:
                assert cell.start is not None and cell.end is not None, (cell, table.rows)
                assert doc.text[cell.start : cell.end] == cell.text


# --- drop_page_furniture on lines built by hand ---------------------------------------------------


def _line(text: str, page: int, top: float, x0: float = 72, x1: float = 300, gap: float = 0.0) -> PdfLine:
    return PdfLine(text, x0, x1, top, top + 12, 12, page, max_gap=gap, page_height=800)


def _page(page: int, top: list[str], bottom: list[str] = ()) -> list[PdfLine]:
    """Lines at the page's top edge, a body line and lines at its bottom edge (margins: 96 points)."""
    lines = [_line(text, page, 30 + 20 * k) for k, text in enumerate(top)]
    lines.append(_line("正文继续", page, 400))
    lines += [_line(text, page, 740 + 20 * k) for k, text in enumerate(bottom)]
    return lines


def _kept(lines: list[PdfLine], tables: list[PdfGrid] = ()) -> list[str]:
    return [line.text for line in drop_page_furniture(lines, tables) if line.text != "正文继续"]


def test_running_heads_and_feet_varying_in_the_page_number_go() -> None:
    lines = [line for n in (1, 2, 3) for line in _page(n - 1, [f"某某街道2023年绩效评价报告  第{n}页"], [f"- {n} -"])]
    assert _kept(lines) == []
    lines = [line for n in (1, 2, 3, 4) for line in _page(n - 1, ["XX报告", f"第{n}页 共12页"], [f"XX报告 第{n}页"])]
    assert _kept(lines) == []


def test_numbered_lines_of_one_shape_stay() -> None:
    lines = [line for n, text in enumerate(NUMBERED) for line in _page(n, [text])]
    assert _kept(lines) == NUMBERED


def test_lines_whose_numbers_differ_in_more_than_one_place_stay() -> None:
    """No punctuation, no unit: only the numbers say these are not a running head."""
    rows = ["项目1 100 90", "项目4 50 50", "项目6 20 10"]
    lines = [line for n, row in enumerate(rows) for line in _page(n, [row], [f"- {n + 1} -"])]
    assert _kept(lines) == rows


def test_sentences_at_the_edges_stay_even_when_identical() -> None:
    tops = ["本页所列资金均已拨付到位。"]
    lines = [line for n in range(3) for line in _page(n, tops, ["以上情况属实；"])]
    assert _kept(lines) == (tops + ["以上情况属实；"]) * 3


def test_running_heads_with_colons_commas_amounts_or_set_left_and_right_go() -> None:
    """A head may hold a colon, a comma or an amount; left in, it would cut the paragraphs that run
    across pages and count its amount once a page. A head set at both sides of the page (a wide gap
    between its halves) is no table header when no table row follows it."""
    heads = ["评价机构：XX会计师事务所", "XX县农村危房改造补助资金（500万元）绩效评价报告"]
    lines = [line for n in range(4) for line in _page(n, heads, ["市第2人民医院", f"电话：0571-88886666  第{n + 1}页"])]
    assert _kept(lines) == []
    split = [line for n in range(4) for line in (_line("XX县财政局          2023年度项目绩效评价报告", n, 30, gap=120),
                                                 _line("本页正文从上一页接续而来", n, 300))]
    assert _kept(split) == ["本页正文从上一页接续而来"] * 4


def test_an_identical_running_title_goes_from_every_page() -> None:
    lines = [line for n in range(3) for line in _page(n, ["某某街道2023年绩效评价报告"], ["某某街道办事处"])]
    assert _kept(lines) == []


def test_an_unruled_repeated_table_header_keeps_its_first_occurrence() -> None:
    header = "项目          预算数          执行数"  # cells apart by wide gaps: a table row
    rows = ["项目1 100 90", "项目4 50 50", "项目6 20 10"]
    lines = [line for n, row in enumerate(rows) for line in (_line(header, n, 30, gap=40), _line(row, n, 50, gap=40))]
    assert _kept(lines) == [header, *rows]
    title = [_line("表1 项目支出情况", 0, 10)]  # the header row's first occurrence off the page's edge
    assert _kept(title + [_line(header, 0, 300, gap=40)] + lines) == ["表1 项目支出情况", header, *rows]


def test_a_header_row_inside_a_ruled_table_stays_on_every_page() -> None:
    header = "项目 预算数 执行数"
    lines = [line for n in range(3) for line in _page(n, [header])]
    grids = [PdfGrid(n, ((GridCell((Piece("项目", 72, 100, 30, 42),)), GridCell((Piece("预算数", 150, 200, 30, 42),))),
                         (GridCell((Piece("项目1", 72, 100, 50, 62),)), GridCell((Piece("100", 150, 200, 50, 62),)))))
             for n in range(3)]
    assert _kept(lines, grids) == [header] * 3
    assert _kept(lines) == []  # without the table it reads as a running title


def test_a_single_page_and_lines_off_the_edges_are_never_furniture() -> None:
    single = _page(0, ["某某报告 第1页"], ["- 1 -"])
    assert drop_page_furniture(single) == single
    middle = [_line("某某街道2023年绩效评价报告", n, 300) for n in range(3)]
    middle += [_line("- 1 -", n, 400) for n in range(3)]
    assert drop_page_furniture(middle) == middle
