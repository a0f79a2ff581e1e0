"""Hard-wrapped text files read like the document: a line break that a fixed line width made is
removed, so that numbers cut by it are whole again (「54\\n934件」) and sentences are not split.

Report 002 is wrapped here the ways such files come: at a number of characters, at a number of
display columns (a Chinese character two columns, as pdftotext and fixed-width editors count),
behind a left margin of spaces, with paragraphs set apart by blank lines or by an indented first
line. The quantities read from each wrapped file must be those of the report as written.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.ingest.clean import clean
from jixiao.ingest.reader import read_bytes, read_file
from jixiao.ingest.text_wraps import join_wrapped_lines
from jixiao.quantities.rules import RuleExtractor

ROOT = Path(__file__).resolve().parent.parent
REPORT_002 = ROOT / "corpus" / "raw" / "002_08510d5929f9f624.txt"
REPORT_000 = ROOT / "corpus" / "raw" / "000_d6a03cfb2cfdfbfd.txt"  # with tables (rows of tabs)
RAW = sorted((ROOT / "corpus" / "raw").glob("*.txt"))


def _columns(text: str) -> int:
    return len(text.encode("gbk", "replace"))


def wrap(paragraph: str, width: int, columns: bool) -> list[str]:
    """``paragraph`` cut into lines of ``width`` characters (or display columns), anywhere."""
    lines, line = [], ""
    for ch in paragraph:
        if (_columns(line + ch) if columns else len(line + ch)) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def wrapped_report(width: int, columns: bool = False, margin: str = "", indent: str = "",
                   source: str | None = None) -> str:
    """Report 002 (or the text ``source``) with every prose paragraph wrapped (table rows, which
    hold tabs, stay whole)."""
    out = []
    source = REPORT_002.read_text(encoding="utf-8") if source is None else source
    for paragraph in source.split("\n"):
        if "\t" in paragraph or not paragraph.strip():
            out.append(paragraph)
            continue
        lines = wrap(indent + paragraph, width, columns)
        out += [margin + line for line in lines]
    text = "\n".join(out)
    return text.replace("\n\n", "\n") if indent else text  # indented first lines: no blank lines


def _lines_of_text(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def values(text: str, labels: tuple[str, ...] = ("AMOUNT", "COUNT", "MEASURE", "RATE")) -> Counter:
    return Counter((s.label, s.value, s.unit) for s in RuleExtractor().extract(text) if s.label in labels)


@pytest.mark.parametrize(("width", "columns", "margin", "indent"), [
    (22, False, "", ""), (25, False, "", ""), (37, False, "", ""),
    (40, True, "", ""), (64, True, "    ", ""), (30, False, "", "\u3000\u3000"), (72, True, "  ", "\u3000\u3000"),
], ids=["22 chars", "25 chars", "37 chars", "40 columns", "64 columns, margin", "30 chars, indented",
        "72 columns, margin, indented"])
def test_a_hard_wrapped_report_gives_the_quantities_of_the_report(width, columns, margin, indent):
    text = wrapped_report(width, columns, margin, indent)
    original = REPORT_002.read_text(encoding="utf-8")
    assert _lines_of_text(text) > _lines_of_text(original) + 100  # really wrapped
    expected = values(read_file(REPORT_002).text)
    got = values(read_bytes(text.encode("utf-8"), "wrapped.txt").text)
    assert got == expected, (expected - got, got - expected)


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.stem[:3])
def test_every_report_wrapped_gives_its_quantities_whatever_its_tables(path):
    """Reports 000 and 001 hold more lines of tab-separated cells than lines of prose: those
    lines are never joined, and they do not hide that the prose around them is wrapped."""
    original = read_file(path).text  # (cleaned: a Word bookmark inside a line would change its width)
    text = wrapped_report(31, source=original)
    assert _lines_of_text(text) > _lines_of_text(original) + 100
    read = read_bytes(text.encode("utf-8"), "wrapped.txt")
    assert read.meta.get("joined_line_breaks", 0) > 100
    assert values(read.text) == values(original)


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.stem[:3])
def test_a_file_of_one_paragraph_per_line_is_left_as_it_is(path):
    document = read_file(path)
    assert document.text == clean(path.read_text(encoding="utf-8")).text
    assert "joined_line_breaks" not in document.meta


def test_hand_written_cases():
    paragraphs = ["全年共受理群众投诉54934件，办结率98.5%，已办结3000余件，总投资4414.34万元，完成道路硬化12.5公里。",
                  "二、存在的问题",
                  "部分项目预算调整频繁，调整比例达到35%，资金拨付不及时，影响项目进度，资金结余较多。",
                  "县级PPP项目入库12个，总投资3.5亿元，其中PPP项目合同文本未公开，社会资本方的绩效考核未开展。"]
    wrapped = "\n".join(line for p in paragraphs for line in wrap(p, 21, columns=False))
    assert "98\n.5%" in wrapped and "4414\n.34万元" in wrapped  # numbers cut by the wrap
    joined = join_wrapped_lines(wrapped)
    assert joined.text.split("\n") == paragraphs and joined.joins == wrapped.count("\n") - 3
    document = read_bytes(wrapped.encode("utf-8"), "wrapped.txt")
    assert document.text == "\n".join(paragraphs) and document.meta["joined_line_breaks"] == joined.joins
    latin = "根据预算法的规定，对二〇二三年度的社会资本合作项目开展评价，评价采用Data Envelopment Analysis方法，" \
            "共抽查项目五十四件，资金总额达到三亿元，涉及十个乡镇的二十个村。" * 3
    wrapped = "\n".join(line.rstrip() for line in wrap(latin, 45, columns=True))  # no trailing spaces, as pdftotext
    assert "Data\nEnvelopment" in wrapped
    joined = join_wrapped_lines(wrapped).text
    assert "\n" not in joined and joined.count("Data Envelopment") == 3  # a space again between two Latin words


def _records(make) -> str:
    return "\n".join(make(i) for i in range(1, 15))


@pytest.mark.parametrize("text", [
    _records(lambda i: f"{i},项目{i:02d},{6200 + 37 * i},{1501 + 11 * i}"),  # CSV
    _records(lambda i: f"东城区,{2008 + i},237,682,967,921"),  # CSV of numbers that look like thousands groups
    _records(lambda i: f"{i:02d},东城区老旧小区改造（一期）,{1000 + i}.5万元,3{i:02d}"),  # CSV with brackets
    _records(lambda i: f"{2009 + i}年  {7448 - 91 * i}  {762 - 13 * i}"),  # rows apart by spaces
    _records(lambda i: f"{i}.1 项目概况与绩效目标说明............{3 * i + 1}"),  # a table of contents
    _records(lambda i: f"{i}、第{i}批道路硬化工程，预算资金{30 + 7 * i}万元，完成投资"),  # a numbered list
    _records(lambda i: f"（{i}）项目{i}完成投资{11 * i}万元，带动就业{i}人，新建道路"),  # a bracket-numbered list
    _records(lambda i: "12.5万元"),  # a column of amounts
    _records(lambda i: f"{i}   张德明  一组  {857 - i}元"),  # a 公示 list
    _records(lambda i: "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"),  # verse: lines of one width
    "\n".join("甲" * n for n in (12, 40, 7, 33, 25, 18, 60, 9, 14, 51)),  # prose of every length
    "\n".join(["项目\t预算\t执行"] + [f"第{i}项\t{i}0\t{i}5" for i in range(1, 12)]),  # a table
    "预算调整频繁，调整比\n例达到35%。",  # too few lines to judge
], ids=["csv", "csv of number groups", "csv with brackets", "space rows", "contents", "numbered list", "bracketed list", "column", "gongshi", "verse",
        "ragged prose", "tab table", "two lines"])
def test_files_that_are_not_wrapped_are_left_as_they_are(text):
    assert join_wrapped_lines(text) == (text, 0, ())


def test_the_line_breaks_of_a_text_file_can_be_kept_as_they_are(tmp_path):
    """``--keep-line-breaks`` (``join_lines=False``): a user whose line breaks carry meaning gets
    the file's lines as written, and the default run joins them."""
    import json

    from typer.testing import CliRunner

    from jixiao.cli.main import app

    text = wrapped_report(25)
    path = tmp_path / "wrapped.txt"
    path.write_text(text, encoding="utf-8")
    kept = read_file(path, join_lines=False)
    assert kept.text == clean(text).text and "joined_line_breaks" not in kept.meta
    assert read_file(path).meta["joined_line_breaks"] > 100
    for extra, joined in (([], True), (["--keep-line-breaks"], False)):
        out = tmp_path / f"out{len(extra)}.jsonl"
        result = CliRunner().invoke(app, ["tag", str(path), "-o", str(out), "--quiet", *extra])
        assert result.exit_code == 0, result.output
        record = json.loads(out.read_text("utf-8"))
        assert ("joined_line_breaks" in record["meta"]) is joined
        assert (record["text"] == kept.text) is not joined


