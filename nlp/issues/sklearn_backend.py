"""Character n-gram TF-IDF plus the keyword rules as features, with linear models: one multinomial
model for kind, one binary model per category, per-category thresholds tuned on dev.
Saved with skops (no pickle); only scikit-learn, NumPy and SciPy types are loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlp.document.model import CATEGORIES, Document, Sentence
from nlp.issues.fast_features import FastFeatures
from nlp.issues.inputs import Labelled, SentenceInput, apply_predictions, labelled_sentences, sentence_inputs
from nlp.issues.rule_features import rule_features

DEFAULTS: dict[str, Any] = {"ngram_min": 1, "ngram_max": 4, "C_kind": 8.0, "C_category": 8.0, "min_df": 1,
                            "max_features": 120000, "seed": 13, "rule_weight": 2.0, "real_weight": 3.0, "threshold": 0.4}


@dataclass
class SklearnIssueModel:
    vectorizer: TfidfVectorizer
    kind_model: LogisticRegression
    category_models: dict[str, LogisticRegression]
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    name: str = "sklearn"
    fast: FastFeatures | None = field(default=None, init=False, repr=False, compare=False)

    def features(self, inputs: list[SentenceInput]) -> csr_matrix:
        """The same values as ``vectorizer.transform`` and ``rule_features``, computed faster
        (nlp/issues/fast_features.py)."""
        if self.fast is None or not self.fast.fits(self.vectorizer):
            self.fast = FastFeatures(self.vectorizer)
        text = self.fast.text_features([i.marked() for i in inputs])
        rules = csr_matrix(rule_features(inputs, self.fast.rules) * float(self.settings["rule_weight"]))
        return hstack([text, rules]).tocsr()

    def scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        X = self.features(inputs)
        probs = self.kind_model.predict_proba(X)
        classes = list(self.kind_model.classes_)
        kinds = [classes[i] for i in probs.argmax(axis=1)]
        per_cat = {c: _positive(m, X) for c, m in self.category_models.items()}
        cats = [{c: float(per_cat[c][i]) for c in per_cat} for i in range(len(inputs))]
        return kinds, probs.max(axis=1).tolist(), cats

    def classify(self, doc: Document) -> list[Sentence]:
        if not doc.sentences:
            return []
        kinds, kind_scores, cats = self.scores(sentence_inputs(doc))
        default = float(self.settings.get("threshold", 0.5))
        thresholds = {c: self.thresholds.get(c, default) for c in CATEGORIES}
        return apply_predictions(doc, kinds, kind_scores, cats, thresholds)


def _positive(model: LogisticRegression, X: csr_matrix) -> np.ndarray:
    classes = list(model.classes_)
    return model.predict_proba(X)[:, classes.index(1)] if 1 in classes else np.zeros(X.shape[0])


def _weights(data: list[Labelled], docs_authored: list[bool], real_weight: float) -> np.ndarray:
    return np.asarray([1.0 if authored else real_weight for authored in docs_authored])


def train_sklearn(train_docs: list[Document], dev_docs: list[Document], settings: dict[str, Any] | None = None) -> SklearnIssueModel:
    settings = {**DEFAULTS, **(settings or {})}
    data, authored = [], []
    for doc in train_docs:
        labelled = labelled_sentences([doc])
        data += labelled
        authored += [doc.meta.get("source") == "authored"] * len(labelled)
    weights = _weights(data, authored, float(settings["real_weight"]))
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(settings["ngram_min"], settings["ngram_max"]),
                                 min_df=settings["min_df"], max_features=settings["max_features"], sublinear_tf=True,
                                 dtype=np.float32)
    vectorizer.fit([d.input.marked() for d in data])
    model = SklearnIssueModel(vectorizer, LogisticRegression(), {}, settings=settings)
    X = model.features([d.input for d in data])
    model.kind_model = LogisticRegression(C=settings["C_kind"], max_iter=3000, random_state=settings["seed"])
    model.kind_model.fit(X, [d.kind for d in data], sample_weight=weights)
    issue = [i for i, d in enumerate(data) if d.kind != "none"]
    for category in CATEGORIES:
        y = np.asarray([1 if category in data[i].categories else 0 for i in issue])
        clf = LogisticRegression(C=settings["C_category"], max_iter=3000, class_weight="balanced",
                                 random_state=settings["seed"])
        if len(set(y)) < 2:
            y = np.zeros(len(issue), dtype=int)
            y[-1] = 1
        clf.fit(X[issue], y, sample_weight=weights[issue])
        model.category_models[category] = clf
    model.thresholds = tune_thresholds(model, labelled_sentences(dev_docs)) if dev_docs else {}
    return model


def tune_thresholds(model: SklearnIssueModel, dev: list[Labelled]) -> dict[str, float]:
    """Per-category threshold maximising F1 on the dev problem/recommendation sentences."""
    issue = [d for d in dev if d.kind != "none"]
    if not issue:
        return {}
    _, _, cats = model.scores([d.input for d in issue])
    thresholds = {}
    for category in CATEGORIES:
        truth = [category in d.categories for d in issue]
        if not any(truth):
            continue
        grid = np.arange(0.1, 0.91, 0.05)
        best = max(grid, key=lambda t: (_f1(truth, [c[category] >= t for c in cats]), -abs(t - 0.5)))
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
    parts = {"vectorizer": model.vectorizer, "kind": model.kind_model,
             **{f"category:{c}": m for c, m in model.category_models.items()}}
    sio.dump(parts, folder / "model.skops")
    config = {"backend": "sklearn", "thresholds": model.thresholds, "settings": model.settings}
    (folder / "config.json").write_text(json.dumps(config, indent=1), "utf-8")


def load_sklearn(folder: Path) -> SklearnIssueModel:
    import skops.io as sio

    path = folder / "model.skops"
    untrusted = sio.get_untrusted_types(file=path)
    foreign = sorted(t for t in untrusted if not t.startswith(("sklearn.", "numpy.", "scipy.", "builtins.")))
    if foreign:
        raise ValueError(f"{path}: refuses to load types outside scikit-learn/NumPy/SciPy: {foreign}")
    parts = sio.load(path, trusted=untrusted)
    config = json.loads((folder / "config.json").read_text("utf-8"))
    categories = {k.split(":", 1)[1]: v for k, v in parts.items() if k.startswith("category:")}
    return SklearnIssueModel(parts["vectorizer"], parts["kind"], categories, config.get("thresholds", {}),
                             {**DEFAULTS, **config.get("settings", {})})
