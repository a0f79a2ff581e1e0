"""Three flat tables cut from the output records: one row per span, per sentence and per table cell.

All are keyed by the document ``id`` (unique in a run: the path relative to the input root, as in
the records) and carry the ``source`` path, so every row can be traced to its file. The ``tables`` file has
one row per cell of every table in the reports, with the table's index, caption and unit, the
row's index and kind (header, item, total, subtotal, detail), the column's flattened label and
role, the cell's text and offsets and, for amounts and rates, its value in 元 or percent
(``value_unit``), the caption's or header's unit already applied. Values stay decimal
strings ('44143444.67') in CSV and Parquet alike, so no amount is rounded through a float;
category scores get one column each (``score_<key>``) so the tables stay flat. Rows are
streamed from the records file to the table files, so memory does not grow with the batch.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jixiao.document.model import CATEGORIES
from jixiao.outputs.journal import iter_records
from jixiao.outputs.names import readable

SPAN_COLUMNS: tuple[str, ...] = ("id", "source", "start", "end", "label", "text", "value", "value_max", "unit", "op",
                                 "approx", "score")
SENTENCE_COLUMNS: tuple[str, ...] = (
    "id", "source", "start", "end", "section", "kind", "kind_score", "categories", "text",
    *(f"score_{c}" for c in CATEGORIES),
)
TABLE_COLUMNS: tuple[str, ...] = (
    "id", "source", "table", "caption", "unit", "row", "row_kind", "column", "label", "role", "text", "start", "end",
    "value", "value_unit",
)
_INTEGER = {"start", "end", "table", "row", "column"}
_FLOAT = {"score", "kind_score", *(f"score_{c}" for c in CATEGORIES)}
_BOOL = {"approx"}


def span_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    text = record.get("text") or ""
    for span in record.get("spans") or ():
        row = {key: span.get(key) for key in SPAN_COLUMNS}
        row.update(id=record["id"], source=record.get("source"), text=text[span["start"] : span["end"]],
                   approx=bool(span.get("approx")))
        yield row


def sentence_rows(record: dict[str, Any], separator: str = ";") -> Iterator[dict[str, Any]]:
    text = record.get("text") or ""
    for sentence in record.get("sentences") or ():
        row = {key: sentence.get(key) for key in ("start", "end", "section", "kind", "kind_score")}
        row.update(id=record["id"], source=record.get("source"), categories=separator.join(sentence.get("categories") or ()),
                   text=text[sentence["start"] : sentence["end"]])
        scores = sentence.get("category_scores") or {}
        row.update({f"score_{c}": scores.get(c) for c in CATEGORIES})
        yield row


def table_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per cell of every table in the record, with its table's and its column's description.

    A row's columns are those of the header whose rows or body it belongs to; rows outside any
    header (and tables written without headers) give cells without label or role.
    """
    for index, table in enumerate(record.get("tables") or ()):
        described: dict[int, dict[int, dict[str, Any]]] = {}  # row -> column index -> column
        for header in table.get("headers") or ():
            columns = {int(c["index"]): c for c in header.get("columns") or ()}
            for position in (*header.get("rows", ()), *header.get("body", ())):
                described[position] = columns
        base = {"id": record["id"], "source": record.get("source"), "table": index, "caption": table.get("caption"),
                "unit": table.get("unit")}
        for position, row in enumerate(table.get("rows") or ()):
            if not isinstance(row, dict):  # a record written before tables were typed: plain strings
                row = {"cells": [{"text": text} for text in row]}
            for cell in row.get("cells") or ():
                column = described.get(position, {}).get(cell.get("column"), {})
                value = cell.get("value")
                unit = None if value is None else "%" if column.get("kind") == "rate" else "元"
                yield {**base, "row": position, "row_kind": row.get("kind"), "column": cell.get("column"),
                       "label": column.get("label"), "role": column.get("role"), "text": cell.get("text"),
                       "start": cell.get("start"), "end": cell.get("end"), "value": value, "value_unit": unit}


class CsvTable:
    def __init__(self, path: Path, columns: tuple[str, ...], settings: dict[str, Any]) -> None:
        self.columns = columns
        self.handle = open(path, "w", encoding=settings.get("csv_encoding", "utf-8"), newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(columns)

    def write(self, row: dict[str, Any]) -> None:
        row = readable_names(row)
        self.writer.writerow([_csv_cell(row[c]) for c in self.columns])

    def close(self) -> None:
        self.handle.close()


def readable_names(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its ``id`` and ``source`` in a form UTF-8 can hold (``jixiao.outputs.names``)."""
    changed = {k: readable(v) for k in ("id", "source") if isinstance(v := row.get(k), str) and readable(v) is not v}
    return {**row, **changed} if changed else row


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


class ParquetTable:
    """Buffered rows written as row groups, so a table of any size needs one batch of memory."""

    def __init__(self, path: Path, columns: tuple[str, ...], settings: dict[str, Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.columns = columns
        self.schema = arrow_schema(columns)
        self.writer = pq.ParquetWriter(path, self.schema)
        self.batch = int(settings.get("parquet_batch_rows", 20000))
        self.rows: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self.rows.append(readable_names(row))
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


def arrow_schema(columns: tuple[str, ...]) -> Any:
    """The Parquet schema of a table: integers, floats and booleans typed, everything else text
    (values too, as decimal strings); shared by the local writer and the Ray engine's shards."""
    import pyarrow as pa

    return pa.schema([(c, _arrow_type(pa, c)) for c in columns])


def _arrow_type(pa: Any, column: str) -> Any:
    if column in _INTEGER:
        return pa.int64()
    if column in _FLOAT:
        return pa.float64()
    if column in _BOOL:
        return pa.bool_()
    return pa.string()


TABLES = {"csv": CsvTable, "parquet": ParquetTable}


def write_tables(records: Path, folder: Path, fmt: str, settings: dict[str, Any]) -> None:
    """``spans.<fmt>``, ``sentences.<fmt>`` and ``tables.<fmt>`` in ``folder`` from the records in ``records``."""
    table = TABLES[fmt]
    spans = table(folder / f"spans.{fmt}", SPAN_COLUMNS, settings)
    sentences = table(folder / f"sentences.{fmt}", SENTENCE_COLUMNS, settings)
    cells = table(folder / f"tables.{fmt}", TABLE_COLUMNS, settings)
    separator = str(settings.get("category_separator", ";"))
    try:
        for record in iter_records(records):
            for row in span_rows(record):
                spans.write(row)
            for row in sentence_rows(record, separator):
                sentences.write(row)
            for row in table_rows(record):
                cells.write(row)
    finally:
        spans.close()
        sentences.close()
        cells.close()
