"""Training of the linear sentence classifier with scikit-learn; the result predicts without it.

The n-gram vocabulary and idf come from scikit-learn's ``TfidfVectorizer``; kind is a
multinomial ``LogisticRegression``, each category a balanced binary one trained on the problem and
recommendation sentences. Real reports can be weighted against authored text. Temperatures that
calibrate the probabilities and per-category thresholds are fitted on the dev documents only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from jixiao.configs import packaged_settings
from jixiao.document.model import CATEGORIES, Document
from jixiao.issues.inputs import Labelled, labelled_sentences
from jixiao.issues.linear import LinearIssueModel
from jixiao.issues.ngrams import NgramIndex
from jixiao.issues.rules import KeywordRules, load_keywords

DEFAULTS: dict[str, Any] = packaged_settings("linear")  # jixiao/configs/issues_linear.cfg says why


def train_linear(train_docs: list[Document], dev_docs: list[Document], settings: dict[str, Any] | None = None,
                 rules: KeywordRules | None = None) -> LinearIssueModel:
    settings = {**DEFAULTS, **(settings or {})}
    rules = rules or load_keywords()
    data, weights, owners = _labelled(train_docs, float(settings["real_weight"]))
    data, weights, owners = unpunctuated_copies(data, weights, owners, float(settings.get("unpunctuated_copies", 0.0)))
    texts = [d.input.text for d in data]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(int(settings["ngram_min"]), int(settings["ngram_max"])),
                                 min_df=int(settings["min_df"]), max_features=int(settings["max_features"]),
                                 sublinear_tf=True, dtype=np.float32)
    vectorizer.fit(texts)
    grams = [""] * len(vectorizer.vocabulary_)
    for gram, index in vectorizer.vocabulary_.items():
        grams[index] = gram
    ngrams = NgramIndex(grams, vectorizer.idf_, int(settings["ngram_min"]), int(settings["ngram_max"]))
    shell = LinearIssueModel(ngrams, np.zeros((0, 0), np.float32), np.zeros(0, np.float32), [], [], rules,
                             settings=settings)
    X = _features(shell, [d.input for d in data])
    kind = LogisticRegression(C=float(settings["C_kind"]), max_iter=3000, random_state=int(settings["seed"]))
    kind.fit(X, [d.kind for d in data], sample_weight=weights)
    issue = np.asarray([i for i, d in enumerate(data) if d.kind != "none"])
    Y = np.asarray([[c in data[i].categories for c in CATEGORIES] for i in issue], dtype=int)
    columns, biases = [kind.coef_.T], [kind.intercept_]
    for j in range(len(CATEGORIES)):
        coef, bias = _category_model(X[issue], Y[:, j], weights[issue], settings)
        columns.append(coef)
        biases.append(bias)
    model = LinearIssueModel(ngrams, np.hstack(columns).astype(np.float32), np.concatenate(biases).astype(np.float32),
                             [str(c) for c in kind.classes_], list(CATEGORIES), rules, settings=settings)
    folds = int(settings["threshold_folds"])
    raw_thresholds = (_out_of_fold_thresholds(X[issue], Y, weights[issue], [owners[i] for i in issue], settings)
                      if folds > 1 else {})
    dev = labelled_sentences(dev_docs) if dev_docs else []
    if dev and settings["calibrate"]:
        model.temperature = fit_temperatures(model, dev)
    if raw_thresholds:  # chosen on uncalibrated probabilities: the same decisions after calibration
        t = model.temperature.get("categories", 1.0)
        model.thresholds = {c: round(float(1 / (1 + np.exp(-np.log(v / (1 - v)) / t))), 4)
                            for c, v in raw_thresholds.items()}
    elif dev and settings["tune_thresholds"]:
        model.thresholds = tune_thresholds(model, dev)
    return model


def _category_model(X: csr_matrix, y: np.ndarray, weights: np.ndarray, settings: dict[str, Any]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(coefficient column, bias) of one category's binary logistic regression."""
    if len(set(y.tolist())) < 2:
        return np.zeros((X.shape[1], 1)), np.asarray([10.0 if y.any() else -10.0])
    clf = LogisticRegression(C=float(settings["C_category"]), max_iter=3000,
                             class_weight="balanced" if settings["balanced"] else None,
                             random_state=int(settings["seed"]))
    clf.fit(X, y, sample_weight=weights)
    return clf.coef_.T, clf.intercept_


def _out_of_fold_thresholds(X: csr_matrix, Y: np.ndarray, weights: np.ndarray, groups: list[str],
                            settings: dict[str, Any]) -> dict[str, float]:
    """Per-category thresholds maximising F1 on out-of-fold predictions over the training
    documents (folds by document): chosen on training data alone, with hundreds of examples per
    category instead of the handful a single dev report has."""
    from sklearn.model_selection import GroupKFold

    probs = np.zeros(Y.shape, dtype=float)
    for train_idx, held_idx in GroupKFold(n_splits=int(settings["threshold_folds"])).split(X, groups=groups):
        for j in range(Y.shape[1]):
            coef, bias = _category_model(X[train_idx], Y[train_idx, j], weights[train_idx], settings)
            z = np.asarray(X[held_idx] @ coef).ravel() + bias[0]
            probs[held_idx, j] = 1.0 / (1.0 + np.exp(-z))
    grid = np.round(np.arange(0.2, 0.81, 0.05), 2)
    out = {}
    for j, category in enumerate(CATEGORIES):
        truth = Y[:, j].astype(bool)
        if truth.sum() < 20:
            continue
        out[category] = float(max(grid, key=lambda t: (_f1(truth, probs[:, j] >= t), -abs(t - 0.5))))
    return out