def _prose_paragraphs() -> list[str]:
    """Every prose paragraph of the five reports (no table rows, no runs of spaces), indented."""
    return ["\u3000\u3000" + line.strip() for path in RAW for line in path.read_text(encoding="utf-8").split("\n")
            if len(line.strip()) >= 60 and "\t" not in line and not re.search(r"\s{2,}", line.strip())]


@pytest.mark.parametrize("width", [20, 25, 30, 38, 45])
def test_prose_with_half_width_thousands_separators_is_joined_and_keeps_every_value(width):
    """Report prose is full of half-width thousands separators (27,678.62万元, 2,223.30万元): two of
    them on a line once made it look like a CSV record, and a wrap inside such a number was kept,
    so 「项目支出2\\n7,678.62万元」 read as 7,678.62万元. Wrapped at any width, no break between
    digits is left and the quantities are those of the paragraphs as written."""
    paragraphs = _prose_paragraphs()
    wrapped = "\n".join(p[i:i + width] for p in paragraphs for i in range(0, len(p), width))
    assert sum(bool(re.search(r"[0-9],[0-9]{3}", line)) for line in wrapped.split("\n")) > 20
    joined = join_wrapped_lines(wrapped)
    assert joined.joins > 0.95 * (wrapped.count("\n") - len(paragraphs) + 1)
    assert not re.search(r"[0-9０-９,.]\n[0-9０-９,.]", joined.text)
    assert values(joined.text) == values("\n".join(paragraphs))


