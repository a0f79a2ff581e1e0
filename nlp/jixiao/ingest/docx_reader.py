"""Word .docx: paragraphs and tables in document order, as the text Word displays.

Tables are kept as rows and cells and rendered into the text one row per line, cells joined by
tabs — the shape Word's own text export gives, so that a table reads the same from a .docx and
from a .txt export: a cell merged across columns appears once (Word stores it once, with a grid
span), and a cell merged down several rows appears in its first row and as an empty cell in the
rows below. The cells are read from the table's WordprocessingML (``w:tr``/``w:tc``/``w:vMerge``)
rather than from python-docx's cell grid, which repeats a merged cell at every grid position it
covers. Captions, units and typed values are not read here: that is ``jixiao.tables.records``,
for every source alike, from the paragraphs just above the table.

The XML is walked here rather than through python-docx's ``Paragraph.text`` and body-level
blocks, which see only direct ``w:r``/``w:hyperlink`` children and body-level ``w:p``/``w:tbl``:
text inside tracked insertions, content controls (``w:sdt``, common in government templates),
smart tags, custom XML, simple and complex fields, and tables nested in cells would otherwise be
lost without an error. Deleted text (``w:del``/``w:delText``) and field codes (``w:instrText``,
anything between a field's ``begin`` and ``separate``) stay out, as in Word's display. Runs give
what python-docx's ``Run.text`` gives, so ordinary documents read exactly as before.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any, Iterator

from docx.oxml.ns import qn

from jixiao.document.model import Table, TableCell
from jixiao.ingest.docx_numbering import Numbering
from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted, TextBuilder

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
# Wrappers whose children are read as if they stood in the wrapper's place (the content of a
# content control is inside its ``w:sdtContent``; its ``w:sdtPr`` properties are not content).
_WRAPPERS = frozenset(qn(f"w:{tag}") for tag in ("sdt", "sdtContent", "customXml"))
# Inline wrappers: their runs are displayed. ``w:del``/``w:moveFrom`` (deleted text) are not here.
_INLINE_WRAPPERS = _WRAPPERS | frozenset(
    qn(f"w:{tag}") for tag in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "dir", "bdo"))
_FIELD_CHAR, _FIELD_TYPE = qn("w:fldChar"), qn("w:fldCharType")
# Run content as python-docx's ``Run.text`` renders it; anything else (w:delText, w:instrText,
# w:softHyphen, w:sym, drawings) adds nothing.
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_T, _BR, _BR_TYPE = qn("w:t"), qn("w:br"), qn("w:type")
_SDT, _SDT_PR, _SHOWING_PLACEHOLDER = qn("w:sdt"), qn("w:sdtPr"), qn("w:showingPlcHdr")
_TR_PR, _DEL, _R_PR, _VANISH, _VAL = qn("w:trPr"), qn("w:del"), qn("w:rPr"), qn("w:vanish"), qn("w:val")
_P_PR = qn("w:pPr")


def read_docx(data: bytes, path: str) -> Extracted:
    from docx import Document as open_docx

    try:
        document = open_docx(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(path, f"not a readable .docx (truncated or damaged: {exc})") from exc
    except Exception as exc:  # python-docx raises a variety of lxml/opc errors on damaged files
        if not _has_document_part(data):
            raise IngestError(path, "not a readable .docx (a ZIP archive without a Word document part)") from exc
        raise IngestError(path, f"not a readable .docx ({type(exc).__name__}: {exc})") from exc
    builder = TextBuilder()
    tables: list[Table] = []
    numbering = Numbering.of_docx(data)
    for block in _children(document.element.body, {_P, _TBL}):
        if block.tag == _P:
            text = _paragraph_text(block)
            if numbering is not None:  # an empty numbered paragraph takes its number too, as in Word
                label = numbering.label(block)
                text = label + text if text else text  # 一、 (二) 1. as Word displays them before the text
            if text or not _mark_deleted(block):  # a deleted empty paragraph leaves no line
                builder.add(text + "\n")
        else:
            tables.append(_render_table(block, builder))
    return Extracted(builder.text(), "docx", tables=tuple(tables))


def _has_document_part(data: bytes) -> bool:
    """Whether a ZIP holds a Word main document part (word/document.xml, or document2.xml as Word
    Online names it): the reason given when python-docx cannot open one that lacks it."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return any(re.fullmatch(r"word/document\d*\.xml", name) for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _children(element: Any, wanted: set[str]) -> Iterator[Any]:
    """The children of ``element`` with a tag in ``wanted``, looking through content controls and
    custom XML; a content control still showing its placeholder (「单击或点击此处输入文字。」) and a
    table row deleted with tracked changes hold nothing Word displays as content."""
    for child in element.iterchildren():
        if child.tag == _TR and _deleted_row(child):
            continue
        if child.tag in wanted:
            yield child
        elif child.tag in _WRAPPERS and not _placeholder(child):
            yield from _children(child, wanted)


