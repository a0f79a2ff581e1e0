"""Parts of a total in prose: what follows 「其中」 must not add up to more than the total.

A 其中 list may be a selection (「其中：基本支出…」 without the rest), so the parts are only held
to be at most the total. Two layouts occur in reports:

* inline — 「共支出781803.02元，其中：A…元，B…元」, the parts in the same sentence (or the sentence
  that starts with 其中 after the total); bracketed figures are sub-items of the figure before
  the bracket and are left out;
* block — a paragraph ending in 「其中：」 whose parts are the following paragraphs, one part each
  (「“人大事务”（款）…决算49.75万元」), until a paragraph numbered like the total's, a paragraph
  without figures, or the next 其中 block. Each part contributes its first figure of each role.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from jixiao.audit.findings import Finding
from jixiao.audit.prose_checks import prose_finding
from jixiao.audit.statements import AMOUNT, Paragraph, Quantity
from jixiao.audit.tolerance import at_most_verdict

PARTS_SUM = "parts_sum"
_AMONG = re.compile(r"其中\s*[：:，,]?")
_BLOCK_END = re.compile(r"其中\s*[：:]?\s*$")
_NUMBERING = (
    re.compile(r"^\s*\d+\s*[、．.](?!\d)"),
    re.compile(r"^\s*[（(]\s*\d+\s*[）)]"),
    re.compile(r"^\s*[一二三四五六七八九十]+\s*[、．.]"),
    re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[）)]"),
    re.compile(r"^\s*[①②③④⑤⑥⑦⑧⑨⑩]"),
)
_BLOCK_MAX = 20


def parts_findings(doc_id: str, text: str, paragraphs: Sequence[Paragraph]) -> list[Finding]:
    findings: list[Finding] = []
    for paragraph in paragraphs:
        findings.extend(_inline(doc_id, text, paragraphs, paragraph))
        if _BLOCK_END.search(paragraph.text.strip()):
            findings.extend(_block(doc_id, text, paragraphs, paragraph))
    return findings


def _amount(quantity: Quantity) -> bool:
    return quantity.kind == AMOUNT and quantity.plain


def _inline(doc_id: str, text: str, paragraphs: Sequence[Paragraph], paragraph: Paragraph) -> Iterator[Finding]:
    for match in _AMONG.finditer(paragraph.text):
        at = paragraph.start + match.end()
        sentence = paragraph.sentence_at(at)
        parts = [q for q in paragraph.quantities if _amount(q) and q.sentence == sentence and q.start >= at]
        if not parts:
            continue
        before = [q for q in paragraph.quantities if _amount(q) and q.sentence == sentence and q.start < at]
        if not before:
            before = [q for q in paragraph.quantities if _amount(q) and q.sentence == sentence - 1]
        total = _total(before, parts)
        if total is not None:
            yield from _judge(doc_id, text, paragraphs, total, [p.figure for p in parts])


def _total(candidates: list[Quantity], parts: list[Quantity]) -> Quantity | None:
    """The total the parts belong to: the first figure of the parts' role, else the first figure."""
    if not candidates:
        return None
    role = Counter(p.role for p in parts).most_common(1)[0][0]
    same = [q for q in candidates if role is not None and q.role == role]
    return same[0] if same else candidates[0]


def _block(doc_id: str, text: str, paragraphs: Sequence[Paragraph], parent: Paragraph) -> Iterator[Finding]:
    last = parent.sentence_at(parent.end)
    totals = [q for q in parent.quantities if _amount(q) and q.sentence == last]
    if not totals:
        totals = [q for q in parent.quantities if _amount(q) and q.sentence == last - 1]
    if not totals:
        return
    children = _children(paragraphs, parent)
    for total in _first_per_role(totals):
        parts = [found for child in children if (found := _first_of_role(child, total.role)) is not None]
        if len(parts) >= 2:
            yield from _judge(doc_id, text, paragraphs, total, [p.figure for p in parts])


def _children(paragraphs: Sequence[Paragraph], parent: Paragraph) -> list[Paragraph]:
    family = _family(parent.text)
    children: list[Paragraph] = []
    for paragraph in paragraphs[parent.index + 1 : parent.index + 1 + _BLOCK_MAX]:
        if family is not None and _family(paragraph.text) == family:
            break
        if not any(_amount(q) for q in paragraph.quantities) or _BLOCK_END.search(paragraph.text.strip()):
            break
        children.append(paragraph)
    return children


def _family(line: str) -> int | None:
    return next((i for i, pattern in enumerate(_NUMBERING) if pattern.match(line)), None)


def _first_per_role(quantities: list[Quantity]) -> list[Quantity]:
    seen: dict[str | None, Quantity] = {}
    for quantity in quantities:
        if quantity.role is not None:
            seen.setdefault(quantity.role, quantity)
    return list(seen.values())


def _first_of_role(paragraph: Paragraph, role: str | None) -> Quantity | None:
    return next((q for q in paragraph.quantities if _amount(q) and q.role == role), None)


def _judge(doc_id: str, text: str, paragraphs: Sequence[Paragraph], total: Quantity, parts: list) -> Iterator[Finding]:
    verdict = at_most_verdict(total.figure, parts)
    if not verdict.consistent:
        listed = " + ".join(p.text for p in parts)
        message = f"the parts listed under 其中 ({listed}) exceed {total.label}{total.figure.text}"
        yield prose_finding(doc_id, text, paragraphs, PARTS_SUM, total, verdict, message)
