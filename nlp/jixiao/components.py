"""What the tagger needs of its two parts, as protocols: the layers below the tagger (quantities,
issues and their loaders) implement them without importing the tagger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from jixiao.document.model import Document, Sentence, Span


class QuantityExtractor(Protocol):
    name: str

    def extract(self, text: str) -> list[Span]: ...


class SentenceClassifier(Protocol):
    name: str

    def classify(self, doc: Document) -> list[Sentence]: ...

    def classify_offsets(self, text: str, offsets: Sequence[tuple[int, int]]) -> list[Sentence]: ...

    def classify_many(self, items: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> list[list[Sentence]]:
        """``classify_offsets`` of several documents at once (a backend may score them together)."""
        ...
