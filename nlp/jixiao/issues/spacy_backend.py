"""The spaCy issue classifier: ``textcat`` (exclusive) for kind and ``textcat_multilabel`` for the
ten categories, trained with spaCy's own training loop from ``jixiao/configs/issues_spacy.cfg``.

spaCy's exclusive textcat refuses docs whose ``cats`` hold more than one positive, and both
components read the same ``doc.cats``; so the config is run twice, once per component (kind on
every sentence, categories on problem/recommendation sentences only, as in the scheme), and the
category component is then sourced into the kind pipeline. Saving can also source the trained
``quantities`` component, so that one pipeline on disk holds quantities + textcat +
textcat_multilabel; classification runs with every other pipe disabled.

What the classifiers read is ``model_texts``: the section-marked sentence, led by a word per
keyword rule that fires. Code that runs the saved pipeline directly should build its texts with
the same function, or it gets scores for a different input than the model was trained on.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

import jixiao.quantities.component  # noqa: F401  (registers the quantities factory, for sourcing and loading)
import jixiao.quantities.tokenizer  # noqa: F401  (registers the tokenizer)
from jixiao.document.model import CATEGORIES, KINDS, Document
from jixiao.issues.inputs import Labelled, SentenceInput, labelled_sentences
from jixiao.issues.rules import KEYWORDS_FILE, KeywordRules, load_keywords, save_keywords
from jixiao.issues.scored import ScoredClassifier
from jixiao.quantities.tokenizer import char_digit_words
from jixiao.configs import CONFIGS

CONFIG = CONFIGS / "issues_spacy.cfg"
KIND_PIPE = "textcat"
CATEGORY_PIPE = "textcat_multilabel"
SPANS_PIPE = "quantities"
CONFIG_FILE = "jixiao_issues.json"
DEFAULTS: dict[str, Any] = {"config": str(CONFIG), "seed": 13, "real_repeat": 3, "threshold": 0.5,
                            "rule_tokens": True, "overrides": {}, "spans_model": None}


@dataclass
class SpacyIssueModel(ScoredClassifier):
    pipeline: Language
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    rules: KeywordRules = field(default_factory=load_keywords)
    name: str = "spacy"

    def scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        """Kinds, kind scores and per-category scores, in the shape threshold tuning expects."""
        disabled = [p for p in self.pipeline.pipe_names if p not in (KIND_PIPE, CATEGORY_PIPE)]
        texts = model_texts(inputs, self.rules if self.settings.get("rule_tokens") else None)
        docs = self.pipeline.pipe(texts, disable=disabled)
        kinds: list[str] = []
        kind_scores: list[float] = []
        cats: list[dict[str, float]] = []
        for doc in docs:
            kind = max(KINDS, key=lambda k: doc.cats.get(k, 0.0))
            kinds.append(kind)
            kind_scores.append(_unit(doc.cats.get(kind, 0.0)))
            cats.append({c: _unit(doc.cats.get(c, 0.0)) for c in CATEGORIES})
        return kinds, kind_scores, cats



def model_texts(inputs: list[SentenceInput], rules: KeywordRules | None) -> list[str]:
    """The section-marked text, led by one Latin word per keyword rule that fires.

    The char/digit tokenizer keeps a Latin run whole, so each fired rule is one BOW feature the
    model can weigh, as the sklearn backend weighs its rule features; without them a bag of
    character n-grams generalises poorly from four annotated reports.
    """
    marked = [i.marked() for i in inputs]
    if rules is None:
        return marked
    from jixiao.issues.rule_features import FEATURE_NAMES, rule_features

    fired = rule_features(inputs, rules)
    words = ["RULE" + "".join(ch for ch in name if ch.isalpha()) for name in FEATURE_NAMES]
    return [" ".join([*(w for w, on in zip(words, row) if on and not w.startswith("RULEsection")), text])
            for row, text in zip(fired, marked)]


def _unit(score: float) -> float:
    """spaCy's scores are float32 probabilities; clamp rounding noise so they stay within [0, 1]."""
    return min(1.0, max(0.0, float(score)))


def train_spacy(train_docs: list[Document], dev_docs: list[Document],
                settings: dict[str, Any] | None = None) -> SpacyIssueModel:
    settings = {**DEFAULTS, **(settings or {})}
    _check_spans_model(settings.get("spans_model"))
    train = _repeat_real(train_docs, int(settings["real_repeat"]))
    dev = labelled_sentences(dev_docs)
    rules = load_keywords() if settings["rule_tokens"] else None
    kinds = _run_config(settings, KIND_PIPE, _docs(train, _kind_cats, rules), _docs(dev, _kind_cats, rules))
    issues_train = [d for d in train if d.kind != "none"]
    issues_dev = [d for d in dev if d.kind != "none"]
    categories = _run_config(settings, CATEGORY_PIPE, _docs(issues_train, _category_cats, rules),
                             _docs(issues_dev, _category_cats, rules))
    kinds.add_pipe(CATEGORY_PIPE, source=categories)
    model = SpacyIssueModel(kinds, {}, settings)
    if dev:
        from jixiao.issues.sklearn_backend import tune_thresholds

        model.thresholds = tune_thresholds(model, dev)  # type: ignore[arg-type]  (duck-typed: needs .scores)
    return model


