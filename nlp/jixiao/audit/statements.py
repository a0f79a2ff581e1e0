"""Prose as figures with labels: the raw material of the prose checks.

A budget sentence names each figure just before it: 「年度资金安排 4414.34万元，实际支付 4414.34万元，
执行率为100%」. The words between the previous figure (or clause break) and a number are its
label, and the label says the figure's role: budget, initial budget, actual, received, a change
(「比上年减少」), the base of a comparison (「比…年初预算」), or, for rates, execution, difference,
share (「占…的」) or change (「下降」). Figures inside brackets are sub-items of the figure before
the bracket and are marked ``nested``.

The unit of the checks is the paragraph (a line of prose), not the sentence: a rate relates to
amounts stated sentences before it in the same paragraph, and a 其中 list may run over several
sentences. Within a paragraph, sentences are the SCHEME §2 sentences of
``jixiao.document.sentences`` (the one splitter); a figure's ``sentence`` is the index of the one
it stands in. Labels and clauses (``_BOUNDARY``, ``_CLAUSE_BREAK``) are smaller units still, cut at
commas as well.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from jixiao.document.model import Document
from jixiao.document.sentences import split_offsets
from jixiao.linebreaks import line_form
from jixiao.quantities.rules import RuleExtractor
from jixiao.tables import columns as col
from jixiao.tables.figures import Figure, span_figure

AMOUNT, RATE = "amount", "rate"
CHANGE, BASE = "change", "base"

_BOUNDARY = "，,。；;：:、（）()“”\"「」《》\n"
_CHANGE_WORD = re.compile(r"(同比|比上年|较上年)?(增加|减少|增长|下降|降低|上升|提高|节约|结余|超支|节省|少支|多支|增支|减支)(了)?$")
_INCREASE = re.compile(r"增加|增长|上升|提高|超支|多支|增支")
_FILLER = re.compile(r"该项目|本项目|该资金|该笔资金|此项目|项目|整体|的|为|是|达到|达|约|了|共计|共|合计|累计")
_OPEN, _CLOSE = "（(", "）)"
_CLAUSE_BREAK = "，,。；;：:\n"
_COMPARISON = re.compile(r"(?<!相)比(?!例|重|率|较)|较(?!大|小|高|低|好|为)|(与|和|同)(上年|去年|上一年|上年度)|同期"
                         # a clause about the year before (上年支出1000万元) states the base; 上年结转 and
                         # 上年结余 are this year's funds
                         r"|^\s*(上年度|上一年|上年|去年)(?!结转|结余|末)")


@dataclass(frozen=True)
class Quantity:
    """One figure in prose with the words that name it."""

    kind: str
    figure: Figure
    label: str
    role: str | None
    increase: bool
    nested: bool
    paragraph: int
    sentence: int

    @property
    def start(self) -> int:
        return self.figure.start or 0

    @property
    def plain(self) -> bool:
        """A figure in its own right: not a change, not a comparison base, not a bracketed sub-item."""
        return self.role not in (CHANGE, BASE) and not self.nested


@dataclass(frozen=True)
class Paragraph:
    """A line of prose (lines inside tables excluded), its sentences and the figures in it."""

    index: int
    start: int
    end: int
    text: str
    quantities: tuple[Quantity, ...]
    sentence_starts: tuple[int, ...] = (0,)  # where each sentence of the line starts, in the line

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence at document offset ``offset`` (the paragraph end: the last one)."""
        return sentence_index(self.sentence_starts, offset - self.start)


def sentence_index(starts: Sequence[int], position: int) -> int:
    """Index of the sentence that ``position`` (an offset in the line) falls in; white space
    between two sentences belongs to the one before."""
    return max(0, bisect_right(starts, position) - 1)


def paragraphs(doc: Document, extractor: RuleExtractor | None = None) -> list[Paragraph]:
    """The document's prose paragraphs with their labelled amounts and rates."""
    extractor = extractor or RuleExtractor()
    tables = [(t.start, t.end) for t in doc.tables if t.start is not None and t.end is not None]
    out: list[Paragraph] = []
    position = 0
    for line in line_form(doc.text).split("\n"):  # every line break as \n, offsets unchanged
        start, end = position, position + len(line)
        position = end + 1
        if not line.strip() or any(s <= start < e for s, e in tables):
            continue
        index = len(out)
        starts = tuple(s for s, _ in split_offsets(line)) or (0,)
        out.append(Paragraph(index, start, end, line, tuple(_quantities(line, start, index, extractor, starts)), starts))
    return out


def _quantities(line: str, offset: int, paragraph: int, extractor: RuleExtractor,
                starts: Sequence[int]) -> Iterator[Quantity]:
    previous_end = 0
    brackets = _Brackets(line)
    for span in extractor.extract(line):
        if span.value is None or span.op or span.approx or span.value_max is not None:
            previous_end = span.end
            continue
        kind = AMOUNT if span.label == "AMOUNT" and span.unit == "元" else RATE if span.label == "RATE" and span.unit == "%" else None
        if kind is None:
            previous_end = span.end
            continue
        label = _label(line, previous_end, span.start)
        figure = span_figure(line[span.start : span.end], span.value, offset + span.start, offset + span.end)
        role, increase = _role(kind, label, line, span.start)
        yield Quantity(kind, figure, label, role, increase, brackets.open_at(span.start), paragraph,
                       sentence_index(starts, span.start))
        previous_end = span.end


def _label(line: str, previous_end: int, start: int) -> str:
    """Words between the previous figure or clause break and the number."""
    head = line[previous_end:start]
    cut = max((head.rfind(ch) for ch in _BOUNDARY), default=-1)
    return head[cut + 1 :].strip()


def _role(kind: str, label: str, line: str, start: int) -> tuple[str | None, bool]:
    change = _CHANGE_WORD.search(label)
    if change:
        return CHANGE, bool(_INCREASE.search(change.group(2)))
    if kind == RATE:
        if "占" in label:
            return col.SHARE, False
        return col.rate_role(label), False
    if _COMPARISON.search(_clause(line, start)):
        return BASE, False
    return col.amount_role(label), False


def _clause(line: str, start: int) -> str:
    """The clause a figure sits in, up to the figure: from the last comma or stop (searched in
    place: copying the line's head for every figure made long paragraphs quadratic)."""
    cut = max((line.rfind(ch, 0, start) for ch in _CLAUSE_BREAK), default=-1)
    return line[cut + 1 : start]


class _Brackets:
    """Whether a position of a line is inside brackets, asked at increasing positions: the depth
    is carried from one figure to the next instead of counted from the line's start each time."""

    def __init__(self, line: str) -> None:
        self.line, self.position, self.depth = line, 0, 0

    def open_at(self, start: int) -> bool:
        if start < self.position:  # asked out of order: count again from the start
            self.position, self.depth = 0, 0
        for ch in self.line[self.position : start]:
            if ch in _OPEN:
                self.depth += 1
            elif ch in _CLOSE and self.depth:
                self.depth -= 1
        self.position = start
        return self.depth > 0


def label_key(label: str) -> str:
    """A label without anaphors and fillers, so 「该项目的预算执行率为」 and 「预算执行率为」 compare equal."""
    return _FILLER.sub("", label)


def share_object(label: str) -> str:
    """What a share is of: 「占支出合计的」 -> 「支出合计」."""
    after = label[label.rfind("占") + 1 :] if "占" in label else ""
    return re.sub(r"(的|比例|比重|为|达)+$", "", after)
