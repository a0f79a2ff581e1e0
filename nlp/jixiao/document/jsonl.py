"""The one reader and writer of SCHEME §3 JSON Lines; gold and predictions share this shape.

Decisions beyond the scheme (see corpus/GUIDELINES.md): spans may carry their ``text`` for
readability; predictions add ``score`` on spans, ``kind_score`` and ``category_scores`` on
sentences, while ``categories`` stays a plain list of keys in both gold and predictions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.atomic import write_lines
from jixiao.document.model import Document, Sentence, Span, Table, TableCell, TableColumn, TableHeader

# The atomic writer lives in jixiao.atomic; this name stays for the callers that import it from here.
write_atomic = write_lines


class FormatError(ValueError):
    """A line that is not a SCHEME document; the message names the line."""


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise FormatError(f"value {value!r} is not a decimal number") from exc


def decimal_str(value: Decimal) -> str:
    """Plain positional notation without exponent or trailing zeros ('44143444.67')."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def span_from_dict(raw: dict[str, Any]) -> Span:
    """A span from its JSON form (``span_to_dict``): values are read as Decimal, never float."""
    return Span(
        start=int(raw["start"]),
        end=int(raw["end"]),
        label=str(raw["label"]),
        value=_dec(raw.get("value")),
        unit=raw.get("unit"),
        op=raw.get("op"),
        approx=bool(raw.get("approx", False)),
        value_max=_dec(raw.get("value_max")),
        score=raw.get("score"),
    )


def span_to_dict(span: Span, text: str | None = None) -> dict[str, Any]:
    """A span's JSON form: offsets, label, the covered ``text`` when the document text is given,
    value and value_max as plain decimal strings, and unit, op, approx and score when set."""
    out: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label}
    if text is not None:
        out["text"] = text[span.start : span.end]
    if span.value is not None:
        out["value"] = decimal_str(span.value)
    if span.unit is not None:
        out["unit"] = span.unit
    if span.op is not None:
        out["op"] = span.op
    if span.approx:
        out["approx"] = True
    if span.value_max is not None:
        out["value_max"] = decimal_str(span.value_max)
    if span.score is not None:
        out["score"] = round(float(span.score), 4)
    return out


def sentence_from_dict(raw: dict[str, Any]) -> Sentence:
    """A sentence from its JSON form (``sentence_to_dict``); kind and categories may be absent."""
    return Sentence(
        start=int(raw["start"]),
        end=int(raw["end"]),
        kind=raw.get("kind"),
        categories=tuple(raw.get("categories") or ()),
        kind_score=raw.get("kind_score"),
        category_scores=dict(raw.get("category_scores") or {}),
        section=raw.get("section"),
    )


def sentence_to_dict(sentence: Sentence) -> dict[str, Any]:
    """A sentence's JSON form: offsets, and kind, categories, scores (4 decimals) and section when set."""
    out: dict[str, Any] = {"start": sentence.start, "end": sentence.end}
    if sentence.kind is not None:
        out["kind"] = sentence.kind
        out["categories"] = list(sentence.categories)
    if sentence.kind_score is not None:
        out["kind_score"] = round(float(sentence.kind_score), 4)
    if sentence.category_scores:
        out["category_scores"] = {k: round(float(v), 4) for k, v in sentence.category_scores.items()}
    if sentence.section is not None:
        out["section"] = sentence.section
    return out


def table_to_dict(table: Table) -> dict[str, Any]:
    """A table record: caption, unit, headers with their columns, rows of cells with offsets and values.

    Rows are objects (``{"kind": "item", "cells": [...]}``) so that a row's kind travels with it;
    ``unit``, ``unit_source``, ``headers`` and the row kinds appear once the table is typed
    (``jixiao.tables.records``). Values are decimal strings, 元 for money and percent for rates.
    """
    out: dict[str, Any] = {"start": table.start, "end": table.end, "caption": table.caption}
    if table.typed:
        out["unit"] = table.unit
        out["unit_source"] = table.unit_source
        out["headers"] = [_header_to_dict(h) for h in table.headers or ()]
    rows = []
    for index, cells in enumerate(table.rows):
        row: dict[str, Any] = {}
        if table.typed:
            row["kind"] = table.row_kinds[index] if index < len(table.row_kinds) else None
        row["cells"] = [_cell_to_dict(c) for c in cells]
        rows.append(row)
    out["rows"] = rows
    return out


def _header_to_dict(header: TableHeader) -> dict[str, Any]:
    return {"rows": list(header.rows), "body": list(header.body), "unit": header.unit, "unit_source": header.unit_source,
            "columns": [{"index": c.index, "label": c.label, "kind": c.kind, "role": c.role, "unit": c.unit,
                         "unit_source": c.unit_source} for c in header.columns]}


def _cell_to_dict(cell: TableCell) -> dict[str, Any]:
    out: dict[str, Any] = {"text": cell.text, "start": cell.start, "end": cell.end, "column": cell.column}
    if cell.span != 1:
        out["span"] = cell.span
    if cell.value is not None:
        out["value"] = decimal_str(cell.value)
    return out


