"""Build the quantity extractor a model folder's meta names, through ``jixiao.registry``.

A ``rules`` part reads ``grammar.yaml`` from its own folder when the model carries one (the
package's grammar otherwise: a rules part has no trained weights that depend on it); a ``spacy``
part always reads the grammar saved with its weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.components import QuantityExtractor
from jixiao.quantities.grammar import GRAMMAR_FILE
from jixiao.registry import UnknownName, quantity_backends


@quantity_backends.register("rules")
def load_rules_extractor(part: Path) -> QuantityExtractor:
    from jixiao.quantities.grammar import load_grammar
    from jixiao.quantities.rules import RuleExtractor

    own = part / GRAMMAR_FILE
    return RuleExtractor(load_grammar(own if own.is_file() else None))


@quantity_backends.register("spacy")
def load_spacy_part(part: Path) -> QuantityExtractor:
    from jixiao.quantities.spacy_extractor import load_spacy_extractor

    return load_spacy_extractor(part)


@quantity_backends.register("linear")
def load_linear_part(part: Path) -> QuantityExtractor:
    """The exported weights of a trained component, scored with NumPy (no spaCy at tagging time)."""
    from jixiao.quantities.linear_extractor import load_linear_quantities

    return load_linear_quantities(part)


def load_extractor(folder: Path, settings: dict[str, Any]) -> QuantityExtractor:
    backend = settings.get("backend", "rules")
    try:
        loader = quantity_backends.get(backend)
    except UnknownName:
        raise ValueError(f"{folder / 'meta.json'}: unknown quantity backend {backend!r}") from None
    extractor: QuantityExtractor = loader(folder / settings.get("path", "quantities"))
    return extractor
