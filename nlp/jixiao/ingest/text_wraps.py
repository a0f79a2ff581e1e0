"""Join the lines of a hard-wrapped text file back into paragraphs.

Text copied out of a PDF (pdftotext, a viewer's copy) or saved from a fixed-width editor has a
line break wherever the page or the window ended a line. The sentence splitter takes every line
break for the end of a sentence, and a break inside a number cuts it in two (「54\\n934件」 would
read as 「934件」). A ``.txt`` file has no geometry, so the decision comes from line widths, as
``pdf_lines`` decides from the PDF's coordinates, and it needs positive evidence of wrapping:

- the file's prose lines (not table rows, lists, CSV or a table of contents) are mostly about as
  wide as its widest ones, and that width is a page's, not a record's (at least ``MIN_EDGE``
  characters);
- most of those full lines stop in the middle of a clause (on a character, a digit or a comma,
  not on a sentence end) and go on in a line that starts no list item or row;
- a file of one paragraph per line has lines of every length, and long ones: it is left alone.

In a wrapped file, a line as wide as the column continues on the next line unless it ends a
sentence or the next line is blank, indented, a list item or a table row; a number cut by the wrap
(a digit at the end, a digit at the start) and a bracket left open at the end go on regardless. Width is measured
both in characters and in display columns (a Chinese character two columns, a Latin one; GBK's
byte count is exactly that), and the file is judged by whichever measure its wrapping followed.
Only the line breaks are removed, with the white space around them (the left margin, trailing
spaces; one space goes between two Latin letters, as in ``pdf_lines``), so spans, sentences and
tables are found in the joined text as in any other.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import NamedTuple

from jixiao.ingest.pdf_lines import ends_sentence, join_space, percentile

# A file needs this many prose lines before its line widths say anything.
MIN_LINES = 8
# A file whose lines average more characters than this holds a paragraph per line.
MAX_MEAN_LINE = 120
# The narrowest column a wrap is believed of (characters): records and verse are narrower.
MIN_EDGE = 14
# The share of prose lines that must be full, and of full lines that must stop mid-clause and
# go on in the next line, for the file to count as hard-wrapped.
MIN_FULL_SHARE = 0.4
MIN_CONTINUED_SHARE = 0.6
# More rows and list items than this share of the lines: a table or a list, never joined.
MAX_STRUCTURED_SHARE = 0.3
RIGHT_PERCENTILE = 0.9
# How much of the file's beginning the decision reads.
SAMPLE_CHARS = 200_000
INDENT = " \u3000"
# How much shorter than the longest lines a full line may look in characters before widths are
# measured properly (a full line of columns holds more characters when some are half-width).
LOOSE = 0.6

# A line of a table or a record set: cells apart by runs of spaces, the dot leaders of a table of
# contents, or comma-separated values (see ``_is_row``).
_ROW = re.compile(r"\S[ \u00a0\u3000]{2,}\S|(?:\.{3,}|…{2,}|·{3,})\s*\d*\s*$")
# Comma-separated values: two half-width commas on a line with none of the full-width clause
# punctuation of Chinese prose, which a record's fields do not hold (东城区,2021,237,682;
# 01,老旧小区改造（一期）,1037.5万元,311). Such lines make a file a record set (``_judge``).
_CSV = re.compile(",.*,")
_PROSE_MARK = re.compile("[，。；]")
# Inside a file judged to be wrapped prose, a line is a record only where two of its commas
# separate fields: report prose uses half-width commas as thousands separators (35,909.33万元（基本
# 支出8,…), and a digit before a comma with three after it makes no field comma.
_FIELD_CSV = re.compile(r"(?:(?<![0-9０-９]),|,(?![0-9０-９]{3}(?![0-9０-９]))).*(?:(?<![0-9０-９]),|,(?![0-9０-９]{3}(?![0-9０-９])))")
# A line that starts a list item: 1、 1. （一） 一、 (1) ①
_ITEM = re.compile(r"[ \u3000]*(?:[0-9０-９]{1,3}(?:[、)）]|[.．](?![0-9０-９]))|[（(][0-9０-９一二三四五六七八九十]{1,3}[）)]"
                   r"|[一二三四五六七八九十]{1,3}、|[①-⑳])")


_DIGITS = frozenset("0123456789０１２３４５６７８９")


class Unwrapped(NamedTuple):
    text: str
    joins: int  # line breaks removed
    # per join, (start, end, length): the input's text[start:end] (white space, the line break and
    # the next line's margin) became ``length`` characters (a space between Latin words, or none)
    edits: tuple[tuple[int, int, int], ...] = ()

    def index_map(self) -> Callable[[int], int]:
        """The index in the joined text of each index of the input (one inside a removed stretch:
        the join's place), so that offsets found before joining (a Word table's cells) stay right."""
        starts = [start for start, _, _ in self.edits]
        removed = [0]  # removed[k]: characters removed by the first k joins
        for start, end, length in self.edits:
            removed.append(removed[-1] + end - start - length)

        def joined(index: int) -> int:
            k = bisect_right(starts, index) - 1
            if k < 0:
                return index
            start, end, _ = self.edits[k]
            return start - removed[k] if index < end else index - removed[k + 1]

        return joined


def _columns(line: str) -> int:
    return len(line.encode("gbk", "replace"))


# (measure, tolerance): a line within the tolerance of the right edge is full; one Chinese
# character short in both measures, and a half-width digit or letter more in display columns.
_MEASURES: tuple[tuple[Callable[[str], int], int, int], ...] = ((len, 1, MIN_EDGE), (_columns, 3, 2 * MIN_EDGE))


def join_wrapped_lines(text: str, sample: str | None = None) -> Unwrapped:
    """``text`` with the line breaks that a fixed line width made removed (unchanged, with no
    joins, when the file is not hard-wrapped). ``sample``: the text that decides whether it is
    (default: ``text``; a Word document's paragraphs without its tables, whose rows are no
    evidence either way and are never joined)."""
    judged = _judge((text if sample is None else sample)[:SAMPLE_CHARS])
    if judged is None:
        return Unwrapped(text, 0)
    measure, edge, margin = judged
    lines = text.split("\n")
    parts, edits = [lines[0]], []
    position = 0  # where ``line`` starts in ``text``
    for line, following in zip(lines, lines[1:]):
        after = position + len(line) + 1  # where ``following`` starts
        if _continues(line.rstrip(), following, margin, measure, edge):
            trailing = len(parts[-1]) - len(parts[-1].rstrip())
            parts[-1] = parts[-1].rstrip()
            lead = min(margin, _lead(following))
            space = join_space(parts[-1], following[lead:])
            edits.append((after - 1 - trailing, after + lead, len(space)))
            parts.append(space)
            following = following[lead:]
        else:
            parts.append("\n")
        parts.append(following)
        position = after
    return Unwrapped("".join(parts), len(edits), tuple(edits))


def _judge(sample: str) -> tuple[Callable[[str], int], float, int] | None:
    """(measure, right edge, left margin) when the sample is hard-wrapped prose, else None."""
    lines = sample.split("\n")
    # a first look at bare line lengths, which settles most files (one paragraph per line) at
    # once: wrapped lines are nearly all about as long as the longest, in characters or, give or
    # take the half-width characters in them, in columns (lines of tab-separated cells aside)
    lengths = sorted(len(line) for line in lines if line and "\t" not in line)
    if len(lengths) < MIN_LINES:
        return None
    longest = lengths[min(len(lengths) - 1, int(RIGHT_PERCENTILE * (len(lengths) - 1) + 0.5))]
    if len(lengths) - bisect_left(lengths, LOOSE * longest) < MIN_FULL_SHARE * len(lengths):
        return None
    content = [line.rstrip() for line in lines if line.strip()]
    body = [line for line in content if "\t" not in line]
    if len(body) < MIN_LINES or sum(map(len, body)) > MAX_MEAN_LINE * len(body):
        return None
    best: tuple[float, Callable[[str], int], float] | None = None
    for measure, tolerance, min_edge in _MEASURES:
        widths = [measure(line) for line in body]
        right = percentile([float(w) for w in widths], RIGHT_PERCENTILE)
        if right < min_edge:
            continue
        share = sum(w >= right - tolerance for w in widths) / len(widths)
        if best is None or share > best[0]:
            best = (share, measure, right - tolerance)
    if best is None or best[0] < MIN_FULL_SHARE:
        return None  # most files end here, before the costlier checks below
    _, measure, edge = best
    # (a line with half-width commas is a record where it is not as wide as the column or where
    # every such line has as many commas: prose copied from the web and wrapped has its commas in
    # full lines, and a different number in each)
    records = [line for line in content if _is_row(line.strip(), _CSV) and not _ROW.search(line.strip())]
    fixed_fields = len(records) >= len(content) / 2 and len({line.count(",") for line in records}) == 1
    # (and a list item as wide as the column is a paragraph that opens with its number: 一、项目基本情况。本…;
    # the lines of tab-separated cells are left out of the count: they are never joined, and a report
    # whose tables are such lines is no less a wrapped one in its prose)
    structured = sum(1 for line in body if _ROW.search(line.strip())
                     or _ITEM.match(line) and measure(line.rstrip()) < edge
                     or _is_row(line.strip(), _CSV) and (fixed_fields or measure(line) < edge))
    if structured > MAX_STRUCTURED_SHARE * len(body):
        return None
    margin = min(map(_lead, body))
    full = continued = 0
    for line, following in zip(lines, lines[1:]):
        stripped = line.rstrip()
        if not stripped or "\t" in stripped or measure(stripped) < edge:
            continue
        full += 1
        continued += _continues(stripped, following, margin, measure, edge)
    if not full or continued < MIN_CONTINUED_SHARE * full:
        return None
    return measure, edge, margin


def _continues(line: str, following: str, margin: int, measure: Callable[[str], int], edge: float) -> bool:
    """Whether ``following`` goes on with the full line ``line`` (already right-stripped)."""
    if not line or "\t" in line or "\t" in following or not following.strip():
        return False
    if _lead(following) > margin or measure(line) < edge:
        return False  # indented past the margin: a paragraph's first line; short: its last
    # (half-width commas make no record of a full line: prose copied from the web keeps them)
    if ends_sentence(line) or _ROW.search(line.strip()) or _is_row(following.strip()) and measure(following) < edge:
        return False
    # a number cut by the wrap (1\n2、甲12号楼 is 12、, not item 2) or a bracket the line leaves open
    # (；（\n3）对个人, （劲松二区\n227、228楼）) goes on whatever the next line looks like
    if line[-1] in _DIGITS and following.lstrip(INDENT)[:1] in _DIGITS or _open_bracket(line):
        return True
    return _ITEM.match(following) is None


def _open_bracket(line: str) -> bool:
    """Whether the line ends inside a bracket it opened (（ without its ）)."""
    return line.rfind("（") > line.rfind("）") or line.rfind("(") > line.rfind(")")


def _is_row(line: str, csv: re.Pattern[str] = _FIELD_CSV) -> bool:
    """Whether the (stripped) line is a table row, a record or a contents entry rather than prose
    (``csv``: what makes it a comma-separated record)."""
    return _ROW.search(line) is not None or (csv.search(line) is not None and _PROSE_MARK.search(line) is None)


def _lead(line: str) -> int:
    """The number of spaces (and ideographic spaces) the line starts with."""
    return len(line) - len(line.lstrip(INDENT))
