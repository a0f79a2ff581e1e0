"""Word .docx: paragraphs and tables in document order.

Tables are kept as rows and cells and rendered into the text one row per line, cells joined by
tabs — the shape Word's own text export gives, so that a table reads the same from a .docx and
from a .txt export: a cell merged across columns appears once (Word stores it once, with a grid
span), and a cell merged down several rows appears in its first row and as an empty cell in the
rows below. The cells are read from the table's WordprocessingML (``w:tr``/``w:tc``/``w:vMerge``)
rather than from python-docx's cell grid, which repeats a merged cell at every grid position it
covers. Captions, units and typed values are not read here: that is ``jixiao.tables.records``,
for every source alike, from the paragraphs just above the table.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from jixiao.document.model import Table, TableCell
from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted, TextBuilder


def read_docx(data: bytes, path: str) -> Extracted:
    from docx import Document as open_docx
    from docx.text.paragraph import Paragraph

    try:
        document = open_docx(BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(path, f"not a readable .docx (truncated or damaged: {exc})") from exc
    except Exception as exc:  # python-docx raises a variety of lxml/opc errors on damaged files
        raise IngestError(path, f"not a readable .docx ({type(exc).__name__}: {exc})") from exc
    builder = TextBuilder()
    tables: list[Table] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            builder.add(Paragraph(block, document).text + "\n")
        elif tag == "tbl":
            tables.append(_render_table(block, document, builder))
    return Extracted(builder.text(), "docx", tables=tuple(tables))


def _render_table(table: Any, document: Any, builder: TextBuilder) -> Table:
    """Render a ``w:tbl`` element into the text, one row a line, and keep its cells with their offsets."""
    from docx.oxml.ns import qn

    start = builder.position
    rows: list[tuple[TableCell, ...]] = []
    for row in table.iterchildren(qn("w:tr")):
        cells: list[TableCell] = []
        for cell in row.iterchildren(qn("w:tc")):
            if cells:
                builder.add("\t")
            text = "" if _merged_from_above(cell, qn) else _cell_text(cell, document, qn)
            cell_start, cell_end = builder.add(text)
            cells.append(TableCell(text, cell_start, cell_end))
        builder.add("\n")
        rows.append(tuple(cells))
    return Table(rows=tuple(rows), start=start, end=builder.position)


def _merged_from_above(cell: Any, qn: Any) -> bool:
    """A ``w:vMerge`` without ``restart`` continues the cell above (its text is there)."""
    properties = cell.find(qn("w:tcPr"))
    merge = properties.find(qn("w:vMerge")) if properties is not None else None
    return merge is not None and merge.get(qn("w:val"), "continue") == "continue"


def _cell_text(cell: Any, document: Any, qn: Any) -> str:
    """The cell's paragraphs and line breaks as spaces (a line break inside a cell would split the row)."""
    from docx.text.paragraph import Paragraph

    return "\n".join(Paragraph(p, document).text for p in cell.iterchildren(qn("w:p"))).replace("\n", " ")
