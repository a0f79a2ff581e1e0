"""Build the sentence classifier a model folder's meta names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.tagger import SentenceClassifier


def load_classifier(folder: Path, settings: dict[str, Any]) -> SentenceClassifier:
    backend = settings.get("backend", "rules")
    if backend == "rules":
        from nlp.issues.rules import RuleClassifier

        return RuleClassifier()
    raise ValueError(f"{folder}: unknown issue classifier backend {backend!r}")
