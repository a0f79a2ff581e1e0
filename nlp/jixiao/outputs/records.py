"""The output record for a tagged document: SCHEME §3 plus source, tables and model.

The record (a plain dict) is the one shape every output is made from: JSON Lines write it as is,
the flat tables are cut from it, and ``--resume`` reads it back. Its counts for the run summary
are therefore taken from the record too, so a resumed run counts kept and new documents alike.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jixiao.document.jsonl import document_to_dict, json_text, sentence_to_dict, span_to_dict, table_to_dict
from jixiao.document.model import Document

# Spans or sentences serialised per JSON call when a record is built piece by piece.
PIECE_ITEMS = 1000


def output_record(doc: Document, source: str, model: dict[str, str]) -> dict[str, Any]:
    record = document_to_dict(doc)
    record["source"] = source
    record["model"] = model
    record.setdefault("tables", [])
    return record


def record_line(record: dict[str, Any]) -> str:
    """One JSON line (no newline); non-ASCII kept as is so the file stays readable."""
    return json_text(record)


def output_line(doc: Document, source: str, model: dict[str, str]) -> str:
    return record_line(output_record(doc, source, model))


def record_bytes(doc: Document, source: str, model: dict[str, str]) -> bytes:
    """``output_line(doc, source, model)`` as UTF-8 (see ``record_chunks``)."""
    return b"".join(record_chunks(doc, source, model))


def record_chunks(doc: Document, source: str, model: dict[str, str]) -> list[bytes]:
    """``output_line(doc, source, model)`` as UTF-8, in pieces of a thousand spans or sentences.

    The record dict and its JSON text of a long document cost several times the document itself
    (a report of 100 MB has a million sentences); built piece by piece, a record costs its bytes,
    and written piece by piece, no copy of them is made."""
    return list(iter_record_chunks(doc, source, model))


def iter_record_chunks(doc: Document, source: str, model: dict[str, str]) -> Iterator[bytes]:
    """``record_chunks``, each piece made only when it is asked for: a writer in the same process
    holds one piece at a time."""
    return (piece.encode("utf-8") for piece in _record_pieces(doc, source, model))


def _record_pieces(doc: Document, source: str, model: dict[str, str]) -> Iterator[str]:
    """The pieces of ``json.dumps(output_record(...), ensure_ascii=False)``, in its key order."""
    # the text is decoded from a file (no lone surrogates); names and paths may hold them
    yield f'{{"id": {json_text(doc.id)}, "text": {_dump(doc.text)}, "meta": {json_text(doc.meta)}, "spans": ['
    yield from _items(span_to_dict(s, doc.text) for s in doc.spans)
    yield '], "sentences": ['
    yield from _items(sentence_to_dict(s) for s in doc.sentences)
    yield "]"
    if doc.tables:
        yield ', "tables": ['
        yield from _items(table_to_dict(t) for t in doc.tables)
        yield "]"
    yield f', "source": {json_text(source)}, "model": {_dump(model)}'
    yield "}" if doc.tables else ', "tables": []}'


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _items(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The members of a JSON array, without its brackets, a batch per piece."""
    batch: list[dict[str, Any]] = []
    first = True
    for value in values:
        batch.append(value)
        if len(batch) == PIECE_ITEMS:
            yield ("" if first else ", ") + _dump(batch)[1:-1]
            batch, first = [], False
    if batch:
        yield ("" if first else ", ") + _dump(batch)[1:-1]


def document_stats(doc: Document) -> RecordStats:
    """``record_stats`` of the document's output record, read from the document itself."""
    return _counted(len(doc.text), (s.label for s in doc.spans), ((s.kind, s.categories) for s in doc.sentences))


def error_line(source: str, reason: str) -> str:
    return json_text({"file": source, "reason": reason})


def record_sha256(record: dict[str, Any]) -> str | None:
    """The source file's sha256 (``meta.sha256``), the key ``--resume`` matches inputs by."""
    meta = record.get("meta")
    sha = meta.get("sha256") if isinstance(meta, dict) else None
    return sha if isinstance(sha, str) else None


@dataclass
class RecordStats:
    """What the run summary counts in one or many records."""

    documents: int = 0
    characters: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    recommendations: Counter[str] = field(default_factory=Counter)

    def add(self, other: RecordStats) -> None:
        self.documents += other.documents
        self.characters += other.characters
        self.spans.update(other.spans)
        self.kinds.update(other.kinds)
        self.problems.update(other.problems)
        self.recommendations.update(other.recommendations)


def record_stats(record: dict[str, Any]) -> RecordStats:
    sentences = record.get("sentences") or ()
    return _counted(len(record.get("text") or ""), (str(s.get("label")) for s in record.get("spans") or ()),
                    ((s.get("kind"), s.get("categories") or ()) for s in sentences))


def _counted(characters: int, labels: Iterable[str], sentences: Iterable[tuple[str | None, Iterable[str]]]) -> RecordStats:
    """The counts of one record: its characters, span labels, and sentence kinds with the categories
    of problems and recommendations."""
    stats = RecordStats(documents=1, characters=characters)
    stats.spans.update(labels)
    sentences = list(sentences)
    stats.kinds.update([str(kind) for kind, _ in sentences])  # counted in C, not one += at a time
    for kind, categories in sentences:
        if kind == "problem":
            stats.problems.update(categories)
        elif kind == "recommendation":
            stats.recommendations.update(categories)
    return stats