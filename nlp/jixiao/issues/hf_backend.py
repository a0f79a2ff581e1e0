"""The transformers issue classifier: one sequence-classification head with 13 outputs fine-tuned
from a Chinese BERT that the researcher already has on disk.

Outputs 0-2 are the kind logits (problem, recommendation, none) under a softmax, because a
sentence has exactly one kind; outputs 3-12 are the ten categories, each under its own sigmoid,
because a sentence may carry several. The category loss is masked on ``none`` sentences: the
scheme defines categories only for problems and recommendations (the sklearn backend likewise
fits its category models on those sentences only). The loss is computed here, so the
checkpoint's ``problem_type`` is left unset and the head layout is written to ``jixiao_issues.json``.

Nothing is ever fetched: the base model is a local folder loaded with ``local_files_only=True``,
the trained model is saved as safetensors and loaded with ``use_safetensors=True`` (no pickle).
torch and transformers are optional dependencies, so they are imported inside functions only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.document.model import CATEGORIES, KINDS, Document
from jixiao.issues.inputs import Labelled, SentenceInput, labelled_sentences
from jixiao.issues.scored import ScoredClassifier
from jixiao.configs import CONFIGS

DEFAULTS_FILE = CONFIGS / "issues_transformers.json"
LABELS: tuple[str, ...] = (*(f"kind:{k}" for k in KINDS), *(f"category:{c}" for c in CATEGORIES))
CONFIG_FILE = "jixiao_issues.json"
HEAD = "outputs 0-2: softmax over kinds; outputs 3-12: independent sigmoids over categories"


def default_settings() -> dict[str, Any]:
    """Hyperparameters live in jixiao/configs/issues_transformers.json; settings given to train_hf override them."""
    if not DEFAULTS_FILE.is_file():
        raise ValueError(f"{DEFAULTS_FILE}: default settings for the transformers backend are missing")
    defaults: dict[str, Any] = json.loads(DEFAULTS_FILE.read_text("utf-8"))
    return defaults


@dataclass
class HFIssueModel(ScoredClassifier):
    model: Any  # transformers.PreTrainedModel
    tokenizer: Any  # transformers.PreTrainedTokenizerBase
    thresholds: dict[str, float] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    losses: list[float] = field(default_factory=list)
    name: str = "transformers"

    def probabilities(self, texts: list[str]) -> tuple[list[list[float]], list[list[float]]]:
        """Kind probabilities (softmax) and category probabilities (sigmoid), one row per text."""
        import torch

        _cap_threads(int(self.settings.get("threads", 2)))
        self.model.eval()
        kinds: list[list[float]] = []
        cats: list[list[float]] = []
        size = int(self.settings.get("eval_batch_size", 64))
        with torch.inference_mode():
            for i in range(0, len(texts), size):
                logits = self.model(**self.encode(texts[i : i + size])).logits.float()
                kinds += torch.softmax(logits[:, : len(KINDS)], dim=-1).tolist()
                cats += torch.sigmoid(logits[:, len(KINDS) :]).tolist()
        return kinds, cats

    def encode(self, texts: list[str]) -> Any:
        length = int(self.settings.get("max_length", 128))
        return self.tokenizer(texts, padding=True, truncation=True, max_length=length, return_tensors="pt")

    def scores(self, inputs: list[SentenceInput]) -> tuple[list[str], list[float], list[dict[str, float]]]:
        """Kinds, kind scores and per-category scores, in the shape threshold tuning expects."""
        if not inputs:
            return [], [], []
        kind_probs, cat_probs = self.probabilities([i.marked() for i in inputs])
        best = [max(range(len(KINDS)), key=row.__getitem__) for row in kind_probs]
        kinds = [KINDS[b] for b in best]
        kind_scores = [row[b] for row, b in zip(kind_probs, best)]
        return kinds, kind_scores, [dict(zip(CATEGORIES, row)) for row in cat_probs]



def _cap_threads(threads: int) -> None:
    """The machines this runs on are small and shared; torch would otherwise take every core."""
    import os

    import torch

    wanted = max(1, min(threads, os.cpu_count() or 1))
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


@contextmanager
def _quiet() -> Iterator[None]:
    """Loading a trained model is routine: no progress bars or load reports on the user's terminal."""
    from transformers.utils import logging

    bars, verbosity = logging.is_progress_bar_enabled(), logging.get_verbosity()
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def _local_dir(base: Any) -> Path:
    """Only a folder on disk is accepted: a hub name would mean a download at run time."""
    if not base:
        raise ValueError("the transformers backend fine-tunes local weights: give their folder, e.g. "
                         "--settings '{\"base_model\": \"/path/to/chinese-bert\"}' (hub names are never downloaded)")
    path = Path(str(base))
    if not (path / "config.json").is_file():
        raise ValueError(f"{base}: base_model must be a local model folder with config.json "
                         "(hub names are never downloaded)")
    return path


