"""Two flat tables cut from the output records: one row per span, one row per sentence.

Both are keyed by the document ``id`` (the file stem, as in the records). Values stay decimal
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

SPAN_COLUMNS: tuple[str, ...] = ("id", "start", "end", "label", "text", "value", "value_max", "unit", "op", "approx", "score")
SENTENCE_COLUMNS: tuple[str, ...] = (
    "id", "start", "end", "section", "kind", "kind_score", "categories", "text",
    *(f"score_{c}" for c in CATEGORIES),
)
_INTEGER = {"start", "end"}
_FLOAT = {"score", "kind_score", *(f"score_{c}" for c in CATEGORIES)}
_BOOL = {"approx"}


def span_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    text = record.get("text") or ""
    for span in record.get("spans") or ():
        row = {key: span.get(key) for key in SPAN_COLUMNS}
        row.update(id=record["id"], text=text[span["start"] : span["end"]], approx=bool(span.get("approx")))
        yield row


def sentence_rows(record: dict[str, Any], separator: str = ";") -> Iterator[dict[str, Any]]:
    text = record.get("text") or ""
    for sentence in record.get("sentences") or ():
        row = {key: sentence.get(key) for key in ("start", "end", "section", "kind", "kind_score")}
        row.update(id=record["id"], categories=separator.join(sentence.get("categories") or ()),
                   text=text[sentence["start"] : sentence["end"]])
        scores = sentence.get("category_scores") or {}
        row.update({f"score_{c}": scores.get(c) for c in CATEGORIES})
        yield row


class CsvTable:
    def __init__(self, path: Path, columns: tuple[str, ...], settings: dict[str, Any]) -> None:
        self.columns = columns
        self.handle = open(path, "w", encoding=settings.get("csv_encoding", "utf-8"), newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(columns)

    def write(self, row: dict[str, Any]) -> None:
        self.writer.writerow([_csv_cell(row[c]) for c in self.columns])

    def close(self) -> None:
        self.handle.close()


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
        self.schema = pa.schema([(c, _arrow_type(pa, c)) for c in columns])
        self.writer = pq.ParquetWriter(path, self.schema)
        self.batch = int(settings.get("parquet_batch_rows", 20000))
        self.rows: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


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
    """``spans.<fmt>`` and ``sentences.<fmt>`` in ``folder`` from the records in ``records``."""
    table = TABLES[fmt]
    spans = table(folder / f"spans.{fmt}", SPAN_COLUMNS, settings)
    sentences = table(folder / f"sentences.{fmt}", SENTENCE_COLUMNS, settings)
    separator = str(settings.get("category_separator", ";"))
    try:
        for record in iter_records(records):
            for row in span_rows(record):
                spans.write(row)
            for row in sentence_rows(record, separator):
                sentences.write(row)
    finally:
        spans.close()
        sentences.close()
