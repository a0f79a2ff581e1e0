"""The shipped sentence classifier: linear models over what a sentence says, predicted with NumPy.

Features: character n-gram TF-IDF of the sentence text alone (no section marker) and the keyword
cue groups of ``keywords.yaml`` (deficiency, obligation, compliance findings, good practice, …),
see ``cue_features``. One multinomial logistic regression gives the kind; one binary logistic
regression per category gives its probability. The models are trained with scikit-learn
(``linear_train``) and saved as plain arrays: prediction needs NumPy, the standard library and
pyahocorasick (the keyword scan) only, so tagging never imports scikit-learn or SciPy.

Files in a model folder: ``config.json`` (settings, classes, thresholds, calibration, feature
names), ``vocabulary.json`` (the n-grams, in column order), ``weights.safetensors`` (idf, one
weight matrix with a column per kind and per category, biases) and ``keywords.yaml``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml

from jixiao.document.model import CATEGORIES
from jixiao.document.sections import MAX_HEADING_CHARS, NOT_PRESCRIBING, opens_part
from jixiao.issues.cue_features import SECTIONS, cue_features, cue_names, cue_scanner
from jixiao.issues.inputs import SentenceInput
from jixiao.issues.ngrams import NgramIndex, run_starts
from jixiao.issues.rules import KEYWORDS_FILE, KeywordRules, load_keywords, save_keywords
from jixiao.issues.scanner import KeywordScanner
from jixiao.issues.scored import ScoredClassifier

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.safetensors"
VOCABULARY_FILE = "vocabulary.json"


class Features(NamedTuple):
    """A batch's features: the TF-IDF entries (row, column, value; sorted by row) and the cue
    matrix, the values and the cues in float64, as the scores are summed (the float32 values
    widened once per batch, not by every product with the weights)."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    cues: np.ndarray


# the heading contexts the prior moves (see ``LinearIssueModel.section_prior``)
_PRIOR_SECTIONS = frozenset({"recommendation", *NOT_PRESCRIBING})


