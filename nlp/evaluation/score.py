"""Score predicted documents against gold ones; the result has the stable metrics.json keys.

Documents are paired by id. Gold sentences take the predicted sentence they overlap most, so
a tagger that splits differently is still scored on the gold sentence inventory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.document.model import CATEGORIES, KINDS, LABELS, Document, Span
from nlp.evaluation.metrics import (
    PRF,
    SpanKey,
    accuracy,
    align_sentences,
    classification_scores,
    confusion,
    exact_span_scores,
    macro_f1,
    multilabel_scores,
    partial_span_scores,
    value_accuracy,
)


@dataclass
class Errors:
    """False positives and negatives, for the report; each entry is (doc id, start, end, label, note)."""

    spans_fp: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    spans_fn: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    values: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    sentences: list[tuple[str, int, int, str, str]] = field(default_factory=list)


def _keys(doc: Document) -> list[SpanKey]:
    return [(doc.id, s.start, s.end, s.label) for s in doc.spans]


def score_documents(gold: Sequence[Document], pred: Sequence[Document], *, spans: bool = True,
                    sentences: bool = True) -> tuple[dict[str, Any], Errors]:
    by_id = {d.id: d for d in pred}
    missing = [d.id for d in gold if d.id not in by_id]
    if missing:
        raise ValueError(f"no prediction for document(s): {', '.join(missing)}")
    pairs = [(g, by_id[g.id]) for g in gold]
    errors = Errors()
    metrics: dict[str, Any] = {"documents": len(pairs)}
    if spans:
        metrics.update(_span_metrics(pairs, errors))
    if sentences:
        metrics.update(_sentence_metrics(pairs, errors))
    return metrics, errors


def _prf_dict(scores: dict[str, PRF]) -> dict[str, dict[str, float | int]]:
    return {k: v.as_dict() for k, v in scores.items()}


def _span_metrics(pairs: list[tuple[Document, Document]], errors: Errors) -> dict[str, Any]:
    gold_keys = [k for g, _ in pairs for k in _keys(g)]
    pred_keys = [k for _, p in pairs for k in _keys(p)]
    exact = exact_span_scores(gold_keys, pred_keys, LABELS)
    partial = partial_span_scores(gold_keys, pred_keys, LABELS)
    matched: list[tuple[Span, Span]] = []
    for g, p in pairs:
        pred_by_key = {(s.start, s.end, s.label): s for s in p.spans}
        gold_by_key = {(s.start, s.end, s.label): s for s in g.spans}
        for key, gs in gold_by_key.items():
            if key in pred_by_key:
                matched.append((gs, pred_by_key[key]))
            else:
                errors.spans_fn.append((g.id, gs.start, gs.end, gs.label, ""))
        for key, ps in pred_by_key.items():
            if key not in gold_by_key:
                errors.spans_fp.append((g.id, ps.start, ps.end, ps.label, ""))
    acc, count = value_accuracy(matched)
    from nlp.evaluation.metrics import same_value

    for gs, ps in matched:
        if not same_value(gs, ps):
            doc_id = next(g.id for g, p in pairs if gs in g.spans)
            note = f"gold {gs.value} {gs.unit} max={gs.value_max} op={gs.op}; predicted {ps.value} {ps.unit} max={ps.value_max} op={ps.op}"
            errors.values.append((doc_id, gs.start, gs.end, gs.label, note))
    spans = _prf_dict(exact)
    spans["macro_f1"] = macro_f1(exact, LABELS)  # type: ignore[assignment]
    spans["partial"] = {k: v.as_dict() for k, v in partial.items()}  # type: ignore[assignment]
    approx = sum(1 for g, p in matched if g.approx == p.approx) / len(matched) if matched else 1.0
    return {"spans": spans, "values": {"accuracy": acc, "matched": count, "approx_accuracy": approx}}


def _sentence_metrics(pairs: list[tuple[Document, Document]], errors: Errors) -> dict[str, Any]:
    gold_kinds: list[str] = []
    pred_kinds: list[str] = []
    gold_cats: list[frozenset[str]] = []
    pred_cats: list[frozenset[str]] = []
    for g, p in pairs:
        labelled = [s for s in g.sentences if s.kind is not None]
        alignment = align_sentences([(s.start, s.end) for s in labelled], [(s.start, s.end) for s in p.sentences])
        for gs, index in zip(labelled, alignment):
            ps = p.sentences[index] if index is not None else None
            pk = (ps.kind if ps is not None else None) or "none"
            pc = frozenset(ps.categories) if ps is not None and pk != "none" else frozenset()
            gold_kinds.append(gs.kind or "none")
            pred_kinds.append(pk)
            gold_cats.append(frozenset(gs.categories))
            pred_cats.append(pc)
            if (gs.kind, frozenset(gs.categories)) != (pk, pc):
                note = f"gold {gs.kind} {sorted(gs.categories)}; predicted {pk} {sorted(pc)}"
                errors.sentences.append((g.id, gs.start, gs.end, gs.kind or "none", note))
    kind_scores = classification_scores(gold_kinds, pred_kinds, KINDS)
    kind: dict[str, Any] = _prf_dict(kind_scores)
    kind["macro_f1"] = macro_f1(kind_scores, KINDS)
    kind["accuracy"] = accuracy(gold_kinds, pred_kinds)
    kind["confusion"] = {"labels": list(KINDS), "matrix": confusion(gold_kinds, pred_kinds, KINDS)}
    kind["sentences"] = len(gold_kinds)
    cat_scores = multilabel_scores(gold_cats, pred_cats, CATEGORIES)
    categories: dict[str, Any] = _prf_dict(cat_scores)
    categories["macro_f1"] = macro_f1(cat_scores, CATEGORIES)
    return {"kind": kind, "categories": categories}


def flatten(metrics: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Dotted paths to every number: {'spans.AMOUNT.f1': 0.98, ...}."""
    flat: dict[str, float] = {}
    for key, value in metrics.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[path] = float(value)
    return flat
