"""Ingestion of every format, encodings, artifact cleaning and the bad-input cases."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from jixiao.document.sentences import split_offsets
from jixiao.linebreaks import LINE_BREAKS
from jixiao.ingest.clean import clean
from jixiao.ingest.decode import decode_text
from jixiao.ingest.errors import IngestError
from jixiao.ingest.reader import read_bytes, read_file, sniff_format
from pdf_fixtures import cid_pdf, image_only_pdf, text_pdf

REPORT_LINE = "年度资金安排4414.344467万元，实际支付4414.344467万元，执行率为100%。"


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("一、项目概况")
    document.add_paragraph(REPORT_LINE)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["项目", "预算（万元）", "执行率"], ["城市管理\n办公室", "405.81", "97.83%"], ["合计", "", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(2, 1).merge(table.cell(2, 2)).text = "405.81"
    document.add_paragraph("二、存在的问题")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_utf8_with_and_without_bom() -> None:
    plain = REPORT_LINE.encode("utf-8")
    assert read_bytes(plain, "a.txt").text == REPORT_LINE
    doc = read_bytes(b"\xef\xbb\xbf" + plain, "b.txt")
    assert doc.text == REPORT_LINE and doc.meta["encoding"] == "utf-8"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_by_bom(encoding: str) -> None:
    data = REPORT_LINE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert read_bytes(data, "u16.txt").text == REPORT_LINE


def test_gbk_and_gb18030_dense_report(report_paths: list[Path]) -> None:
    text = report_paths[1].read_text("utf-8")
    gbk = text.replace("≥", "").replace("㎡", "").encode("gbk", errors="ignore")
    doc = read_bytes(gbk, "gbk.txt")
    assert doc.meta["encoding"] == "gb18030"
    assert "月坛街道办事处" in doc.text and "绩效跟踪" in doc.text
    gb18030 = "劲松改造面积59600㎡，满意度≥95%。".encode("gb18030")
    assert read_bytes(gb18030, "gb.txt").text == "劲松改造面积59600㎡，满意度≥95%。"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_by_where_its_nul_bytes_stand(encoding: str) -> None:
    """Some Windows tools save UTF-16 without a byte-order mark: the NUL bytes of its ASCII
    characters tell the byte order; it is read, not refused as binary."""
    for text in ("项目资金100万元，执行率95%。\r\nAB\n", "一是开展一批最新培训。\n二是推进项目建设。\n",
                 "一、开展情况\n一是开展一次退费。\n"):  # the last two: more NULs of 一, 开, 最 than of ASCII
        assert decode_text(text.encode(encoding), "x.txt") == (text, encoding)


def test_big5_is_not_read_as_gb18030_mojibake(report_paths: list[Path]) -> None:
    """Big5 bytes are valid GB18030 too, read as kana and symbols; such a reading gives way to Big5.
    The reports in GBK still read as GB18030."""
    text = "預算執行率為95%，資金使用效益不高。項目管理制度不健全，績效目標設置不夠明確。\n"
    assert decode_text(text.encode("big5"), "b.txt") == (text, "big5")
    for path in report_paths:
        plain = read_file(path).text
        assert decode_text(plain.encode("gb18030"), "g.txt") == (plain, "gb18030")
    boxed = "附表1 项目资金明细 单位:万元\n┌──────┬─────┐\n│项目名称│金额│\n├──────┼─────┤\n│道路维修│120│\n└──────┴─────┘\n"
    assert decode_text(boxed.encode("gbk"), "box.txt") == (boxed, "gb18030")  # box drawing is GBK too


def test_decode_gives_up_clearly_on_binary() -> None:
    with pytest.raises(IngestError, match="binary"):
        decode_text(bytes(range(256)) * 8, "x.txt")


def test_cleaning_removes_bookmarks_and_keeps_source_offsets() -> None:
    source = "[bookmark: _Toc36719771][bookmark: _GoBack]劲松街道\r\n预算\x07100万元"
    cleaned = clean(source)
    assert cleaned.text == "劲松街道\n预算100万元"
    start = cleaned.text.index("100万元")
    assert source[cleaned.source_offset(start) : cleaned.source_offset(start) + 5] == "100万元"
    assert all(source[cleaned.source_offset(i)] == ch for i, ch in enumerate(cleaned.text))


def test_every_kind_of_line_break_in_a_file_becomes_a_line_break() -> None:
    """A lone CR, the web's line and paragraph separators, NEL, Word's manual line break (\\v) and a
    form feed between two lines' text end a line as \\n does (before, \\v and the form feed were
    deleted and fused a heading with its first item). A form feed beside a line break (pdftotext's
    page end) and a \\v inside a table row (a manual line break in a cell) are deleted, so that the
    page's paragraph joins as any wrapped line and the row stays whole."""
    source = ("二、建议\x0b加强合同管理。\u2028三、其他\u2029说明。\r四、附件\x85第1页\x0c五、结论\n"
              "第一页末行\n\x0c第二页首行\n项目\t城市管理\x0b办公室\t10\n")
    cleaned = clean(source)
    assert cleaned.text == ("二、建议\n加强合同管理。\n三、其他\n说明。\n四、附件\n第1页\n五、结论\n"
                            "第一页末行\n第二页首行\n项目\t城市管理办公室\t10\n")
    for i, ch in enumerate(cleaned.text):
        kept = source[cleaned.source_offset(i)]
        assert kept == ch or ch == "\n" and kept in LINE_BREAKS, (i, ch, kept)


