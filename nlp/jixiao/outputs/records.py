"""The output record for a tagged document: SCHEME §3 plus source, tables and model.

The record (a plain dict) is the one shape every output is made from: JSON Lines write it as is,
the flat tables are cut from it, and ``--resume`` reads it back. Its counts for the run summary
are therefore taken from the record too, so a resumed run counts kept and new documents alike.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from jixiao.document.jsonl import document_to_dict
from jixiao.document.model import Document


def output_record(doc: Document, source: str, model: dict[str, str]) -> dict[str, Any]:
    record = document_to_dict(doc)
    record["source"] = source
    record["model"] = model
    record.setdefault("tables", [])
    return record


def record_line(record: dict[str, Any]) -> str:
    """One JSON line (no newline); non-ASCII kept as is so the file stays readable."""
    return json.dumps(record, ensure_ascii=False)


def output_line(doc: Document, source: str, model: dict[str, str]) -> str:
    return record_line(output_record(doc, source, model))


def error_line(source: str, reason: str) -> str:
    return json.dumps({"file": source, "reason": reason}, ensure_ascii=False)


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
    stats = RecordStats(documents=1, characters=len(record.get("text") or ""))
    stats.spans.update(str(s.get("label")) for s in record.get("spans") or ())
    for sentence in record.get("sentences") or ():
        stats.kinds[str(sentence.get("kind"))] += 1
        if sentence.get("kind") == "problem":
            stats.problems.update(sentence.get("categories") or ())
        elif sentence.get("kind") == "recommendation":
            stats.recommendations.update(sentence.get("categories") or ())
    return stats
