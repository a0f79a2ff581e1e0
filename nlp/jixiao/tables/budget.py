"""Budget tables as typed data: columns with roles and units, rows with amounts in 元 and rates.

A document table becomes one ``BudgetTable`` per header it contains (a self-evaluation form has a
funds block and an indicator block under different headers). Amounts inherit their unit from the
column header (「合同金额（万元）」), from a header cell that labels the block (「项目资金（万元）」)
or from the caption (「单位：万元」), in that order; without any, amounts are 元.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from jixiao.document.model import Document, Table, TableCell
from jixiao.tables import columns as col
from jixiao.tables.columns import Column, make_column
from jixiao.tables.figures import Figure, amount_cell, rate_cell
from jixiao.tables.units import caption_unit, header_unit, multiplier

ITEM_ROW, TOTAL, SUBTOTAL, DETAIL = "item", "total", "subtotal", "detail"

_TOTAL = re.compile(r"^(合计|总计|总合计|共计|总额|全年合计|本年合计|合计数|总计数)")
_SUBTOTAL = re.compile(r"^小计")
_DETAIL = re.compile(r"^其中")
_NUMERIC = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?\s*%?")
_TITLE = re.compile(r"^表\s*[0-9一二三四五六七八九十]+")
_LOOKBACK_LINES = 4
_TITLE_MAX = 60


@dataclass(frozen=True)
class BudgetRow:
    """One body row: its item, its kind (item, total, subtotal, detail) and typed values by column."""

    position: int
    item: str
    kind: str
    cells: tuple[TableCell | None, ...]
    amounts: dict[int, Figure] = field(default_factory=dict)
    rates: dict[int, Figure] = field(default_factory=dict)

    @property
    def is_total(self) -> bool:
        return self.kind in (TOTAL, SUBTOTAL)


@dataclass(frozen=True)
class BudgetTable:
    """A header and the rows under it; ``table`` is the index in ``Document.tables``."""

    table: int
    title: str | None
    unit: str | None
    columns: tuple[Column, ...]
    header_row: int
    rows: tuple[BudgetRow, ...]
    start: int | None = None
    end: int | None = None

    def amount_columns(self, *roles: str | None) -> list[Column]:
        return [c for c in self.columns if c.kind == col.AMOUNT and (not roles or c.role in roles)]

    def rate_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == col.RATE]


def budget_tables(doc: Document) -> list[BudgetTable]:
    """Every budget block of every table in ``doc``, in reading order."""
    out: list[BudgetTable] = []
    previous_end = 0
    for index, table in enumerate(doc.tables):
        context = _context_lines(doc.text, previous_end, table.start)
        out.extend(_budget_blocks(index, table, context))
        previous_end = table.end or previous_end
    return out


def budget_table(table: Table, index: int = 0, context: tuple[str, ...] = ()) -> list[BudgetTable]:
    """The budget blocks of one table; ``context`` are the lines just before it (caption, unit)."""
    return list(_budget_blocks(index, table, context))


def _context_lines(text: str, since: int, start: int | None) -> tuple[str, ...]:
    """The last few non-empty lines before a table (after the previous one), nearest last."""
    if start is None:
        return ()
    lines = [line.strip() for line in text[since:start].split("\n") if line.strip() and "\t" not in line]
    return tuple(lines[-_LOOKBACK_LINES:])


def _budget_blocks(index: int, table: Table, context: tuple[str, ...]) -> Iterator[BudgetTable]:
    rows = table.rows
    headers = [i for i, row in enumerate(rows) if _is_header(row)]
    caption = next((u for line in reversed(context) if (u := caption_unit(line))), None)
    for n, header in enumerate(headers):
        stop = headers[n + 1] if n + 1 < len(headers) else len(rows)
        body = _body_rows(rows, header, stop)
        inner_unit = next((u for row in rows[:header] for c in row if (u := caption_unit(c.text))), None)
        block = _build(index, table, header, body, inner_unit or caption, _title(context))
        if block is not None and block.rows:
            yield block


def _is_header(row: tuple[TableCell, ...]) -> bool:
    """Two or more labels, no numbers, and at least one label that names an amount or a rate."""
    texts = [c.text for c in row if c.text.strip()]
    if len(texts) < 2 or any(_NUMERIC.match(t.strip()) for t in texts):
        return False
    return any(col.classify_header(t)[0] in (col.AMOUNT, col.RATE) for t in texts)


def _body_rows(rows: tuple[tuple[TableCell, ...], ...], header: int, stop: int) -> list[int]:
    """Rows under a header, up to a row of labels of another width (the start of another block)."""
    width = len(rows[header])
    body = []
    for i in range(header + 1, stop):
        row = rows[i]
        texts = [c.text for c in row if c.text.strip()]
        if len(texts) >= 2 and len(row) != width and not any(_NUMERIC.match(t.strip()) for t in texts):
            break
        body.append(i)
    return body


def _build(index: int, table: Table, header: int, body: list[int], inherited: str | None, title: str | None) -> BudgetTable | None:
    header_cells = table.rows[header]
    aligned = [(i, _align(table.rows[i], header_cells)) for i in body]
    numeric = _numeric_columns(len(header_cells), [cells for _, cells in aligned])
    block_unit = inherited or _label_unit(header_cells, numeric)
    columns = tuple(_column(i, c.text, block_unit, numeric[i]) for i, c in enumerate(header_cells))
    if not any(c.kind in (col.AMOUNT, col.RATE) for c in columns):
        return None
    item_column = _item_column(columns, [cells for _, cells in aligned])
    typed = tuple(_row(position, cells, columns, item_column) for position, cells in aligned)
    return BudgetTable(index, title, block_unit, columns, header, typed, table.start, table.end)


def _numeric_columns(width: int, rows: list[tuple[TableCell | None, ...]]) -> list[str | None]:
    """Per column: 'rate' when its filled cells are mostly percentages, 'amount' when mostly numbers."""
    out: list[str | None] = []
    for i in range(width):
        texts = [r[i].text.strip() for r in rows if r[i] is not None and r[i].text.strip()]
        numbers = [t for t in texts if _NUMERIC.match(t)]
        if not texts or len(numbers) * 2 < len(texts):
            out.append(None)
        else:
            out.append("rate" if sum("%" in t for t in numbers) * 2 >= len(numbers) else "amount")
    return out


def _label_unit(header: tuple[TableCell, ...], numeric: list[str | None]) -> str | None:
    """A unit in the header of a label column (「项目资金（万元）」) applies to the whole block."""
    for i, cell in enumerate(header):
        unit = header_unit(cell.text)
        if unit and numeric[i] is None:
            return unit
    return None


def _column(i: int, header: str, unit: str | None, numeric: str | None) -> Column:
    """Header words decide; the cells overrule them when a named column holds no numbers."""
    column = make_column(i, header, unit)
    if column.kind in (col.AMOUNT, col.RATE) and numeric is None:
        return Column(i, header, col.TEXT)
    if column.kind == col.TEXT and numeric == "amount":
        return Column(i, header, col.AMOUNT, col.amount_role(header), unit, multiplier(unit))
    if column.kind == col.TEXT and numeric == "rate":
        return Column(i, header, col.RATE, None, percent=True)
    return column


def _align(row: tuple[TableCell, ...], header: tuple[TableCell, ...]) -> tuple[TableCell | None, ...]:
    """Place a row's cells under the header when merged cells made it shorter or longer.

    Every offset is tried; numbers should land in numeric-looking columns and labels in the others.
    Ties go to right alignment, because merged cells are usually at the left (序号 + 实施部室).
    """
    width = len(header)
    if len(row) == width:
        return tuple(row)
    if len(row) > width:
        return tuple(row[len(row) - width :])
    labels = [col.classify_header(c.text)[0] for c in header]
    best, best_score = width - len(row), -1
    for offset in range(width - len(row), -1, -1):
        score = sum(_fits(cell.text, labels[offset + k]) for k, cell in enumerate(row))
        if score > best_score:
            best, best_score = offset, score
    return tuple([None] * best + list(row) + [None] * (width - best - len(row)))


def _fits(text: str, kind: str) -> int:
    numeric = bool(_NUMERIC.match(text.strip()))
    if not text.strip():
        return 0
    return int(numeric == (kind in (col.AMOUNT, col.RATE)))


def _item_column(columns: tuple[Column, ...], rows: list[tuple[TableCell | None, ...]]) -> int | None:
    """The column naming the item: a named item column, else the fullest text column."""
    items = [c.index for c in columns if c.kind == col.ITEM]
    if items:
        return items[0]
    texts = [c.index for c in columns if c.kind == col.TEXT]
    if not texts:
        return None
    return max(texts, key=lambda i: sum(1 for r in rows if r[i] is not None and r[i].text.strip()))


def _row(position: int, cells: tuple[TableCell | None, ...], columns: tuple[Column, ...], item_column: int | None) -> BudgetRow:
    amounts: dict[int, Figure] = {}
    rates: dict[int, Figure] = {}
    for column, cell in zip(columns, cells):
        if cell is None:
            continue
        if column.kind == col.AMOUNT and (figure := amount_cell(cell.text, column.multiplier, cell.start, cell.end)):
            amounts[column.index] = figure
        elif column.kind == col.RATE and (figure := rate_cell(cell.text, column.percent, cell.start, cell.end)):
            rates[column.index] = figure
    labels = [cell.text.strip() for column, cell in zip(columns, cells)
              if cell is not None and column.kind not in (col.AMOUNT, col.RATE) and cell.text.strip()]
    item = _item_text(cells, item_column, labels)
    return BudgetRow(position, item, _row_kind(labels), cells, amounts, rates)


def _item_text(cells: tuple[TableCell | None, ...], item_column: int | None, labels: list[str]) -> str:
    if item_column is not None and cells[item_column] is not None and cells[item_column].text.strip():
        return cells[item_column].text.strip()
    named = [t for t in labels if not _NUMERIC.match(t)]
    return named[-1] if named else ""


def _row_kind(labels: list[str]) -> str:
    compact = [re.sub(r"\s+", "", t) for t in labels]
    if any(_TOTAL.match(t) for t in compact):
        return TOTAL
    if any(_SUBTOTAL.match(t) for t in compact):
        return SUBTOTAL
    if any(_DETAIL.match(t) for t in compact):
        return DETAIL
    return ITEM_ROW


def _title(context: tuple[str, ...]) -> str | None:
    """The table's title: a 「表N」 line, else the nearest short line that is not only a unit."""
    for line in reversed(context):
        if _TITLE.match(line):
            return line
    for line in reversed(context):
        if len(line) <= _TITLE_MAX and not re.fullmatch(r"[（(]?\s*(金额)?单位\s*[:：].*", line):
            return line
    return None