def test_cleaned_offsets_map_both_ways_as_a_per_character_map_would() -> None:
    """The piecewise map answers exactly what a map of every kept character would: source index
    of each cleaned index, and the first cleaned index at or after each source index."""
    from bisect import bisect_left

    source = "\ufeff[bookmark: a]表1\r\n项目\x07\x07金额\u200b\r\r合计[bookmark: b]"
    cleaned = clean(source)
    per_character = [i for i, ch in enumerate(source) if ch not in "\ufeff\x07\u200b"]
    per_character = [i for i in per_character if not (source[i] == "\r" and source[i + 1 : i + 2] == "\n")]
    per_character = [i for i in per_character if not any(s <= i < e for s, e in ((1, 14), (len(source) - 13, len(source))))]
    assert len(per_character) == len(cleaned.text)
    assert [cleaned.source_offset(i) for i in range(len(cleaned.text))] == per_character
    assert cleaned.source_offset(len(cleaned.text)) == per_character[-1] + 1
    assert [cleaned.cleaned_index(i) for i in range(len(source) + 2)] == [
        bisect_left(per_character, i) for i in range(len(source) + 2)]


def test_invisible_format_characters_inside_numbers_are_removed(tmp_path: Path) -> None:
    """Zero-width and soft-hyphen characters from web pages and Word split no number: the file reads
    as it displays, and offsets still lead back to the source."""
    source = "执行率9\u200c0%，资金2\xad00万元，合计1\u200d2\u2060个。"
    cleaned = clean(source)
    assert cleaned.text == "执行率90%，资金200万元，合计12个。"
    path = tmp_path / "r.txt"
    path.write_text(source, encoding="utf-8")
    import jixiao

    doc = jixiao.load().tag_file(path)
    assert [(doc.text[s.start : s.end], str(s.value)) for s in doc.spans] == [("90%", "90"), ("200万元", "2000000"), ("12个", "12")]


def test_cleaning_does_not_normalise_width_or_units() -> None:
    assert clean("面积59600㎡，比例９８％").text == "面积59600㎡，比例９８％"


def test_real_report_is_cleaned_and_split(report_paths: list[Path]) -> None:
    doc = read_file(report_paths[0])
    assert "[bookmark" not in doc.text
    assert doc.meta["unit"] == "劲松街道办事处" and doc.meta["year"] == 2021
    assert doc.meta["sha256"] and doc.meta["format"] == "txt"
    line = "年度资金安排 4414.344467万元，实际支付 4414.344467万元，执行率为100%。"
    start, end = next((s, e) for s, e in split_offsets(doc.text) if doc.text[s:e].endswith(line))
    assert doc.text[start:end].startswith("2019年老旧小区")


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    path = tmp_path / "r.docx"
    path.write_bytes(docx_bytes())
    doc = read_file(path)
    assert doc.meta["format"] == "docx"
    assert doc.text.index("一、项目概况") < doc.text.index("项目\t预算（万元）\t执行率") < doc.text.index("二、存在的问题")
    table = doc.tables[0]
    assert [c.text for c in table.rows[1]] == ["城市管理 办公室", "405.81", "97.83%"]
    assert [c.text for c in table.rows[2]] == ["合计", "405.81"]  # merged cell appears once
    for row in table.rows:
        for cell in row:
            assert doc.text[cell.start : cell.end] == cell.text


