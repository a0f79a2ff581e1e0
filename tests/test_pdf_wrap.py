"""PDF text reads like the document: lines the layout wrapped inside a paragraph are joined again.

The PDFs are built here with reportlab in narrow columns, so that the layout wraps lines anywhere,
numbers included (「54\\n934件」), the way real PDFs do. Each paragraph's first line is indented, as
Chinese documents set them. The quantities read from the PDF are compared with those of the same
text as ``.txt``.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest

from jixiao.ingest.pdf_lines import PdfLine, join_lines
from jixiao.ingest.reader import read_bytes, read_file
from jixiao.quantities.rules import RuleExtractor

ROOT = Path(__file__).resolve().parent.parent
REPORT_002 = ROOT / "corpus" / "raw" / "002_08510d5929f9f624.txt"
FONT = "STSong-Light"


def narrow_pdf(paragraphs: list[str], width: float = 150, size: float = 10.5, indent: int = 2,
               page: tuple[float, float] = (320, 1200), justify: bool = False,
               furniture: tuple[str | None, str | None] = (None, None)) -> bytes:
    """Paragraphs set in a column ``width`` points wide, wrapped at any character (numbers too),
    first lines indented by ``indent`` characters, a paragraph gap between paragraphs.
    ``furniture``: a running head and a running foot drawn in the margins of every page, with
    ``{page}`` and ``{pages}`` replaced by the page number and count."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=page)
    left, top, bottom, leading = 40.0, page[1] - 40.0, 40.0, size * 1.5
    y = top
    pages = _page_count(paragraphs, width, size, indent, top, bottom, leading) if any(furniture) else 0
    page_number = 1

    def draw_furniture() -> None:
        head, foot = furniture
        pdf.setFont(FONT, 9)
        if head:
            pdf.drawString(left, page[1] - 20, head.format(page=page_number, pages=pages))
        if foot:
            pdf.drawCentredString(page[0] / 2, 15, foot.format(page=page_number, pages=pages))

    if any(furniture):
        draw_furniture()
    for paragraph in paragraphs:
        for number, (x, line) in enumerate(_wrap(paragraph, left, left + width, size, indent)):
            if y < bottom:
                pdf.showPage()
                y = top
                page_number += 1
                if any(furniture):
                    draw_furniture()
            pdf.setFont(FONT, size)
            if justify and number < len(_wrap(paragraph, left, left + width, size, indent)) - 1 and len(line) > 1:
                natural = pdfmetrics.stringWidth(line, FONT, size)
                text = pdf.beginText(x, y)
                text.setFont(FONT, size)
                text.setCharSpace((left + width - x - natural) / (len(line) - 1))
                text.textOut(line)
                pdf.drawText(text)
            else:
                pdf.drawString(x, y, line)
            y -= leading
        y -= leading * 0.6  # paragraph gap
    pdf.save()
    return buffer.getvalue()


def _page_count(paragraphs: list[str], width: float, size: float, indent: int, top: float, bottom: float,
                leading: float) -> int:
    y, pages = top, 1
    for paragraph in paragraphs:
        for _ in _wrap(paragraph, 40.0, 40.0 + width, size, indent):
            if y < bottom:
                pages, y = pages + 1, top
            y -= leading
        y -= leading * 0.6
    return pages


def _wrap(paragraph: str, left: float, right: float, size: float, indent: int) -> list[tuple[float, str]]:
    from reportlab.pdfbase import pdfmetrics

    lines: list[tuple[float, str]] = []
    x0 = left + indent * size
    line, x = "", x0
    for ch in paragraph:
        width = pdfmetrics.stringWidth(ch, FONT, size)
        if line and x + width > right:
            lines.append((x0, line))
            line, x0, x = "", left, left
        line += ch
        x += width
    if line:
        lines.append((x0, line))
    return lines


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _values(text: str, labels: tuple[str, ...]) -> Counter[tuple[str, str, str | None]]:
    return Counter((s.label, str(s.value.normalize()) if s.value is not None else "", s.unit)
                   for s in RuleExtractor().extract(text) if s.label in labels)


@pytest.fixture(scope="module")
def report_002() -> tuple[str, str]:
    """The .txt text of report 002 and the text read from it as a narrow-column PDF."""
    txt = read_file(REPORT_002).text
    pdf = read_bytes(narrow_pdf(_paragraphs(txt)), "002.pdf").text
    return txt, pdf


def test_report_002_as_a_narrow_pdf_gives_every_value_of_the_txt(report_002: tuple[str, str]) -> None:
    txt, pdf = report_002
    labels = ("AMOUNT", "COUNT", "MEASURE")
    expected, found = _values(txt, labels), _values(pdf, labels)
    assert sum(expected.values()) > 100
    missing = expected - found
    invented = found - expected
    assert not missing and not invented, f"missing {sorted(missing.items())}; invented {sorted(invented.items())}"