def table_from_dict(raw: dict[str, Any]) -> Table:
    """A table record back; rows written as plain lists of strings (older output) read as untyped tables."""
    rows: list[tuple[TableCell, ...]] = []
    kinds: list[str | None] = []
    for row in raw.get("rows") or ():
        cells = (row.get("cells") or ()) if isinstance(row, dict) else row
        kinds.append(row.get("kind") if isinstance(row, dict) else None)
        rows.append(tuple(_cell_from_dict(c) for c in cells))
    headers = raw.get("headers")
    typed = None if headers is None else tuple(_header_from_dict(h) for h in headers)
    return Table(rows=tuple(rows), start=_int(raw.get("start")), end=_int(raw.get("end")), caption=raw.get("caption"),
                 unit=raw.get("unit"), unit_source=raw.get("unit_source"), headers=typed,
                 row_kinds=tuple(kinds) if typed is not None else ())


def _cell_from_dict(raw: Any) -> TableCell:
    if not isinstance(raw, dict):
        return TableCell(str(raw))
    return TableCell(str(raw.get("text", "")), _int(raw.get("start")), _int(raw.get("end")), _int(raw.get("column")),
                     int(raw.get("span") or 1), _dec(raw.get("value")))


def _header_from_dict(raw: dict[str, Any]) -> TableHeader:
    columns = tuple(TableColumn(int(c["index"]), str(c.get("label", "")), str(c.get("kind", "text")), c.get("role"),
                                c.get("unit"), c.get("unit_source")) for c in raw.get("columns") or ())
    return TableHeader(tuple(int(i) for i in raw.get("rows") or ()), tuple(int(i) for i in raw.get("body") or ()),
                       columns, raw.get("unit"), raw.get("unit_source"))


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def document_from_dict(raw: dict[str, Any]) -> Document:
    """A document from one parsed JSON line (a corpus document or a ``jixiao tag`` record); raises
    FormatError without ``id`` or ``text``. Fields a record adds (``source``, ``model``) are not kept."""
    if not isinstance(raw, dict) or "id" not in raw or "text" not in raw:
        raise FormatError("a document needs 'id' and 'text'")
    if not isinstance(raw["text"], str):
        raise FormatError(f"'text' must be a string, not {type(raw['text']).__name__}")
    text = raw["text"]
    spans = tuple(span_from_dict(s) for s in _objects(raw, "spans"))
    sentences = tuple(sentence_from_dict(s) for s in _objects(raw, "sentences"))
    for key, ranges in (("spans", spans), ("sentences", sentences)):
        for number, item in enumerate(ranges):
            if not 0 <= item.start <= item.end <= len(text):
                raise FormatError(f"{key}[{number}]: [{item.start}, {item.end}) is not within the text "
                                  f"({len(text)} characters)")
    return Document(id=str(raw["id"]), text=text, meta=dict(raw.get("meta") or {}), spans=spans,
                    sentences=sentences, tables=tuple(table_from_dict(t) for t in _objects(raw, "tables")))


def _objects(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The list of JSON objects under ``key`` (none when absent), or FormatError saying what it is instead."""
    items = raw.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise FormatError(f"'{key}' must be a list of objects")
    return items


def document_to_dict(doc: Document, *, span_text: bool = True, tables: bool = True) -> dict[str, Any]:
    """A document's JSON form (the corpus format of SCHEME): id, text, meta, spans (with their
    text unless ``span_text`` is false), sentences, and tables when there are any and ``tables``."""
    out: dict[str, Any] = {"id": doc.id, "text": doc.text, "meta": doc.meta}
    out["spans"] = [span_to_dict(s, doc.text if span_text else None) for s in doc.spans]
    out["sentences"] = [sentence_to_dict(s) for s in doc.sentences]
    if tables and doc.tables:
        out["tables"] = [table_to_dict(t) for t in doc.tables]
    return out


# Files read as documents in JSON Lines (``jixiao tag``'s output, a corpus file) rather than as reports.
JSONL_SUFFIXES: tuple[str, ...] = (".jsonl", ".ndjson")


def json_error(exc: json.JSONDecodeError) -> str:
    """The reason of a JSON error with its column: json's own message for a control character ends
    in "at", which a plain "… at column N" would double."""
    return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"


def iter_raw(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, parsed object); JSON errors name the line."""
    with open(path, encoding="utf-8-sig") as handle:  # a BOM (Windows editors add one) is read past
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"{path}:{number}: not JSON ({json_error(exc)})") from exc


def read_documents(path: str | Path) -> list[Document]:
    """Every document of a JSON Lines file (corpus or ``jixiao tag`` output), in file order;
    raises FormatError naming the file and line of the first that is not one."""
    docs = []
    for number, raw in iter_raw(path):
        try:
            docs.append(document_from_dict(raw))
        except (FormatError, KeyError, TypeError, ValueError) as exc:
            raise FormatError(f"{path}:{number}: {exc}") from exc
    return docs


def dumps_document(doc: Document, **extra: Any) -> str:
    """One JSON line (see ``json_text``)."""
    data = document_to_dict(doc)
    data.update(extra)
    return json_text(data)


def json_text(value: Any) -> str:
    """``value`` as JSON with non-ASCII kept as is, so that files stay readable; lone surrogates (a
    file name that is not UTF-8, as read from the file system; a string passed to the API) are
    written as JSON escapes, which read back as the same string: UTF-8 cannot encode them, and the
    path they name still opens."""
    line = json.dumps(value, ensure_ascii=False)
    if _SURROGATE.search(line) is None:
        return line
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


_SURROGATE = re.compile("[\ud800-\udfff]")


def write_documents(path: str | Path, docs: Iterable[Document]) -> None:
    """Write documents as SCHEME JSON Lines, atomically (``jixiao.atomic``)."""
    write_lines(path, (dumps_document(d) for d in docs))
