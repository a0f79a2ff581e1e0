"""A spaCy span suggester that proposes the quantity grammar's candidates as token spans.

spaCy's ``spancat`` only scores the spans a suggester proposes. The n-gram suggester would
propose every short token sequence, almost all of them hopeless; the grammar already reaches
every gold span of the corpus, so proposing its candidates (and a few near variants, in case a
boundary is off by a comparator or a range partner) keeps spancat small and its recall intact.

Candidates are char offsets; a tokenizer that cuts coarser than the grammar (pkuseg words)
turns them into the smallest covering token span, so such a span may no longer match gold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from jixiao.quantities.candidate import Candidate
from jixiao.quantities.finder import range_variants, raw_candidates
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.patterns import range_gap

Suggester = Callable[..., Ragged]
CharSpan = tuple[int, int]


def candidate_offsets(text: str, grammar: Grammar, variants: bool = True) -> list[CharSpan]:
    """Sorted, distinct char offsets of the grammar's candidates (and their near variants)."""
    found = raw_candidates(text, grammar)
    found += range_variants(text, found, grammar)
    offsets = {(c.start, c.end) for c in found}
    if variants:
        gap = range_gap(grammar)  # the finder's own range gap
        offsets |= _without_comparator(text, found)
        offsets |= _range_parts(text, found, gap)
        offsets |= _with_partner(text, found, gap)
    return sorted(o for o in offsets if o[0] < o[1])


def _without_comparator(text: str, found: list[Candidate]) -> set[CharSpan]:
    """「≥95%」 also as 「95%」: the comparator may be context rather than part of the span."""
    out = set()
    for c in found:
        if c.comparator:
            start = c.start + len(c.comparator)
            while start < c.end and text[start].isspace():
                start += 1
            out.add((start, c.end))
    return out


def _range_parts(text: str, found: list[Candidate], gap: re.Pattern[str]) -> set[CharSpan]:
    """「30-50万元」 also as 「30」 and 「50万元」: each side of a range without its partner."""
    out = set()
    for c in found:
        if c.number_max is None:
            continue
        for m in gap.finditer(text, c.start, c.end):
            if c.start < m.start() and m.end() < c.end:
                out.add((c.start, m.start()))
                out.add((m.end(), c.end))
                break
    return out


def _with_partner(text: str, found: list[Candidate], gap: re.Pattern[str]) -> set[CharSpan]:
    """Two candidates joined by a range mark, whatever their labels (the grammar joins only like ones)."""
    by_start: dict[int, list[Candidate]] = {}
    for c in found:
        by_start.setdefault(c.start, []).append(c)
    out = set()
    for a in found:
        m = gap.match(text, a.end)
        if m is not None and m.end() > a.end:
            out.update((a.start, b.end) for b in by_start.get(m.end(), ()))
    return out


def token_spans(doc: Doc, offsets: Iterable[CharSpan]) -> list[tuple[int, int]]:
    """Distinct token spans covering each char span (``expand``: the smallest covering tokens)."""
    spans: dict[tuple[int, int], None] = {}
    for start, end in offsets:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span) > 0:
            spans.setdefault((span.start, span.end), None)
    return list(spans)


def suggest(docs: Iterable[Doc], *, ops: Ops | None = None, grammar: Grammar | None = None,
            variants: bool = True) -> Ragged:
    """The Suggester protocol: one [start, end) token row per proposal, lengths per doc."""
    ops = ops or get_current_ops()
    grammar = grammar or load_grammar()
    rows: list[tuple[int, int]] = []
    lengths: list[int] = []
    for doc in docs:
        found = token_spans(doc, candidate_offsets(doc.text, grammar, variants))
        rows.extend(found)
        lengths.append(len(found))
    data = ops.asarray2i(rows) if rows else ops.alloc2i(0, 2)
    return Ragged(data, ops.asarray1i(lengths))


@registry.misc("jixiao.grammar_suggester.v1")
def make_grammar_suggester(variants: bool = True, grammar_path: str | None = None) -> Suggester:
    """``grammar_path`` points at a modified grammar for experiments; null is the packaged one."""
    grammar = load_grammar(grammar_path)

    def grammar_suggester(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        return suggest(docs, ops=ops, grammar=grammar, variants=variants)

    return grammar_suggester
