"""One figure, stated twice, with two values.

Three ways a report states the same figure again:

* the same derivation — the same budget and actual amounts given twice (in prose, in a table's row
  or 合计) with rates that cannot both round from them;
* the same label right after — 「…预算执行率为100%。评价分析认为，该项目的预算执行率为98%。」: a
  rate with no amounts of its own, whose label (without anaphors such as 该项目) is the label of
  the rate stated just before it;
* the same item in two tables — a row of one table repeated in another (a summary table and a
  department table) with a different amount or rate in a column of the same role.

The later statement is reported, with the earlier one as ``related_start``/``related_end``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.audit.findings import Finding
from jixiao.audit.prose_checks import context_around, derivations, prose_item, window_before
from jixiao.audit.statements import AMOUNT, RATE, Paragraph, Quantity, label_key
from jixiao.audit.table_checks import rate_pair, row_context, row_item
from jixiao.audit.tolerance import Interval, Verdict, judge, of
from jixiao.tables import columns as col
from jixiao.tables.budget import ITEM_ROW, BudgetRow, BudgetTable
from jixiao.tables.columns import Column
from jixiao.tables.figures import Figure

RESTATEMENT = "restatement"
_YEAR = re.compile(r"(19|20)\d{2}|上年|本年|去年|今年|当年|下年")
_MIN_ITEM = 4
_NEARBY_SENTENCES = 3


@dataclass(frozen=True)
class RateStatement:
    """An execution rate with the (budget, actual) amounts it was stated from, and where it stands."""

    budget: Figure
    actual: Figure
    rate: Figure
    item: str
    context: str
    table: int | None = None
    row: int | None = None
    column: str | None = None

    @property
    def key(self) -> tuple[Decimal, Decimal]:
        return self.budget.value.normalize(), self.actual.value.normalize()


def restatement_findings(doc_id: str, text: str, paragraphs: Sequence[Paragraph],
                         tables: Sequence[BudgetTable]) -> list[Finding]:
    """Figures stated twice with values that cannot both be right."""
    statements = sorted([*_prose_statements(text, paragraphs), *_table_statements(tables)],
                        key=lambda s: s.rate.start or 0)
    findings = list(_same_derivation(doc_id, statements))
    findings.extend(_same_label(doc_id, text, paragraphs))
    findings.extend(_same_item(doc_id, tables))
    return findings


def _prose_statements(text: str, paragraphs: Sequence[Paragraph]) -> Iterator[RateStatement]:
    """Execution rates in prose, each with the (actual, budget) reading that explains it best."""
    for derivation in derivations(paragraphs):
        rate = derivation.stated
        best = derivation.best()
        if rate.role != col.EXECUTION or best is None:
            continue
        actual, budget = best[0].inputs
        yield RateStatement(budget, actual, rate.figure, prose_item(paragraphs, rate),
                            context_around(text, rate.figure.start or 0, rate.figure.end or 0))


def _table_statements(tables: Sequence[BudgetTable]) -> Iterator[RateStatement]:
    for table in tables:
        for rate_column in table.rate_columns():
            pair = rate_pair(table, rate_column) if rate_column.role == col.EXECUTION else None
            if pair is None:
                continue
            numerator, denominator = pair
            for row in table.rows:
                rate = row.rates.get(rate_column.index)
                actual, budget = row.amounts.get(numerator.index), row.amounts.get(denominator.index)
                if rate is not None and actual is not None and budget is not None:
                    yield RateStatement(budget, actual, rate, row_item(table, row), row_context(table, row),
                                        table.table, row.position, rate_column.header)


def _same_derivation(doc_id: str, statements: list[RateStatement]) -> Iterator[Finding]:
    """Later statements of the same amounts whose rate cannot be the earlier one's."""
    # per pair of amounts, the first statement of each printed rate: later ones with the same rate
    # (a figure repeated through a long report) would be compared again with the same outcome
    earlier: dict[tuple[Decimal, Decimal], dict[tuple[Decimal, Decimal], RateStatement]] = {}
    for statement in statements:
        if statement.budget.value <= 0:
            continue
        for previous in earlier.get(statement.key, {}).values():
            if not of(previous.rate).overlaps(of(statement.rate)):
                yield _finding(doc_id, statement.rate, previous.rate, statement.item, statement.context,
                               f"the same amounts ({statement.actual.text} / {statement.budget.text}) are stated "
                               f"with rate {previous.rate.text} elsewhere", statement.table, statement.row,
                               statement.column)
                break
        earlier.setdefault(statement.key, {}).setdefault((statement.rate.value, statement.rate.half), statement)


