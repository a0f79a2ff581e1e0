"""Join the lines of a PDF's text layer back into the paragraphs of the document.

A PDF stores lines, not paragraphs: every line the layout wrapped comes out with a hard line break,
which the sentence splitter takes for the end of a sentence and which cuts numbers in two
(「54\\n934件」 would read as 「934件」). CJK text has no hyphens to say that a line continues, so the
decision comes from the line geometry pdfplumber gives:

- a line that reaches the column's right edge was wrapped by the layout, unless it ends a sentence
  (。！？；：) — a paragraph's last line stops short or ends with such a mark;
- the next line must start at the left margin (a paragraph's first line is indented), in the same
  font size, with no more than an ordinary line gap above it (a paragraph gap or a column jump is
  a break), on the same page or at the top of the next one;
- lines with wide gaps between characters are table rows: never joined, so that cells never merge.

Lines are joined without a space (CJK), except between two Latin letters. The column's edges are
read from the document itself: the right edge is a high percentile of where lines end, the left
margin a low percentile of where they start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A line this close to the right edge (in font sizes) is full: ragged-right text stops up to one
# full-width character short, and Latin digits are half as wide.
FULL_TOLERANCE = 1.5
# A next line starting more than this (in font sizes) right of the left margin is indented.
INDENT_TOLERANCE = 0.5
# A vertical gap above the next line larger than this (in font sizes) is a paragraph gap.
LINE_GAP = 1.0
# A horizontal gap between characters larger than this (in font sizes) separates table cells.
CELL_GAP = 1.5
# Font sizes within this many points are the same size.
SIZE_TOLERANCE = 0.5
RIGHT_PERCENTILE = 0.9
LEFT_PERCENTILE = 0.1
SENTENCE_FINAL = "。！？；：!?;:"
CLOSING = "”’」』）)】》\"'"


@dataclass(frozen=True)
class PdfLine:
    """One text line of a page as pdfplumber sees it (PDF points, top from the page's top)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    max_gap: float = 0.0  # the widest horizontal gap between two characters of the line
    page_height: float = 0.0  # the page's height (0: unknown)


def join_lines(lines: Sequence[PdfLine]) -> str:
    """The text of the lines in order, with a line break only where the document breaks a line."""
    lines = [line for line in lines if line.text]
    if not lines:
        return ""
    right = percentile([line.x1 for line in lines], RIGHT_PERCENTILE)
    left = percentile([line.x0 for line in lines], LEFT_PERCENTILE)
    parts = [lines[0].text]
    for previous, line in zip(lines, lines[1:]):
        if continues(previous, line, left, right):
            parts.append(join_space(previous.text, line.text))
        else:
            parts.append("\n")
        parts.append(line.text)
    return "".join(parts)


def continues(line: PdfLine, following: PdfLine, left: float, right: float) -> bool:
    """Whether ``following`` continues the paragraph that ``line`` was wrapped from."""
    size = max(line.size, 1.0)
    if line.x1 < right - FULL_TOLERANCE * size:
        return False  # stops short: the paragraph's last line
    if ends_sentence(line.text):
        return False
    if following.x0 > left + INDENT_TOLERANCE * max(following.size, 1.0):
        return False  # indented: a new paragraph (or a centred heading)
    if abs(following.size - line.size) > SIZE_TOLERANCE:
        return False
    if max(line.max_gap, following.max_gap) > CELL_GAP * size:
        return False  # table rows
    if following.page == line.page:
        # below the line (a jump up is a new column), with no more than a line gap between
        return following.top > line.top and following.top - line.bottom <= LINE_GAP * size
    return following.page == line.page + 1


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(CLOSING)
    return not stripped or stripped[-1] in SENTENCE_FINAL


def latin_end(text: str) -> bool:
    return bool(text) and text[-1].isascii() and text[-1].isalpha()


def join_space(before: str, after: str) -> str:
    """What goes between two lines joined back into one: a space between two Latin words (Data
    Envelopment), nothing elsewhere, nor inside a unit written after a number (1.8m⏎g/L is 1.8mg/L,
    12.5k⏎m is 12.5km: the letters before the break follow a digit)."""
    if not (latin_end(before) and latin_start(after)):
        return ""
    letters = len(before) - len(before.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    return "" if letters < len(before) and before[-letters - 1].isdigit() and letters <= 3 else " "


def latin_start(text: str) -> bool:
    return bool(text) and text[0].isascii() and text[0].isalpha()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]
