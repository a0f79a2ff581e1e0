"""Sentence splitting per SCHEME §2.

A sentence ends after 。！？； (or ! ? ;) and at every line break; closing quotes and brackets
right after the terminator stay with it. Surrounding white space is not part of a sentence, and
pieces that are only white space are dropped, so every sentence has visible text.

A line break is any of ``jixiao.linebreaks.LINE_BREAKS``, not only ``\n`` (CRLF, a lone CR,
U+2028, U+2029, NEL, \v, a form feed); ``line_form`` there writes them as ``\n`` for the analyses
that look for the start of a line, the text's length and offsets unchanged.
"""

from __future__ import annotations

import re

from jixiao.linebreaks import LINE_BREAKS

TERMINATORS = "。！？；!?;"
CLOSERS = "”’」』）)】〕》\"'"
# A piece: everything up to the next terminator (with the closers after it, kept) or line break
# (dropped); pieces found directly rather than as the text between boundaries, which cost a
# Python test of every boundary found.
_PIECE = re.compile(rf"[^{re.escape(TERMINATORS)}{LINE_BREAKS}]*(?:[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*)?")
# White space at a sentence's edges. A piece never holds a line break (every one is a boundary);
# the line breaks are listed so that ``trim`` also gives the sentence of a wider range, such as a
# converter's unit that runs on to the next sentence.
SPACE = " \t\u3000\u00a0\u2002\u2003\u200b\ufeff" + LINE_BREAKS


def split_offsets(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence in ``text``."""
    found: list[tuple[int, int]] = []
    for match in _PIECE.finditer(text):  # a line break gives an empty piece, dropped
        start, end = match.span()
        if start < end and (trimmed := trim(text, start, end)) is not None:
            found.append(trimmed)
    return found


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``text[start:end]`` without white space at either end, as the splitter trims a sentence;
    None when nothing visible is left."""
    while start < end and text[start] in SPACE:
        start += 1
    while end > start and text[end - 1] in SPACE:
        end -= 1
    return (start, end) if end > start else None


def chunk_bounds(text: str, offsets: list[tuple[int, int]], size: int) -> list[int]:
    """Where to cut a long text so that each piece holds about ``size`` characters: character
    positions, from 0 to ``len(text)``, that never fall inside a sentence.

    A cut is made at the first sentence boundary after ``size`` characters that is also a line
    break (the end of a paragraph), or at any sentence boundary once the piece has grown to half
    as much again. A text of at most ``size`` characters is one piece."""
    bounds = [0]
    for (_, end), (start, _) in zip(offsets, offsets[1:]):
        grown = start - bounds[-1]
        if grown >= size and ("\n" in text[end:start] or grown >= size + size // 2):
            bounds.append(start)
    bounds.append(len(text))
    return bounds