def _same_label(doc_id: str, text: str, paragraphs: Sequence[Paragraph]) -> Iterator[Finding]:
    """A bare rate that repeats the label of the rate just before it, with another value."""
    rates = [(p, i, q) for p in paragraphs for i, q in enumerate(p.quantities) if q.kind == RATE]
    for (_, _, previous), (paragraph, index, current) in zip(rates, rates[1:]):
        if current.role != col.EXECUTION or _has_amounts_before(paragraph, index):
            continue
        if not _nearby(previous, current) or label_key(previous.label) != label_key(current.label):
            continue
        if not of(previous.figure).overlaps(of(current.figure)):
            yield _finding(doc_id, current.figure, previous.figure, prose_item(paragraphs, current),
                           context_around(text, current.figure.start or 0, current.figure.end or 0),
                           f"{current.label}{current.figure.text} restates {previous.label}{previous.figure.text}")


def _has_amounts_before(paragraph: Paragraph, index: int) -> bool:
    """Whether the rate at ``index`` has amounts of its own (between the previous rate and it)."""
    return any(q.kind == AMOUNT for q in window_before(paragraph.quantities, index))


def _nearby(previous: Quantity, current: Quantity) -> bool:
    """Within a few sentences: the same paragraph or the one right after."""
    if current.paragraph == previous.paragraph:
        return current.sentence - previous.sentence <= _NEARBY_SENTENCES
    return current.paragraph == previous.paragraph + 1 and current.sentence <= 1


def _same_item(doc_id: str, tables: Sequence[BudgetTable]) -> Iterator[Finding]:
    """An item repeated in a later table with another figure in a column of the same role.

    Generic items (办公费, 差旅费) recur across department tables with different amounts, so two
    tables are compared only when they demonstrably list the same things: at least two of their
    shared figures agree, and agreements are not outnumbered by disagreements.
    """
    for later_index, later in enumerate(tables):
        for earlier in tables[:later_index]:
            if earlier.table == later.table:
                continue
            pairs = list(_shared_figures(earlier, later))
            agree = sum(1 for _, a, b, _ in pairs if of(a).overlaps(of(b)))
            if agree < 2 or agree < len(pairs) - agree:
                continue
            for (row, before, now, column) in pairs:
                if not of(before).overlaps(of(now)):
                    amount = column.kind == col.AMOUNT
                    yield _finding(doc_id, now, before, row.item, row_context(later, row),
                                   f"{row.item} {column.header} is {now.text} here and {before.text} in another table",
                                   later.table, row.position, column.header,
                                   column.multiplier if amount else Decimal(1), (column.unit or "元") if amount else "%")


def _shared_figures(earlier: BudgetTable, later: BudgetTable) -> Iterator[tuple[BudgetRow, Figure, Figure, Column]]:
    """(later row, earlier figure, later figure, later column) for every item and role both tables give."""
    index = {key: figure for key, figure, _, _ in _keyed_figures(earlier)}
    for key, figure, row, column in _keyed_figures(later):
        if key in index:
            yield row, index[key], figure, column


def _keyed_figures(table: BudgetTable) -> Iterator[tuple[tuple[str, str, str, str], Figure, BudgetRow, Column]]:
    for row in table.rows:
        item = re.sub(r"\s+", "", row.item)
        if row.kind != ITEM_ROW or len(item) < _MIN_ITEM:
            continue
        for column in table.columns:
            figure = row.amounts.get(column.index) or row.rates.get(column.index)
            if figure is not None and column.role is not None:
                yield (item, column.kind, column.role, _years(column.header, table.title)), figure, row, column


def _years(header: str, title: str | None) -> str:
    """Which year a column is about, so that this year's and last year's tables are not compared."""
    return ",".join(m.group() for m in _YEAR.finditer(f"{header} {title or ''}"))


def _finding(doc_id: str, stated: Figure, other: Figure, item: str, context: str, message: str,
             table: int | None = None, row: int | None = None, column: str | None = None,
             scale: Decimal = Decimal(1), unit: str = "%") -> Finding:
    verdict: Verdict = judge(stated, Interval(other.lo, other.hi, other.value))
    return Finding(
        doc_id=doc_id,
        check=RESTATEMENT,
        item=item,
        stated=stated.value / scale,
        computed=other.value / scale,
        tolerance=verdict.tolerance / scale,
        context=context,
        start=stated.start,
        end=stated.end,
        table=table,
        row=row,
        column=column,
        message=message,
        unit=unit,
        stated_text=stated.text,
        related_start=other.start,
        related_end=other.end,
    )