def test_a_wrap_inside_a_number_or_a_bracket_is_joined_whatever_the_next_line_looks_like():
    """A line ending in a digit goes on in a line starting with one (1\\n2、 is 12、, not list item 2),
    and a line that leaves a bracket open goes on in the next, even where that looks like an item."""
    filler = "街道按照年度工作计划统筹推进各项重点任务并加强日常监督管理"

    def line(head: str, tail: str, width: int = 30) -> str:
        return head + filler[: width - len(head) - len(tail)] + tail

    lines = [line("　　完成老旧小区综合整治，", "农光里二区9、10、11、1"),
             line("2、甲12号楼外墙保温改造，", "资金合计2,345.67"),
             line("万元；", "其他资本性支出888.29万元；（"),
             line("3）对个人和家庭补助支出，", "改造项目为（劲松二区"),
             line("227、228楼）改造，", "投入1,200.50万元，惠及居"),
             line("民3,684户，满意度98.16%，", "提高2.5个百分点，"),
             line("已全部完成验收并交付使用，", "运行情况良好，"),
             line("街道组织居民代表开展满意度调查，", "意见均已反馈，"),
             line("对发现的问题建立台账逐项整改，", "后续管护由街道负"),
             line("责，", "经费纳入年度部门预算统筹安排"),
             "确保设施长期发挥效益。"]
    assert {len(x) for x in lines[:-1]} == {30}
    joined = join_wrapped_lines("\n".join(lines))
    assert joined[:2] == ("".join(lines), len(lines) - 1)
    with_margin = join_wrapped_lines("\n".join("  " + line for line in lines))  # pdftotext's left margin
    assert with_margin[:2] == ("  " + "".join(lines), len(lines) - 1)
    assert values(joined.text) == Counter({("AMOUNT", Decimal("23456700"), "元"): 1, ("AMOUNT", Decimal("8882900"), "元"): 1,
                                           ("AMOUNT", Decimal("12005000"), "元"): 1, ("COUNT", Decimal("3684"), "户"): 1,
                                           ("RATE", Decimal("98.16"), "%"): 1, ("RATE", Decimal("2.5"), "个百分点"): 1})


def test_prose_copied_from_the_web_with_half_width_commas_is_joined_when_wrapped():
    """Half-width commas in full lines are prose, not comma-separated records: a wrapped file of
    web text is joined as the same text with full-width commas is (the records above, whose lines
    all hold the same number of commas or end short of the column, stay as they are)."""
    paragraph = ("2023年项目总投资4414.344467万元,其中市级补助资金2,650.5万元,区级配套1,763.84万元,"
                 "完成老旧小区改造36个,惠及居民3,684户,新建排水管道约5700米,加装电梯18部,增设停车位326个,"
                 "项目完成率100%,群众满意度96.5%。") * 4
    for width in (16, 28, 44):
        wrapped = "\n".join(paragraph[i : i + width] for i in range(0, len(paragraph), width))
        joined = join_wrapped_lines(wrapped)
        # (a line that happens to end a sentence keeps its break, in this file as in any other)
        assert joined.text.replace("。\n", "。") == paragraph and joined.joins >= wrapped.count("\n") - 4, width


def test_a_unit_cut_by_the_wrap_is_joined_without_a_space():
    """Letters after a number are a unit (1.8mg/L, 12.5km): no space goes between its halves, as
    one goes between two Latin words."""
    from jixiao.ingest.pdf_lines import join_space

    assert join_space("浓度为1.8m", "g/L，") == "" and join_space("长12.5k", "m") == ""
    assert join_space("采用Data", "Envelopment") == " "


