"""Load a trained quantity pipeline from disk and use its component as the tagger's extractor."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy

import jixiao.quantities.component  # noqa: F401  (registers the factory)
import jixiao.quantities.tokenizer  # noqa: F401  (registers the tokenizer)
from jixiao.document.model import Span
from jixiao.quantities.component import QuantityComponent

COMPONENT = "quantities"


@dataclass
class SpacyQuantityExtractor:
    component: QuantityComponent
    name: str = "spacy"

    def extract(self, text: str) -> list[Span]:
        return self.component.extract(text)


def load_spacy_extractor(path: str | Path) -> SpacyQuantityExtractor:
    pipeline = spacy.load(path)
    component = pipeline.get_pipe(COMPONENT)
    if not isinstance(component, QuantityComponent):
        raise ValueError(f"{path}: the pipe {COMPONENT!r} is not a jixiao quantity component")
    return SpacyQuantityExtractor(component)