@pytest.mark.parametrize("width", [150, 110])
@pytest.mark.parametrize("report", sorted((ROOT / "corpus" / "raw").glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_report_as_a_narrow_pdf_gives_the_quantities_of_its_txt(report: Path, width: int) -> None:
    """The same check on each of the five reports, at two column widths (the lines wrap at other
    places), rates included."""
    txt = read_file(report).text
    pdf = read_bytes(narrow_pdf(_paragraphs(txt), width=width), report.with_suffix(".pdf").name).text
    labels = ("AMOUNT", "RATE", "COUNT", "MEASURE")
    expected, found = _values(txt, labels), _values(pdf, labels)
    assert sum(expected.values()) > 40
    assert expected == found, f"missing {sorted((expected - found).items())}; invented {sorted((found - expected).items())}"


def _breaks(lines: list[str]) -> set[int]:
    """Offsets, in the text without line breaks, where a line ends."""
    ends, position = set(), 0
    for line in lines[:-1]:
        position += len(line)
        ends.add(position)
    return ends


def test_report_002_as_a_narrow_pdf_reads_like_the_document(report_002: tuple[str, str]) -> None:
    """The PDF gives the characters of the .txt, a line break at every paragraph end, and no other
    line break except after a mark that ends a sentence anyway (a wrapped line ending in 。 or ；
    may keep its break: the sentences are the same)."""
    txt, pdf = report_002
    # reportlab's STSong-Light encoding has no code for U+00B7 (·): the PDF never contains it
    paragraphs, lines = _paragraphs(txt.replace("·", "")), pdf.splitlines()
    flat = "".join(paragraphs)
    assert "".join(lines) == flat
    assert _breaks(paragraphs) <= _breaks(lines)
    extra = _breaks(lines) - _breaks(paragraphs)
    assert all(flat[at - 1] in "。！？；：" for at in extra), [flat[at - 10 : at + 5] for at in extra]
    assert len(extra) < len(lines) // 10
    assert len(_values(pdf, ("RATE",))) > 0 and _values(pdf, ("RATE",)) == _values(txt, ("RATE",))


def test_the_layout_really_wraps_inside_numbers() -> None:
    """Without joining, the narrow PDF cuts numbers: the test above would be vacuous otherwise."""
    import pdfplumber

    data = narrow_pdf(["共清运垃圾54934件，新建绿地3000余平方米，资金4414.344467万元。"], width=60)
    with pdfplumber.open(BytesIO(data)) as pdf:
        raw = "\n".join(page.extract_text() for page in pdf.pages)
    assert any(a[-1:].isdigit() and b[:1].isdigit() for a, b in zip(raw.splitlines(), raw.splitlines()[1:])), raw
    text = read_bytes(data, "wrap.pdf").text
    assert text == "共清运垃圾54934件，新建绿地3000余平方米，资金4414.344467万元。"
    assert [str(s.value.normalize()) for s in RuleExtractor().extract(text)] == ["54934", "3E+3", "44143444.67"]


@pytest.mark.parametrize("width", [80, 113, 150, 241])
@pytest.mark.parametrize("justify", [False, True])
def test_paragraphs_survive_any_column_width(width: int, justify: bool) -> None:
    paragraphs = [
        "（一）项目概况",
        "2020年街道指挥部工作经费预算487万，其中基层党建办公室经费49万元，党政综合办公室经费185.03万元。",
        "全年组织培训12期，累计培训1,260人次，覆盖社区工作者3684户，清理河道垃圾125吨，巡河里程596.727公里。",
        "满意度≥95%；执行率为98.16%，较上年下降2.5个百分点",
        "二、绩效目标",
    ]
    text = read_bytes(narrow_pdf(paragraphs, width=width, justify=justify), "p.pdf").text
    assert text.splitlines() == paragraphs


def test_a_wrapped_line_continues_across_a_page_break() -> None:
    paragraph = "本年度共完成老旧小区综合整治改造面积48200平方米，惠及居民3715户，投入资金4414.344467万元。"
    data = narrow_pdf([paragraph], width=100, page=(200, 150))
    assert read_bytes(data, "pages.pdf").text == paragraph


def _line(text: str, x0: float, x1: float, top: float, page: int = 0, size: float = 12, gap: float = 0) -> PdfLine:
    return PdfLine(text, x0, x1, top, top + size, size, page, gap)


def test_geometry_decides_where_lines_join() -> None:
    # left margin 72, right edge 300: full lines continue, indented or short ones start anew
    lines = [
        _line("一、基本情况", 96, 170, 100),
        _line("2020年街道指挥部工作经费预算48", 96, 299, 120),  # full, indented first line
        _line("7万元，主要用于以下方面：基层党建办", 72, 300, 136),  # full: continues
        _line("公室经费49万元。", 72, 160, 152),  # short: ends the paragraph
        _line("全年培训12期，累计培训1260人次，", 96, 300, 168),  # full but ends a clause only
        _line("覆盖居民3684户；另有其他支出。这", 72, 300, 184),
        _line("一项目完成。", 72, 130, 200),
        _line("合计    1200    3400    5600   78", 72, 300, 216, gap=30),  # a table row: wide gaps
        _line("00    1000", 72, 150, 232),
        _line("the report and the", 72, 300, 248),
        _line("data", 72, 110, 264),
    ]
    assert join_lines(lines).splitlines() == [
        "一、基本情况",
        "2020年街道指挥部工作经费预算487万元，主要用于以下方面：基层党建办公室经费49万元。",
        "全年培训12期，累计培训1260人次，覆盖居民3684户；另有其他支出。这一项目完成。",
        "合计    1200    3400    5600   78",
        "00    1000",
        "the report and the data",
    ]


def test_sentence_ends_paragraph_gaps_and_new_pages() -> None:
    full = "经费主要用于以下方面。"
    assert join_lines([_line(full, 72, 300, 100), _line("下一段", 72, 140, 116)]) == full + "\n下一段"
    gap = [_line("经费主要用于以下方面", 72, 300, 100), _line("下一段", 72, 140, 130)]
    assert join_lines(gap) == "经费主要用于以下方面\n下一段"
    pages = [_line("经费主要用于以", 72, 300, 700, page=0), _line("下方面", 72, 140, 72, page=1)]
    assert join_lines(pages) == "经费主要用于以下方面"
    skipped = [_line("经费主要用于以", 72, 300, 700, page=0), _line("下方面", 72, 140, 72, page=2)]
    assert join_lines(skipped) == "经费主要用于以\n下方面"
    assert join_lines([_line("经费主要用于以下方面：", 72, 300, 100), _line("1、党建", 72, 140, 116)]) == "经费主要用于以下方面：\n1、党建"
    assert join_lines([_line("（一）项目概况”", 72, 300, 100)]) == "（一）项目概况”"
    assert join_lines([]) == ""


@pytest.mark.parametrize("head, foot", [
    ("北京市朝阳区劲松街道办事处 2021年部门整体支出绩效评价报告", "- {page} -"),
    (None, "第{page}页 共{pages}页"),
    ("绩效评价报告", "{page}"),
    (None, "— {page} / {pages} —"),
])
def test_running_heads_and_page_numbers_are_left_out(report_002: tuple[str, str], head: str | None,
                                                     foot: str) -> None:
    """Report 002 on many small pages with a running head and page numbers in the margins reads
    exactly as without them: no page number becomes a count, no paragraph is cut at a page end."""
    txt, plain = report_002
    data = narrow_pdf(_paragraphs(txt), page=(320, 600), furniture=(head, foot))
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:  # the furniture is really there, on many pages
        assert len(pdf.pages) > 5
        last = pdf.pages[-1].extract_text()
    assert foot.format(page=len(pdf.pages), pages=len(pdf.pages)) in last
    text = read_bytes(data, "002.pdf").text
    assert text == plain
    assert _values(text, ("COUNT", "AMOUNT", "MEASURE")) == _values(txt, ("COUNT", "AMOUNT", "MEASURE"))


def test_a_title_on_the_first_page_only_is_kept() -> None:
    """Only what repeats, or reads as a page number, is furniture: a one-off line in the top margin
    of the first page stays, and a one-page document keeps all its lines."""
    from jixiao.ingest.pdf_furniture import drop_page_furniture

    lines = [
        PdfLine("劲松街道2021年绩效评价报告", 72, 300, 20, 32, 12, 0, page_height=800),
        PdfLine("一、基本情况", 72, 200, 100, 112, 12, 0, page_height=800),
        PdfLine("本年度预算资金100万元。", 72, 300, 130, 142, 12, 0, page_height=800),
        PdfLine("- 1 -", 180, 200, 770, 782, 12, 0, page_height=800),
        PdfLine("二、绩效目标", 72, 200, 100, 112, 12, 1, page_height=800),
        PdfLine("3个项目已完成。", 72, 300, 760, 772, 12, 1, page_height=800),
        PdfLine("- 2 -", 180, 200, 770, 782, 12, 1, page_height=800),
    ]
    kept = [line.text for line in drop_page_furniture(lines)]
    assert kept == ["劲松街道2021年绩效评价报告", "一、基本情况", "本年度预算资金100万元。", "二、绩效目标", "3个项目已完成。"]
    assert drop_page_furniture(lines[:4]) == lines[:4]
