"""Typed tables: caption, unit, flattened headers, column roles, row kinds and cell values.

This is the one place where a table's structure (rows of cells, as ingestion recovers them from
a ``.docx``, a text export or a PDF) becomes data. ``jixiao tag`` writes these records, the audit
reads them (``jixiao.tables.budget``) and ``jixiao show`` draws them, so the three never disagree
about what a cell holds.

Every source hands over the same shape — a merged cell once, a vertically merged cell as an empty
cell in the rows below its first, as Word's own text export prints them — so the rules below
never ask where a table came from:

* A **header** is a row of two or more labels, no numbers, at least one naming an amount or a rate
  (a self-evaluation form has several blocks, each under its own header). Rows of labels right
  above it that merged cells made shorter (「项目 | 2020年 | 执行率」 over
  「 | 年初预算 | 调整后预算 | 实际支出 | 」) are part of it: the empty cells below are the
  vertically merged ones, the remaining cells above spread over the runs between them, and each
  column's label is flattened to 「2020年 / 调整后预算」.
* **Units** are inherited from the column header (「合同金额（万元）」), from a 「单位：万元」 line
  inside the table above the header or just above the table (the caption), or from a header
  cell that labels the block (「项目资金（万元）」), in that order; without any, amounts are 元.
* The **caption** is the 「表N」 line just above the table, else the nearest short line that is
  not only a unit.
* **Values**: numeric cells of amount columns in 元, of rate columns in percent, with the printed
  precision left to the text (``jixiao.tables.figures`` reads it back for the audit).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from jixiao.document.model import Document, Table, TableCell, TableColumn, TableHeader
from jixiao.document.sections import heading_kind, heading_level
from jixiao.linebreaks import line_form
from jixiao.tables import columns as col
from jixiao.tables.columns import Column, make_column
from jixiao.tables.figures import amount_value, rate_value
from jixiao.tables.units import WHITE_SPACE, caption_unit, header_unit, multiplier

# Row kinds.
HEADER, ITEM_ROW, TOTAL, SUBTOTAL, DETAIL = "header", "item", "total", "subtotal", "detail"
# Where a unit came from.
FROM_CAPTION, FROM_HEADER = "caption", "header"
PERCENT = "%"
LABEL_JOINER = " / "

_TOTAL = re.compile(r"^(合计|总计|总合计|共计|总额|全年合计|本年合计|合计数|总计数)")
_SUBTOTAL = re.compile(r"^小计")
_DETAIL = re.compile(r"^其中")
_NUMERIC = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?\s*%?")
_ONLY_NUMBER = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?\s*%?$")
_TITLE = re.compile(r"^表\s*[0-9一二三四五六七八九十]+")
_UNIT_LINE = re.compile(r"[（(]?\s*(金额)?单位\s*[:：].*")
_LOOKBACK_LINES = 4
_TITLE_MAX = 60


def typed_tables(doc: Document) -> tuple[Table, ...]:
    """Every table of ``doc`` typed; a table that already is (read back from output) is kept as is."""
    out: list[Table] = []
    previous_end = 0
    for table in doc.tables:
        out.append(table if table.typed else type_table(table, context_lines(doc.text, previous_end, table.start)))
        previous_end = table.end or previous_end
    return tuple(out)


def with_typed_tables(doc: Document) -> Document:
    """``doc`` with typed tables (the same object when they already are)."""
    if all(table.typed for table in doc.tables):
        return doc
    return replace(doc, tables=typed_tables(doc))


def context_lines(text: str, since: int, start: int | None) -> tuple[str, ...]:
    """The last few non-empty lines before a table (after the previous one), nearest last."""
    if start is None:
        return ()
    # (line_form of the slice only: text given as a string may end its lines with CR, U+2028, …)
    lines = [line.strip() for line in line_form(text[since:start]).split("\n") if line.strip() and "\t" not in line]
    return tuple(lines[-_LOOKBACK_LINES:])


_SENTENCE_ENDS = ("。", "；", "！", "？", ";", "!", "?")


# a numbered item's heading (一、 （二） 3、 4. ①), which a table below its paragraph details
_NUMBERED = re.compile(r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:、|[.．](?!\d))|[①-⑳])")


def caption_of(context: Sequence[str]) -> str | None:
    """The table's caption: a 「表N」 line; else the nearest short line that is not only a unit, when
    no prose stands between it and the table; else, above such prose, a numbered item's heading
    (「3、农光里二区」 over the paragraph the table details); none at a heading that opens the
    report's problems, recommendations or experience."""
    for line in reversed(context):
        if _TITLE.match(line):
            return line
    after_prose = False
    for line in reversed(context):
        if _UNIT_LINE.fullmatch(line):
            continue  # 单位：万元 between the caption and the table
        # a line that ends as a sentence does (「建议加强预算编制。」) is prose, not a caption, and so is
        # a long one; a heading that opens the report's problems or recommendations (「二、存在的问题」)
        # titles a part, not a table
        if len(line) > _TITLE_MAX or line.endswith(_SENTENCE_ENDS):
            after_prose = True
            continue
        if _opens_a_part(line):
            return None
        # above prose, only the numbered heading of the item the table details (「3、农光里二区」
        # over a paragraph on its funds, then the table), not the report's title
        if after_prose and not _NUMBERED.match(line):
            return None
        return line
    return None