def test_doc_extension_that_is_really_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(docx_bytes())
    assert "405.81" in read_file(path).text


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(text_pdf(["年度资金安排100万元。", "满意度≥95%"]))
    doc = read_file(path)
    assert doc.meta["format"] == "pdf"
    assert "年度资金安排100万元。" in doc.text and "满意度≥95%" in doc.text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "no text in the file (only white space)"),
        ("nul.txt", b"abc\x00\x01\x02def", "binary file"),
        ("fake.docx", b"\x89\x00\xff\xfe not a zip at all", "truncated or damaged .docx"),
        ("fake.pdf", b"\x00\x01hello", "truncated or damaged .pdf"),
        ("page.txt", b"<!DOCTYPE html>\n<html><body><p>\xe8\xb5\x84\xe9\x87\x91500\xe4\xb8\x87\xe5\x85\x83</p></body></html>",
         "an HTML page named .txt, not a report's text: save the page as text (.txt) first"),
        ("page.doc", b"\xef\xbb\xbf<!-- saved -->\n<html lang=zh><head><meta charset=gbk></head></html>",
         "an HTML page named .doc"),
        ("nodoc.docx", "zip-without-document", "a ZIP archive without a Word document part"),
        ("saved.doc", b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n", "a web archive (MHT) named .doc"),
        ("wordml.doc", b'<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<w:wordDocument/>',
         "a Word XML document (WordML) named .doc"),
        ("xhtml.doc", b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html></html>', "an HTML page named .doc"),
        ("short.docx", b"\x89\xff", "truncated or damaged .docx"),
        ("zip.docx", None, "not a Word document"),
        ("trunc.docx", "truncated-docx", "not a readable .docx"),
        ("scan.pdf", "image-pdf", "no text layer"),
        ("cid.pdf", "cid-pdf", "(cid:"),
        ("locked.pdf", "encrypted-pdf", "encrypted PDF"),
        ("trunc.pdf", "truncated-pdf", "not a readable PDF"),
        ("locked.docx", "encrypted-docx", "encrypted Word document"),
    ],
)
def test_bad_input_gives_one_clear_reason(name: str, data, reason: str) -> None:  # type: ignore[no-untyped-def]
    data = _bad_bytes(data)
    with pytest.raises(IngestError) as info:
        read_bytes(data, name)
    assert reason in info.value.reason
    assert "\n" not in str(info.value)


