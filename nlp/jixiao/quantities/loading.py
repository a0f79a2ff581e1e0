"""Build the quantity extractor a model folder's meta names.

A ``rules`` part reads ``grammar.yaml`` from its own folder when the model carries one (the
package's grammar otherwise: a rules part has no trained weights that depend on it); a ``spacy``
part always reads the grammar saved with its weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.components import QuantityExtractor
from jixiao.quantities.grammar import GRAMMAR_FILE


def load_extractor(folder: Path, settings: dict[str, Any]) -> QuantityExtractor:
    backend = settings.get("backend", "rules")
    part = folder / settings.get("path", "quantities")
    if backend == "rules":
        from jixiao.quantities.grammar import load_grammar
        from jixiao.quantities.rules import RuleExtractor

        own = part / GRAMMAR_FILE
        return RuleExtractor(load_grammar(own if own.is_file() else None))
    if backend == "spacy":
        from jixiao.quantities.spacy_extractor import load_spacy_extractor

        return load_spacy_extractor(part)
    raise ValueError(f"{folder / 'meta.json'}: unknown quantity backend {backend!r}")
