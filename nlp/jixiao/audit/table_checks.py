"""Checks inside one budget table: row rates, totals against their rows, shares of a total.

Which amounts a rate divides is read from the headers (``jixiao.tables.columns``): an execution rate
is actual / budget (the adjusted budget when there is one, the initial budget when the rate's
header says 年初), a difference rate is (actual - budget) / budget, a share is the row's amount
over the column's total. Every comparison goes through ``jixiao.audit.tolerance``, so a figure is
only reported when no amounts that round to the printed ones produce it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from jixiao.audit.findings import Finding
from jixiao.audit.tolerance import (
    Verdict,
    difference_percent,
    ratio_percent,
    rate_verdict,
    sum_verdict,
)
from jixiao.tables import columns as col
from jixiao.tables.budget import DETAIL, ITEM_ROW, SUBTOTAL, TOTAL, BudgetRow, BudgetTable
from jixiao.tables.columns import Column
from jixiao.tables.figures import Figure

ROW_RATE, TOTAL_RATE, TOTAL_SUM, SHARE = "row_rate", "total_rate", "total_sum", "share"
_CATEGORY = ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、")


def table_findings(doc_id: str, table: BudgetTable) -> list[Finding]:
    """All inconsistencies inside one budget table."""
    findings: list[Finding] = []
    for rate_column in table.rate_columns():
        findings.extend(_rate_findings(doc_id, table, rate_column))
    for amount_column in table.amount_columns():
        findings.extend(_sum_findings(doc_id, table, amount_column))
    return findings


def rate_pair(table: BudgetTable, rate_column: Column) -> tuple[Column, Column] | None:
    """(numerator, denominator) columns of an execution or difference rate, or None.

    The actual column over the budget column; the initial budget only when the rate's header
    names 年初 or no other budget column exists.
    """
    actual = table.amount_columns(col.ACTUAL)
    budget = table.amount_columns(col.BUDGET)
    initial = table.amount_columns(col.BUDGET_INITIAL)
    if "年初" in rate_column.header and initial:
        budget = initial
    elif not budget:
        budget = initial
    if actual and budget:
        return actual[-1], budget[-1]
    return None


def unnamed_pair(table: BudgetTable) -> tuple[Column, Column] | None:
    """Two amount columns whose headers name no role (「2023年」「2022年」, 「上年数」「本年数」): read
    both ways. A column of differences (增减额) is no level to divide by and is left out."""
    amounts = [c for c in table.amount_columns() if not col.names_difference(c.header)]
    if len(amounts) == 2 and all(c.role is None for c in amounts):
        return amounts[1], amounts[0]
    return None


def _rate_findings(doc_id: str, table: BudgetTable, rate_column: Column) -> Iterator[Finding]:
    if rate_column.role == col.SHARE:
        yield from _share_findings(doc_id, table, rate_column)
        return
    if rate_column.role is None:
        return
    pair = rate_pair(table, rate_column)
    unnamed = pair is None
    pair = pair or unnamed_pair(table)
    if pair is None:
        return
    numerator, denominator = pair
    for position, row in enumerate(table.rows):
        rate = row.rates.get(rate_column.index)
        top = row.amounts.get(numerator.index)
        bottom = row.amounts.get(denominator.index)
        if rate is None or top is None or bottom is None or row.kind == DETAIL:
            continue
        verdict = _rate_verdict(rate_column, rate, top, [bottom])
        if verdict is None or verdict.consistent:
            continue
        if unnamed and (swapped := _rate_verdict(rate_column, rate, bottom, [top])) and swapped.consistent:
            continue
        merged = _merged_bases(table.rows, position, numerator, denominator, rate_column)
        if merged and (again := _rate_verdict(rate_column, rate, top, [bottom, *merged])) and again.consistent:
            continue
        check = TOTAL_RATE if row.is_total else ROW_RATE
        message = f"{rate_column.header} {rate.text} does not follow from {numerator.header} / {denominator.header}"
        yield _finding(doc_id, table, row, rate_column, rate, verdict, check, message)


def _rate_verdict(rate_column: Column, rate: Figure, top: Figure, bottoms: Sequence[Figure]) -> Verdict | None:
    """Execution rates are ratios; difference rates are read signed or unsigned, whichever fits."""
    if rate_column.role == col.DIFFERENCE:
        signed = rate_verdict(rate, lambda a, *b: difference_percent(a, sum(b)), [top, *bottoms])
        unsigned = rate_verdict(rate, lambda a, *b: difference_percent(a, sum(b)), [top, *bottoms], unsigned=True)
        verdicts = [v for v in (signed, unsigned) if v is not None]
        return next((v for v in verdicts if v.consistent), verdicts[0] if verdicts else None)
    return rate_verdict(rate, lambda a, *b: ratio_percent(a, sum(b)), [top, *bottoms])


def _merged_bases(rows: Sequence[BudgetRow], position: int, numerator: Column, denominator: Column,
                  rate_column: Column) -> list[Figure]:
    """Bases of the rows a vertically merged cell covers.

    A payment and rate printed once for several contracts (merged cells in Word) leave the rows
    below with a base but an empty payment and rate; the payment then relates to their sum.
    """
    merged: list[Figure] = []
    for row in rows[position + 1 :]:
        if row.kind != ITEM_ROW or numerator.index in row.amounts or rate_column.index in row.rates:
            break
        if not _empty(row, numerator.index) or not _empty(row, rate_column.index):
            break
        base = row.amounts.get(denominator.index)
        if base is None:
            break
        merged.append(base)
    return merged


def _empty(row: BudgetRow, index: int) -> bool:
    cell = row.cells[index] if index < len(row.cells) else None
    return cell is None or not cell.text.strip()


def _share_findings(doc_id: str, table: BudgetTable, rate_column: Column) -> Iterator[Finding]:
    """A share column: each row's amount over the column total (the 合计 row, else the sum)."""
    amounts = table.amount_columns(col.ACTUAL) or table.amount_columns()
    if not amounts:
        return
    base = amounts[-1]
    totals = [r for r in table.rows if r.kind == TOTAL and base.index in r.amounts]
    items = [r.amounts[base.index] for r in table.rows if r.kind == ITEM_ROW and base.index in r.amounts]
    if totals:
        whole = totals[0].amounts[base.index]
    elif items:
        whole = Figure(sum((f.value for f in items), Decimal(0)), sum((f.half for f in items), Decimal(0)), "")
    else:
        return
    for row in table.rows:
        share, part = row.rates.get(rate_column.index), row.amounts.get(base.index)
        if share is None or part is None:
            continue
        verdict = rate_verdict(share, ratio_percent, [part, whole])
        if verdict is not None and not verdict.consistent:
            message = f"{rate_column.header} {share.text} is not {base.header} over the column total"
            yield _finding(doc_id, table, row, rate_column, share, verdict, SHARE, message)


