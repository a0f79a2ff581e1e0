"""Score predicted documents against gold ones; the result has the stable metrics.json keys.

Documents are paired by id. Gold sentences take the predicted sentence they overlap most, so
a tagger that splits differently is still scored on the gold sentence inventory. The numbers
come from the pure functions in ``metrics``; this module only pairs things up and keeps every
disagreement for the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jixiao.document.model import CATEGORIES, KINDS, LABELS, Document, Sentence, Span
from jixiao.evaluation.calibration import reliability
from jixiao.evaluation.metrics import (
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
    same_value,
    value_accuracy,
)

SpanError = tuple[str, int, int, str, str]


@dataclass(frozen=True)
class SentenceMismatch:
    """A gold sentence whose kind or categories the prediction got wrong."""

    doc_id: str
    start: int
    end: int
    gold_kind: str
    gold_categories: tuple[str, ...]
    pred_kind: str
    pred_categories: tuple[str, ...]


@dataclass
class Errors:
    """False positives and negatives, for the report.

    Span entries are (doc id, start, end, label, note); the note says what the other side has there.
    """

    spans_fp: list[SpanError] = field(default_factory=list)
    spans_fn: list[SpanError] = field(default_factory=list)
    values: list[SpanError] = field(default_factory=list)
    sentences: list[SentenceMismatch] = field(default_factory=list)


@dataclass(frozen=True)
class AlignedSentence:
    """A labelled gold sentence with the kind and categories of the prediction it is scored on."""

    gold: Sentence
    kind: str
    categories: frozenset[str]
    kind_score: float | None = None
    category_scores: dict[str, float] = field(default_factory=dict)


def score_documents(gold: Sequence[Document], pred: Sequence[Document], *, spans: bool = True,
                    sentences: bool = True) -> tuple[dict[str, Any], Errors]:
    """Metrics (nested; see ``flatten`` for the dotted keys) and the errors behind them."""
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


def _prf_dict(scores: dict[str, PRF]) -> dict[str, Any]:
    return {k: v.as_dict() for k, v in scores.items()}


def _keys(doc: Document) -> list[SpanKey]:
    return [(doc.id, s.start, s.end, s.label) for s in doc.spans]


def _span_metrics(pairs: list[tuple[Document, Document]], errors: Errors) -> dict[str, Any]:
    gold_keys = [k for g, _ in pairs for k in _keys(g)]
    pred_keys = [k for _, p in pairs for k in _keys(p)]
    exact = exact_span_scores(gold_keys, pred_keys, LABELS)
    partial = partial_span_scores(gold_keys, pred_keys, LABELS)
    matched: list[tuple[Span, Span]] = []
    for g, p in pairs:
        matched.extend(_match_document(g, p, errors))
    acc, count = value_accuracy(matched)
    spans = _prf_dict(exact)
    spans["macro_f1"] = macro_f1(exact, LABELS)
    spans["partial"] = _prf_dict(partial)
    spans["partial"]["macro_f1"] = macro_f1(partial, LABELS)
    approx = sum(1 for g, p in matched if g.approx == p.approx) / len(matched) if matched else 1.0
    return {"spans": spans, "values": {"accuracy": acc, "matched": count, "approx_accuracy": approx}}


def _match_document(gold: Document, pred: Document, errors: Errors) -> list[tuple[Span, Span]]:
    """Exactly matched (gold, predicted) pairs of one document; the rest go to ``errors``."""
    pred_by_key = {(s.start, s.end, s.label): s for s in pred.spans}
    gold_by_key = {(s.start, s.end, s.label): s for s in gold.spans}
    matched = []
    for key, gs in gold_by_key.items():
        if key in pred_by_key:
            ps = pred_by_key[key]
            matched.append((gs, ps))
            if not same_value(gs, ps):
                errors.values.append((gold.id, gs.start, gs.end, gs.label, _value_note(gs, ps)))
        else:
            errors.spans_fn.append((gold.id, gs.start, gs.end, gs.label, _nearby(pred, gs, "predicted")))
    for key, ps in pred_by_key.items():
        if key not in gold_by_key:
            errors.spans_fp.append((gold.id, ps.start, ps.end, ps.label, _nearby(gold, ps, "gold")))
    return matched


def _nearby(other: Document, span: Span, side: str) -> str:
    """What the other side has over the same characters, so a boundary slip reads as one."""
    hits = [s for s in other.spans if s.start < span.end and span.start < s.end]
    if not hits:
        return f"no {side} span here"
    return "; ".join(f"{side} {s.label} 「{other.text[s.start:s.end]}」" for s in hits)


def _value_note(gold: Span, pred: Span) -> str:
    def show(s: Span) -> str:
        extra = "".join(f" {k}={v}" for k, v in (("op", s.op), ("max", s.value_max)) if v is not None)
        return f"{s.value} {s.unit or ''}{extra}".strip()

    return f"gold {show(gold)}; predicted {show(pred)}"


def aligned_sentences(gold: Document, pred: Document) -> list[AlignedSentence]:
    """Each labelled gold sentence with the prediction it overlaps most (``none`` when there is none)."""
    labelled = [s for s in gold.sentences if s.kind is not None]
    alignment = align_sentences([(s.start, s.end) for s in labelled], [(s.start, s.end) for s in pred.sentences])
    out = []
    for gs, index in zip(labelled, alignment):
        ps = pred.sentences[index] if index is not None else None
        kind = (ps.kind if ps is not None else None) or "none"
        cats = frozenset(ps.categories) if ps is not None and kind != "none" else frozenset()
        out.append(AlignedSentence(gs, kind, cats, ps.kind_score if ps is not None else None,
                                   dict(ps.category_scores) if ps is not None and kind != "none" else {}))
    return out


def _sentence_metrics(pairs: list[tuple[Document, Document]], errors: Errors) -> dict[str, Any]:
    gold_kinds: list[str] = []
    pred_kinds: list[str] = []
    gold_cats: list[frozenset[str]] = []
    pred_cats: list[frozenset[str]] = []
    kind_conf: list[tuple[float, bool]] = []
    cat_conf: list[tuple[float, bool]] = []
    for g, p in pairs:
        for item in aligned_sentences(g, p):
            gs, gk, gc = item.gold, item.gold.kind or "none", frozenset(item.gold.categories)
            gold_kinds.append(gk)
            pred_kinds.append(item.kind)
            gold_cats.append(gc)
            pred_cats.append(item.categories)
            if item.kind_score is not None:
                kind_conf.append((item.kind_score, item.kind == gk))
            cat_conf += [(score, c in gc) for c, score in item.category_scores.items() if c in item.categories]
            if (gk, gc) != (item.kind, item.categories):
                errors.sentences.append(SentenceMismatch(g.id, gs.start, gs.end, gk, tuple(sorted(gc)),
                                                         item.kind, tuple(sorted(item.categories))))
    kind_scores = classification_scores(gold_kinds, pred_kinds, KINDS)
    kind: dict[str, Any] = _prf_dict(kind_scores)
    kind["macro_f1"] = macro_f1(kind_scores, KINDS)
    kind["accuracy"] = accuracy(gold_kinds, pred_kinds)
    kind["confusion"] = {"labels": list(KINDS), "matrix": confusion(gold_kinds, pred_kinds, KINDS)}
    kind["sentences"] = len(gold_kinds)
    cat_scores = multilabel_scores(gold_cats, pred_cats, CATEGORIES)
    categories: dict[str, Any] = _prf_dict(cat_scores)
    categories["macro_f1"] = macro_f1(cat_scores, CATEGORIES)
    out: dict[str, Any] = {"kind": kind, "categories": categories}
    if kind_conf:
        out["calibration"] = {"kind": reliability(*map(list, zip(*kind_conf)))}
        if cat_conf:
            out["calibration"]["categories"] = reliability(*map(list, zip(*cat_conf)))
    return out


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
