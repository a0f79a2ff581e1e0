"""Running heads, running feet and page numbers: page furniture, not the document's text.

A PDF repeats on every page what its layout puts in the margins: the report's title or the issuing
office at the top, 「- 3 -」 or 「第3页 共12页」 at the bottom. Left in the text, they break a paragraph
that runs on to the next page into two sentences and turn page numbers into counts. A line is
furniture when it is one of the first or last ``EDGE_LINES`` lines of its page, sits in the page's
top or bottom margin (``MARGIN`` of the page height; anywhere on the page edge when the height is
unknown) and either reads as a page number or is a running line: it repeats at the same edge on at
least ``REPEAT_SHARE`` of the pages, identical or differing in one number only. A document of one
page has no furniture to tell apart.

The document's own text also starts and ends pages, and it can repeat its shape there too (a
numbered list 「1.…安排100万元，执行率为90%。」, 「2.…200万元…95%。」, one item per page; a table
continued over pages, its header row repeated and a data row 「项目4 50 50 100%」 under it). What
tells the two apart:

- a running line carries at most one number that changes from page to page, the page number; lines
  of one shape whose numbers differ in two or more places are content;
- furniture is a title, a name or a page number, never the end of a sentence: a line that ends
  with 。！？； is content. Running heads may hold colons, commas and amounts (「评价机构：XX会计师
  事务所」, 「XX县危房改造补助资金（500万元）绩效评价报告」): left in, they would cut every paragraph
  that runs on across a page and count the amount once a page, so they go;
- a line printed inside a ruled table (``tables``, from ``pdf_tables``) is a table row, never
  furniture: a continued table keeps its repeated header row on every page, so that every row of
  every table record has its offsets in the text;
- a line repeated identically whose first occurrence introduces a table — the next line of its
  page is a table row (cells apart by wide gaps, as ``pdf_lines`` tells them) or stands in a ruled
  table — is an unruled table's header or unit line repeated on every page: that first occurrence
  is kept, and only the repeats go. A running title repeated identically is dropped everywhere, a
  head set left and right on its page (「XX县财政局      2023年度绩效评价报告」) too: kept once, it
  would still cut the paragraph that runs on across the page it stands on.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence

from jixiao.ingest.pdf_lines import CELL_GAP, PdfLine
from jixiao.ingest.pdf_tables import PdfGrid

EDGE_LINES = 2
MARGIN = 0.12
REPEAT_SHARE = 0.5
_DASHES = r"[\s\-—–_·•|]*"
PAGE_NUMBER = re.compile(
    rf"^{_DASHES}(?:第\s*)?[0-9０-９]+(?:\s*页)?(?:\s*[/／]\s*[0-9０-９]+|\s*共\s*[0-9０-９]+\s*页)?{_DASHES}$"
    rf"|^{_DASHES}(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?{_DASHES}$",
    re.IGNORECASE,
)
# The end of a sentence: running heads and feet are titles, names and page numbers.
SENTENCE_END = re.compile(r"[。！？；]\s*$")
_DIGITS = re.compile(r"[0-9０-９]+")
# Piece edges this close (PDF points) to a table's text still belong to the table.
_TABLE_TOLERANCE = 2.0


def drop_page_furniture(lines: Sequence[PdfLine], tables: Sequence[PdfGrid] = ()) -> list[PdfLine]:
    """The lines without the running heads, running feet and page numbers of their pages.

    ``tables``: the ruled tables of the same pages (``pdf_tables.find_grids``); lines printed inside
    them are table rows and stay."""
    pages: dict[int, list[PdfLine]] = defaultdict(list)
    for line in lines:
        pages[line.page].append(line)
    if len(pages) < 2:
        return list(lines)
    boxes = _table_boxes(tables)
    furniture: set[int] = set()
    running: dict[tuple[str, str], list[PdfLine]] = defaultdict(list)  # (edge, shape): the lines
    for page in pages.values():
        for line, where in _edge_lines(page):
            if _content(line, boxes):
                continue
            if PAGE_NUMBER.match(line.text.strip()):
                furniture.add(id(line))
            else:
                running[(where, _shape(line.text))].append(line)
    needed = max(2, math.ceil(REPEAT_SHARE * len(pages)))
    for group in running.values():
        if len({line.page for line in group}) < needed:
            continue
        varying = _varying_numbers(group)
        if varying > 1:
            continue  # more changes than a page number: the document's own lines
        drop = group
        if varying == 0:
            text = _flat(group[0].text)
            first = next(line for line in lines if _flat(line.text) == text)
            if _introduces_table(first, pages[first.page], boxes):
                drop = [line for line in group if line is not first]
        furniture.update(id(line) for line in drop)
    return [line for line in lines if id(line) not in furniture]


def _edge_lines(page: list[PdfLine]) -> list[tuple[PdfLine, str]]:
    """The lines at the top and bottom edges of a page, each with its edge."""
    ordered = sorted(page, key=lambda line: line.top)
    out = [(line, "top") for line in ordered[:EDGE_LINES] if _in_margin(line, "top")]
    out += [(line, "bottom") for line in ordered[-EDGE_LINES:] if _in_margin(line, "bottom")
            and all(line is not other for other, _ in out)]
    return out


def _in_margin(line: PdfLine, where: str) -> bool:
    if line.page_height <= 0:
        return True
    if where == "top":
        return line.bottom <= MARGIN * line.page_height
    return line.top >= (1 - MARGIN) * line.page_height


def _content(line: PdfLine, boxes: dict[int, list[tuple[float, float, float, float]]]) -> bool:
    """Whether an edge line is the document's own text whatever repeats: a sentence's end or a ruled table's row."""
    return SENTENCE_END.search(line.text) is not None or _in_table(line, boxes)