def _labelled(docs: list[Document], real_weight: float) -> tuple[list[Labelled], np.ndarray, list[str]]:
    """Labelled sentences, their sample weights and the id of the document each comes from."""
    data: list[Labelled] = []
    weights: list[float] = []
    owners: list[str] = []
    for doc in docs:
        labelled = labelled_sentences([doc])
        data += labelled
        weights += [1.0 if doc.meta.get("source") == "authored" else real_weight] * len(labelled)
        owners += [doc.id] * len(labelled)
    return data, np.asarray(weights), owners


END_PUNCTUATION = "。；！？;!?"


def unpunctuated_copies(data: list[Labelled], weights: np.ndarray, owners: list[str], weight: float
                        ) -> tuple[list[Labelled], np.ndarray, list[str]]:
    """The training sentences, and (``weight`` > 0) a copy of every problem and recommendation
    that ends in 。；！？ without that end, labelled the same, at ``weight`` times its weight.

    List items, table rows, slides and text taken from web pages state shortcomings and remedies
    without end punctuation (「1.部分项目合同未约定验收标准」, 「建议加强合同履约管理」). In typeset
    reports such a line is most often a heading, so a model trained on them alone reads a missing
    。 as "heading, none"; the copies teach it that the words decide, not the full stop."""
    if weight <= 0:
        return data, weights, owners
    extra = []
    for d, w, owner in zip(data, weights, owners):
        text = d.input.text.rstrip()
        bare = text.rstrip(END_PUNCTUATION)
        if d.kind != "none" and bare and bare != text:
            extra.append((Labelled(d.input._replace(text=bare), d.kind, d.categories), w * weight, owner))
    if not extra:
        return data, weights, owners
    copies, copy_weights, copy_owners = zip(*extra)
    return data + list(copies), np.concatenate([weights, np.asarray(copy_weights)]), owners + list(copy_owners)


def _features(model: LinearIssueModel, inputs: list) -> csr_matrix:  # type: ignore[type-arg]
    """The training matrix, built from the same NumPy computation that prediction uses."""
    rows, cols, values = model.ngrams.tfidf([i.text for i in inputs])
    text = csr_matrix((values, (rows, cols)), shape=(len(inputs), len(model.ngrams)), dtype=np.float32)
    return hstack([text, csr_matrix(model.cue_matrix(inputs))]).tocsr()


def fit_temperatures(model: LinearIssueModel, dev: list[Labelled]) -> dict[str, float]:
    """One temperature for the kind softmax and one for the category sigmoids, each minimising the
    dev log-loss: probabilities that an analyst can threshold (a linear model trained on text
    unlike the dev register is over-confident)."""
    raw = model.raw_scores([d.input for d in dev])
    k = len(model.kind_classes)
    truth = np.asarray([model.kind_classes.index(d.kind) for d in dev])
    grid = np.exp(np.linspace(np.log(0.3), np.log(5.0), 60))

    def kind_loss(t: float) -> float:
        z = raw[:, :k] / t
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(truth)), truth].mean())

    out = {"kind": round(float(min(grid, key=kind_loss)), 4)}
    issue = [i for i, d in enumerate(dev) if d.kind != "none"]
    if issue:
        logits = raw[issue, k:]
        y = np.asarray([[c in dev[i].categories for c in model.categories] for i in issue], dtype=float)

        def cat_loss(t: float) -> float:
            p = np.clip(1.0 / (1.0 + np.exp(-logits / t)), 1e-7, 1 - 1e-7)
            return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())

        out["categories"] = round(float(min(grid, key=cat_loss)), 4)
    return out


def tune_thresholds(model: LinearIssueModel, dev: list[Labelled]) -> dict[str, float]:
    """Per-category thresholds maximising dev F1, only where dev has ``min_dev_support`` examples."""
    issue = [d for d in dev if d.kind != "none"]
    if not issue:
        return {}
    _, cats = model.probabilities([d.input for d in issue])
    default = float(model.settings.get("threshold", 0.5))
    out = {}
    for j, category in enumerate(model.categories):
        truth = np.asarray([category in d.categories for d in issue])
        if truth.sum() < int(model.settings.get("min_dev_support", 5)):
            continue
        grid = np.arange(0.1, 0.91, 0.05)
        best = max(grid, key=lambda t: (_f1(truth, cats[:, j] >= t), -abs(t - default)))
        out[category] = round(float(best), 2)
    return out


def _f1(truth: np.ndarray, pred: np.ndarray) -> float:
    tp = int((truth & pred).sum())
    fp, fn = int((~truth & pred).sum()), int((truth & ~pred).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
