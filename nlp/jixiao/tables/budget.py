"""Budget tables for the audit: the typed table records read as columns, rows and figures.

The records (``jixiao.tables.records``) hold what a table says — caption, unit, columns with
roles, row kinds, cell values in 元 and percent. This module reads them into the shape the checks
work on: one ``BudgetTable`` per header block, each body row with its item, its kind and its
amounts and rates as ``Figure``s that keep the printed precision. Nothing is inferred here again,
so the audit judges exactly the tables that ``jixiao tag`` writes and ``jixiao show`` draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from jixiao.document.model import Document, Table, TableCell, TableColumn, TableHeader
from jixiao.tables import columns as col
from jixiao.tables.columns import Column
from jixiao.tables.figures import Figure, cell_figure
from jixiao.tables.records import DETAIL, ITEM_ROW, SUBTOTAL, TOTAL, starts_numeric, with_typed_tables
from jixiao.tables.units import is_percent_header, multiplier

__all__ = ["DETAIL", "ITEM_ROW", "SUBTOTAL", "TOTAL", "BudgetRow", "BudgetTable", "blocks_of", "budget_tables"]


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
    """Every budget block of every table in ``doc``, in reading order (typing the tables if needed)."""
    typed = with_typed_tables(doc)
    return [block for index, table in enumerate(typed.tables) for block in blocks_of(table, index)]


def blocks_of(table: Table, index: int) -> list[BudgetTable]:
    """The budget blocks of one typed table, one per header."""
    return [_block(table, index, header) for header in table.headers or ()]


def _block(table: Table, index: int, header: TableHeader) -> BudgetTable:
    columns = tuple(_column(c) for c in header.columns)
    width = len(columns)
    item_column = next((c.index for c in columns if c.kind == col.ITEM), None)
    rows = tuple(_row(position, table.rows[position], table.row_kinds[position] or ITEM_ROW, columns, width, item_column)
                 for position in header.body)
    rows = _details_after_qizhong(rows)
    return BudgetTable(index, table.caption, header.unit, columns, header.rows[-1], rows, table.start, table.end)


def _details_after_qizhong(rows: tuple[BudgetRow, ...]) -> tuple[BudgetRow, ...]:
    """Rows after a 「其中：」 row that, with it, add up to the row above it are its details too.

    A table often marks only the first part of a breakdown (「基本支出 300」, 「其中：工资福利 200」,
    「商品服务 100」); read as an item, the second part would be counted twice in the total. The rows
    are taken only when they complete the breakdown exactly (within rounding) in the first amount
    column the parent and the 其中 row share, so a partial breakdown followed by the next item stays
    as it is."""
    out = list(rows)
    for i, row in enumerate(rows):
        if row.kind != DETAIL or (i and rows[i - 1].kind == DETAIL):
            continue
        parent = next((r for r in reversed(out[:i]) if r.kind in (ITEM_ROW, SUBTOTAL)), None)
        column = next((c for c in parent.amounts if c in row.amounts), None) if parent else None
        if parent is None or column is None:
            continue
        target = parent.amounts[column]
        total, slack = row.amounts[column].value, target.half + row.amounts[column].half
        for j in range(i + 1, len(rows)):
            nxt = rows[j]
            if nxt.kind != ITEM_ROW or column not in nxt.amounts or total >= target.value - slack:
                break
            total, slack = total + nxt.amounts[column].value, slack + nxt.amounts[column].half
            if abs(total - target.value) <= slack:
                out[i + 1 : j + 1] = [replace(r, kind=DETAIL) for r in rows[i + 1 : j + 1]]
                break
    return tuple(out)


def _column(record: TableColumn) -> Column:
    amount = record.kind == col.AMOUNT
    return Column(record.index, record.label, record.kind, record.role, record.unit if amount else None,
                  multiplier(record.unit) if amount else multiplier(None), is_percent_header(record.label))


def _row(position: int, row: tuple[TableCell, ...], kind: str, columns: tuple[Column, ...], width: int,
         item_column: int | None) -> BudgetRow:
    cells: list[TableCell | None] = [None] * width
    for cell in row:
        if cell.column is not None and 0 <= cell.column < width:
            cells[cell.column] = cell
    amounts: dict[int, Figure] = {}
    rates: dict[int, Figure] = {}
    for column, cell in zip(columns, cells):
        if cell is None or cell.value is None:
            continue
        if column.kind == col.AMOUNT:
            amounts[column.index] = cell_figure(cell.text, cell.value, column.multiplier, cell.start, cell.end)
        elif column.kind == col.RATE:
            rates[column.index] = cell_figure(cell.text, cell.value, multiplier(None), cell.start, cell.end)
    labels = [cell.text.strip() for column, cell in zip(columns, cells)
              if cell is not None and column.kind not in (col.AMOUNT, col.RATE) and cell.text.strip()]
    return BudgetRow(position, _item_text(tuple(cells), item_column, labels), kind, tuple(cells), amounts, rates)


def _item_text(cells: tuple[TableCell | None, ...], item_column: int | None, labels: list[str]) -> str:
    if item_column is not None and (cell := cells[item_column]) is not None and cell.text.strip():
        return cell.text.strip()
    named = [t for t in labels if not starts_numeric(t)]
    return named[-1] if named else ""
