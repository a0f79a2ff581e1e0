"""The output record for a tagged document: SCHEME §3 plus source, tables and model."""

from __future__ import annotations

import json
from typing import Any

from nlp.document.jsonl import document_to_dict
from nlp.document.model import Document


def output_record(doc: Document, source: str, model: dict[str, str]) -> dict[str, Any]:
    record = document_to_dict(doc)
    record["source"] = source
    record["model"] = model
    record.setdefault("tables", [])
    return record


def output_line(doc: Document, source: str, model: dict[str, str]) -> str:
    return json.dumps(output_record(doc, source, model), ensure_ascii=False)


def error_line(source: str, reason: str) -> str:
    return json.dumps({"file": source, "reason": reason}, ensure_ascii=False)
