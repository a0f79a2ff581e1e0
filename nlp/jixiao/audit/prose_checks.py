"""The table checks, in prose: rates stated next to the amounts they derive from.

Four derivations are recognised, each from the roles of the labelled figures before a rate
(after the previous rate in the same paragraph):

* execution 「年度资金安排X万元，实际支付Y万元，执行率为Z%」: Y / X;
* difference 「预算数…决算数…差异率为…」: (决算 - 预算) / 预算, signed or not;
* change 「比上年减少D，下降P%」: D / (C + D) (or D / (C - D) for a rise, or D / B when the base
  B is stated); and a stated difference D against |C - B|;
* share 「A…，占B的P%」: A over the figure whose label best matches B, in this paragraph or the
  ten before it.

Prose is looser than a table, so a rate is reported only when *no* reading of the figures before
it (every actual with every budget, every matching whole) explains it; the finding then shows
the nearest reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.audit.findings import Finding
from jixiao.audit.statements import AMOUNT, BASE, CHANGE, RATE, Paragraph, Quantity, share_object
from jixiao.audit.tolerance import (
    Verdict,
    decrease_percent,
    difference_percent,
    increase_percent,
    ratio_percent,
    rate_verdict,
)
from jixiao.linebreaks import line_form
from jixiao.tables import columns as col
from jixiao.tables.figures import Figure
from jixiao.tables.units import multiplier_in, unit_in

PROSE_RATE, PROSE_CHANGE, SHARE = "prose_rate", "prose_change", "share"
_SHARE_LOOKBACK = 10
_SIMILARITY = Decimal("0.6")
_CONTEXT_BEFORE, _CONTEXT_AFTER = 90, 30
_NUMBERING = re.compile(r"^\s*(?:[（(]?\s*[0-9一二三四五六七八九十]+\s*[)）、．.]\s*)+")
_POINTER = re.compile(r"^(该|本|此|其中|截至|截止)|认为$|表明$|显示$|可见$")


@dataclass(frozen=True)
class Reading:
    """One way to derive the stated figure: a function and the figures it takes."""

    function: Callable[..., Decimal]
    inputs: tuple[Figure, ...]
    description: str
    unsigned: bool = False


@dataclass(frozen=True)
class Derivation:
    """A stated figure and the readings that could explain it, the preferred reading first."""

    check: str
    stated: Quantity
    readings: tuple[Reading, ...]

    def judged(self) -> list[tuple[Reading, Verdict]]:
        """Each reading that can be judged, with its verdict."""
        out = []
        for reading in self.readings:
            verdict = rate_verdict(self.stated.figure, reading.function, reading.inputs, reading.unsigned)
            if verdict is not None:
                out.append((reading, verdict))
        return out

    def best(self) -> tuple[Reading, Verdict] | None:
        """A reading that explains the figure, else the one that comes nearest."""
        judged = self.judged()
        if not judged:
            return None
        consistent = [pair for pair in judged if pair[1].consistent]
        if consistent:
            return consistent[0]
        return min(judged, key=lambda pair: abs(pair[1].computed - pair[1].stated))


def derivations(paragraphs: Sequence[Paragraph]) -> Iterator[Derivation]:
    """Every rate in prose that the figures before it can derive, in reading order."""
    for paragraph in paragraphs:
        quantities = paragraph.quantities
        for index, quantity in enumerate(quantities):
            if quantity.kind != RATE:
                continue
            window = window_before(quantities, index)
            derivation = _derive(quantity, window, paragraphs)
            if derivation is not None and derivation.readings:
                yield derivation


def prose_findings(doc_id: str, text: str, paragraphs: Sequence[Paragraph]) -> list[Finding]:
    """Rates no reading explains, and stated differences that are not the difference."""
    findings = []
    for derivation in derivations(paragraphs):
        best = derivation.best()
        if best is not None and not best[1].consistent:
            reading, verdict = best
            message = f"{derivation.stated.label}{derivation.stated.figure.text} does not follow from {reading.description}"
            findings.append(prose_finding(doc_id, text, paragraphs, derivation.check, derivation.stated, verdict, message))
    findings.extend(_difference_findings(doc_id, text, paragraphs))
    return findings


def execution_inputs(rate: Quantity, window: Sequence[Quantity]) -> list[tuple[Figure, Figure]]:
    """(actual, budget) pairs an execution rate may divide, the nearest actual and last budget first.

    The initial budget is used only when the rate's label names 年初 or no other budget is stated.
    """
    actuals = [q for q in window if _plain_amount(q) and q.role == col.ACTUAL]
    budgets = [q for q in window if _plain_amount(q) and q.role == col.BUDGET]
    initial = [q for q in window if _plain_amount(q) and q.role == col.BUDGET_INITIAL]
    if "年初" in rate.label and initial:
        budgets = initial
    elif not budgets:
        budgets = initial
    pairs = [(a.figure, b.figure) for a in reversed(actuals) for b in reversed(budgets)]
    return pairs


def window_before(quantities: Sequence[Quantity], index: int) -> list[Quantity]:
    """The figures before ``index`` in its paragraph, after the previous rate."""
    start = index  # back to the previous rate only: a paragraph of many figures stays linear
    while start > 0 and quantities[start - 1].kind != RATE:
        start -= 1
    return list(quantities[start:index])


def _plain_amount(quantity: Quantity) -> bool:
    return quantity.kind == AMOUNT and quantity.plain


def _derive(rate: Quantity, window: list[Quantity], paragraphs: Sequence[Paragraph]) -> Derivation | None:
    if rate.role == col.EXECUTION:
        readings = [Reading(ratio_percent, (a, b), f"{a.text} / {b.text}") for a, b in execution_inputs(rate, window)]
        return Derivation(PROSE_RATE, rate, tuple(readings))
    if rate.role == col.DIFFERENCE:
        return Derivation(PROSE_RATE, rate, tuple(_difference_readings(window)))
    if rate.role == CHANGE:
        return Derivation(PROSE_RATE, rate, tuple(_change_readings(rate, window)))
    if rate.role == col.SHARE:
        return Derivation(SHARE, rate, tuple(_share_readings(rate, window, paragraphs)))
    return None


def _difference_readings(window: list[Quantity]) -> Iterator[Reading]:
    actuals = [q.figure for q in window if _plain_amount(q) and q.role == col.ACTUAL]
    budgets = [q.figure for q in window if _plain_amount(q) and q.role in (col.BUDGET, col.BUDGET_INITIAL)]
    for actual in reversed(actuals):
        for budget in reversed(budgets):
            text = f"({actual.text} - {budget.text}) / {budget.text}"
            yield Reading(difference_percent, (actual, budget), text)
            yield Reading(difference_percent, (actual, budget), f"|{text}|", unsigned=True)


def _change_readings(rate: Quantity, window: list[Quantity]) -> Iterator[Reading]:
    """比上年减少D，下降P%: P = D / (C + D); with a stated base B, P = D / B or |C - B| / B."""
    changes = [i for i, q in enumerate(window) if q.kind == AMOUNT and q.role == CHANGE]
    end = changes[-1] if changes else len(window)
    subjects = [q for q in window[:end] if _plain_amount(q)]
    bases = [q for q in window[:end] if q.kind == AMOUNT and q.role == BASE]
    change = window[changes[-1]].figure if changes else None
    subject = subjects[-1].figure if subjects else None
    if bases:
        base = bases[-1].figure
        if change is not None:
            yield Reading(ratio_percent, (change, base), f"{change.text} / {base.text}")
        if subject is not None:
            yield Reading(difference_percent, (subject, base), f"|{subject.text} - {base.text}| / {base.text}",
                          unsigned=True)
    elif change is not None and subject is not None:
        rise = rate.increase
        function = increase_percent if rise else decrease_percent
        sign = "-" if rise else "+"
        yield Reading(function, (subject, change), f"{change.text} / ({subject.text} {sign} {change.text})")


def _share_readings(rate: Quantity, window: list[Quantity], paragraphs: Sequence[Paragraph]) -> Iterator[Reading]:
    """A over every earlier figure whose label matches what the share is of, best match first."""
    target = share_object(rate.label)
    if len(target) < 2:
        return
    scored = []
    for paragraph in paragraphs[max(0, rate.paragraph - _SHARE_LOOKBACK) : rate.paragraph + 1]:
        for quantity in paragraph.quantities:
            if _plain_amount(quantity) and quantity.start < rate.start:
                score = similarity(target, quantity.label)
                if score >= _SIMILARITY:
                    scored.append((score, quantity))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].start))
    parts = [q for q in window if _plain_amount(q) and q.sentence == rate.sentence]
    for _, whole in scored:
        part = next((q for q in reversed(parts) if q.start != whole.start), None)
        if part is not None and (whole.figure.hi >= part.figure.lo or rate.figure.value > 100):
            yield Reading(ratio_percent, (part.figure, whole.figure), f"{part.figure.text} / {whole.figure.text}")


def similarity(target: str, label: str) -> Decimal:
    """Share of ``target``'s characters found in order in ``label`` (longest common subsequence)."""
    if not target:
        return Decimal(0)
    previous = [0] * (len(label) + 1)
    for a in target:
        current = [0]
        for j, b in enumerate(label):
            current.append(previous[j] + 1 if a == b else max(previous[j + 1], current[j]))
        previous = current
    return Decimal(previous[-1]) / Decimal(len(target))


