"""Sentence splitting per SCHEME §2.

A sentence ends after 。！？； (or ! ? ;) and at every line break; closing quotes and brackets
right after the terminator stay with it. Surrounding white space is not part of a sentence, and
pieces that are only white space are dropped, so every sentence has visible text.
"""

from __future__ import annotations

import re

TERMINATORS = "。！？；!?;"
CLOSERS = "”’」』）)】〕》\"'"
_BOUNDARY = re.compile(rf"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*|\n")
_SPACE = " \t\r\u3000\u00a0\u2002\u2003\u200b\ufeff"


def split_offsets(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence in ``text``."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start() if match.group() == "\n" else match.end()
        pieces.append((start, end))
        start = match.end()
    pieces.append((start, len(text)))
    return [trimmed for s, e in pieces if (trimmed := _trim(text, s, e)) is not None]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return (start, end) if end > start else None
