"""Sentence splitting per SCHEME §2.

A sentence ends after 。！？； (or ! ? ;) and at every line break; closing quotes and brackets
right after the terminator stay with it. Surrounding white space is not part of a sentence, and
pieces that are only white space are dropped, so every sentence has visible text.

A line break is not only ``\n``: text handed over as a string (``tag_text``, a JSON Lines document)
may come with CRLF pairs, the lone CR of old Mac files, the line and paragraph separators of web
pages (U+2028, U+2029), NEL, the vertical tab of Word's manual line break or the form feed of a PDF
page break. ``line_form`` writes a lone CR and each of the others as ``\n`` (the CR of a CRLF pair
stays: the line still ends at its ``\n``), without changing the text's length, so the analyses that
look for the start of a line (headings, list numbers, table rows) read such text with every
offset unchanged.
"""

from __future__ import annotations

import re

TERMINATORS = "。！？；!?;"
CLOSERS = "”’」』）)】〕》\"'"
# the line breaks of documents (str.splitlines also breaks at the file, group and record separators
# \x1c-\x1e, which are no line breaks in text and which cleaning deletes)
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
_OTHER_BREAKS = LINE_BREAKS[2:]  # written as \n by line_form; a CR only when it is alone
_LONE_CR = re.compile(r"\r(?!\n)")
_BOUNDARY = re.compile(rf"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*|[{LINE_BREAKS}]")
# White space at a sentence's edges. A piece never holds a line break (every one is a boundary);
# the line breaks are listed so that ``trim`` also gives the sentence of a wider range, such as a
# converter's unit that runs on to the next sentence.
SPACE = " \t\u3000\u00a0\u2002\u2003\u200b\ufeff" + LINE_BREAKS


def line_form(text: str) -> str:
    """``text`` with a lone CR and every other line break but CRLF written as ``\n``, the same
    length: the form the document analyses read, whatever line breaks the text came with.

    ``in`` and ``str.replace`` scan at C speed (a third of a second for 100 M characters, where
    ``str.translate`` takes six), and text with only ``\n`` is returned as it is."""
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    for mark in _OTHER_BREAKS:
        if mark in text:
            text = text.replace(mark, "\n")
    return text


def split_offsets(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence in ``text``."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() if match.group() in LINE_BREAKS else match.end()
        pieces.append((start, end))
        start = match.end()
    pieces.append((start, len(text)))
    return [trimmed for s, e in pieces if (trimmed := trim(text, s, e)) is not None]


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