def _opens_a_part(line: str) -> bool:
    """Whether a line is a heading of the problems, recommendations or experience of a report."""
    return heading_level(line) is not None and heading_kind(line) in ("problem", "recommendation", "experience")


def type_table(table: Table, context: Sequence[str] = ()) -> Table:
    """``table`` typed; ``context`` are the lines just before it (caption, unit), nearest last."""
    rows = table.rows
    typed_rows: list[tuple[TableCell, ...]] = list(rows)
    kinds: list[str | None] = [None] * len(rows)
    context_unit = next((u for line in reversed(context) if (u := caption_unit(line))), None)
    candidates = [i for i, row in enumerate(rows) if _is_header(row)]
    headers: list[TableHeader] = []
    floor = 0  # rows before this belong to an earlier block
    for n, header in enumerate(candidates):
        stop = candidates[n + 1] if n + 1 < len(candidates) else len(rows)
        body = _body_rows(rows, header, stop)
        if not body or header < floor:
            continue
        upper = _upper_rows(rows, header, floor)
        inner_unit = next((u for row in rows[:header] for c in row if (u := caption_unit(c.text))), None)
        inherited = inner_unit or context_unit
        block = _block(rows, header, upper, body, inherited, FROM_CAPTION if inherited else None)
        if block is None:
            continue
        typed_header, placed = block
        headers.append(typed_header)
        for index, cells in placed.items():
            typed_rows[index] = cells
        for index in typed_header.rows:
            kinds[index] = HEADER
        for index in body:
            kinds[index] = _row_kind(typed_rows[index], typed_header.columns)
        floor = body[-1] + 1
    unit, source = _table_unit(headers, rows, context_unit)
    return replace(table, rows=tuple(typed_rows), caption=caption_of(context), unit=unit, unit_source=source,
                   headers=tuple(headers), row_kinds=tuple(kinds))


# --- headers ------------------------------------------------------------------------------------


def starts_numeric(text: str) -> bool:
    """Whether a cell's text starts with a printed number (「405.81」, 「98%」, 「2020年」)."""
    return bool(_NUMERIC.match(text))


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


# A placed header row: (first column, columns covered, cell) per cell.
_Placed = list[tuple[int, int, TableCell]]


def _upper_rows(rows: tuple[tuple[TableCell, ...], ...], header: int, floor: int) -> list[tuple[int, _Placed]]:
    """The rows of labels above a header that belong to it, top first, each placed over the columns."""
    lower: _Placed = [(i, 1, cell) for i, cell in enumerate(rows[header])]
    found: list[tuple[int, _Placed]] = []
    for index in range(header - 1, floor - 1, -1):
        placed = _place_over(rows[index], lower)
        if placed is None:
            break
        found.insert(0, (index, placed))
        lower = placed
    return found


def _place_over(row: tuple[TableCell, ...], lower: _Placed) -> _Placed | None:
    """Place a shorter row of labels over the header row below it, or None when it does not fit.

    An empty cell below is the rest of a cell merged down from this row, so it takes one cell of
    this row; the runs of labelled cells between such gaps share the remaining cells: one cell a
    run, or one run split evenly. A row that needs no merge to fit is not part of the header.
    """
    texts = [c.text.strip() for c in row]
    if len(row) < 2 or not any(texts) or any(_ONLY_NUMBER.match(t) for t in texts if t):
        return None
    groups: list[list[tuple[int, int, TableCell]]] = []
    for segment in lower:
        if not segment[2].text.strip() or not groups or not groups[-1][-1][2].text.strip():
            groups.append([segment])
        else:
            groups[-1].append(segment)
    gaps = sum(1 for g in groups if not g[0][2].text.strip())
    runs = [g for g in groups if g[0][2].text.strip()]
    free = len(row) - gaps
    if free == len(runs):
        pieces = {id(g): 1 for g in runs}
    elif len(runs) == 1 and free > 0 and len(runs[0]) % free == 0:
        pieces = {id(runs[0]): free}
    else:
        return None
    if gaps == 0 and all(pieces[id(g)] == len(g) for g in runs):
        return None  # nothing merged: a row of its own, not part of this header
    placed: _Placed = []
    cells = iter(row)
    for group in groups:
        count = pieces.get(id(group), 1)
        size = len(group) // count
        for k in range(count):
            chunk = group[k * size : (k + 1) * size]
            first, last = chunk[0], chunk[-1]
            placed.append((first[0], last[0] + last[1] - first[0], next(cells)))
    return placed


