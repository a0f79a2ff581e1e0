"""How sure a cross-validated figure is: its spread over the folds and a bootstrap interval.

Five held-out reports, and category supports of 4 to 26 sentences, make a single pooled F1 look
more exact than it is. Two views, both from the same held-out predictions:

- **per fold**: each fold's own figure (its one held-out report), summarised as mean, sample
  standard deviation, minimum and maximum: how much the result depends on which report is held out;
- **bootstrap**: a percentile confidence interval for the pooled figure, resampling the held-out
  sentences with replacement (``scipy.stats.bootstrap``). Sentences, not reports, are resampled:
  five reports are too few to resample. For quantities the unit is the stretch of text from one
  gold sentence start to the next, with every gold and predicted span counted where it starts.

Counts follow ``metrics`` exactly (exact span match; kinds and categories of the gold sentence
against the prediction it overlaps most, via ``score.aligned_sentences``), so the point estimate
of every interval is the pooled figure ``score_documents`` reports; ``tests/test_crossval.py``
checks that.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from jixiao.document.model import CATEGORIES, KINDS, LABELS, Document
from jixiao.evaluation.crossval import HeldOut
from jixiao.evaluation.score import aligned_sentences, flatten, score_documents

SPAN_FIGURES: tuple[str, ...] = ("spans.micro.f1", *(f"spans.{label}.f1" for label in LABELS), "values.accuracy")
ISSUE_FIGURES: tuple[str, ...] = ("kind.macro_f1", "categories.micro.f1", "categories.macro_f1")
CONFIDENCE = 0.95
RESAMPLES = 2000
BOOTSTRAP_BATCH = 200  # resamples evaluated at once: bounds memory on the ~2400 pooled sentences


def spread(values: Sequence[float]) -> dict[str, float | int]:
    """Mean, sample standard deviation (0 for one value), minimum, maximum and count."""
    return {"mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values), "n": len(values)}


def fold_figures(run: HeldOut, spans: bool) -> dict[str, list[dict[str, float]]]:
    """Per system, the headline figures of each fold (its own held-out report), in fold order."""
    names = SPAN_FIGURES if spans else ISSUE_FIGURES
    return {system: [_figures(score_documents([g], [p], spans=spans, sentences=not spans)[0], names)
                     for g, p in zip(run.gold, preds)]
            for system, preds in run.predictions.items()}


def shift_figures(run: HeldOut, shift_gold: Sequence[Document], spans: bool) -> dict[str, list[dict[str, float]]]:
    """Per system, the headline figures of each fold's model on the whole shift split."""
    names = SPAN_FIGURES if spans else ISSUE_FIGURES
    return {system: [_figures(score_documents(shift_gold, preds, spans=spans, sentences=not spans)[0], names)
                     for preds in per_fold]
            for system, per_fold in run.shift.items()}


def summarise(per_fold: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, dict[str, float | int]]]:
    """Per system and figure, the spread over folds."""
    return {system: {name: spread([f[name] for f in folds]) for name in folds[0]}
            for system, folds in per_fold.items() if folds}


def _figures(metrics: dict[str, Any], names: Sequence[str]) -> dict[str, float]:
    flat = flatten(metrics)
    return {name: flat[name] for name in names if name in flat}


# ---- counts per unit ------------------------------------------------------------------------


def span_counts(gold: Sequence[Document], pred: Sequence[Document]) -> np.ndarray:
    """(units, labels, [tp, fp, fn]) for exact span matches, one unit per gold sentence stretch."""
    rows: list[np.ndarray] = []
    for g, p in zip(gold, pred):
        starts = sorted({0, *(s.start for s in g.sentences)})
        counts = np.zeros((len(starts), len(LABELS), 3), dtype=np.int64)
        gold_keys = {(s.start, s.end, s.label) for s in g.spans}
        pred_keys = {(s.start, s.end, s.label) for s in p.spans}
        for keys, column in ((gold_keys & pred_keys, 0), (pred_keys - gold_keys, 1), (gold_keys - pred_keys, 2)):
            for start, _, label in keys:
                counts[bisect_right(starts, start) - 1, LABELS.index(label), column] += 1
        rows.append(counts)
    return np.concatenate(rows) if rows else np.zeros((0, len(LABELS), 3), dtype=np.int64)


