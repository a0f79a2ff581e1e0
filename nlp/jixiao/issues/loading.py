"""Build the sentence classifier a model folder's meta names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.issues.backends import get_backend
from jixiao.components import SentenceClassifier


def load_classifier(folder: Path, settings: dict[str, Any]) -> SentenceClassifier:
    backend = get_backend(settings.get("backend", "rules"))
    return backend.load(folder / settings.get("path", "issues"))
