"""Running heads, running feet and page numbers: page furniture, not the document's text.

A PDF repeats on every page what its layout puts in the margins: the report's title or the issuing
office at the top, 「- 3 -」 or 「第3页 共12页」 at the bottom. Left in the text, they break a paragraph
that runs on to the next page into two sentences and turn page numbers into counts. A line is
furniture when it is one of the first or last ``EDGE_LINES`` lines of its page, sits in the page's
top or bottom margin (``MARGIN`` of the page height; anywhere on the page edge when the height is
unknown) and either reads as a page number or repeats, digits aside, at the same edge on at least
``REPEAT_SHARE`` of the pages. A document of one page has no furniture to tell apart.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from jixiao.ingest.pdf_lines import PdfLine

EDGE_LINES = 2
MARGIN = 0.12
REPEAT_SHARE = 0.5
_DASHES = r"[\s\-—–_·•|]*"
PAGE_NUMBER = re.compile(
    rf"^{_DASHES}(?:第\s*)?[0-9０-９]+(?:\s*页)?(?:\s*[/／]\s*[0-9０-９]+|\s*共\s*[0-9０-９]+\s*页)?{_DASHES}$"
    rf"|^{_DASHES}(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?{_DASHES}$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[0-9０-９]+")


def drop_page_furniture(lines: Sequence[PdfLine]) -> list[PdfLine]:
    """The lines without the running heads, running feet and page numbers of their pages."""
    pages: dict[int, list[PdfLine]] = defaultdict(list)
    for line in lines:
        pages[line.page].append(line)
    if len(pages) < 2:
        return list(lines)
    edges: dict[int, str] = {}
    seen: Counter[tuple[str, str]] = Counter()  # (edge, shape): on how many pages
    for page in pages.values():
        at_edges = _edge_lines(page)
        edges.update((id(line), where) for line, where in at_edges)
        seen.update({(where, _shape(line.text)) for line, where in at_edges})
    needed = max(2, math.ceil(REPEAT_SHARE * len(pages)))

    def furniture(line: PdfLine) -> bool:
        where = edges.get(id(line))
        if where is None:
            return False
        return PAGE_NUMBER.match(line.text.strip()) is not None or seen[(where, _shape(line.text))] >= needed

    return [line for line in lines if not furniture(line)]


def _edge_lines(page: list[PdfLine]) -> list[tuple[PdfLine, str]]:
    """The lines at the top and bottom edges of a page, each with its edge."""
    ordered = sorted(page, key=lambda line: line.top)
    out = [(line, "top") for line in ordered[:EDGE_LINES] if _in_margin(line, "top")]
    out += [(line, "bottom") for line in ordered[-EDGE_LINES:] if _in_margin(line, "bottom")
            and all(line is not other for other, _ in out)]
    return out


def _in_margin(line: PdfLine, where: str) -> bool:
    if line.page_height <= 0:
        return True
    if where == "top":
        return line.bottom <= MARGIN * line.page_height
    return line.top >= (1 - MARGIN) * line.page_height


def _shape(text: str) -> str:
    """A line's text with its digits as one mark, so 「第3页」 and 「第4页」 have one shape."""
    return _DIGITS.sub("#", " ".join(text.split()))
