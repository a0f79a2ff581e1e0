"""Cut a document into sentence-sized units that together cover every character.

Formats that hold one sentence per record (doccano lines, CoNLL blocks) must still give back
the exact document text, or span offsets would drift. Each unit therefore runs from one
sentence start to the next (the first from 0, the last to the end of the text), so white space
between sentences rides along with the sentence before it and nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.corpus.convert.errors import ConvertError
from jixiao.document.model import Document, Sentence, Span
from jixiao.document.sentences import trim


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    sentence: Sentence | None
    spans: tuple[Span, ...]


def cover(doc: Document) -> list[Unit]:
    """Units in text order; a span that crosses a sentence start cannot be placed and is an error."""
    sentences = sorted(doc.sentences, key=lambda s: s.start)
    cuts = [0] + [s.start for s in sentences[1:]] + [len(doc.text)]
    if not sentences:
        return [Unit(0, len(doc.text), None, tuple(doc.spans))]
    units = []
    for index, sentence in enumerate(sentences):
        start, end = cuts[index], cuts[index + 1]
        inside = tuple(s for s in doc.spans if start <= s.start and s.end <= end)
        units.append(Unit(start, end, sentence, inside))
    placed = sum(len(u.spans) for u in units)
    if placed != len(doc.spans):
        lost = next(s for s in doc.spans if not any(u.start <= s.start and s.end <= u.end for u in units))
        raise ConvertError(f"document {doc.id}: span {lost.start}-{lost.end} crosses a sentence boundary")
    return units


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The unit's sentence when only its offsets survive: trimmed exactly as the sentence splitter
    trims (``jixiao.document.sentences.trim``), so sentences read back equal the splitter's."""
    return trim(text, start, end)
