"""SCHEME documents to doccano JSONL and back.

Offsets in doccano files count UTF-16 code units by default (doccano's front end is
JavaScript), so a character outside the BMP such as 𠀋 moves every later offset by one; a project
with "count grapheme clusters as one character" switched on counts grapheme clusters instead, and
``offsets`` (``utf16``, ``codepoints``, ``graphemes``; see ``offsets``) must then say so, on
export and on import. The spans doccano edits (``entities``/``label``) are read in that unit; the
bookkeeping keys written here (``values``, ``sentence``, ``sentences``) are in the unit named by
the record's ``offset_unit``, which doccano keeps as metadata.

Two layouts, chosen on export and recognised on import:

- ``sentence`` (default): one line per sentence, for a doccano "Intent Detection and Slot
  Filling" project where spans and sentence labels are edited together. ``entities`` holds the
  spans relative to the line, ``cats`` holds the kind followed by the categories (``[]`` for an
  unannotated sentence, ``["none"]`` for kind none). A line's text runs from its sentence start
  (the first from the start of the text) to the next sentence start, so the white space between sentences rides along and the lines of
  a document concatenate back to its exact text. Bookkeeping keys that doccano keeps as
  metadata: ``doc_id``, ``part``/``parts`` (position and count, so missing lines are noticed),
  ``sentence`` ([start, end] of the sentence within the line), ``doc_meta`` (first line only).
- ``document``: one line per report, for a "Sequence Labeling" project; sentence kinds and
  categories travel read-only in a ``sentences`` key (UTF-16 offsets) and have no ``cats``.

Values cannot be edited in doccano; they travel in a ``values`` key (objects with start, end,
label and the value fields, in line offsets) and are re-attached on import to every span whose offsets and label are
unchanged. A span added or moved in doccano comes back without a value. Sentence kind and
category scores and report tables are not carried (doccano is for annotation, not predictions).

Import also reads doccano's own export variants: spans in ``label`` or ``entities`` as
``[start, end, label]`` triples or ``start_offset``/``end_offset`` objects, sentence labels in
``cats`` or as a ``label`` list of strings, metadata at top level or under ``meta``; category
labels may be keys or their Chinese names. A line without ``doc_id`` is a document of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from jixiao.corpus.convert.errors import ConvertError
from jixiao.corpus.convert.labels import category_key
from jixiao.corpus.convert.units import Unit, cover, trimmed
from jixiao.corpus.convert.offsets import UTF16, OffsetMap, offset_unit
from jixiao.document.jsonl import json_error, span_from_dict, span_to_dict
from jixiao.document.model import KINDS, LABELS, Document, Sentence, Span

LAYOUTS = ("sentence", "document")


# ---- export ---------------------------------------------------------------------------------


def to_records(doc: Document, layout: str = "sentence", offsets: str = UTF16) -> list[dict[str, Any]]:
    """The doccano lines of one document, with offsets counted in ``offsets``."""
    try:
        if layout == "document":
            return [_document_record(doc, offsets)]
        if layout != "sentence":
            raise ConvertError(f"unknown doccano layout {layout!r} (expected sentence or document)")
        units = cover(doc)
        return [_unit_record(doc, unit, index, len(units), offsets) for index, unit in enumerate(units)]
    except ConvertError as exc:
        message = str(exc)
        raise ConvertError(message if message.startswith("document ") else f"document {doc.id}: {message}") from exc


def _unit_record(doc: Document, unit: Unit, index: int, count: int, unit_name: str) -> dict[str, Any]:
    text = doc.text[unit.start : unit.end]
    offsets = OffsetMap(text, unit_name)
    record: dict[str, Any] = {
        "text": text,
        "entities": _entities(unit.spans, offsets, unit.start),
        "cats": _cats(unit.sentence),
        "doc_id": doc.id,
        "part": index,
        "parts": count,
        "sentence": _sentence_range(unit, offsets),
        "values": _values(unit.spans, offsets, unit.start),
        "offset_unit": offsets.unit,
    }
    if index == 0:
        record["doc_meta"] = doc.meta
    return record


def _document_record(doc: Document, unit_name: str) -> dict[str, Any]:
    offsets = OffsetMap(doc.text, unit_name)
    return {
        "text": doc.text,
        "entities": _entities(doc.spans, offsets, 0),
        "doc_id": doc.id,
        "doc_meta": doc.meta,
        "sentences": [_sentence_record(s, offsets) for s in doc.sentences],
        "values": _values(doc.spans, offsets, 0),
        "offset_unit": offsets.unit,
    }


def _entities(spans: Iterable[Span], offsets: OffsetMap, base: int) -> list[list[Any]]:
    return [[offsets.to_units(s.start - base), offsets.to_units(s.end - base), s.label] for s in spans]


def _values(spans: Iterable[Span], offsets: OffsetMap, base: int) -> list[dict[str, Any]]:
    out = []
    for span in spans:
        record = span_to_dict(span)
        record["start"], record["end"] = offsets.to_units(span.start - base), offsets.to_units(span.end - base)
        out.append(record)
    return out


def _cats(sentence: Sentence | None) -> list[str]:
    if sentence is None or sentence.kind is None:
        return []
    return [sentence.kind, *sentence.categories]


def _sentence_range(unit: Unit, offsets: OffsetMap) -> list[int] | None:
    if unit.sentence is None:
        return None
    return [offsets.to_units(unit.sentence.start - unit.start), offsets.to_units(unit.sentence.end - unit.start)]


def _sentence_record(sentence: Sentence, offsets: OffsetMap) -> dict[str, Any]:
    return {
        "start": offsets.to_units(sentence.start),
        "end": offsets.to_units(sentence.end),
        "kind": sentence.kind,
        "categories": list(sentence.categories),
    }


def to_lines(docs: Iterable[Document], layout: str = "sentence", offsets: str = UTF16) -> Iterator[str]:
    for doc in docs:
        for record in to_records(doc, layout, offsets):
            yield json.dumps(record, ensure_ascii=False)


# ---- import ---------------------------------------------------------------------------------


def from_records(records: Iterable[dict[str, Any]], name: str = "doccano", offsets: str = UTF16) -> list[Document]:
    """Group lines into documents (by ``doc_id``, in order of first appearance) and rebuild them;
    the spans' offsets are counted in ``offsets`` (the doccano project's setting)."""
    unit = offset_unit(offsets)
    groups: dict[str, list[dict[str, Any]]] = {}
    for number, record in enumerate(records, 1):
        fields = _fields(record, number)
        doc_id = fields.get("doc_id")
        key = str(doc_id) if doc_id is not None else f"{name}-{fields.get('id', number)}"
        groups.setdefault(key, []).append(fields)
    return [_document(doc_id, lines, unit) for doc_id, lines in groups.items()]


def _fields(record: Any, number: int) -> dict[str, Any]:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ConvertError(f"record {number}: not a doccano record (needs a 'text' string)")
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    return {**meta, **{k: v for k, v in record.items() if k != "meta"}}


class _LineOffsets:
    """One line's two offset readings: the spans doccano edited, counted as the project counts, and
    the bookkeeping this module wrote, counted as the line's ``offset_unit`` says (older exports:
    UTF-16)."""

    def __init__(self, line: dict[str, Any], unit: str) -> None:
        self.spans = OffsetMap(line["text"], unit)
        written = offset_unit(str(line.get("offset_unit") or UTF16))
        self.written = self.spans if written == unit else OffsetMap(line["text"], written)


def _document(doc_id: str, lines: list[dict[str, Any]], unit: str) -> Document:
    try:
        if "part" not in lines[0]:
            if len(lines) > 1:
                raise ConvertError("appears on more than one line without 'part' numbers")
            return _whole_document(doc_id, lines[0], unit)
        return _joined_document(doc_id, lines, unit)
    except (ConvertError, KeyError, TypeError, ValueError) as exc:
        raise ConvertError(f"document {doc_id}: {exc}") from exc


def _whole_document(doc_id: str, line: dict[str, Any], unit: str) -> Document:
    text = line["text"]
    offsets = _LineOffsets(line, unit)
    sentences = [_sentence_from_record(s, offsets.written) for s in line.get("sentences") or ()]
    whole = trimmed(text, 0, len(text))
    if not sentences and _cat_labels(line) and whole:
        sentences = [_sentence(*whole, _cat_labels(line))]
    return Document(
        id=doc_id,
        text=text,
        meta=dict(line.get("doc_meta") or {}),
        spans=tuple(_spans(line, offsets, 0)),
        sentences=tuple(sentences),
    )


def _joined_document(doc_id: str, lines: list[dict[str, Any]], unit: str) -> Document:
    lines = sorted(lines, key=lambda line: int(line["part"]))
    parts = int(lines[0].get("parts", len(lines)))
    found = [int(line["part"]) for line in lines]
    if found != list(range(parts)):
        missing = sorted(set(range(parts)) - set(found))
        raise ConvertError(f"parts {missing or found} missing or repeated (expected 0..{parts - 1})")
    spans: list[Span] = []
    sentences: list[Sentence] = []
    base = 0
    for line in lines:
        offsets = _LineOffsets(line, unit)
        spans.extend(_spans(line, offsets, base))
        if line.get("sentence") is not None:
            start, end = (offsets.written.to_chars(int(x)) + base for x in line["sentence"])
            sentences.append(_sentence(start, end, _cat_labels(line)))
        base += len(line["text"])
    return Document(
        id=doc_id,
        text="".join(line["text"] for line in lines),
        meta=dict(lines[0].get("doc_meta") or {}),
        spans=tuple(spans),
        sentences=tuple(sentences),
    )


def _spans(line: dict[str, Any], offsets: _LineOffsets, base: int) -> Iterator[Span]:
    """The line's spans in document offsets; a span whose offsets and label are unchanged gets
    its value back (values are matched in code points, so the two units may differ)."""
    values = {(offsets.written.to_chars(int(v["start"])), offsets.written.to_chars(int(v["end"])), v["label"]): v
              for v in line.get("values") or ()}
    for start, end, label in sorted(_raw_entities(line)):
        if label not in LABELS:
            raise ConvertError(f"span label {label!r} is not one of {', '.join(LABELS)}")
        chars = (offsets.spans.to_chars(start), offsets.spans.to_chars(end))
        raw = values.get((*chars, label), {"label": label})
        yield span_from_dict({**raw, "start": chars[0] + base, "end": chars[1] + base})


def _raw_entities(line: dict[str, Any]) -> list[tuple[int, int, str]]:
    items = line.get("entities")
    if items is None and _is_span_list(line.get("label")):
        items = line.get("label")
    out = []
    for item in items or ():
        if isinstance(item, dict):
            out.append((int(item["start_offset"]), int(item["end_offset"]), str(item["label"])))
        else:
            start, end, label = item
            out.append((int(start), int(end), str(label)))
    return out


def _is_span_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value)


def _cat_labels(line: dict[str, Any]) -> list[str]:
    if "cats" in line:
        return [str(c) for c in line["cats"] or ()]
    label = line.get("label")
    if isinstance(label, list) and not _is_span_list(label):
        return [str(c) for c in label]
    return []


def _sentence(start: int, end: int, labels: list[str]) -> Sentence:
    kinds = [label for label in labels if label in KINDS]
    categories = [category_key(label) for label in labels if label not in KINDS]
    if len(kinds) > 1:
        raise ConvertError(f"sentence {start}-{end} has several kinds: {', '.join(kinds)}")
    if categories and not kinds:
        raise ConvertError(f"sentence {start}-{end} has categories but no kind")
    return Sentence(start, end, kind=kinds[0] if kinds else None, categories=tuple(categories))


def _sentence_from_record(raw: dict[str, Any], offsets: OffsetMap) -> Sentence:
    start, end = offsets.to_chars(int(raw["start"])), offsets.to_chars(int(raw["end"]))
    labels = [raw["kind"], *raw.get("categories", ())] if raw.get("kind") else []
    return _sentence(start, end, labels)


def read_lines(lines: Iterable[str], name: str = "doccano", offsets: str = UTF16) -> list[Document]:
    return from_records(_parse(lines), name, offsets)


def _parse(lines: Iterable[str]) -> Iterator[Any]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConvertError(f"line {number}: not JSON ({json_error(exc)})") from exc


def read_doccano(path: str | Path, offsets: str = UTF16) -> list[Document]:
    """Documents from a doccano JSONL export whose spans count ``offsets`` (the project's setting)."""
    with open(path, encoding="utf-8") as handle:
        return read_lines(handle, Path(path).stem, offsets)