def _bad_bytes(kind):  # type: ignore[no-untyped-def]
    if isinstance(kind, bytes):
        return kind
    if kind == "zip-without-document":
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/styles.xml", "<styles/>")
        return buffer.getvalue()
    if kind is None:
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        return buffer.getvalue()
    full_docx, full_pdf = docx_bytes(), text_pdf(["年度资金安排100万元。"])
    return {
        "truncated-docx": full_docx[: len(full_docx) // 2],
        "image-pdf": image_only_pdf(),
        "cid-pdf": cid_pdf(),
        "encrypted-pdf": text_pdf(["secret"], encrypt="pw"),
        "truncated-pdf": full_pdf[: len(full_pdf) // 2],
        "encrypted-docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le"),
    }[kind]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(IngestError, match="folder"):
        read_file(tmp_path)


def test_legacy_doc_without_libreoffice_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(IngestError, match="LibreOffice"):
        read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old.doc")


def test_json_lines_and_web_pages_named_to_tag_are_refused_with_the_way_out(tmp_path: Path) -> None:
    """Tagged output or an HTML page handed to `jixiao tag` would be read as report text without
    error; they are refused by name, with the command that reads them."""
    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text('{"id": "a", "text": "资金100万元。"}\n', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><body>资金100万元</body></html>", encoding="utf-8")
    for path, hint in ((tagged, "`jixiao audit` and `jixiao show`"), (page, "save the page as text (.txt) first")):
        with pytest.raises(IngestError) as caught:
            read_file(path)
        assert caught.value.reason.startswith(f"a {path.suffix} file, not a supported format") and hint in caught.value.reason


def test_sniffing_prefers_magic_bytes_to_extension() -> None:
    assert sniff_format(b"%PDF-1.4 ...", "report.txt") == "pdf"
    assert sniff_format("预算".encode(), "report.docx.txt") == "txt"


def test_other_office_formats_and_empty_files_are_named_as_such(tmp_path: Path) -> None:
    """A spreadsheet is not a damaged Word file, and an empty .docx is empty, not damaged."""
    sheet = tmp_path / "budget.xlsx"
    sheet.write_bytes(b"PK\x03\x04not really")
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    for path, reason in ((sheet, "a .xlsx file, not a supported format (.txt, .docx, .pdf, .doc)"), (empty, "empty file")):
        with pytest.raises(IngestError) as caught:
            read_file(path)
        assert caught.value.reason == reason


@pytest.mark.parametrize(("name", "encoding"), [("plain.doc", "gb18030"), ("plain.docx", "utf-8"),
                                                ("plain.pdf", "gb18030"), ("wide.doc", "utf-16")])
def test_text_given_a_word_or_pdf_name_is_read_as_text(name: str, encoding: str) -> None:
    """Web sites serve text as .doc; a text file is read as what it is, whatever its name."""
    doc = read_bytes("资金500万元，执行率90%。".encode(encoding), name)
    assert doc.meta["format"] == "txt" and doc.text == "资金500万元，执行率90%。"


def test_report_text_that_starts_with_a_bracket_is_no_web_page() -> None:
    doc = read_bytes("<100万元的项目共12个。".encode("utf-8"), "r.txt")
    assert doc.text == "<100万元的项目共12个。"
    mail = read_bytes("Date: 2024-05-01\nFrom: 县财政局\n资金500万元。".encode("utf-8"), "notice.txt")
    assert mail.text.endswith("资金500万元。")  # header-like lines of a text are no web archive


def test_a_docx_whose_main_part_has_another_name_is_read(tmp_path: Path) -> None:
    """Word Online names the main part word/document2.xml; the package's relationships find it."""
    import docx

    buffer = BytesIO()
    document = docx.Document()
    document.add_paragraph("资金500万元。")
    document.save(buffer)
    renamed = BytesIO()
    with zipfile.ZipFile(BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(renamed, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            name = "word/document2.xml" if info.filename == "word/document.xml" else info.filename
            if info.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"/word/document.xml", b"/word/document2.xml").replace(b"word/document.xml", b"word/document2.xml")
            target.writestr(name, data)
    assert read_bytes(renamed.getvalue(), "online.docx").text.startswith("资金500万元。")


def test_a_size_limit_below_one_mb_is_not_shown_as_zero(tmp_path: Path) -> None:
    from jixiao.ingest.limits import megabytes

    assert (megabytes(0.001), megabytes(0.82), megabytes(200.0), megabytes(5e-5)) == (
        "0.001 MB", "0.82 MB", "200 MB", "0.00005 MB")



def test_bytes_that_only_decode_as_gb18030_private_use_are_refused() -> None:
    """Arbitrary bytes from 0x81 up decode as GB18030, a sixth of them as private-use code points
    that no report holds: refused with the reason, while a real GBK report reads as before."""
    import random

    generator = random.Random(7)
    noise = bytes(generator.randint(0x81, 0xFE) for _ in range(4000))
    with pytest.raises(IngestError, match="private-use code points"):
        decode_text(noise, "noise.txt")
    report = (Path(__file__).resolve().parent.parent / "corpus" / "raw" / "000_d6a03cfb2cfdfbfd.txt").read_text("utf-8")
    assert decode_text(report.encode("gb18030"), "gbk.txt") == (report, "gb18030")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_or_pipe_is_read_no_further_than_the_character_limit() -> None:
    """A pipe or device has no size to check before reading (fstat says 0): /dev/zero, or a
    process substitution that never ends, was read until memory ran out."""
    from jixiao.ingest.limits import Limits

    for characters in (1000, 1):  # a limit below the 8 bytes read to tell the format
        with pytest.raises(IngestError, match="--max-chars"):
            read_file("/dev/zero", limits=Limits(characters=characters))
