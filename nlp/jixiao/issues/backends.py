"""The issue-classifier backends behind one interface, looked up by name from config.

Each backend provides ``train(train_docs, dev_docs, settings) -> model``, ``save(model, folder)``
and ``load(folder) -> model``; a model has ``classify(doc) -> list[Sentence]`` and a ``name``.
Imports happen on first use, so torch is only needed for the transformers backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable

from jixiao.document.model import Document


@dataclass(frozen=True)
class Backend:
    name: str
    module: str
    train_fn: str
    save_fn: str
    load_fn: str

    def _get(self, attr: str) -> Callable[..., Any]:
        return getattr(import_module(self.module), attr)

    def train(self, train_docs: list[Document], dev_docs: list[Document], settings: dict[str, Any] | None = None) -> Any:
        return self._get(self.train_fn)(train_docs, dev_docs, settings)

    def save(self, model: Any, folder: Path) -> None:
        self._get(self.save_fn)(model, folder)

    def load(self, folder: Path) -> Any:
        return self._get(self.load_fn)(folder)


BACKENDS: dict[str, Backend] = {
    "rules": Backend("rules", "jixiao.issues.rules", "train_rules", "save_rules", "load_rules"),
    "sklearn": Backend("sklearn", "jixiao.issues.sklearn_backend", "train_sklearn", "save_sklearn", "load_sklearn"),
    "spacy": Backend("spacy", "jixiao.issues.spacy_backend", "train_spacy", "save_spacy", "load_spacy"),
    "transformers": Backend("transformers", "jixiao.issues.hf_backend", "train_hf", "save_hf", "load_hf"),
}


def get_backend(name: str) -> Backend:
    if name not in BACKENDS:
        raise ValueError(f"unknown issue backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return BACKENDS[name]
