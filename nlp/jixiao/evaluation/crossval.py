"""Leave-one-report-out cross-validation: train on four reports plus the authored supplement,
score on the fifth, and pool the held-out predictions. Authored text never enters a test fold."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from jixiao.corpus.split import leave_one_out
from jixiao.document.model import Document, Span
from jixiao.evaluation.score import score_documents


class Extractor(Protocol):
    def extract(self, text: str) -> list[Span]: ...


ExtractorFactory = Callable[[list[Document]], Extractor]


def predict_spans(extractor: Extractor, docs: Sequence[Document]) -> list[Document]:
    """The tagging path with this extractor alone (no classifier)."""
    from jixiao.evaluation.run import predict
    from jixiao.tagger import Tagger

    return predict(Tagger(extractor), docs)


def crossval_spans(corpus: Sequence[Document], systems: dict[str, ExtractorFactory],
                   progress: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
    """Pooled held-out metrics per system (spans and values only)."""
    by_id = {d.id: d for d in corpus}
    held_out: dict[str, list[Document]] = {name: [] for name in systems}
    gold: list[Document] = []
    for train_ids, test_id in leave_one_out(corpus):
        train_docs = [by_id[i] for i in train_ids]
        gold.append(by_id[test_id])
        for name, factory in systems.items():
            if progress:
                progress(f"fold {test_id}: {name}")
            extractor = factory(train_docs)
            held_out[name].extend(predict_spans(extractor, [by_id[test_id]]))
    return {name: score_documents(gold, preds, sentences=False)[0] for name, preds in held_out.items()}


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
                    progress: Callable[[str], None] | None = None) -> dict[str, dict[str, Any]]:
    """Pooled held-out kind and category metrics per classifier backend (no dev tuning in folds)."""
    from jixiao.evaluation.run import predict
    from jixiao.issues.backends import get_backend
    from jixiao.tagger import Tagger

    by_id = {d.id: d for d in corpus}
    held_out: dict[str, list[Document]] = {name: [] for name in backends}
    gold: list[Document] = []
    for train_ids, test_id in leave_one_out(corpus):
        gold.append(by_id[test_id])
        train_docs = [by_id[i] for i in train_ids]
        for name in backends:
            if progress:
                progress(f"fold {test_id}: {name}")
            model = get_backend(name).train(train_docs, [], (settings or {}).get(name))
            held_out[name].extend(predict(Tagger(None, model), [by_id[test_id]]))
    return {name: score_documents(gold, preds, spans=False)[0] for name, preds in held_out.items()}
