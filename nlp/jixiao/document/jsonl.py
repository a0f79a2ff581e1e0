"""The one reader and writer of SCHEME §3 JSON Lines; gold and predictions share this shape.

Decisions beyond the scheme (see corpus/GUIDELINES.md): spans may carry their ``text`` for
readability; predictions add ``score`` on spans, ``kind_score`` and ``category_scores`` on
sentences, while ``categories`` stays a plain list of keys in both gold and predictions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.atomic import write_lines
from jixiao.document.model import Document, Sentence, Span, Table, TableCell

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
    return {
        "start": table.start,
        "end": table.end,
        "caption": table.caption,
        "rows": [[cell.text for cell in row] for row in table.rows],
    }


def table_from_dict(raw: dict[str, Any]) -> Table:
    rows = tuple(tuple(TableCell(str(c)) for c in row) for row in raw.get("rows", []))
    return Table(rows=rows, start=raw.get("start"), end=raw.get("end"), caption=raw.get("caption"))


def document_from_dict(raw: dict[str, Any]) -> Document:
    if not isinstance(raw, dict) or "id" not in raw or "text" not in raw:
        raise FormatError("a document needs 'id' and 'text'")
    return Document(
        id=str(raw["id"]),
        text=str(raw["text"]),
        meta=dict(raw.get("meta") or {}),
        spans=tuple(span_from_dict(s) for s in raw.get("spans") or ()),
        sentences=tuple(sentence_from_dict(s) for s in raw.get("sentences") or ()),
        tables=tuple(table_from_dict(t) for t in raw.get("tables") or ()),
    )


def document_to_dict(doc: Document, *, span_text: bool = True, tables: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"id": doc.id, "text": doc.text, "meta": doc.meta}
    out["spans"] = [span_to_dict(s, doc.text if span_text else None) for s in doc.spans]
    out["sentences"] = [sentence_to_dict(s) for s in doc.sentences]
    if tables and doc.tables:
        out["tables"] = [table_to_dict(t) for t in doc.tables]
    return out


def iter_raw(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, parsed object); JSON errors name the line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise FormatError(f"{path}:{number}: not JSON ({exc.msg})") from exc


def read_documents(path: str | Path) -> list[Document]:
    docs = []
    for number, raw in iter_raw(path):
        try:
            docs.append(document_from_dict(raw))
        except (FormatError, KeyError, TypeError, ValueError) as exc:
            raise FormatError(f"{path}:{number}: {exc}") from exc
    return docs


def dumps_document(doc: Document, **extra: Any) -> str:
    data = document_to_dict(doc)
    data.update(extra)
    return json.dumps(data, ensure_ascii=False)


def write_documents(path: str | Path, docs: Iterable[Document]) -> None:
    """Write documents as SCHEME JSON Lines, atomically (``jixiao.atomic``)."""
    write_lines(path, (dumps_document(d) for d in docs))
