"""Tables of a PDF, found by pdfplumber's table finder where the page draws ruling lines.

pdfplumber gives each table as a grid of cell boxes, ``None`` where a merged cell covers the
position. The grid is turned into the shape every other source gives (``docx_reader``, the text
exports in ``text_tables``): a cell merged across columns once, a cell merged down as an empty
cell in the rows below its first. So a table reads the same from a PDF as from the .docx it was
printed from, and ``jixiao.tables.records`` types it without knowing where it came from.

Cells get offsets in the document text: the text layer prints each table row as a line (or,
where a cell wraps, several), so each line of a cell's text is looked up in the text line it was
printed on — the line at the same height, searched left to right in the order of the cells on
it. Line positions in the text are found by looking up every line's text in order, so this does
not depend on how ``pdf_lines`` joins wrapped lines. A cell whose text is not found keeps no
offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.document.model import Table, TableCell
from jixiao.ingest.pdf_lines import PdfLine

# Box edges closer than this (PDF points) are the same edge.
EDGE_TOLERANCE = 1.0
# A piece of cell text belongs to the text line whose top is within this share of its height.
LINE_TOLERANCE = 0.5


@dataclass(frozen=True)
class Piece:
    """One line of a cell's text, where the page prints it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class GridCell:
    """A cell of the merged-once grid: its text lines (none for an empty or merged-down cell)."""

    pieces: tuple[Piece, ...] = ()

    @property
    def text(self) -> str:
        return join_pieces(p.text for p in self.pieces)


@dataclass(frozen=True)
class PdfGrid:
    """A table as pdfplumber found it on one page, already in the merged-once shape."""

    page: int
    rows: tuple[tuple[GridCell, ...], ...]


def find_grids(pages: Iterable[Any]) -> list[PdfGrid]:
    """Every ruled table of two or more rows and columns on the pdfplumber ``pages``, in page order."""
    grids = []
    for number, page in enumerate(pages):
        for table in page.find_tables():
            grid = _grid(page, number, table)
            if len(grid.rows) >= 2 and any(len(row) >= 2 for row in grid.rows):
                grids.append(grid)
    return grids


def place_grids(grids: Sequence[PdfGrid], lines: Sequence[PdfLine], text: str) -> tuple[Table, ...]:
    """The grids as tables whose cells carry offsets in ``text`` (the text built from ``lines``)."""
    starts = line_offsets(lines, text)
    return tuple(_table(grid, lines, starts, text) for grid in grids)


def join_pieces(pieces: Iterable[str]) -> str:
    """The lines of a wrapped cell as one text: no space in CJK, one space between Latin letters."""
    out = ""
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            out += " "
        out += piece
    return out


def line_offsets(lines: Sequence[PdfLine], text: str) -> list[int | None]:
    """Where each line's text stands in ``text``; None for a line not found (or empty)."""
    out: list[int | None] = []
    cursor = 0
    for line in lines:
        position = text.find(line.text, cursor) if line.text else -1
        if position < 0:
            out.append(None)
            continue
        out.append(position)
        cursor = position + len(line.text)
    return out


# --- the grid -----------------------------------------------------------------------------------


def _grid(page: Any, number: int, table: Any) -> PdfGrid:
    """Merged-once rows from pdfplumber's grid of boxes (``None`` where a merged cell covers)."""
    boxes = [list(row.cells) for row in table.rows]
    if not boxes:
        return PdfGrid(number, ())
    width = max(len(row) for row in boxes)
    lefts = [min((row[c][0] for row in boxes if c < len(row) and row[c] is not None), default=float("inf"))
             for c in range(width)]
    tops = [min((box[1] for box in row if box is not None), default=float("inf")) for row in boxes]
    owner: list[list[tuple[int, int] | None]] = [[None] * width for _ in boxes]
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is None:
                continue
            columns = [k for k in range(c, width) if k == c or lefts[k] < box[2] - EDGE_TOLERANCE]
            rows = [k for k in range(r, len(boxes)) if k == r or tops[k] < box[3] - EDGE_TOLERANCE]
            for rr in rows:
                for cc in columns:
                    if owner[rr][cc] is None:
                        owner[rr][cc] = (r, c)
    out = []
    for r in range(len(boxes)):
        cells: list[GridCell] = []
        seen: set[tuple[int, int] | None] = set()
        for c in range(width):
            key = owner[r][c]
            if key is not None and key in seen:
                continue  # the rest of a cell merged across columns
            seen.add(key)
            if key is None or key[0] != r:
                cells.append(GridCell())  # merged down from the row above, or no cell at all
            else:
                cells.append(GridCell(_pieces(page, boxes[key[0]][key[1]])))
        out.append(tuple(cells))
    return PdfGrid(number, tuple(out))


def _pieces(page: Any, box: tuple[float, float, float, float]) -> tuple[Piece, ...]:
    """The text lines of the characters whose centre lies in ``box`` (as pdfplumber assigns them)."""
    x0, top, x1, bottom = box

    def inside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return False
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return x0 <= middle_x < x1 and top <= middle_y < bottom

    lines = page.filter(inside).extract_text_lines()
    return tuple(Piece(str(line["text"]), float(line["x0"]), float(line["x1"]), float(line["top"]),
                       float(line["bottom"])) for line in lines if str(line["text"]).strip())


# --- offsets ------------------------------------------------------------------------------------


def _table(grid: PdfGrid, lines: Sequence[PdfLine], starts: list[int | None], text: str) -> Table:
    on_page = [i for i, line in enumerate(lines) if line.page == grid.page and starts[i] is not None]
    found: dict[tuple[int, int, int], tuple[int, int]] = {}
    by_line: dict[int, list[tuple[float, tuple[int, int, int], Piece]]] = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            for k, piece in enumerate(cell.pieces):
                line = _line_of(piece, lines, on_page)
                if line is not None:
                    by_line.setdefault(line, []).append((piece.x0, (r, c, k), piece))
    for index, pieces in by_line.items():
        start = starts[index]
        if start is None:
            continue
        cursor, stop = start, start + len(lines[index].text)
        for _, key, piece in sorted(pieces, key=lambda item: item[0]):
            match = _loose(piece.text).search(text, cursor, stop)
            if match is not None:
                found[key] = match.span()
                cursor = match.end()
    rows = []
    for r, row in enumerate(grid.rows):
        cells = []
        for c, cell in enumerate(row):
            spans = [found[key] for k in range(len(cell.pieces)) if (key := (r, c, k)) in found]
            if spans and len(spans) == len(cell.pieces):
                cells.append(TableCell(cell.text, spans[0][0], spans[-1][1]))
            else:
                cells.append(TableCell(cell.text))
        rows.append(tuple(cells))
    positions = [p for span in found.values() for p in span]
    return Table(tuple(rows), min(positions) if positions else None, max(positions) if positions else None)


def _line_of(piece: Piece, lines: Sequence[PdfLine], candidates: list[int]) -> int | None:
    """The text line the piece was printed on: the same height, overlapping it horizontally."""
    tolerance = LINE_TOLERANCE * max(piece.bottom - piece.top, 1.0)
    best: tuple[float, int] | None = None
    for index in candidates:
        line = lines[index]
        distance = abs(line.top - piece.top)
        if distance > tolerance or line.x1 < piece.x0 - EDGE_TOLERANCE or line.x0 > piece.x1 + EDGE_TOLERANCE:
            continue
        if best is None or distance < best[0]:
            best = (distance, index)
    return best[1] if best is not None else None


def _loose(piece: str) -> re.Pattern[str]:
    """The piece's characters with any white space between them (the two layouts space words differently)."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in piece if not ch.isspace()))
