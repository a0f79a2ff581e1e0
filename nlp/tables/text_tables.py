"""Recover tables from the plain-text rendering of Word tables.

The exports put each cell on a line of its own that starts with a tab, and separate rows with a
blank line. A cell that wrapped in Word (「综合」 blank 「办公室」) continues on a line without a
tab; a blank line followed by such a line is a continuation, not a row break.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlp.document.model import Table, TableCell

_CONTINUATION_MAX = 24
_TERMINAL = re.compile(r"[。；！？]$")
_CAPTION_LOOKBACK = 3


def find_text_tables(text: str) -> Iterator[Table]:
    lines = _lines(text)
    index = 0
    while index < len(lines):
        start, end, line = lines[index]
        if line.startswith("\t"):
            table, index = _read_table(text, lines, index)
            if len(table.rows) >= 2:
                yield table
        else:
            index += 1


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, position = [], 0
    for line in text.split("\n"):
        out.append((position, position + len(line), line))
        position += len(line) + 1
    return out


def _is_continuation(lines: list[tuple[int, int, str]], index: int) -> bool:
    line = lines[index][2]
    if line.startswith("\t") or not line.strip() or len(line.strip()) > _CONTINUATION_MAX:
        return False
    if _TERMINAL.search(line.strip()):
        return False
    following = next((l for _, _, l in lines[index + 1 :] if l.strip()), "")
    return following.startswith("\t")


def _read_table(text: str, lines: list[tuple[int, int, str]], first: int) -> tuple[Table, int]:
    rows: list[list[TableCell]] = [[]]
    index = first
    while index < len(lines):
        start, end, line = lines[index]
        if line.startswith("\t"):
            body_start = start + 1
            rows[-1].append(TableCell(text[body_start:end].strip(), body_start, end))
        elif not line.strip():
            nxt = index + 1
            if nxt < len(lines) and _is_continuation(lines, nxt):
                pass
            elif nxt < len(lines) and lines[nxt][2].startswith("\t"):
                rows.append([])
            else:
                break
        elif _is_continuation(lines, index) and rows[-1]:
            last = rows[-1][-1]
            rows[-1][-1] = TableCell(last.text + line.strip(), last.start, end)
        else:
            break
        index += 1
    table_rows = tuple(tuple(r) for r in rows if r)
    table_start = lines[first][0]
    table_end = table_rows[-1][-1].end if table_rows else lines[first][1]
    return Table(table_rows, table_start, table_end, _caption(lines, first)), index


def _caption(lines: list[tuple[int, int, str]], first: int) -> str | None:
    for _, _, line in reversed(lines[max(0, first - _CAPTION_LOOKBACK) : first]):
        if line.strip() and not line.startswith("\t"):
            return line.strip()
    return None
