"""Character n-gram TF-IDF plus the keyword rules as features, with linear models: one multinomial
model for kind, one binary model per category, per-category thresholds tuned on dev.
Saved as safetensors plus JSON (no pickle, nothing executed on load)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from jixiao.configs import packaged_settings
from jixiao.document.model import CATEGORIES, Document
from jixiao.issues.fast_features import FastFeatures
from jixiao.issues.inputs import Labelled, SentenceInput, labelled_sentences
from jixiao.issues.rules import KEYWORDS_FILE, KeywordRules, load_keywords, save_keywords
from jixiao.issues.scored import ScoredClassifier
from jixiao.issues.rule_features import rule_features

DEFAULTS: dict[str, Any] = packaged_settings("sklearn")  # jixiao/configs/issues_sklearn.cfg


@dataclass
class SklearnIssueModel(ScoredClassifier):
    vectorizer: TfidfVectorizer
    kind_model: LogisticRegression
    category_models: dict[str, LogisticRegression]
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    rules: KeywordRules = field(default_factory=load_keywords)
    name: str = "sklearn"
    fast: FastFeatures | None = field(default=None, init=False, repr=False, compare=False)
    linear: StackedLinear | None = field(default=None, init=False, repr=False, compare=False)

    def features(self, inputs: list[SentenceInput]) -> csr_matrix:
        """The same values as ``vectorizer.transform`` and ``rule_features``, computed faster
        (nlp/jixiao/issues/fast_features.py)."""
        text, rules = self._feature_parts(inputs)
        return hstack([text, csr_matrix(rules)]).tocsr()

    def _feature_parts(self, inputs: list[SentenceInput]) -> tuple[csr_matrix, np.ndarray]:
        """(TF-IDF of the text, weighted rule features): the columns of ``features``."""
        if self.fast is None or not self.fast.fits(self.vectorizer):
            self.fast = FastFeatures(self.vectorizer, self.rules)
        text = self.fast.text_features([i.marked() for i in inputs])
        return text, rule_features(inputs, self.rules, self.fast.scanner) * float(self.settings["rule_weight"])

    def scores(self, inputs: list[SentenceInput], issues_only: bool = False
               ) -> tuple[list[str], list[float], list[dict[str, float]]]:
        """Kind, its probability and every category's probability per input; with ``issues_only``
        the category scores of sentences predicted ``none`` are left empty (tagging never reads
        them, and they are most sentences)."""
        text, rules = self._feature_parts(inputs)
        if self.linear is None or not self.linear.fits(self):
            self.linear = StackedLinear.of(self)
        probs, per_cat = self.linear.probabilities(text, rules)
        kinds = [self.linear.kind_classes[i] for i in probs.argmax(axis=1)]
        names = self.linear.categories
        cats = [{} if issues_only and kind == "none" else dict(zip(names, map(float, row)))
                for kind, row in zip(kinds, per_cat)]
        return kinds, probs.max(axis=1).tolist(), cats

    def tagging_scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        return self.scores(inputs, issues_only=True)


@dataclass
class StackedLinear:
    """All eleven logistic regressions as one weight matrix: one sparse product per batch instead of
    eleven scikit-learn calls with their input validation (the same probabilities, see
    tests/test_tag_features.py)."""

    source: tuple[int, ...]
    weights: np.ndarray
    bias: np.ndarray
    kind_classes: list[str]
    categories: list[str]
    multinomial: bool

    @classmethod
    def of(cls, model: SklearnIssueModel) -> StackedLinear:
        kind = model.kind_model
        parts, biases, names = [kind.coef_], [kind.intercept_], []
        for category, clf in model.category_models.items():
            if list(clf.classes_) != [0, 1]:
                raise ValueError(f"category model {category!r} has classes {list(clf.classes_)}, not [0, 1]")
            parts.append(clf.coef_[:1])
            biases.append(clf.intercept_[:1])
            names.append(category)
        # float32: half the memory, so that the weights stay in cache between documents while the
        # quantity model runs in between (scores move by about 1e-7)
        weights = np.vstack(parts).T.astype(np.float32)
        return cls(cls._identity(model), np.ascontiguousarray(weights), np.concatenate(biases), list(kind.classes_),
                   names, kind.coef_.shape[0] > 1)

    @staticmethod
    def _identity(model: SklearnIssueModel) -> tuple[int, ...]:
        return (id(model.kind_model), id(model.kind_model.coef_),
                *(id(m.coef_) for m in model.category_models.values()))

    def fits(self, model: SklearnIssueModel) -> bool:
        return self._identity(model) == self.source

    def probabilities(self, text: csr_matrix, rules: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(kind probabilities, positive-class probability per category) for the two feature parts
        (multiplied apart: stacking them into one sparse matrix costs more than the product)."""
        split = text.shape[1]
        raw = (np.asarray(text @ self.weights[:split], dtype=np.float64)
               + rules @ self.weights[split:].astype(np.float64) + self.bias)
        n_kind = len(self.kind_classes) if self.multinomial else 1
        kind_raw, cat_raw = raw[:, :n_kind], raw[:, n_kind:]
        if self.multinomial:
            shifted = np.exp(kind_raw - kind_raw.max(axis=1, keepdims=True))
            kind = shifted / shifted.sum(axis=1, keepdims=True)
        else:
            positive = _sigmoid(kind_raw[:, 0])
            kind = np.column_stack([1.0 - positive, positive])
        return kind, _sigmoid(cat_raw)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


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
    """Per-category threshold maximising F1 on the dev problem/recommendation sentences.

    Only categories with at least ``min_dev_support`` dev sentences get their own threshold: with
    one or two examples the maximum is noise, and the default generalises better."""
    issue = [d for d in dev if d.kind != "none"]
    if not issue:
        return {}
    _, _, cats = model.scores([d.input for d in issue])
    default = float(model.settings.get("threshold", 0.5))
    thresholds = {}
    for category in CATEGORIES:
        truth = [category in d.categories for d in issue]
        if sum(truth) < int(model.settings.get("min_dev_support", 5)):
            continue
        grid = np.arange(0.1, 0.91, 0.05)
        best = max(grid, key=lambda t: (_f1(truth, [c[category] >= t for c in cats]), -abs(t - default)))
        thresholds[category] = round(float(best), 2)
    return thresholds