def _labels(header_row: tuple[TableCell, ...], upper: list[tuple[int, _Placed]]) -> list[list[str]]:
    """Per column, the header texts that cover it, top to bottom, empty and repeated ones left out."""
    out: list[list[str]] = []
    for index, cell in enumerate(header_row):
        parts: list[str] = []
        for _, placed in upper:
            for first, span, above in placed:
                if first <= index < first + span and above.text.strip() and above.text.strip() not in parts:
                    parts.append(above.text.strip())
        parts.append(cell.text)
        out.append(parts)
    return out


# --- blocks -------------------------------------------------------------------------------------


def _block(rows: tuple[tuple[TableCell, ...], ...], header: int, upper: list[tuple[int, _Placed]], body: list[int],
           inherited: str | None, source: str | None) -> tuple[TableHeader, dict[int, tuple[TableCell, ...]]] | None:
    """The typed header of one block and its typed rows (header rows and body), or None."""
    header_cells = rows[header]
    parts = _labels(header_cells, upper)
    labels = [_label(p) for p in parts]
    kinds = [col.classify_header(p[-1] if len(p) == 1 else _bottom(p))[0] for p in parts]
    aligned = [(i, _align(rows[i], kinds)) for i in body]
    numeric = _numeric_columns(len(header_cells), [cells for _, cells in aligned])
    label_unit = _label_unit(labels, numeric)
    block_unit = inherited or label_unit
    block_source = source if inherited else (FROM_HEADER if label_unit else None)
    columns = [_column(i, p, block_unit, numeric[i]) for i, p in enumerate(parts)]
    if not any(c.kind in (col.AMOUNT, col.RATE) for c in columns):
        return None
    item = _item_column(columns, [cells for _, cells in aligned])
    if item is not None and columns[item].kind != col.ITEM:
        columns[item] = replace(columns[item], kind=col.ITEM)
    placed: dict[int, tuple[TableCell, ...]] = {}
    for index, upper_cells in upper:
        placed[index] = tuple(_placed_cell(cell, first, span) for first, span, cell in upper_cells)
    placed[header] = tuple(_placed_cell(cell, i, cell.span) for i, cell in enumerate(header_cells))
    for index, cells in aligned:
        placed[index] = _typed_row(rows[index], cells, columns)
    records = tuple(_column_record(c, block_source, header_unit(labels[c.index])) for c in columns)
    typed = TableHeader(tuple(i for i, _ in upper) + (header,), tuple(body), records, block_unit, block_source)
    return typed, placed


def _label(parts: list[str]) -> str:
    """One label for a column: the header cell's own text, or the stacked texts joined."""
    if len(parts) == 1:
        return parts[0]
    return LABEL_JOINER.join(p.strip() for p in parts if p.strip())


def _bottom(parts: list[str]) -> str:
    """The lowest non-empty text of a stacked label (the most specific one)."""
    return next((p for p in reversed(parts) if p.strip()), "")


def _column(i: int, parts: list[str], unit: str | None, numeric: str | None) -> Column:
    """Header words decide; the cells overrule them when a named column holds no numbers.

    A stacked label is read from the bottom: 「2020年 / 实际支出」 is an actual; the labels above
    only name the role or unit the bottom one leaves open (「执行数 / 金额」).
    """
    header = _label(parts)
    column = make_column(i, header, unit)
    if len(parts) > 1:
        bottom = make_column(i, _bottom(parts), header_unit(header) or unit)
        if bottom.kind != col.TEXT:
            column = replace(bottom, header=header, role=bottom.role or (column.role if column.kind == bottom.kind else None))
    if column.kind in (col.AMOUNT, col.RATE) and numeric is None:
        return Column(i, header, col.TEXT)
    if column.kind == col.TEXT and numeric == "amount":
        return Column(i, header, col.AMOUNT, col.amount_role(header), unit, multiplier(unit))
    if column.kind == col.TEXT and numeric == "rate":
        return Column(i, header, col.RATE, None, percent=True)
    return column


