"""Small pure scoring functions; each is tested against hand-computed cases.

Spans are compared as (doc_id, start, end, label) with end exclusive. Partial matching pairs
each prediction with at most one overlapping gold span of the same label, within one document
(unlike nervaluate's partial mode, which can credit across documents).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.document.model import Span

SpanKey = tuple[str, int, int, str]


@dataclass(frozen=True)
class PRF:
    p: float
    r: float
    f1: float
    support: int
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, float | int]:
        return {"p": self.p, "r": self.r, "f1": self.f1, "support": self.support}


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision, recall and F1; an empty denominator gives 0 (and 1 when nothing was expected or found).

    This equals scikit-learn with ``zero_division=0`` for every label that occurs, so the numbers
    can be checked against it; the all-empty case is 1.0 because nothing was missed or invented.
    """
    if tp == fp == fn == 0:
        return PRF(1.0, 1.0, 1.0, 0)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(p, r, f1, tp + fn, tp, fp, fn)


def exact_span_scores(gold: Iterable[SpanKey], pred: Iterable[SpanKey], labels: Sequence[str]) -> dict[str, PRF]:
    """Per label and micro P/R/F1 for exact boundaries and label (nervaluate's "strict")."""
    gold_set, pred_set = set(gold), set(pred)
    out: dict[str, PRF] = {}
    totals = Counter()  # type: Counter[str]
    for label in labels:
        g = {k for k in gold_set if k[3] == label}
        p = {k for k in pred_set if k[3] == label}
        tp, fp, fn = len(g & p), len(p - g), len(g - p)
        out[label] = prf(tp, fp, fn)
        totals.update(tp=tp, fp=fp, fn=fn)
    out["micro"] = prf(totals["tp"], totals["fp"], totals["fn"])
    return out


def partial_span_scores(gold: Iterable[SpanKey], pred: Iterable[SpanKey], labels: Sequence[str]) -> dict[str, PRF]:
    """Like exact, but a prediction overlapping a same-label gold span in the same document counts."""
    gold_list, pred_list = sorted(set(gold)), sorted(set(pred))
    out: dict[str, PRF] = {}
    totals = Counter()  # type: Counter[str]
    for label in labels:
        g = [k for k in gold_list if k[3] == label]
        p = [k for k in pred_list if k[3] == label]
        tp = _overlap_matches(g, p)
        out[label] = prf(tp, len(p) - tp, len(g) - tp)
        totals.update(tp=tp, fp=len(p) - tp, fn=len(g) - tp)
    out["micro"] = prf(totals["tp"], totals["fp"], totals["fn"])
    return out


def _overlap_matches(gold: list[SpanKey], pred: list[SpanKey]) -> int:
    used: set[SpanKey] = set()
    matches = 0
    for p in pred:
        for g in gold:
            if g not in used and g[0] == p[0] and g[1] < p[2] and p[1] < g[2]:
                used.add(g)
                matches += 1
                break
    return matches


def macro_f1(scores: dict[str, PRF], labels: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in gold or predictions (scikit-learn's default label set).

    A label that is neither expected nor predicted scores a vacuous 1.0 on its own; counting it
    would lift the mean on small splits where some categories are absent, so it is left out.
    """
    present = [label for label in labels if scores[label].tp + scores[label].fp + scores[label].fn]
    return sum(scores[label].f1 for label in present) / len(present) if present else 1.0


def same_value(gold: Span, pred: Span) -> bool:
    """Values agree as numbers (100.00 equals 100), and so do unit, upper bound and comparator."""
    return (
        _dec_eq(gold.value, pred.value)
        and _dec_eq(gold.value_max, pred.value_max)
        and (gold.unit or "") == (pred.unit or "")
        and (gold.op or None) == (pred.op or None)
    )


def _dec_eq(a: Decimal | None, b: Decimal | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def value_accuracy(pairs: Iterable[tuple[Span, Span]]) -> tuple[float, int]:
    """Share of exactly matched (gold, predicted) span pairs whose values agree; and the count."""
    pairs = list(pairs)
    if not pairs:
        return 1.0, 0
    return sum(1 for g, p in pairs if same_value(g, p)) / len(pairs), len(pairs)


def classification_scores(gold: Sequence[str], pred: Sequence[str], classes: Sequence[str]) -> dict[str, PRF]:
    """Per-class P/R/F1 for single-label classification."""
    out = {}
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        out[c] = prf(tp, fp, fn)
    return out


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Share of items whose predicted class is the gold one (1.0 for no items)."""
    return sum(1 for g, p in zip(gold, pred) if g == p) / len(gold) if gold else 1.0


def confusion(gold: Sequence[str], pred: Sequence[str], classes: Sequence[str]) -> list[list[int]]:
    """Rows are gold classes, columns predicted classes, in ``classes`` order."""
    index = {c: i for i, c in enumerate(classes)}
    matrix = [[0] * len(classes) for _ in classes]
    for g, p in zip(gold, pred):
        matrix[index[g]][index[p]] += 1
    return matrix


def multilabel_scores(gold: Sequence[frozenset[str]], pred: Sequence[frozenset[str]], labels: Sequence[str]) -> dict[str, PRF]:
    """Per-label and micro P/R/F1 over items that each carry a set of labels."""
    out: dict[str, PRF] = {}
    totals = Counter()  # type: Counter[str]
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred) if label in g and label not in p)
        out[label] = prf(tp, fp, fn)
        totals.update(tp=tp, fp=fp, fn=fn)
    out["micro"] = prf(totals["tp"], totals["fp"], totals["fn"])
    return out


def align_sentences(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each gold sentence, the index of the predicted sentence it overlaps most (or None)."""
    result: list[int | None] = []
    j = 0
    for gs, ge in gold:
        while j < len(pred) and pred[j][1] <= gs:
            j += 1
        best, best_overlap, k = None, 0, j
        while k < len(pred) and pred[k][0] < ge:
            overlap = min(ge, pred[k][1]) - max(gs, pred[k][0])
            if overlap > best_overlap:
                best, best_overlap = k, overlap
            k += 1
        result.append(best)
    return result
