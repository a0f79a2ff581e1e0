"""Recover tables from the plain-text rendering of Word tables.

Exports render tables in two shapes, and both occur in the reports:

* **cell per line** — each cell on a line of its own that starts with a tab, rows separated by
  one or more blank lines. A cell that wrapped in Word (「城市管理」 「办公室」) continues on a
  line without a tab, sometimes after a blank line; a blank line followed by such a line is a
  continuation, not a row break. Some exports also put a blank line inside a row; such a row
  comes out short and is joined with the short piece that follows it when together they have
  exactly the width of the header.
* **row per line** — cells separated by tabs on one line (the shape ``docx_reader`` renders).

Both shapes print a merged cell once, and a cell merged down several rows as an empty cell in
the rows below its first — the shape ``docx_reader`` and ``pdf_tables`` give too.

Only structure is recovered here, as part of ingestion (a ``.txt`` report's tables are found
in its text as a ``.docx`` report's are read from the file); captions, units, columns and typed
values are ``jixiao.tables.records``' job, the same for every source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from jixiao.document.model import Table, TableCell

_CONTINUATION_MAX = 24
# A line that ends like a sentence is prose, never the wrapped rest of a cell. This tests the
# shape of one line, it does not split sentences (that is jixiao.document.sentences, a layer above).
_TERMINAL = re.compile(r"[。；！？]$")


class _Line(NamedTuple):
    """A line of the text (a named tuple: one is made for every line of every report read)."""

    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        """Nothing on the line; a lone tab is an empty cell, not a blank line."""
        return not self.text.strip() and "\t" not in self.text

    @property
    def cell(self) -> bool:
        """A cell-per-line cell: one leading tab and no other tab."""
        return self.text.startswith("\t") and "\t" not in self.text[1:]

    @property
    def row(self) -> bool:
        """A row-per-line row: a tab after some text, or more than one tab."""
        return "\t" in self.text.lstrip("\t") or self.text.count("\t") > 1


def find_text_tables(text: str) -> Iterator[Table]:
    """Yield every table of two or more rows found in ``text``, in reading order.

    Rows of one cell each are tab-indented paragraphs, not a table, and are skipped.
    """
    first_tab = text.find("\t")
    if first_tab < 0:  # both shapes have tabs: most prose reports end here
        return
    # no table starts before the line of the first tab (a wrapped cell continues after its cell)
    lines = _lines(text, text.rfind("\n", 0, first_tab) + 1)
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.row:
            table, index = _read_row_table(lines, index)
        elif line.cell:
            table, index = _read_cell_table(text, lines, index)
        else:
            index += 1
            continue
        if len(table.rows) >= 2 and any(len(row) >= 2 for row in table.rows):
            yield table


def _lines(text: str, position: int = 0) -> list[_Line]:
    """The lines of ``text`` from ``position`` (a line start) on, with their offsets."""
    out = []
    for line in text[position:].split("\n"):
        out.append(_Line(position, position + len(line), line))
        position += len(line) + 1
    return out


def _next_content(lines: list[_Line], index: int) -> int | None:
    """Index of the first non-blank line at or after ``index``."""
    while index < len(lines):
        if not lines[index].blank:
            return index
        index += 1
    return None


def _is_continuation(lines: list[_Line], index: int) -> bool:
    """A short line without a tab, inside a table: the wrapped rest of the cell above."""
    line = lines[index]
    stripped = line.text.strip()
    if "\t" in line.text or not stripped or len(stripped) > _CONTINUATION_MAX or _TERMINAL.search(stripped):
        return False
    following = _next_content(lines, index + 1)
    return following is not None and lines[following].cell


def _read_cell_table(text: str, lines: list[_Line], first: int) -> tuple[Table, int]:
    rows: list[list[TableCell]] = [[]]
    index = first
    while index < len(lines):
        line = lines[index]
        if line.cell:
            rows[-1].append(_stripped_cell(line.text[1:], line.start + 1))
            index += 1
            continue
        if line.blank:
            following = _next_content(lines, index)
            if following is None:
                break
            if lines[following].cell:
                rows.append([])
            elif not (_is_continuation(lines, following) and rows[-1]):
                break
            index = following
            continue
        if _is_continuation(lines, index) and rows[-1]:
            # the wrapped rest of the cell above: the cell's text joins the pieces, its offsets
            # span them in the text (line break included)
            last, rest = rows[-1][-1], _stripped_cell(line.text, line.start)
            rows[-1][-1] = TableCell(last.text + rest.text, last.start if last.text else rest.start, rest.end)
            index += 1
            continue
        break
    table_rows = _join_split_rows([tuple(r) for r in rows if r])
    start = lines[first].start
    end = max(c.end or start for row in table_rows for c in row) if table_rows else lines[first].end
    return Table(tuple(table_rows), start, end), index


def _read_row_table(lines: list[_Line], first: int) -> tuple[Table, int]:
    rows: list[tuple[TableCell, ...]] = []
    index = first
    while index < len(lines) and lines[index].row:
        rows.append(_split_row(lines[index]))
        index += 1
    end = lines[index - 1].end
    return Table(tuple(rows), lines[first].start, end), index


def _split_row(line: _Line) -> tuple[TableCell, ...]:
    cells, position = [], line.start
    for piece in line.text.split("\t"):
        cells.append(_stripped_cell(piece, position))
        position += len(piece) + 1
    return tuple(cells)


def _stripped_cell(piece: str, start: int) -> TableCell:
    """A cell of the text ``piece`` (which starts at ``start``) without the white space around it;
    its offsets are those of the stripped text, so ``text[cell.start:cell.end]`` is the cell."""
    body = piece.strip()
    first = start + len(piece) - len(piece.lstrip()) if body else start
    return TableCell(body, first, first + len(body))


def _join_split_rows(rows: list[tuple[TableCell, ...]]) -> list[tuple[TableCell, ...]]:
    """Join a row that a stray blank line cut in two, when the pieces add up to the header width."""
    if not rows:
        return rows
    width = len(rows[0])
    out: list[tuple[TableCell, ...]] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if index > 0 and index + 1 < len(rows) and len(row) < width and len(row) + len(rows[index + 1]) == width:
            out.append(row + rows[index + 1])
            index += 2
            continue
        out.append(row)
        index += 1
    return out

