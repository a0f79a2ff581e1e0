"""The sentence-classifier backends behind one interface, registered by name in ``jixiao.registry``.

Each backend provides ``train(train_docs, dev_docs, settings) -> model``, ``save(model, folder)``
and ``load(folder) -> model``; a model has ``classify_offsets(text, offsets) -> list[Sentence]``
and a ``name``. The registered factories import their module on first use, so torch is needed
only for the transformers backend and tagging with the linear backend imports neither spaCy nor
scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jixiao.document.model import Document
from jixiao.registry import UnknownName, issue_backends


@dataclass(frozen=True)
class Backend:
    """One sentence-classifier backend: how to train, save and load its models. A model folder's
    meta.json names the backend, and ``jixiao.load`` loads the folder with it."""

    name: str
    train_fn: Callable[..., Any]
    save_fn: Callable[[Any, Path], None]
    load_fn: Callable[[Path], Any]

    def train(self, train_docs: list[Document], dev_docs: list[Document], settings: dict[str, Any] | None = None) -> Any:
        return self.train_fn(train_docs, dev_docs, settings)

    def save(self, model: Any, folder: Path) -> None:
        self.save_fn(model, folder)

    def load(self, folder: Path) -> Any:
        return self.load_fn(folder)


@issue_backends.register("rules")
def rules_backend() -> Backend:
    from jixiao.issues import rules

    return Backend("rules", rules.train_rules, rules.save_rules, rules.load_rules)


@issue_backends.register("linear")
def linear_backend() -> Backend:
    from jixiao.issues import linear

    def train(train_docs: list[Document], dev_docs: list[Document], settings: dict[str, Any] | None = None) -> Any:
        from jixiao.issues.linear_train import train_linear

        return train_linear(train_docs, dev_docs, settings)

    return Backend("linear", train, linear.save_linear, linear.load_linear)


@issue_backends.register("sklearn")
def sklearn_backend() -> Backend:
    from jixiao.issues import sklearn_backend as module

    return Backend("sklearn", module.train_sklearn, module.save_sklearn, module.load_sklearn)


@issue_backends.register("spacy")
def spacy_backend() -> Backend:
    from jixiao.issues import spacy_backend as module

    return Backend("spacy", module.train_spacy, module.save_spacy, module.load_spacy)


@issue_backends.register("transformers")
def transformers_backend() -> Backend:
    from jixiao.issues import hf_backend as module

    return Backend("transformers", module.train_hf, module.save_hf, module.load_hf)


def backend_names() -> list[str]:
    """The names of every registered backend, jixiao's own and those other packages register
    through the ``jixiao_issue_backends`` entry point."""
    return sorted(issue_backends.get_all())


# Settings a backend reads only when given, beyond those its defaults write down.
OPTIONAL_SETTINGS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "linear": ("section_columns",),  # which heading contexts get a column when section_weight > 0
    "transformers": ("base_model",),  # the local folder of the weights to fine-tune
})


def known_settings(name: str) -> frozenset[str]:
    """Every setting the backend ``name`` reads: its defaults (the packaged config, or the
    module's own for spaCy and transformers) and ``OPTIONAL_SETTINGS``. Training refuses any other
    key, since an unknown one would be recorded in meta.json as if it had been used (the keyword
    rules read none)."""
    from jixiao.configs import packaged_settings

    keys = set(OPTIONAL_SETTINGS.get(name, ()))
    if name == "spacy":  # issues_spacy.cfg is the spaCy pipeline's own training config
        from jixiao.issues.spacy_backend import DEFAULTS

        keys |= set(DEFAULTS)
    elif name == "transformers":
        from jixiao.issues.hf_backend import default_settings

        keys |= set(default_settings())
    elif name != "rules":
        keys |= set(packaged_settings(name))
    return frozenset(keys)


def get_backend(name: str) -> Backend:
    """The backend registered as ``name``; a ValueError that lists the known names otherwise (the
    CLI's ``--backend`` and a model's meta.json both end here)."""
    try:
        factory = issue_backends.get(name)
    except UnknownName:
        raise ValueError(f"unknown issue backend {name!r}; choose one of {', '.join(backend_names())}") from None
    backend: Backend = factory()
    return backend
