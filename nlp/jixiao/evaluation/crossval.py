"""Leave-one-report-out cross-validation: train on four reports plus the authored supplement,
score on the fifth, and pool the held-out predictions. Authored text never enters a test fold.

``run_spans`` and ``run_issues`` keep each fold's held-out predictions (and, when given, each
fold model's predictions on the shift split), so that the same run yields the pooled figures,
the per-fold spread and bootstrap intervals (``cv_stats``); ``crossval_spans`` and
``crossval_issues`` give the pooled figures alone. ``folds`` chooses some folds, for a quick
run or to spread the work over machines.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from jixiao.corpus.split import leave_one_out
from jixiao.document.model import Document, Span
from jixiao.evaluation.score import score_documents


class Extractor(Protocol):
    def extract(self, text: str) -> list[Span]: ...


ExtractorFactory = Callable[[list[Document]], Extractor]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Fold:
    number: int  # 1-based, in the order of leave_one_out (report ids sorted)
    test_id: str
    train_ids: tuple[str, ...]


@dataclass
class HeldOut:
    """Gold of the held-out reports in fold order, each system's predictions for them (same
    order), and each system's predictions on the shift documents, one list per fold model."""

    folds: list[Fold]
    gold: list[Document]
    predictions: dict[str, list[Document]]
    shift: dict[str, list[list[Document]]] = field(default_factory=dict)


def all_folds(corpus: Sequence[Document]) -> list[Fold]:
    return [Fold(i, test, tuple(train)) for i, (train, test) in enumerate(leave_one_out(corpus), 1)]


def choose_folds(corpus: Sequence[Document], chosen: Sequence[str] = ()) -> list[Fold]:
    """The folds named by number (``2``) or by the held-out report's id or id prefix (``001``);
    all folds when none are named. An unknown name is a ValueError listing the folds."""
    folds = all_folds(corpus)
    if not chosen:
        return folds
    picked: list[Fold] = []
    for name in chosen:
        matches = [f for f in folds if name == str(f.number) or f.test_id.startswith(name)]
        if len(matches) != 1:
            listing = ", ".join(f"{f.number} ({f.test_id})" for f in folds)
            problem = "matches no fold" if not matches else "matches several folds"
            raise ValueError(f"fold {name!r} {problem}; the folds are {listing}")
        if matches[0] not in picked:
            picked.append(matches[0])
    return sorted(picked, key=lambda f: f.number)


def predict_spans(extractor: Extractor, docs: Sequence[Document]) -> list[Document]:
    """The tagging path with this extractor alone (no classifier)."""
    from jixiao.evaluation.run import predict
    from jixiao.tagger import Tagger

    return predict(Tagger(extractor), docs)


Predictor = Callable[[Sequence[Document]], list[Document]]


def run_spans(corpus: Sequence[Document], systems: dict[str, ExtractorFactory], folds: Sequence[Fold] | None = None,
              shift: Sequence[Document] = (), progress: Progress | None = None) -> HeldOut:
    """Held-out (and shift) predictions of every quantity system in every fold."""

    def fit(name: str, train_docs: list[Document]) -> Predictor:
        extractor = systems[name](train_docs)
        return lambda docs: predict_spans(extractor, docs)

    return _run(corpus, list(systems), fit, folds, shift, progress)


def run_issues(corpus: Sequence[Document], backends: Sequence[str], folds: Sequence[Fold] | None = None,
               settings: dict[str, dict[str, Any]] | None = None, shift: Sequence[Document] = (),
               progress: Progress | None = None, context: str = "document") -> HeldOut:
    """Held-out (and shift) predictions of every classifier backend in every fold (no dev tuning),
    each sentence read in its document (``context="document"``) or on its own (``"none"``)."""
    from jixiao.evaluation.run import predict
    from jixiao.issues.backends import get_backend
    from jixiao.tagger import Tagger

    def fit(name: str, train_docs: list[Document]) -> Predictor:
        tagger = Tagger(None, get_backend(name).train(train_docs, [], (settings or {}).get(name)))
        return lambda docs: predict(tagger, docs, context=context)

    return _run(corpus, list(backends), fit, folds, shift, progress)


def _run(corpus: Sequence[Document], names: list[str], fit: Callable[[str, list[Document]], Predictor],
         folds: Sequence[Fold] | None, shift: Sequence[Document], progress: Progress | None) -> HeldOut:
    """For every fold and system: train on the fold's training documents, predict its held-out
    report (and the shift documents)."""
    by_id = {d.id: d for d in corpus}
    folds = list(folds) if folds is not None else all_folds(corpus)
    run = HeldOut(folds, [by_id[f.test_id] for f in folds], {name: [] for name in names},
                  {name: [] for name in names} if shift else {})
    for fold in folds:
        train_docs = [by_id[i] for i in fold.train_ids]
        for name in names:
            started = time.monotonic()
            predict_docs = fit(name, train_docs)
            run.predictions[name].extend(predict_docs([by_id[fold.test_id]]))
            if shift:
                run.shift[name].append(predict_docs(shift))
            if progress is not None:
                progress(f"fold {fold.number} ({fold.test_id}): {name} in {time.monotonic() - started:.1f} s")
    return run


def pooled(run: HeldOut, spans: bool) -> dict[str, dict[str, Any]]:
    """Every system's metrics over the pooled held-out predictions."""
    return {name: score_documents(run.gold, preds, spans=spans, sentences=not spans)[0]
            for name, preds in run.predictions.items()}


def crossval_spans(corpus: Sequence[Document], systems: dict[str, ExtractorFactory],
                   progress: Progress | None = None) -> dict[str, dict[str, Any]]:
    """Pooled held-out metrics per system (spans and values only)."""
    return pooled(run_spans(corpus, systems, progress=progress), spans=True)


def spacy_factory(use_filters: bool, config: Path, seed: int = 13) -> ExtractorFactory:
    """Train the quantity component on the fold's training documents (no dev tuning)."""

    def build(train_docs: list[Document]) -> Extractor:
        from jixiao.quantities.spacy_extractor import load_spacy_extractor
        from jixiao.training.spans import train_spans

        with tempfile.TemporaryDirectory(prefix="jixiao-cv-") as tmp:
            overrides = {"components.quantities.use_filters": use_filters,
                         "components.quantities.mode": "combined" if use_filters else "model"}
            best = train_spans(train_docs, [], Path(tmp), config, seed=seed, overrides=overrides, keep="model-last")
            return load_spacy_extractor(best)

    return build


def crossval_issues(corpus: Sequence[Document], backends: Sequence[str], settings: dict[str, dict[str, Any]] | None = None,
                    progress: Progress | None = None, context: str = "document") -> dict[str, dict[str, Any]]:
    """Pooled held-out kind and category metrics per classifier backend (no dev tuning in folds);
    ``context="none"`` classifies every held-out sentence on its own (``jixiao evaluate --context``)."""
    return pooled(run_issues(corpus, backends, settings=settings, progress=progress, context=context), spans=False)
