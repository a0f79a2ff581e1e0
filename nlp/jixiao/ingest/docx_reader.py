"""Word .docx: paragraphs and tables in document order.

Tables are kept as rows and cells and rendered into the text one row per line, cells joined by
tabs. A merged cell appears once: python-docx returns the same underlying cell for each grid
position it covers, so repeats within a row are dropped.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from jixiao.document.model import Table, TableCell
from jixiao.ingest.errors import IngestError
from jixiao.ingest.extracted import Extracted, TextBuilder


def read_docx(data: bytes, path: str) -> Extracted:
    from docx import Document as open_docx
    from docx.table import Table as DocxTable
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
            tables.append(_render_table(DocxTable(block, document), builder))
    return Extracted(builder.text(), "docx", tables=tuple(tables))


def _render_table(table, builder: TextBuilder) -> Table:  # type: ignore[no-untyped-def]
    start = builder.position
    rows: list[tuple[TableCell, ...]] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[TableCell] = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            if cells:
                builder.add("\t")
            text = cell.text.replace("\n", " ")
            cell_start, cell_end = builder.add(text)
            cells.append(TableCell(text, cell_start, cell_end))
        builder.add("\n")
        rows.append(tuple(cells))
    return Table(rows=tuple(rows), start=start, end=builder.position)