def _f1(truth: list[bool], pred: list[bool]) -> float:
    tp = sum(t and p for t, p in zip(truth, pred))
    fp = sum(p and not t for t, p in zip(truth, pred))
    fn = sum(t and not p for t, p in zip(truth, pred))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def save_sklearn(model: SklearnIssueModel, folder: Path) -> None:
    """Arrays in safetensors, vocabulary and settings in JSON: nothing in the files is executed on
    load, and the n-gram vocabulary is a plain list (skops spelled each entry out as an object and
    made the model twelve times larger)."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    vocabulary = model.vectorizer.vocabulary_
    grams = [""] * len(vocabulary)
    for gram, index in vocabulary.items():
        grams[index] = gram
    categories = list(model.category_models)
    arrays = {
        "idf": np.asarray(model.vectorizer.idf_, dtype=np.float64),
        "kind_coef": model.kind_model.coef_, "kind_intercept": model.kind_model.intercept_,
        "category_coef": np.vstack([model.category_models[c].coef_ for c in categories]),
        "category_intercept": np.concatenate([model.category_models[c].intercept_ for c in categories]),
    }
    # float32 halves the file; probabilities move by about 1e-7
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}, str(folder / WEIGHTS))
    (folder / VOCABULARY).write_text(json.dumps(grams, ensure_ascii=False), "utf-8")
    config = {"backend": "sklearn", "thresholds": model.thresholds, "settings": model.settings,
              "vectorizer": _vectorizer_params(model.vectorizer),
              "kind_classes": [str(c) for c in model.kind_model.classes_], "categories": categories}
    (folder / "config.json").write_text(json.dumps(config, indent=1, ensure_ascii=False), "utf-8")
    save_keywords(model.rules, folder)


def load_sklearn(folder: Path) -> SklearnIssueModel:
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
        grams = json.loads((folder / VOCABULARY).read_text("utf-8"))
        arrays = load_file(str(folder / WEIGHTS))
        rules = load_keywords(folder / KEYWORDS_FILE)
    except (OSError, ValueError, KeyError, yaml.YAMLError, SafetensorError) as exc:
        raise ValueError(f"{folder}: not a readable sklearn issue model ({exc})") from exc
    vectorizer = TfidfVectorizer(**{**config["vectorizer"], "ngram_range": tuple(config["vectorizer"]["ngram_range"]),
                                    "dtype": np.dtype(config["vectorizer"]["dtype"]).type})
    vectorizer.vocabulary_ = {gram: index for index, gram in enumerate(grams)}
    vectorizer.idf_ = arrays["idf"].astype(np.float64)
    kind = _fitted_lr(arrays["kind_coef"], arrays["kind_intercept"], np.asarray(config["kind_classes"]))
    categories = {c: _fitted_lr(arrays["category_coef"][i : i + 1], arrays["category_intercept"][i : i + 1],
                                np.asarray([0, 1])) for i, c in enumerate(config["categories"])}
    return SklearnIssueModel(vectorizer, kind, categories, config.get("thresholds", {}),
                             {**DEFAULTS, **config.get("settings", {})}, rules)


WEIGHTS = "weights.safetensors"
VOCABULARY = "vocabulary.json"
_VECTORIZER_PARAMS = ("analyzer", "ngram_range", "lowercase", "sublinear_tf", "norm", "use_idf", "smooth_idf", "binary")


def _vectorizer_params(vectorizer: TfidfVectorizer) -> dict[str, Any]:
    params = {k: getattr(vectorizer, k) for k in _VECTORIZER_PARAMS}
    params["dtype"] = np.dtype(vectorizer.dtype).name
    return params


def _fitted_lr(coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray) -> LogisticRegression:
    model = LogisticRegression()
    model.coef_, model.intercept_, model.classes_ = coef, intercept, classes
    model.n_features_in_ = coef.shape[1]
    return model