@dataclass
class LinearIssueModel(ScoredClassifier):
    ngrams: NgramIndex
    weights: np.ndarray  # (n-grams + cues) x (kinds + categories)
    bias: np.ndarray  # kinds + categories
    kind_classes: list[str]
    categories: list[str]
    rules: KeywordRules
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    temperature: dict[str, float] = field(default_factory=dict)  # "kind", "categories": calibration
    name: str = "linear"
    # (settings key, column scale, groups not scanned, their scanner): built once per rules and settings
    _cues: tuple[tuple[Any, ...], np.ndarray, frozenset[str], KeywordScanner] | None = field(
        default=None, init=False, repr=False, compare=False)
    _wide: tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    @property
    def sections(self) -> tuple[str, ...]:
        """The heading contexts with a feature column: none unless ``section_weight`` is above 0,
        then ``section_columns`` (default: both of ``SECTIONS``). A column for 经验/做法 alone
        lets the content model learn that an imperative is a remedy, and the heading that it
        reports practice instead."""
        if float(self.settings.get("section_weight", 0.0)) <= 0:
            return ()
        columns = tuple(self.settings.get("section_columns", SECTIONS))
        if set(columns) - set(SECTIONS):
            raise ValueError(f"section_columns must be among {SECTIONS}, not {sorted(set(columns) - set(SECTIONS))}")
        return columns

    @property
    def part_column(self) -> bool:
        """Whether the model has the ``form:names_part`` column (``part_column`` in its settings;
        models trained before the column existed have none)."""
        return bool(self.settings.get("part_column", False))

    def cue_matrix(self, inputs: list[SentenceInput]) -> np.ndarray:
        """The cue columns, each scaled by its group's weight: ``cue_weight`` for the kind cues and
        the form of the line, ``topic_weight`` for the topic words of the categories,
        ``section_weight`` for the section columns (present only when that weight is above 0)."""
        key = (self.rules.text, *(self.settings.get(k) for k in ("topic_weight", "section_weight", "cue_weight",
                                                                     "section_columns", "part_column")))
        if self._cues is None or self._cues[0] != key:
            weights = {"topic": float(self.settings.get("topic_weight", 1.0)),
                       "section": float(self.settings.get("section_weight", 0.0))}
            default = float(self.settings.get("cue_weight", 1.0))
            names = cue_names(self.rules, self.sections, self.part_column)
            scale = np.asarray([weights.get(name.split(":")[0], default) for name in names], dtype=np.float32)
            # a group scaled by 0 (the topic words when topic_weight is 0) is not scanned at all
            skip = frozenset(n for n, w in zip(names, scale) if w == 0)
            self._cues = (key, scale, skip, cue_scanner(self.rules, skip))
        _, scale, skip, scanner = self._cues
        return cue_features(inputs, self.rules, self.sections, skip, scanner, self.part_column) * scale

    def raw_scores(self, inputs: list[SentenceInput]) -> np.ndarray:
        """The linear scores (logits) of every kind and category, one row per input."""
        features = self._features(inputs)
        return np.hstack([self._logits(features, "kind"), self._logits(features, "categories")])

    def _features(self, inputs: list[SentenceInput]) -> Features:
        rows, cols, values = self.ngrams.tfidf([i.text for i in inputs])
        return Features(rows, cols, values.astype(np.float64), self.cue_matrix(inputs).astype(np.float64))

    def _logits(self, features: Features, part: str, keep: np.ndarray | None = None) -> np.ndarray:
        """The logits of one part (``kind`` or ``categories``), for the rows ``keep`` selects (a
        boolean mask; all rows by default). Each column is summed exactly as for all columns at
        once: the parts are computed separately so that tagging skips the category columns of
        the sentences it finds to be ``none``."""
        text_weights, cue_weights, bias = self._part_weights(part)
        rows, cols, values, cues = features
        if keep is not None:
            selected = keep[rows]
            rows, cols, values = (keep.cumsum() - 1)[rows[selected]], cols[selected], values[selected]
            cues = cues[keep]
        raw = cues @ cue_weights
        if len(rows):
            # one row of contributions per column of logits: each sum then runs over contiguous
            # memory, several times faster than down the columns of an (entries x columns) array,
            # and adds the same numbers in the same order
            contributions = text_weights.take(cols, axis=1)
            contributions *= values
            starts = run_starts(rows)
            raw[rows[starts]] += np.add.reduceat(contributions, starts, axis=1).T
        return raw + bias

    def _part_weights(self, part: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n-gram weights, cue weights, bias) of the kind or the category columns, widened to
        float64 once per weight array rather than per batch (the scores are summed in float64);
        the n-gram weights transposed (a row per column of logits, see ``_logits``)."""
        if self._wide is None or self._wide[0] is not self.weights or self._wide[1] is not self.bias:
            k, n_text = len(self.kind_classes), len(self.ngrams)
            wide = self.weights.astype(np.float64)
            self._wide = (self.weights, self.bias, {
                part: (np.ascontiguousarray(columns[:n_text].T), np.ascontiguousarray(columns[n_text:]), bias)
                for part, columns, bias in (("kind", wide[:, :k], self.bias[:k]),
                                            ("categories", wide[:, k:], self.bias[k:]))})
        return self._wide[2][part]

    def section_prior(self, inputs: list[SentenceInput]) -> np.ndarray:
        """The soft prior of the heading context, as a logit offset for one kind only: an imperative
        (「制定有效的绩效监控机制」) is a remedy under a part that prescribes (建议, 整改要求), a
        practice under a part that reports one (经验, 做法) and a duty, target or criterion under a
        part that describes (职能, 绩效目标, 评价标准), so the recommendation logit gains
        ``prior_strength`` under the first and loses it under the others. The line that only opens a
        part (``sections.opens_part``) is not moved: it is ``none`` unless its own words prescribe.
        Problem against none is never moved by a heading: a shortcoming is read from its own words. The content model is
        trained without the prior.

        ``none_offset`` lowers the ``none`` logit of every sentence alike (0 in the shipped model:
        eval/issues/RESULTS.md measures it), for text denser in findings than the reports the model
        learned from, where nine sentences in ten are ``none``."""
        offsets = np.zeros((len(inputs), len(self.kind_classes)))
        none_offset = float(self.settings.get("none_offset", 0.0))
        if none_offset and "none" in self.kind_classes:
            offsets[:, self.kind_classes.index("none")] = -none_offset
        strength = float(self.settings.get("prior_strength", 0.0))
        if strength and "recommendation" in self.kind_classes:
            rec = self.kind_classes.index("recommendation")
            for i, inp in enumerate(inputs):
                if inp.section in _PRIOR_SECTIONS and len(inp.text) <= MAX_HEADING_CHARS and opens_part(inp.text):
                    continue  # the heading that opens a part (「六、政策调整和完善建议」) is read by its own words
                if inp.section == "recommendation":
                    offsets[i, rec] = strength
                elif inp.section in NOT_PRESCRIBING:
                    offsets[i, rec] = -strength
        return offsets

    def probabilities(self, inputs: list[SentenceInput]) -> tuple[np.ndarray, np.ndarray]:
        """(kind probabilities, category probabilities), calibrated by temperature."""
        features = self._features(inputs)
        return self._kind_probabilities(features, inputs), self._category_probabilities(features)

    def _kind_probabilities(self, features: Features, inputs: list[SentenceInput]) -> np.ndarray:
        kind = (self._logits(features, "kind") + self.section_prior(inputs)) / self.temperature.get("kind", 1.0)
        kind = np.exp(kind - kind.max(axis=1, keepdims=True))
        return kind / kind.sum(axis=1, keepdims=True)

    def _category_probabilities(self, features: Features, keep: np.ndarray | None = None) -> np.ndarray:
        raw = self._logits(features, "categories", keep)
        return 1.0 / (1.0 + np.exp(-raw / self.temperature.get("categories", 1.0)))

    def scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        return self._scores(inputs, none_categories=True)

    def tagging_scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        """``scores`` without the category scores of ``none`` sentences, which tagging never reads
        (most sentences of a report are ``none``): their category columns are not computed."""
        return self._scores(inputs, none_categories=False)

    def _scores(self, inputs: list[SentenceInput], none_categories: bool
                ) -> tuple[list[str], list[float], list[dict[str, float]]]:
        if not inputs:
            return [], [], []
        features = self._features(inputs)
        kind = self._kind_probabilities(features, inputs)
        best = kind.argmax(axis=1)
        none = self.kind_classes.index("none") if "none" in self.kind_classes else None
        keep = None if none_categories or none is None else best != none
        categories = self._category_probabilities(features, keep)
        if self.settings.get("clause_categories") and len(categories):
            rows = keep.nonzero()[0] if keep is not None else np.arange(len(inputs))
            categories = self._with_clauses(inputs, rows, categories)
        floor = float(self.settings.get("min_category_score", 0.0))
        if floor > 0 and none is not None and len(categories):
            # a problem or remedy concerns one of the categories (SCHEME §2): a sentence whose best
            # category is this unlikely reads as one only by its form (a duty or a standard written
            # as an imperative) and is none
            rows = (best != none).nonzero()[0]  # the rows of ``categories`` when ``keep`` is given
            weak = (categories if keep is not None else categories[rows]).max(axis=1) < floor
            best = best.copy()
            best[rows[weak]] = none
            if keep is not None:
                categories = categories[~weak]
        kinds = [self.kind_classes[i] for i in best.tolist()]
        scores = kind[np.arange(len(best)), best]
        cats = iter(categories.tolist())
        names = self.categories
        return kinds, scores.tolist(), [
            dict(zip(names, next(cats))) if none_categories or k != "none" else {} for k in kinds]

    def _with_clauses(self, inputs: list[SentenceInput], rows: np.ndarray, categories: np.ndarray) -> np.ndarray:
        """Each category's probability as the highest of the sentence's and of its clauses' (split
        at ，；：, clauses of at least ``clause_min_chars``): a sentence that addresses two
        categories in two clauses has each topic's n-grams diluted by the other's in the
        normalised whole, so the second category scores lower than it would alone."""
        minimum = int(self.settings.get("clause_min_chars", 8))
        clauses: list[SentenceInput] = []
        owner: list[int] = []
        for position, row in enumerate(rows.tolist()):
            parts = [p for p in _CLAUSE.split(inputs[row].text) if len(p) >= minimum]
            if len(parts) > 1:
                clauses.extend(SentenceInput(p, inputs[row].section) for p in parts)
                owner.extend([position] * len(parts))
        if not clauses:
            return categories
        scored = self._category_probabilities(self._features(clauses))
        scored[scored < float(self.settings.get("clause_threshold", 0.0))] = 0.0
        result = categories.copy()
        np.maximum.at(result, np.asarray(owner), scored)
        return result


_CLAUSE = re.compile("[，；：,;:]")


def save_linear(model: LinearIssueModel, folder: Path) -> None:
    from safetensors.numpy import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"idf": model.ngrams.idf, "weights": model.weights, "bias": model.bias}
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}, str(folder / WEIGHTS_FILE))
    (folder / VOCABULARY_FILE).write_text(json.dumps(model.ngrams.grams, ensure_ascii=False), "utf-8")
    config = {"backend": "linear", "settings": model.settings, "thresholds": model.thresholds,
              "temperature": model.temperature, "kind_classes": model.kind_classes, "categories": model.categories,
              "ngram_range": [model.ngrams.low, model.ngrams.high], "lowercase": model.ngrams.lowercase,
              "cue_names": cue_names(model.rules, model.sections, model.part_column)}
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", "utf-8")
    save_keywords(model.rules, folder)


def load_linear(folder: Path) -> LinearIssueModel:
    """A saved model; every file is read as data (JSON, YAML, safetensors), nothing is executed."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    folder = Path(folder)
    try:
        config = json.loads((folder / CONFIG_FILE).read_text("utf-8"))
        grams = json.loads((folder / VOCABULARY_FILE).read_text("utf-8"))
        arrays = load_file(str(folder / WEIGHTS_FILE))
        rules = load_keywords(folder / KEYWORDS_FILE)
        low, high = config["ngram_range"]
        ngrams = NgramIndex(grams, arrays["idf"], low, high, bool(config.get("lowercase", True)))
        model = LinearIssueModel(ngrams, arrays["weights"], arrays["bias"], list(config["kind_classes"]),
                                 list(config["categories"]), rules, dict(config.get("thresholds", {})),
                                 dict(config.get("settings", {})), dict(config.get("temperature", {})))
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError, SafetensorError) as exc:
        raise ValueError(f"{folder}: not a readable linear issue model ({exc})") from exc
    expected = len(grams) + len(cue_names(rules, model.sections, model.part_column))
    if model.weights.shape != (expected, len(model.kind_classes) + len(model.categories)):
        raise ValueError(f"{folder / WEIGHTS_FILE}: weights of shape {model.weights.shape} do not fit "
                         f"{expected} features and {len(model.kind_classes)} kinds + {len(model.categories)} categories")
    if config.get("cue_names") and config["cue_names"] != cue_names(rules, model.sections, model.part_column):
        raise ValueError(f"{folder / KEYWORDS_FILE}: its cue groups differ from those the model was trained with")
    if set(model.categories) - set(CATEGORIES):
        raise ValueError(f"{folder / CONFIG_FILE}: unknown categories {sorted(set(model.categories) - set(CATEGORIES))}")
    return model
