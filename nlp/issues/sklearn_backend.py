"""Character n-gram TF-IDF with linear models: one multinomial model for kind, one binary model
per category, per-category thresholds tuned on dev. Saved with skops (no pickle)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from nlp.document.model import CATEGORIES, KINDS, Document, Sentence
from nlp.issues.inputs import Labelled, apply_predictions, labelled_sentences, sentence_inputs

DEFAULTS = {"ngram_min": 1, "ngram_max": 4, "C_kind": 8.0, "C_category": 8.0, "min_df": 1, "seed": 13,
            "kind_class_weight": None}


def _vectorizer(settings: dict) -> TfidfVectorizer:  # type: ignore[type-arg]
    return TfidfVectorizer(analyzer="char", ngram_range=(settings["ngram_min"], settings["ngram_max"]),
                           min_df=settings["min_df"], sublinear_tf=True)


@dataclass
class SklearnIssueModel:
    kind_model: Pipeline
    category_models: dict[str, Pipeline]
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict = field(default_factory=lambda: dict(DEFAULTS))  # type: ignore[type-arg]
    name: str = "sklearn"

    def scores(self, texts: list[str]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        probs = self.kind_model.predict_proba(texts)
        classes = list(self.kind_model.classes_)
        kinds = [classes[i] for i in probs.argmax(axis=1)]
        kind_scores = probs.max(axis=1).tolist()
        per_cat = {c: _positive_proba(m, texts) for c, m in self.category_models.items()}
        cats = [{c: float(per_cat[c][i]) for c in per_cat} for i in range(len(texts))]
        return kinds, kind_scores, cats

    def classify(self, doc: Document) -> list[Sentence]:
        if not doc.sentences:
            return []
        texts = [inp.marked() for inp in sentence_inputs(doc)]
        kinds, kind_scores, cats = self.scores(texts)
        return apply_predictions(doc, kinds, kind_scores, cats, self.thresholds)


def _positive_proba(model: Pipeline, texts: list[str]) -> np.ndarray:
    classes = list(model.classes_)
    if classes == [1]:
        return np.ones(len(texts))
    if 1 not in classes:
        return np.zeros(len(texts))
    return model.predict_proba(texts)[:, classes.index(1)]


def train_sklearn(train_docs: list[Document], dev_docs: list[Document], settings: dict | None = None) -> SklearnIssueModel:  # type: ignore[type-arg]
    settings = {**DEFAULTS, **(settings or {})}
    data = labelled_sentences(train_docs)
    texts = [d.input.marked() for d in data]
    kind_model = Pipeline([("tfidf", _vectorizer(settings)),
                           ("clf", LogisticRegression(C=settings["C_kind"], max_iter=2000, class_weight=settings["kind_class_weight"],
                                                      random_state=settings["seed"]))])
    kind_model.fit(texts, [d.kind for d in data])
    issue = [d for d in data if d.kind != "none"]
    issue_texts = [d.input.marked() for d in issue]
    category_models = {}
    for category in CATEGORIES:
        y = [1 if category in d.categories else 0 for d in issue]
        model = Pipeline([("tfidf", _vectorizer(settings)),
                          ("clf", LogisticRegression(C=settings["C_category"], max_iter=2000, class_weight="balanced",
                                                     random_state=settings["seed"]))])
        model.fit(issue_texts, y if len(set(y)) > 1 else [0] * (len(y) - 1) + [1])
        category_models[category] = model
    result = SklearnIssueModel(kind_model, category_models, settings=settings)
    result.thresholds = tune_thresholds(result, labelled_sentences(dev_docs)) if dev_docs else {}
    return result


def tune_thresholds(model: SklearnIssueModel, dev: list[Labelled]) -> dict[str, float]:
    """Per-category threshold maximising F1 on the dev problem/recommendation sentences."""
    issue = [d for d in dev if d.kind != "none"]
    if not issue:
        return {}
    _, _, cats = model.scores([d.input.marked() for d in issue])
    thresholds = {}
    for category in CATEGORIES:
        truth = [category in d.categories for d in issue]
        if not any(truth):
            continue
        best = max(np.arange(0.1, 0.91, 0.05), key=lambda t: (_f1(truth, [c[category] >= t for c in cats]), -abs(t - 0.5)))
        thresholds[category] = round(float(best), 2)
    return thresholds


def _f1(truth: list[bool], pred: list[bool]) -> float:
    tp = sum(t and p for t, p in zip(truth, pred))
    fp = sum(p and not t for t, p in zip(truth, pred))
    fn = sum(t and not p for t, p in zip(truth, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def save_sklearn(model: SklearnIssueModel, folder: Path) -> None:
    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    sio.dump({"kind": model.kind_model, **{f"category:{c}": m for c, m in model.category_models.items()}},
             folder / "model.skops")
    (folder / "config.json").write_text(json.dumps({"backend": "sklearn", "thresholds": model.thresholds,
                                                    "settings": model.settings}, indent=1), "utf-8")


def load_sklearn(folder: Path) -> SklearnIssueModel:
    import skops.io as sio

    path = folder / "model.skops"
    trusted = sio.get_untrusted_types(file=path)
    allowed = [t for t in trusted if t.startswith(("sklearn.", "numpy.", "scipy."))]
    if len(allowed) != len(trusted):
        raise ValueError(f"{path}: contains types outside scikit-learn/numpy/scipy: {sorted(set(trusted) - set(allowed))}")
    parts = sio.load(path, trusted=allowed)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    categories = {k.split(":", 1)[1]: v for k, v in parts.items() if k.startswith("category:")}
    return SklearnIssueModel(parts["kind"], categories, config.get("thresholds", {}), config.get("settings", dict(DEFAULTS)))
