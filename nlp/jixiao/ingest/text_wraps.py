"""Join the lines of a hard-wrapped text file back into paragraphs.

Text copied out of a PDF (pdftotext, a viewer's copy) or saved from a fixed-width editor has a
line break wherever the page or the window ended a line. The sentence splitter takes every line
break for the end of a sentence, and a break inside a number cuts it in two (「54\\n934件」 would
read as 「934件」). A ``.txt`` file has no geometry, so the decision comes from line widths, as
``pdf_lines`` decides from the PDF's coordinates:

- a file is hard-wrapped when most of its lines are about as wide as its widest lines (a file of
  one paragraph per line has lines of every length, and long ones);
- in such a file a line as wide as the column continues on the next line, unless it ends a
  sentence, the next line is blank, indented (a paragraph's first line) or a table row.

Width is measured both in characters and in display columns (a Chinese character two columns, a
Latin one; GBK's byte count is exactly that), and the file is judged by whichever measure its
wrapping followed. Only the line breaks are removed, with the white space around them (the left
margin, trailing spaces; one space stays between two Latin words), so spans, sentences and tables
are found in the joined text as in any other.
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.ingest.pdf_lines import ends_sentence, latin_end, latin_start, percentile

# A file needs this many lines of text before its line widths say anything.
MIN_LINES = 8
# A file whose lines average more characters than this holds a paragraph per line.
MAX_MEAN_LINE = 120
# The share of lines that must be full for the file to count as hard-wrapped.
MIN_FULL_SHARE = 0.5
RIGHT_PERCENTILE = 0.9
# How much of the file's beginning the decision reads.
SAMPLE_CHARS = 200_000
INDENT = " \u3000"


def _columns(line: str) -> int:
    return len(line.encode("gbk", "replace"))


# (measure, tolerance): a line within the tolerance of the right edge is full; one Chinese
# character short in both measures, and a half-width digit or letter more in display columns.
_MEASURES: tuple[tuple[Callable[[str], int], int], ...] = ((len, 1), (_columns, 3))


def join_wrapped_lines(text: str) -> str:
    """``text`` with the line breaks that a fixed line width made removed (unchanged when the
    file is not hard-wrapped)."""
    # judged on the file's beginning, so that a long file of paragraphs is never split into lines
    body = [line.rstrip() for line in text[:SAMPLE_CHARS].split("\n") if line.strip() and "\t" not in line]
    if len(body) < MIN_LINES or sum(map(len, body)) > MAX_MEAN_LINE * len(body):
        return text
    best: tuple[float, Callable[[str], int], float] | None = None
    for measure, tolerance in _MEASURES:
        widths = [measure(line) for line in body]
        edge = percentile([float(w) for w in widths], RIGHT_PERCENTILE) - tolerance
        share = sum(w >= edge for w in widths) / len(widths)
        if best is None or share > best[0]:
            best = (share, measure, edge)
    share, measure, edge = best  # type: ignore[misc]
    if share < MIN_FULL_SHARE:
        return text
    # pdftotext -layout and similar tools start every line after the same left margin
    margin = min(map(_lead, body))
    lines = text.split("\n")
    parts = [lines[0]]
    for line, following in zip(lines, lines[1:]):
        if _continues(line.rstrip(), following, margin, measure, edge):
            spaced = parts[-1] != parts[-1].rstrip()
            parts[-1] = parts[-1].rstrip()
            following = following[min(margin, _lead(following)):]
            # a space the line ended with stays between two Latin words (a word cut in two joins)
            parts.append(" " if spaced and latin_end(parts[-1]) and latin_start(following) else "")
        else:
            parts.append("\n")
        parts.append(following)
    return "".join(parts)


def _continues(line: str, following: str, margin: int, measure: Callable[[str], int], edge: float) -> bool:
    if not line or "\t" in line or "\t" in following or not following.strip():
        return False
    if _lead(following) > margin or measure(line) < edge:
        return False  # indented past the margin: a paragraph's first line; short: its last
    return not ends_sentence(line)


def _lead(line: str) -> int:
    """The number of spaces (and ideographic spaces) the line starts with."""
    return len(line) - len(line.lstrip(INDENT))
