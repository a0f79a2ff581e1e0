"""A cheap test that rules a keyword pattern out before the regex engine runs it.

Python's ``re`` tries every alternative of a long alternation at every position of the text,
which made the keyword features a quarter of the classifier's time. Most sentences contain none
of the characters a group's matches can start with; a search for one character of that set runs
as a tight scan. ``Prefiltered.search`` answers exactly as the pattern's own ``search``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

try:  # the parser is private; without it patterns simply run unfiltered
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - other Python versions
    _parser = None

_WIDEST_RANGE = 256


@dataclass(frozen=True)
class Prefiltered:
    """A compiled pattern with the class of characters its matches can start with."""

    full: re.Pattern[str]
    first: re.Pattern[str]

    @property
    def pattern(self) -> str:
        return self.full.pattern

    @property
    def flags(self) -> int:
        return self.full.flags

    def search(self, text: str) -> re.Match[str] | None:
        return self.full.search(text) if self.first.search(text) else None


def prefiltered(pattern: re.Pattern[str]) -> re.Pattern[str] | Prefiltered:
    """The pattern with a first-character filter, or the pattern itself when its first character
    cannot be bounded (it may match empty, start with ``.``, a class like ``\\w``, or ignore case)."""
    if _parser is None or pattern.flags & re.IGNORECASE:
        return pattern
    try:
        chars, may_be_empty = _first_chars(list(_parser.parse(pattern.pattern, pattern.flags)))
    except (re.error, TypeError, ValueError):
        return pattern
    if chars is None or may_be_empty or not chars:
        return pattern
    return Prefiltered(pattern, re.compile("[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"))


def _first_chars(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """(characters a match can start with or None for unknown, whether the sequence may match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op is _c.AT and av is _c.AT_BEGINNING_STRING:
            continue
        if op is _c.LITERAL:
            return out | {chr(av)}, False
        if op is _c.IN:
            chars = _class_chars(av)
            return (None, False) if chars is None else (out | chars, False)
        if op is _c.BRANCH:
            return _branch(out, av[1])
        if op is _c.SUBPATTERN or op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            sub = av[3] if op is _c.SUBPATTERN else av[2]
            chars, empty = _first_chars(list(sub))
            if chars is None:
                return None, False
            out |= chars
            if not (empty or (op is not _c.SUBPATTERN and av[0] == 0)):
                return out, False
            continue
        return None, False
    return out, True


def _branch(out: set[str], alternatives: list[Any]) -> tuple[set[str] | None, bool]:
    empty = False
    for alternative in alternatives:
        chars, alt_empty = _first_chars(list(alternative))
        if chars is None:
            return None, False
        out |= chars
        empty = empty or alt_empty
    return out, empty


def _class_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] <= _WIDEST_RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None  # negated classes, categories like \d, very wide ranges
    return chars
