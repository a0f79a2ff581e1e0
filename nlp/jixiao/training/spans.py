"""Train the quantity component with spaCy's own training loop and config system."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.cli.train import train as spacy_train

import jixiao.quantities.component  # noqa: F401  (registers the factory and architecture)
import jixiao.quantities.tokenizer  # noqa: F401  (registers the tokenizer)
from jixiao.document.model import Document
from jixiao.configs import SPANS_CONFIG
from jixiao.training.data import data_hash, to_docbin

DEFAULT_CONFIG = SPANS_CONFIG


def blank_pipeline(config_path: Path = DEFAULT_CONFIG) -> spacy.language.Language:
    config = spacy.util.load_config(config_path)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


LOG_ONLY_DOCS = 5


def train_spans(train_docs: Sequence[Document], dev_docs: Sequence[Document], output: Path,
                config_path: Path = DEFAULT_CONFIG, seed: int | None = None,
                overrides: dict[str, Any] | None = None, keep: str = "model-last") -> Path:
    """Train and return the folder of the kept pipeline.

    ``model-last`` (a fixed number of epochs) is the default so that nothing is selected on the
    dev data; dev scores are still logged for the record.
    """
    nlp = blank_pipeline(config_path)
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-spans-") as tmp:
        train_path, dev_path = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        to_docbin(nlp, train_docs).to_disk(train_path)
        # without dev data a few training documents stand in, only so that spaCy's loop can log
        # (nothing is selected on them); scoring all of them at every evaluation step was most
        # of the time of a cross-validation fold
        to_docbin(nlp, dev_docs or train_docs[:LOG_ONLY_DOCS]).to_disk(dev_path)
        settings: dict[str, Any] = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
        if seed is not None:
            settings["system.seed"] = seed
        settings.update(overrides or {})
        logging.getLogger("spacy").setLevel(logging.WARNING)
        spacy_train(config_path, output, overrides=settings, use_gpu=-1)
    best = output / keep
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["jixiao"] = {"train_hash": data_hash(train_docs), "dev_hash": data_hash(dev_docs),
                      "train_docs": len(train_docs), "dev_docs": len(dev_docs)}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
    return best
