"""Make annotated documents gold: values from jixiao's own normaliser, no prediction scores.

An annotation tool edits span boundaries and labels but not values, so a span drawn or moved in
doccano or Label Studio comes back with no ``value`` or ``unit``; typing decimals into JSON by hand
is slow and error-prone, and the values would then follow the annotator rather than SCHEME §1.
``fill_documents`` gives every span that lacks a value the ``value``, ``unit``, ``op``, ``approx``
and ``value_max`` the toolkit's quantity grammar computes for exactly those characters
(``jixiao.quantities.finder`` proposes, ``jixiao.quantities.normalize`` resolves: the same code
the tagger runs), and lists the spans it cannot read, each with the reason, so that the annotator
settles them by hand. Spans that already carry a value are left as they are.

Pre-annotations bring the tagger's confidence along (span ``score``, sentence ``kind_score`` and
``category_scores``); gold has no confidence, so those keys are dropped.

This lives above the quantity layer (the corpus formats below it may not import the grammar);
the import commands and ``jixiao corpus fill`` call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from jixiao.document.model import Document, Sentence, Span
from jixiao.quantities.candidate import Candidate
from jixiao.quantities.finder import find_candidates, range_variants, raw_candidates
from jixiao.quantities.grammar import Grammar, load_grammar
from jixiao.quantities.normalize import normalize


@dataclass(frozen=True)
class Unfilled:
    """A span the normaliser could not give a value, and why."""

    doc_id: str
    start: int
    end: int
    label: str
    text: str
    reason: str

    def message(self) -> str:
        return f"{self.doc_id} [{self.start},{self.end}) 「{self.text}」 {self.label}: {self.reason}"


@dataclass(frozen=True)
class FillResult:
    documents: list[Document]
    filled: int  # spans given a value
    stripped: int  # spans and sentences that lost prediction scores
    unfilled: list[Unfilled]


def fill_documents(docs: Iterable[Document], grammar: Grammar | None = None,
                   progress: Callable[[], None] | None = None) -> FillResult:
    """Every document with missing span values filled and prediction scores removed;
    ``progress`` is called after each document."""
    grammar = grammar or load_grammar()
    out: list[Document] = []
    filled = stripped = 0
    unfilled: list[Unfilled] = []
    for doc in docs:
        readings = _Readings(doc.text, grammar)
        spans = []
        for span in doc.spans:
            if span.score is not None:
                stripped += 1
                span = span.with_score(None)
            if span.value is None:
                found = readings.normalise(span.start, span.end, span.label)
                if isinstance(found, Span):
                    span, filled = found.with_score(None), filled + 1
                else:
                    unfilled.append(Unfilled(doc.id, span.start, span.end, span.label,
                                             doc.text[span.start : span.end], found))
            spans.append(span)
        sentences = []
        for sentence in doc.sentences:
            if sentence.kind_score is not None or sentence.category_scores:
                stripped += 1
                sentence = Sentence(sentence.start, sentence.end, sentence.kind, sentence.categories,
                                    section=sentence.section)
            sentences.append(sentence)
        out.append(replace(doc, spans=tuple(spans), sentences=tuple(sentences)))
        if progress is not None:
            progress()
    return FillResult(out, filled, stripped, unfilled)


def normalise_span(text: str, start: int, end: int, label: str, grammar: Grammar | None = None) -> Span | str:
    """The normalised span for exactly ``text[start:end]`` read as ``label``, or why there is none."""
    return _Readings(text, grammar or load_grammar()).normalise(start, end, label)


class _Readings:
    """The grammar's readings of one text, computed once however many spans need them."""

    def __init__(self, text: str, grammar: Grammar) -> None:
        self.text, self.grammar = text, grammar
        self._accepted: list[Candidate] | None = None
        self._raw: list[Candidate] | None = None

    def normalise(self, start: int, end: int, label: str) -> Span | str:
        """Try, in order: what the tagger's grammar accepts at exactly these bounds; any reading
        before its filters (an annotator may keep what a filter drops); the characters read on
        their own, out of context. The first reading with these bounds and this label wins."""
        if not 0 <= start < end <= len(self.text):
            return f"offsets [{start},{end}) are outside the text"
        for c in self._at(start, end):
            if c.label == label:
                span = normalize(self.text, replace(c, start=start, end=end), self.grammar)
                return span if span is not None else "its numerals have no value"
        if others := self.other_labels(start, end, label):
            return f"the grammar reads these characters as {' or '.join(sorted(others))}, not {label}"
        return "no reading of the grammar covers exactly these characters"

    def other_labels(self, start: int, end: int, label: str) -> set[str]:
        """The labels other than ``label`` the grammar reads at exactly these bounds, when it has
        no reading with ``label`` there (a span labelled RATE on 「356.8万元」 gives AMOUNT)."""
        found = {c.label for c in self._at(start, end)}
        return set() if label in found else found

    def _at(self, start: int, end: int) -> Iterator[Candidate]:
        """Every reading with exactly these bounds, in the order ``normalise`` prefers them."""
        for candidates, shift in ((self.accepted(), 0), (self.raw(), 0), (self.alone(start, end), start)):
            for c in candidates:
                if (c.start + shift, c.end + shift) == (start, end):
                    yield c

    def accepted(self) -> list[Candidate]:
        if self._accepted is None:
            self._accepted = find_candidates(self.text, self.grammar)
        return self._accepted

    def raw(self) -> list[Candidate]:
        if self._raw is None:
            raw = raw_candidates(self.text, self.grammar)
            self._raw = raw + range_variants(self.text, raw, self.grammar)
        return self._raw

    def alone(self, start: int, end: int) -> Sequence[Candidate]:
        piece = self.text[start:end]
        raw = raw_candidates(piece, self.grammar)
        return find_candidates(piece, self.grammar) + raw + range_variants(piece, raw, self.grammar)


def value_disagreements(docs: Iterable[Document], grammar: Grammar | None = None) -> list[tuple[str, str]]:
    """(document id, problem) for each span whose reading is not what the grammar reads from its own characters:
    its value (「九成」 with value 50), unit (「2.3万人次」 with unit 人), comparator, ``approx``,
    upper bound, or its label when the grammar reads the characters only as another label
    (「356.8万元」 as a RATE): a typo or a slip of the annotation tool. Spans the grammar cannot read
    on their own (a bare cell whose unit is in the header) are not compared."""
    problems = []
    for doc in docs:
        readings = _Readings(doc.text, grammar or load_grammar())
        for span in doc.spans:
            where = f"span [{span.start},{span.end}) 「{doc.text[span.start:span.end]}」"
            read = readings.normalise(span.start, span.end, span.label)
            if isinstance(read, str):
                if readings.other_labels(span.start, span.end, span.label):
                    problems.append((doc.id, f"{where}: label {span.label}: {read}"))
                continue
            if span.value is None:
                continue
            for field, gold, found in (("value", span.value, read.value), ("unit", span.unit, read.unit),
                                       ("op", span.op, read.op), ("approx", span.approx, read.approx),
                                       ("value_max", span.value_max, read.value_max)):
                if gold != found:
                    problems.append((doc.id, f"{where}: {field} {_shown(gold)} differs from what its text reads, {_shown(found)}"))
    return problems


def _shown(value: object) -> str:
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