def _repeat_real(docs: list[Document], repeat: int) -> list[Labelled]:
    """Annotated reports count ``repeat`` times as much as the authored supplement (spaCy has no sample weights)."""
    out: list[Labelled] = []
    for doc in docs:
        times = 1 if doc.meta.get("source") == "authored" else max(1, repeat)
        out += labelled_sentences([doc]) * times
    return out


def _kind_cats(item: Labelled) -> dict[str, float]:
    return {k: float(k == item.kind) for k in KINDS}


def _category_cats(item: Labelled) -> dict[str, float]:
    return {c: float(c in item.categories) for c in CATEGORIES}


def _docs(items: list[Labelled], cats: Callable[[Labelled], dict[str, float]], rules: KeywordRules | None) -> list[Doc]:
    vocab = Vocab()
    out = []
    for item, text in zip(items, model_texts([i.input for i in items], rules)):
        words, spaces = char_digit_words(text)
        doc = Doc(vocab, words=words, spaces=spaces)
        doc.cats = cats(item)
        out.append(doc)
    return out


LOG_ONLY_DOCS = 200


def _run_config(settings: dict[str, Any], pipe: str, train: list[Doc], dev: list[Doc]) -> Language:
    """One run of spaCy's training loop on one component; the last (averaged) weights are kept,
    so nothing is selected on dev. The training log goes to a buffer, not to stdout."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    with tempfile.TemporaryDirectory(prefix="jixiao-issues-spacy-") as tmp:
        paths = {"train": Path(tmp) / "train.spacy", "dev": Path(tmp) / "dev.spacy"}
        _docbin(train).to_disk(paths["train"])
        _docbin(dev or train[:LOG_ONLY_DOCS]).to_disk(paths["dev"])  # stand-in for logging only
        overrides = {"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"]),
                     "nlp.pipeline": [pipe], "system.seed": int(settings["seed"]), **settings["overrides"]}
        config = spacy.util.load_config(Path(settings["config"]), overrides=overrides, interpolate=False)
        pipeline = init_nlp(config, use_gpu=-1)
        log = io.StringIO()
        pipeline, _ = train_loop(pipeline, None, use_gpu=-1, stdout=log, stderr=log)
    return pipeline


def _docbin(docs: Iterable[Doc]) -> DocBin:
    docbin = DocBin()
    for doc in docs:
        docbin.add(doc)
    return docbin


def _check_spans_model(path: str | None) -> None:
    """Fail before training, not after, when the quantity pipeline to bundle is missing."""
    if path and not (Path(path) / "config.cfg").is_file():
        raise ValueError(f"{path}: spans_model is not a spaCy pipeline folder (no config.cfg)")


def save_spacy(model: SpacyIssueModel, folder: Path) -> None:
    pipeline = model.pipeline
    spans_model = model.settings.get("spans_model")
    if spans_model and SPANS_PIPE not in pipeline.pipe_names:
        _check_spans_model(spans_model)
        source = spacy.load(spans_model)
        if SPANS_PIPE not in source.pipe_names:
            raise ValueError(f"{spans_model}: the pipeline has no {SPANS_PIPE!r} component")
        pipeline.add_pipe(SPANS_PIPE, source=source)
    folder.mkdir(parents=True, exist_ok=True)
    pipeline.to_disk(folder)
    config = {"backend": "spacy", "thresholds": model.thresholds, "settings": _portable(model.settings)}
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=1), "utf-8")
    save_keywords(model.rules, folder)


def _portable(settings: dict[str, Any]) -> dict[str, Any]:
    """The config path is machine-specific; the config itself is in the pipeline's config.cfg."""
    return {k: v for k, v in settings.items() if k != "config"}


def load_spacy(folder: Path) -> SpacyIssueModel:
    if not (folder / "config.cfg").is_file() or not (folder / CONFIG_FILE).is_file():
        raise ValueError(f"{folder}: not a spaCy issue classifier (config.cfg and {CONFIG_FILE} needed)")
    pipeline = spacy.load(folder)
    missing = [p for p in (KIND_PIPE, CATEGORY_PIPE) if p not in pipeline.pipe_names]
    if missing:
        raise ValueError(f"{folder}: the pipeline lacks {', '.join(missing)}")
    info = json.loads((folder / CONFIG_FILE).read_text("utf-8"))
    return SpacyIssueModel(pipeline, dict(info.get("thresholds", {})), {**DEFAULTS, **info.get("settings", {})},
                           _own_keywords(folder))


def _own_keywords(folder: Path) -> KeywordRules:
    file = folder / KEYWORDS_FILE
    if not file.is_file():
        raise ValueError(f"{file}: missing (a model keeps the keyword lists it was trained with)")
    return load_keywords(file)