def _sum_findings(doc_id: str, table: BudgetTable, column: Column) -> Iterator[Finding]:
    """合计 against the item rows it totals, 小计 against the rows since the last subtotal.

    A 合计 usually closes the rows above it; a 合计 printed before any item (the layout of 决算
    tables) opens the rows below it instead.
    """
    for total, parts in _total_groups(table.rows):
        stated = total.amounts.get(column.index)
        if stated is None or not parts:
            continue
        verdict = _sum_verdict(stated, parts, column)
        if verdict is not None and not verdict.consistent:
            message = f"{total.item} {column.header} {stated.text} is not the sum of its {len(parts)} rows"
            yield _finding(doc_id, table, total, column, stated, verdict, TOTAL_SUM, message)


def _total_groups(rows: Sequence[BudgetRow]) -> Iterator[tuple[BudgetRow, list[BudgetRow]]]:
    """Each total or subtotal row with the item rows it adds up."""
    since_subtotal: list[BudgetRow] = []
    since_total: list[BudgetRow] = []
    for index, row in enumerate(rows):
        if row.kind == ITEM_ROW:
            since_subtotal.append(row)
            since_total.append(row)
        elif row.kind == SUBTOTAL:
            yield row, since_subtotal
            since_subtotal = []
        elif row.kind == TOTAL:
            if since_total:
                yield row, since_total
            else:
                yield row, _items_until_total(rows[index + 1 :])
            since_subtotal, since_total = [], []