def sentence_counts(gold: Sequence[Document], pred: Sequence[Document]) -> tuple[np.ndarray, np.ndarray]:
    """(sentences, kinds, [tp, fp, fn]) and (sentences, categories, [tp, fp, fn]) over the labelled
    gold sentences, each against the predicted sentence it overlaps most."""
    kinds: list[list[list[int]]] = []
    cats: list[list[list[int]]] = []
    for g, p in zip(gold, pred):
        for item in aligned_sentences(g, p):
            gk, pk = item.gold.kind or "none", item.kind
            gc, pc = set(item.gold.categories), set(item.categories)
            kinds.append([[int(k == gk == pk), int(pk == k != gk), int(gk == k != pk)] for k in KINDS])
            cats.append([[int(c in gc and c in pc), int(c in pc and c not in gc), int(c in gc and c not in pc)]
                         for c in CATEGORIES])
    return (np.array(kinds, dtype=np.int64).reshape(-1, len(KINDS), 3),
            np.array(cats, dtype=np.int64).reshape(-1, len(CATEGORIES), 3))


def f1(counts: np.ndarray) -> np.ndarray:
    """F1 over the last axis [tp, fp, fn]; 1.0 where nothing was expected or found (``metrics.prf``)."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    denominator = 2 * tp + fp + fn
    return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 1.0)


def micro_f1(counts: np.ndarray) -> np.ndarray:
    """Micro F1 of (..., labels, 3) counts."""
    return f1(counts.sum(axis=-2))


def macro_f1(counts: np.ndarray) -> np.ndarray:
    """Mean F1 over the labels present in gold or predictions (``metrics.macro_f1``)."""
    present = counts.sum(axis=-1) > 0
    number = present.sum(axis=-1)
    return np.where(number > 0, (f1(counts) * present).sum(axis=-1) / np.maximum(number, 1), 1.0)


def _statistics(spans: bool) -> dict[str, tuple[int, Callable[[np.ndarray], np.ndarray]]]:
    """Figure name → (which counts array, function of the summed counts)."""
    if spans:
        out: dict[str, tuple[int, Callable[[np.ndarray], np.ndarray]]] = {"spans.micro.f1": (0, micro_f1)}
        for i, label in enumerate(LABELS):
            out[f"spans.{label}.f1"] = (0, lambda c, i=i: f1(c[..., i, :]))
        return out
    return {"kind.macro_f1": (0, macro_f1), "categories.micro.f1": (1, micro_f1), "categories.macro_f1": (1, macro_f1)}


def bootstrap(run: HeldOut, spans: bool, resamples: int = RESAMPLES, confidence: float = CONFIDENCE,
              seed: int = 0) -> dict[str, dict[str, dict[str, float]]]:
    """Per system and headline figure: the pooled value and a percentile bootstrap interval over
    held-out sentences (the same resamples for every system and figure, from ``seed``)."""
    from scipy.stats import bootstrap as scipy_bootstrap

    out: dict[str, dict[str, dict[str, float]]] = {}
    for system, preds in run.predictions.items():
        arrays = (span_counts(run.gold, preds),) if spans else sentence_counts(run.gold, preds)
        out[system] = {}
        for name, (which, figure) in _statistics(spans).items():
            counts = arrays[which]
            point = float(figure(counts.sum(axis=0)))
            if len(counts) < 2:
                out[system][name] = {"value": point, "low": point, "high": point}
                continue

            def statistic(index: np.ndarray, axis: int = -1, counts: np.ndarray = counts,
                          figure: Callable[[np.ndarray], np.ndarray] = figure) -> np.ndarray:
                # index: (..., n) resampled unit numbers; sum their counts per resample
                return figure(counts[np.moveaxis(index, axis, -1)].sum(axis=-3))

            result = scipy_bootstrap((np.arange(len(counts)),), statistic, n_resamples=resamples,
                                     confidence_level=confidence, method="percentile", vectorized=True,
                                     batch=BOOTSTRAP_BATCH, rng=np.random.default_rng(seed))
            low, high = result.confidence_interval
            out[system][name] = {"value": point, "low": float(low), "high": float(high)}
    return out