def _difference_findings(doc_id: str, text: str, paragraphs: Sequence[Paragraph]) -> Iterator[Finding]:
    """「决算数C，比年初预算B减少D」: D must be |C - B| within rounding."""
    for paragraph in paragraphs:
        quantities = paragraph.quantities
        for index, quantity in enumerate(quantities):
            if quantity.kind != AMOUNT or quantity.role != CHANGE:
                continue
            before = [q for q in quantities[:index] if q.sentence == quantity.sentence and q.kind == AMOUNT]
            bases = [q for q in before if q.role == BASE]
            subjects = [q for q in before if q.plain and bases and q.start < bases[-1].start]
            if not bases or not subjects:
                continue
            base, subject = bases[-1].figure, subjects[-1].figure
            verdict = rate_verdict(quantity.figure, lambda c, b: c - b, (subject, base), unsigned=True)
            if verdict is not None and not verdict.consistent:
                message = f"{quantity.label}{quantity.figure.text} is not the difference of {subject.text} and {base.text}"
                yield prose_finding(doc_id, text, paragraphs, PROSE_CHANGE, quantity, verdict, message)


def prose_finding(doc_id: str, text: str, paragraphs: Sequence[Paragraph], check: str, stated: Quantity,
                  verdict: Verdict, message: str, related: Figure | None = None) -> Finding:
    """A finding located at a prose figure; amounts are shown in the unit they are printed in."""
    scale = Decimal(1) if stated.kind == RATE else multiplier_in(stated.figure.text)
    return Finding(
        doc_id=doc_id,
        check=check,
        item=prose_item(paragraphs, stated),
        stated=_shown(verdict.stated / scale),
        computed=_shown(verdict.computed / scale),
        tolerance=_shown(verdict.tolerance / scale),
        context=context_around(text, stated.figure.start or 0, stated.figure.end or 0),
        start=stated.figure.start,
        end=stated.figure.end,
        message=message,
        unit="%" if stated.kind == RATE else unit_in(stated.figure.text),  # the unit ``scale`` divided by
        stated_text=stated.figure.text,
        related_start=related.start if related else None,
        related_end=related.end if related else None,
    )


