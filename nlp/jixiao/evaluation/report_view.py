"""What both reports show, computed once: score rows and every error with its context.

The Markdown and HTML reports only lay these out, so they cannot disagree with each other or
with metrics.json.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.document.model import CATEGORIES, CATEGORY_NAMES_ZH, KINDS, LABELS, Document
from jixiao.evaluation.run import Evaluation
from jixiao.evaluation.score import SentenceMismatch, SpanError



@dataclass(frozen=True)
class ScoreRow:
    name: str
    p: float
    r: float
    f1: float
    support: int
    partial_f1: float | None = None


@dataclass(frozen=True)
class Snippet:
    """An error in its context: the text before, the marked text itself, the text after."""

    doc_id: str
    start: int
    end: int
    before: str
    text: str
    after: str


@dataclass(frozen=True)
class ErrorItem:
    label: str
    note: str
    snippet: Snippet


@dataclass(frozen=True)
class ErrorGroup:
    title: str
    explanation: str
    items: list[ErrorItem]


def _row(name: str, scores: dict[str, Any], partial: dict[str, Any] | None = None) -> ScoreRow:
    return ScoreRow(name, scores["p"], scores["r"], scores["f1"], int(scores["support"]),
                    partial["f1"] if partial is not None else None)


def span_rows(metrics: dict[str, Any]) -> list[ScoreRow]:
    spans = metrics["spans"]
    return [_row(k, spans[k], spans["partial"][k]) for k in (*LABELS, "micro")]


def kind_rows(metrics: dict[str, Any]) -> list[ScoreRow]:
    return [_row(k, metrics["kind"][k]) for k in KINDS]


def category_rows(metrics: dict[str, Any]) -> list[ScoreRow]:
    cats = metrics["categories"]
    return [_row(f"{k} {CATEGORY_NAMES_ZH[k]}", cats[k]) for k in CATEGORIES] + [_row("micro", cats["micro"])]


def snippet(doc: Document, start: int, end: int, width: int) -> Snippet:
    """The marked characters with ``width`` characters either side, line breaks made visible."""
    text = doc.text
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return Snippet(doc.id, start, end, _visible(before), _visible(text[start:end]), _visible(after))


def _visible(text: str) -> str:
    """Line breaks and tabs as symbols, so a context stays on one table row."""
    return text.replace("\r", "").replace("\n", "⏎").replace("\t", "⇥")


def span_error_groups(ev: Evaluation, width: int) -> list[ErrorGroup]:
    docs = {d.id: d for d in ev.gold}

    def items(entries: Sequence[SpanError]) -> list[ErrorItem]:
        ordered = sorted(entries, key=lambda e: (e[0], e[1], e[2]))
        return [ErrorItem(label, note, snippet(docs[doc_id], s, e, width)) for doc_id, s, e, label, note in ordered]

    return [
        ErrorGroup("Span false positives", "predicted spans that gold does not have (exact boundaries and label)",
                   items(ev.errors.spans_fp)),
        ErrorGroup("Span false negatives", "gold spans that were not predicted exactly", items(ev.errors.spans_fn)),
        ErrorGroup("Wrong values", "exactly matched spans whose value, unit, bound or comparator differ",
                   items(ev.errors.values)),
    ]


def sentence_error_groups(ev: Evaluation, width: int) -> list[ErrorGroup]:
    """Kind errors (a false positive for one kind is a false negative for another), then
    sentences with the right kind but wrong categories."""
    docs = {d.id: d for d in ev.gold}
    ordered = sorted(ev.errors.sentences, key=lambda m: (m.doc_id, m.start))
    kind = [_sentence_item(m, docs[m.doc_id], width) for m in ordered if m.gold_kind != m.pred_kind]
    cats = [_sentence_item(m, docs[m.doc_id], width) for m in ordered if m.gold_kind == m.pred_kind]
    return [
        ErrorGroup("Sentence kind errors", "gold kind → predicted kind", kind),
        ErrorGroup("Sentence category errors", "right kind; categories missed (FN) or added (FP)", cats),
    ]


def _sentence_item(m: SentenceMismatch, doc: Document, width: int) -> ErrorItem:
    missed = sorted(set(m.gold_categories) - set(m.pred_categories))
    added = sorted(set(m.pred_categories) - set(m.gold_categories))
    parts = [f"gold [{', '.join(m.gold_categories)}]", f"predicted [{', '.join(m.pred_categories)}]"]
    parts += [f"FN {', '.join(missed)}"] if missed else []
    parts += [f"FP {', '.join(added)}"] if added else []
    return ErrorItem(f"{m.gold_kind} → {m.pred_kind}", "; ".join(parts), snippet(doc, m.start, m.end, width))


def provenance_lines(metrics: dict[str, Any]) -> list[tuple[str, str]]:
    model, data = metrics.get("model", {}), metrics.get("data", {})
    return [
        ("model", f"{model.get('name', '?')} {model.get('version', '')}".strip()),
        ("data", str(data.get("path", "?"))),
        ("documents", str(data.get("documents", "?"))),
        ("data sha256", str(data.get("sha256", "?"))),
        ("commit", str(metrics.get("commit") or "unknown")),
        ("sentence boundaries", str(metrics.get("sentence_boundaries", "predicted"))),
        ("sentence context", str(metrics.get("context", "document"))),
    ]