def _column_record(column: Column, block_source: str | None, own_unit: str | None) -> TableColumn:
    if column.kind == col.AMOUNT:
        source = FROM_HEADER if own_unit and own_unit == column.unit else (block_source if column.unit else None)
        return TableColumn(column.index, column.header, column.kind, column.role, column.unit, source)
    if column.kind == col.RATE:
        return TableColumn(column.index, column.header, column.kind, column.role, PERCENT)
    return TableColumn(column.index, column.header, column.kind, column.role)


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


def _label_unit(labels: list[str], numeric: list[str | None]) -> str | None:
    """A unit in the header of a label column (「项目资金（万元）」) applies to the whole block."""
    for i, label in enumerate(labels):
        unit = header_unit(label)
        if unit and numeric[i] is None:
            return unit
    return None


def _align(row: tuple[TableCell, ...], kinds: list[str]) -> tuple[TableCell | None, ...]:
    """Place a row's cells under the header when merged cells made it shorter or longer.

    Every offset is tried; numbers should land in numeric-looking columns and labels in the others.
    Ties go to right alignment, because merged cells are usually at the left (序号 + 实施部室).
    """
    width = len(kinds)
    if len(row) == width:
        return tuple(row)
    if len(row) > width:
        return tuple(row[len(row) - width :])
    best, best_score = width - len(row), -1
    for offset in range(width - len(row), -1, -1):
        score = sum(_fits(cell.text, kinds[offset + k]) for k, cell in enumerate(row))
        if score > best_score:
            best, best_score = offset, score
    return tuple([None] * best + list(row) + [None] * (width - best - len(row)))


def _fits(text: str, kind: str) -> int:
    numeric = bool(_NUMERIC.match(text.strip()))
    if not text.strip():
        return 0
    return int(numeric == (kind in (col.AMOUNT, col.RATE)))


def _item_column(columns: list[Column], rows: list[tuple[TableCell | None, ...]]) -> int | None:
    """The column naming the item: a named item column, else the fullest text column."""
    items = [c.index for c in columns if c.kind == col.ITEM]
    if items:
        return items[0]
    texts = [c.index for c in columns if c.kind == col.TEXT]
    if not texts:
        return None
    return max(texts, key=lambda i: sum(1 for r in rows if r[i] is not None and r[i].text.strip()))


def _placed_cell(cell: TableCell, column: int, span: int) -> TableCell:
    """A header cell with its column and span (built directly: dataclasses.replace reads the
    fields anew for every cell)."""
    return TableCell(cell.text, cell.start, cell.end, column, span, cell.value)


def _typed_row(row: tuple[TableCell, ...], aligned: tuple[TableCell | None, ...], columns: list[Column]) -> tuple[TableCell, ...]:
    """The row's cells with their column and, under an amount or rate column, their value.

    Cells that fall outside the header (a row longer than it) keep no column.
    """
    where = {id(cell): i for i, cell in enumerate(aligned) if cell is not None}
    out = []
    for cell in row:
        index = where.get(id(cell))
        if index is None:
            out.append(cell)
            continue
        # built directly: dataclasses.replace reads the fields anew for every cell
        out.append(TableCell(cell.text, cell.start, cell.end, index, cell.span, _value(cell.text, columns[index])))
    return tuple(out)


def _value(text: str, column: Column) -> Decimal | None:
    if column.kind == col.AMOUNT:
        return amount_value(text, column.multiplier)
    if column.kind == col.RATE:
        return rate_value(text, column.percent)
    return None


def _row_kind(cells: tuple[TableCell, ...], columns: Sequence[TableColumn]) -> str:
    """Total, subtotal or detail from the row's labels (合计, 小计, 其中…); else an item row."""
    labels = [WHITE_SPACE.sub("", c.text) for c in cells if c.column is not None and c.text.strip()
              and columns[c.column].kind not in (col.AMOUNT, col.RATE)]
    if any(_TOTAL.match(t) for t in labels):
        return TOTAL
    if any(_SUBTOTAL.match(t) for t in labels):
        return SUBTOTAL
    if any(_DETAIL.match(t) for t in labels):
        return DETAIL
    return ITEM_ROW


def _table_unit(headers: list[TableHeader], rows: tuple[tuple[TableCell, ...], ...],
                context_unit: str | None) -> tuple[str | None, str | None]:
    """The table's unit: its first block's; else the one unit its amount headers name; else a caption's."""
    if headers:
        first = headers[0]
        if first.unit:
            return first.unit, first.unit_source
        named = {c.unit for c in first.columns if c.kind == col.AMOUNT and c.unit_source == FROM_HEADER}
        if len(named) == 1:
            return named.pop(), FROM_HEADER
        return None, None
    inner = next((u for row in rows for c in row if (u := caption_unit(c.text))), None)
    unit = inner or context_unit
    return unit, FROM_CAPTION if unit else None
