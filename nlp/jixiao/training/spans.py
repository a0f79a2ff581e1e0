"""Train the quantity component with spaCy's own training loop and config system.

Progress: spaCy calls its configured training logger at every evaluation step; training here
sets that logger to ``jixiao.ProgressLogger.v1``, which hands each step (epoch, loss, dev score)
to the caller's ``progress`` function instead of printing spaCy's table, so that the CLI can show
it the way it shows everything else (a Rich bar on a terminal, plain lines in a CI log).

The trained pipeline's ``config.cfg`` is the config it was trained with, minus where its
training data happened to lie: ``[paths]`` is reset to null (the data are temporary files whose
names change every run, which also changed the model's content hash on every run) and the logger
is put back to the one the config names.
"""

from __future__ import annotations

import io
import json
import logging
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import spacy
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as train_nlp

import jixiao.quantities.component  # noqa: F401  (registers the factory and architecture)
import jixiao.quantities.tokenizer  # noqa: F401  (registers the tokenizer)
from jixiao.document.model import Document
from jixiao.configs import SPANS_CONFIG
from jixiao.training.data import data_hash, to_docbin

DEFAULT_CONFIG = SPANS_CONFIG
PROGRESS_LOGGER = "jixiao.ProgressLogger.v1"


@dataclass(frozen=True)
class TrainingStep:
    """One evaluation step of spaCy's training loop."""

    epoch: int
    step: int
    loss: float  # summed over the components since the last step
    score: float | None  # the dev score (the config's score weights), None when not evaluated
    max_epochs: int | None


@spacy.registry.loggers(PROGRESS_LOGGER)
def progress_logger() -> Callable[..., Any]:
    """A spaCy training logger that passes each step to ``report_step`` of the stream spaCy gives
    it (see ``train_spans``), or writes it as a JSON line to a plain stream."""

    def setup(nlp: Any, stdout: IO[str] = sys.stdout, stderr: IO[str] = sys.stderr) -> tuple[Callable[..., None], Callable[[], None]]:
        report = getattr(stdout, "report_step", None)

        def log_step(info: dict[str, Any] | None) -> None:
            if info is None:
                return
            step = {"epoch": int(info["epoch"]), "step": int(info["step"]),
                    "loss": float(sum(info.get("losses", {}).values())),
                    "score": None if info.get("score") is None else float(info["score"])}
            if report is not None:
                report(step)
            else:
                stdout.write(json.dumps(step) + "\n")

        return log_step, lambda: None

    return setup


class _Steps(io.StringIO):
    """The stream spaCy's loop writes to: its own messages are dropped, steps go to ``progress``."""

    def __init__(self, progress: Callable[[TrainingStep], None] | None, max_epochs: int | None) -> None:
        super().__init__()
        self._progress, self._max_epochs = progress, max_epochs

    def report_step(self, step: dict[str, Any]) -> None:
        if self._progress is not None:
            self._progress(TrainingStep(max_epochs=self._max_epochs, **step))


def blank_pipeline(config_path: Path = DEFAULT_CONFIG) -> spacy.language.Language:
    config = spacy.util.load_config(config_path)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


LOG_ONLY_DOCS = 5


def train_spans(train_docs: Sequence[Document], dev_docs: Sequence[Document], output: Path,
                config_path: Path = DEFAULT_CONFIG, seed: int | None = None,
                overrides: dict[str, Any] | None = None, keep: str = "model-last",
                progress: Callable[[TrainingStep], None] | None = None) -> Path:
    """Train and return the folder of the kept pipeline.

    ``model-last`` (a fixed number of epochs) is the default so that nothing is selected on the
    dev data; dev scores are still logged for the record, and passed to ``progress``.
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
        config = spacy.util.load_config(config_path, overrides=settings, interpolate=False)
        logger = config["training"]["logger"]
        config["training"]["logger"] = {"@loggers": PROGRESS_LOGGER}
        logging.getLogger("spacy").setLevel(logging.WARNING)
        max_epochs = int(config["training"].get("max_epochs") or 0) or None
        steps = _Steps(progress, max_epochs)
        train_nlp(init_nlp(config, use_gpu=-1), output, use_gpu=-1, stdout=steps, stderr=steps)
    best = output / keep
    _portable_config(best / "config.cfg", logger)
    meta_path = best / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["jixiao"] = {"train_hash": data_hash(train_docs), "dev_hash": data_hash(dev_docs),
                      "train_docs": len(train_docs), "dev_docs": len(dev_docs)}
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
    return best


def _portable_config(path: Path, logger: Any) -> None:
    """The trained pipeline's config without temporary data paths and with the config's logger."""
    config = spacy.util.load_config(path, interpolate=False)
    for key in ("train", "dev"):
        if key in config["paths"]:
            config["paths"][key] = None
    config["training"]["logger"] = logger
    config.to_disk(path)