def _in_table(line: PdfLine, boxes: dict[int, list[tuple[float, float, float, float]]]) -> bool:
    middle = (line.top + line.bottom) / 2
    return any(top <= middle <= bottom and line.x0 < x1 and line.x1 > x0
               for x0, top, x1, bottom in boxes.get(line.page, ()))


def _introduces_table(line: PdfLine, page: list[PdfLine],
                      boxes: dict[int, list[tuple[float, float, float, float]]]) -> bool:
    """Whether the line after ``line`` on its page is a table row: wide gaps between its cells, or
    printed inside a ruled table."""
    below = [other for other in page if other.top > line.top]
    if not below:
        return False
    following = min(below, key=lambda other: other.top)
    return _table_row(following) or _in_table(following, boxes)


def _table_boxes(tables: Sequence[PdfGrid]) -> dict[int, list[tuple[float, float, float, float]]]:
    """Per page, the box around the text of each ruled table."""
    boxes: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
    for grid in tables:
        pieces = [piece for row in grid.rows for cell in row for piece in cell.pieces]
        if pieces:
            boxes[grid.page].append((min(p.x0 for p in pieces) - _TABLE_TOLERANCE,
                                     min(p.top for p in pieces) - _TABLE_TOLERANCE,
                                     max(p.x1 for p in pieces) + _TABLE_TOLERANCE,
                                     max(p.bottom for p in pieces) + _TABLE_TOLERANCE))
    return boxes


def _varying_numbers(group: list[PdfLine]) -> int:
    """In how many places the numbers of lines of one shape differ (a running line: at most one)."""
    runs = [_DIGITS.findall(line.text) for line in group]
    return sum(len(set(values)) > 1 for values in zip(*runs))


def _table_row(line: PdfLine) -> bool:
    return line.max_gap > CELL_GAP * max(line.size, 1.0)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _shape(text: str) -> str:
    """A line's text with its digits as one mark, so 「第3页」 and 「第4页」 have one shape."""
    return _DIGITS.sub("#", _flat(text))