def _items_until_total(rows: Sequence[BudgetRow]) -> list[BudgetRow]:
    items = []
    for row in rows:
        if row.kind == TOTAL:
            break
        if row.kind == ITEM_ROW:
            items.append(row)
    return items


def _sum_verdict(stated: Figure, rows: list[BudgetRow], column: Column) -> Verdict | None:
    """Consistent when all item rows, or only the category rows of a two-level table, add up."""
    readings = [rows, [r for r in rows if r.item.startswith(_CATEGORY)], _without_children(rows, column)]
    verdicts = []
    for reading in readings:
        parts = [r.amounts[column.index] for r in reading if column.index in r.amounts]
        if parts:
            verdicts.append(sum_verdict(stated, parts))
    if not verdicts:
        return None
    # none consistent: the finding shows the nearest reading, as the prose checks do
    return next((v for v in verdicts if v.consistent), min(verdicts, key=lambda v: abs(v.stated - v.computed)))


def _without_children(rows: list[BudgetRow], column: Column) -> list[BudgetRow]:
    """Drop rows that are itemised by the row above them (a parent equal to the sum below it)."""
    kept: list[BudgetRow] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        kept.append(row)
        skip = _children_count(rows, index, column)
        index += 1 + skip
    return kept


def _children_count(rows: list[BudgetRow], index: int, column: Column) -> int:
    parent = rows[index].amounts.get(column.index)
    if parent is None:
        return 0
    parts: list[Figure] = []
    for count, row in enumerate(rows[index + 1 :], start=1):
        figure = row.amounts.get(column.index)
        if figure is None:
            return 0
        parts.append(figure)
        if count >= 2 and sum_verdict(parent, parts).consistent:
            return count
    return 0


def _finding(doc_id: str, table: BudgetTable, row: BudgetRow, column: Column, stated: Figure, verdict: Verdict,
             check: str, message: str) -> Finding:
    return Finding(
        doc_id=doc_id,
        check=check,
        item=row_item(table, row),
        stated=stated.value / (column.multiplier or Decimal(1)) if column.kind == col.AMOUNT else stated.value,
        computed=_round(verdict.computed / (column.multiplier if column.kind == col.AMOUNT else Decimal(1))),
        tolerance=_round(verdict.tolerance / (column.multiplier if column.kind == col.AMOUNT else Decimal(1))),
        context=row_context(table, row),
        start=stated.start,
        end=stated.end,
        table=table.table,
        row=row.position,
        column=column.header,
        message=message,
        unit=_unit(column),
        stated_text=stated.text,
    )


def _unit(column: Column) -> str:
    if column.kind == col.RATE:
        return "%"
    return column.unit or "元"


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001")) if abs(value) < 10**12 else value


def row_item(table: BudgetTable, row: BudgetRow) -> str:
    """The row's item; a 合计 row is named by its table's title."""
    return f"{row.item}（{table.title}）" if row.is_total and table.title else row.item


def row_context(table: BudgetTable, row: BudgetRow) -> str:
    """The row as a reader would quote it: title, then header: value pairs."""
    pieces = [f"{c.header}: {cell.text.strip()}" for c, cell in zip(table.columns, row.cells)
              if cell is not None and cell.text.strip() and c.header.strip()]
    prefix = f"{table.title} | " if table.title else ""
    return prefix + " | ".join(pieces)