def _placeholder(element: Any) -> bool:
    """A ``w:sdt`` whose properties say it shows its placeholder text, not content."""
    properties = element.find(_SDT_PR) if element.tag == _SDT else None
    return properties is not None and properties.find(_SHOWING_PLACEHOLDER) is not None


def _deleted_row(row: Any) -> bool:
    properties = row.find(_TR_PR)
    return properties is not None and properties.find(_DEL) is not None


def _mark_deleted(paragraph: Any) -> bool:
    """Whether the paragraph mark itself is a tracked deletion (``w:pPr/w:rPr/w:del``)."""
    properties = paragraph.find(_P_PR)
    marks = properties.find(_R_PR) if properties is not None else None
    return marks is not None and marks.find(_DEL) is not None


def _paragraph_text(paragraph: Any) -> str:
    """The text Word displays for a ``w:p`` element: python-docx's ``Paragraph.text`` plus the runs
    it does not see (inserted, in content controls, smart tags and field results), without field codes.

    Complex fields are tracked within the paragraph: a stack of open fields, each in its code
    (after ``begin``) or its result (after ``separate``); text counts only outside every code. A
    field whose result runs over several paragraphs (a table of contents) still reads, because the
    later paragraphs start with no open field; an unbalanced ``begin`` hides no more than the rest
    of its own paragraph.
    """
    fields: list[str] = []
    return "".join(_inline_text(paragraph, fields))


def _inline_text(element: Any, fields: list[str]) -> Iterator[str]:
    for child in element.iterchildren():
        if child.tag == _R:
            # a hidden run shows nothing, but a field mark in it still opens or closes its field
            yield from _run_text(child, fields, shown=not _hidden(child))
        elif child.tag in _INLINE_WRAPPERS and not _placeholder(child):
            yield from _inline_text(child, fields)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (``w:vanish``): not displayed, not read."""
    properties = run.find(_R_PR)
    if properties is None:
        return False
    vanish = properties.find(_VANISH)
    return vanish is not None and vanish.get(_VAL, "true") not in ("0", "false", "off")


def _run_text(run: Any, fields: list[str], shown: bool = True) -> Iterator[str]:
    for item in run.iterchildren():
        if item.tag == _FIELD_CHAR:
            kind = item.get(_FIELD_TYPE)
            if kind == "begin":
                fields.append("code")
            elif kind == "separate" and fields:
                fields[-1] = "result"
            elif kind == "end" and fields:
                fields.pop()
        elif "code" in fields or not shown:
            continue
        elif item.tag == _T:
            yield item.text or ""
        elif item.tag == _BR:
            yield "\n" if item.get(_BR_TYPE, "textWrapping") == "textWrapping" else ""
        else:
            yield _RUN_TEXT.get(item.tag, "")


def _render_table(table: Any, builder: TextBuilder) -> Table:
    """Render a ``w:tbl`` element into the text, one row a line, and keep its cells with their offsets."""
    start = builder.position
    rows: list[tuple[TableCell, ...]] = []
    for row in _children(table, {_TR}):
        cells: list[TableCell] = []
        for cell in _children(row, {_TC}):
            if cells:
                builder.add("\t")
            text = "" if _merged_from_above(cell) else _cell_text(cell)
            cell_start, cell_end = builder.add(text)
            cells.append(TableCell(text, cell_start, cell_end))
        builder.add("\n")
        rows.append(tuple(cells))
    return Table(rows=tuple(rows), start=start, end=builder.position)


def _merged_from_above(cell: Any) -> bool:
    """A ``w:vMerge`` without ``restart`` continues the cell above (its text is there)."""
    properties = cell.find(qn("w:tcPr"))
    merge = properties.find(qn("w:vMerge")) if properties is not None else None
    return merge is not None and merge.get(qn("w:val"), "continue") == "continue"


def _cell_text(cell: Any) -> str:
    """The cell's paragraphs, line breaks and tabs as spaces (a line break or a tab inside a cell
    would split the row or the cell when the text is read back).

    A table nested in the cell is read into the cell's text, its cells joined by spaces, so that
    the outer row stays one line.
    """
    parts = [_paragraph_text(block) if block.tag == _P else _nested_table_text(block)
             for block in _children(cell, {_P, _TBL})]
    return "\n".join(parts).replace("\n", " ").replace("\t", " ")


def _nested_table_text(table: Any) -> str:
    return " ".join(text for row in _children(table, {_TR}) for cell in _children(row, {_TC})
                    if not _merged_from_above(cell) and (text := _cell_text(cell)))