def train_hf(train_docs: list[Document], dev_docs: list[Document],
             settings: dict[str, Any] | None = None) -> HFIssueModel:
    settings = {**default_settings(), **(settings or {})}
    base = _local_dir(settings.get("base_model"))
    data = _weighted(train_docs, float(settings["real_weight"]))
    if not data:
        raise ValueError("no labelled sentences in the training documents")
    model = HFIssueModel(*_load_base(base, settings), settings=settings)
    model.losses = _fit(model, data, settings)
    dev = labelled_sentences(dev_docs)
    if dev:
        from jixiao.issues.sklearn_backend import tune_thresholds

        model.thresholds = tune_thresholds(model, dev)  # type: ignore[arg-type]  (duck-typed: needs .scores)
    return model


def _weighted(docs: list[Document], real_weight: float) -> list[tuple[Labelled, float]]:
    """Annotated reports weigh ``real_weight`` times as much as the authored supplement."""
    out: list[tuple[Labelled, float]] = []
    for doc in docs:
        weight = 1.0 if doc.meta.get("source") == "authored" else real_weight
        out += [(item, weight) for item in labelled_sentences([doc])]
    return out


def _load_base(base: Path, settings: dict[str, Any]) -> tuple[Any, Any]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    _seed(int(settings["seed"]))
    _cap_threads(int(settings["threads"]))
    safetensors = any(base.glob("*.safetensors")) or None
    try:
        tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(
            base, local_files_only=True, use_safetensors=safetensors, num_labels=len(LABELS),
            id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
            ignore_mismatched_sizes=True)
    except (OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{base}: cannot load the base model offline ({reason})") from exc
    if len(tokenizer) <= len(tokenizer.all_special_tokens):  # transformers builds an empty one silently
        raise ValueError(f"{base}: no tokenizer vocabulary (vocab.txt or tokenizer.json) in the folder")
    return model, tokenizer


def _seed(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _fit(model: HFIssueModel, data: list[tuple[Labelled, float]], settings: dict[str, Any]) -> list[float]:
    """A plain loop: AdamW with linear warm-up and decay, fixed shuffling; returns the batch losses."""
    import torch

    size = int(settings["batch_size"])
    per_epoch = math.ceil(len(data) / size)
    total = per_epoch * int(settings["epochs"])
    if int(settings["max_steps"]) > 0:
        total = min(total, int(settings["max_steps"]))
    optimizer = torch.optim.AdamW(model.model.parameters(), lr=float(settings["learning_rate"]),
                                  weight_decay=float(settings["weight_decay"]))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, _linear(total, float(settings["warmup_ratio"])))
    generator = torch.Generator().manual_seed(int(settings["seed"]))
    losses: list[float] = []
    model.model.train()
    while len(losses) < total:
        order = torch.randperm(len(data), generator=generator).tolist()
        for start in range(0, len(order), size):
            if len(losses) >= total:
                break
            loss = _loss(model, [data[i] for i in order[start : start + size]], float(settings["category_weight"]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
    model.model.eval()
    return losses


def _linear(total: int, warmup_ratio: float) -> Any:
    warmup = int(total * warmup_ratio)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / (warmup + 1)
        return max(0.0, (total - step) / max(1, total - warmup))

    return factor


def _loss(model: HFIssueModel, batch: list[tuple[Labelled, float]], category_weight: float) -> Any:
    import torch
    import torch.nn.functional as F

    logits = model.model(**model.encode([item.input.marked() for item, _ in batch])).logits
    kinds = torch.tensor([KINDS.index(item.kind) for item, _ in batch])
    cats = torch.tensor([[float(c in item.categories) for c in CATEGORIES] for item, _ in batch])
    issue = torch.tensor([float(item.kind != "none") for item, _ in batch])
    weights = torch.tensor([w for _, w in batch])
    kind_loss = F.cross_entropy(logits[:, : len(KINDS)], kinds, reduction="none")
    cat_loss = F.binary_cross_entropy_with_logits(logits[:, len(KINDS) :], cats, reduction="none").mean(dim=1)
    per_item = kind_loss + category_weight * issue * cat_loss
    return (per_item * weights).sum() / weights.sum()


def save_hf(model: HFIssueModel, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    model.model.save_pretrained(folder, safe_serialization=True)
    model.tokenizer.save_pretrained(folder)
    config = {"backend": "transformers", "labels": list(LABELS), "head": HEAD, "thresholds": model.thresholds,
              "settings": model.settings, "losses": [round(x, 5) for x in model.losses]}
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=1), "utf-8")


def load_hf(folder: Path) -> HFIssueModel:
    config_path = folder / CONFIG_FILE
    if not config_path.is_file() or not any(folder.glob("*.safetensors")):
        raise ValueError(f"{folder}: not a transformers issue classifier "
                         f"({CONFIG_FILE} and safetensors weights needed)")
    config = json.loads(config_path.read_text("utf-8"))
    if config.get("labels") != list(LABELS):
        raise ValueError(f"{config_path}: output labels differ from this version's {len(LABELS)} labels")
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    settings = dict(config.get("settings", {}))  # complete: train_hf merged the defaults in
    _cap_threads(int(settings.get("threads", 2)))
    with _quiet():
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(folder, local_files_only=True, use_safetensors=True)
    model.eval()
    return HFIssueModel(model, tokenizer, dict(config.get("thresholds", {})), settings, list(config.get("losses", [])))