def test_paragraphs_that_open_with_their_number_are_joined_when_wrapped():
    """A report copied from a PDF where each part opens with 一、 on its first line: those lines are
    as wide as the column, so they are paragraphs, not a list, and the file is joined."""
    parts = ["一、项目基本情况。本项目年度预算资金为1,234,567.89元，实际支出1,200,000.00元，预算执行率97.2%。",
             "二、绩效目标完成情况。全年共完成道路硬化12.5公里，新建桥梁3座，改造危房1,256户，群众满意度95%。",
             "三、存在问题。部分项目资料收集不完整，合同管理不规范，绩效目标设置不够明确，预算执行进度偏慢。",
             "四、有关建议。加强预算编制管理，提高预算编制的科学性和准确性，对于金额在500万元以上的项目开展评估。"] * 3
    width = 36
    wrapped = "\n".join(line for part in parts for line in (part[i : i + width] for i in range(0, len(part), width)))
    joined = join_wrapped_lines(wrapped)
    assert joined.text.split("\n") == parts


@pytest.mark.parametrize(("width", "columns", "margin"), [(25, False, ""), (64, True, "    ")], ids=["25 chars", "64 columns, margin"])
def test_every_character_the_join_keeps_is_found_where_the_index_map_puts_it(width, columns, margin):
    """Offsets found before the join (a Word table's cells) are mapped into the joined text."""
    text = wrapped_report(width, columns, margin)
    unwrapped = join_wrapped_lines(text)
    assert unwrapped.joins > 100 and len(unwrapped.edits) == unwrapped.joins
    removed = {i for start, end, _ in unwrapped.edits for i in range(start, end)}
    joined = unwrapped.index_map()
    assert all(unwrapped.text[joined(i)] == ch for i, ch in enumerate(text) if i not in removed)
    # an index inside a removed stretch lands on the join: where the next line's text begins
    start, end, length = unwrapped.edits[0]
    assert joined(start + 1) == joined(start) == start and unwrapped.text[joined(end)] == text[end]


def _report_as_docx(lines_of, manual_breaks: bool = False) -> bytes:
    """Report 000 as a Word document: its tab rows as Word tables, each prose paragraph as the
    paragraphs (or, with ``manual_breaks``, the manual line breaks of one paragraph) ``lines_of`` makes."""
    import io

    import docx

    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(map(len, rows)))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            rows.clear()

    for paragraph in clean(REPORT_000.read_text(encoding="utf-8")).text.split("\n"):  # (without Word's bookmarks)
        if "\t" in paragraph:
            rows.append(paragraph.split("\t"))
            continue
        flush()
        if not paragraph.strip():
            continue
        lines = lines_of(paragraph)
        if manual_breaks:
            run = document.add_paragraph().add_run()
            for k, line in enumerate(lines):
                if k:
                    run.add_break()
                run.add_text(line)
        else:
            for line in lines:
                document.add_paragraph(line)
    flush()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("manual_breaks", [False, True], ids=["paragraph per line", "manual line breaks"])
def test_a_word_document_with_the_lines_of_a_pdf_reads_as_the_document(manual_breaks):
    """A .docx made from a PDF has a paragraph (or a manual line break) per line of the PDF: its
    lines are joined back as a hard-wrapped text file's, and its tables stay where they are."""
    plain = read_bytes(_report_as_docx(lambda p: [p]), "plain.docx")
    assert "joined_line_breaks" not in plain.meta  # a paragraph per paragraph: left as it is
    wrapped = read_bytes(_report_as_docx(lambda p: wrap(p, 26, False), manual_breaks), "wrapped.docx")
    assert wrapped.meta["joined_line_breaks"] > 100
    # (a line the wrap ended on a sentence's 。 or ； stays a line, and a space the wrap fell on goes
    # with the join: the sentences and values are the same)
    assert re.sub(r"\s", "", wrapped.text) == re.sub(r"\s", "", plain.text)
    assert _cells(wrapped) == _cells(plain) and len(plain.tables) > 3
    assert all(wrapped.text[c.start:c.end] == c.text for t in wrapped.tables for row in t.rows for c in row
               if c.start is not None)
    assert values(wrapped.text) == values(plain.text)
    kept = read_bytes(_report_as_docx(lambda p: wrap(p, 26, False), manual_breaks), "kept.docx", join_lines=False)
    assert "joined_line_breaks" not in kept.meta and kept.text.count("\n") > wrapped.text.count("\n") + 100


def _cells(document) -> list[list[list[str]]]:
    return [[[c.text for c in row] for row in t.rows] for t in document.tables]