def prose_item(paragraphs: Sequence[Paragraph], stated: Quantity) -> str:
    """What the figure is about: the paragraph's opening words, with the heading above them when
    the opening only points back (「该项目…」) or reports (「评价分析认为」)."""
    from jixiao.document.sections import heading_level

    paragraph = paragraphs[stated.paragraph]
    head = paragraph.quantities[0] if paragraph.quantities else None
    first = head.start - paragraph.start - len(head.label) if head else len(paragraph.text)
    opening = re.split(r"[，,。；;：:]", paragraph.text[:first].strip())[0]  # the first clause, not sentence
    opening = _NUMBERING.sub("", opening)[:40]
    if len(opening) >= 4 and not _POINTER.search(opening):
        return opening
    for earlier in reversed(paragraphs[: stated.paragraph]):
        if heading_level(earlier.text) is not None:
            heading = _NUMBERING.sub("", earlier.text.strip())[:40]
            return f"{heading}：{opening}" if opening else heading
    return opening or (head.label if head else stated.label)


def context_around(text: str, start: int, end: int) -> str:
    """The line around a figure, clipped to a readable window (any line break ends the line)."""
    low, high = max(0, start - _CONTEXT_BEFORE - 1), min(len(text), end + _CONTEXT_AFTER + 1)
    window = line_form(text[low:high])  # only the window is read: a report may be very long
    line_start = low + window.rfind("\n", 0, start - low) + 1 if "\n" in window[: start - low] else 0
    after = window.find("\n", end - low)
    line_end = low + after if after >= 0 else len(text)
    left = max(line_start, start - _CONTEXT_BEFORE)
    right = min(line_end, end + _CONTEXT_AFTER)
    return ("…" if left > line_start else "") + text[left:right] + ("…" if right < line_end else "")


def _shown(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001")) if abs(value) < 10**15 else value

