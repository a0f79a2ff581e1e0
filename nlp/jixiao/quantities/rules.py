"""The rule-based extractor: grammar candidates, each normalized, all accepted."""

from __future__ import annotations

from dataclasses import dataclass, field

from jixiao.document.model import Span
from jixiao.quantities.finder import find_candidates
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.normalize import normalize


@dataclass
class RuleExtractor:
    """The quantity grammar alone (``quantities.yaml``): candidates, filters, values; no learned part."""

    grammar: Grammar = field(default_factory=load_grammar)
    name: str = "rules"

    def extract(self, text: str) -> list[Span]:
        spans = []
        for candidate in find_candidates(text, self.grammar):
            span = normalize(text, candidate, self.grammar, score=1.0)
            if span is not None:
                spans.append(span)
        return spans
