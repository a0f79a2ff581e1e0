"""Build the quantity extractor a model folder's meta names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.tagger import QuantityExtractor


def load_extractor(folder: Path, settings: dict[str, Any]) -> QuantityExtractor:
    backend = settings.get("backend", "rules")
    if backend == "rules":
        from nlp.quantities.rules import RuleExtractor

        return RuleExtractor()
    if backend == "spacy":
        from nlp.quantities.spacy_extractor import load_spacy_extractor

        return load_spacy_extractor(folder / settings.get("path", "quantities"))
    raise ValueError(f"{folder}: unknown quantity backend {backend!r}")
