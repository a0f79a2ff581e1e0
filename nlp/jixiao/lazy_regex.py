"""Regular expressions compiled the first time they are used.

Compiling patterns is most of a model's start-up: CPython's ``re`` builds a table of the whole
Basic Multilingual Plane for each class of Chinese characters, a millisecond or more apiece, and
the quantity grammar and the classifier's keyword lists have hundreds. A short document needs a
third of them (the filters for signs, brackets, fractions, addresses, tiers or quotations are tried
only where such a thing occurs; a keyword pattern only where its literals occur), so a process
that tags one small file pays for what it reads, and a long run pays for each pattern once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from typing import Any

_METHODS = ("match", "search", "finditer", "fullmatch")


class LazyPattern:
    """A regular expression compiled the first time it is used, then as fast as ``re.Pattern``.

    ``match``, ``search``, ``finditer`` and ``fullmatch`` are, after the first call, the compiled
    pattern's own bound methods (stored in slots, so no wrapper runs per call); any other attribute
    (``sub``, ``findall``, ``groupindex``) is the compiled pattern's. ``pattern`` and ``flags`` are
    readable before compiling."""

    __slots__ = ("pattern", "flags", "_compiled", *_METHODS)

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        for name in _METHODS:
            setattr(self, name, self._first_call(name))

    # (declared for type checkers: the slots hold these until the first call binds the compiled ones)
    match: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]
    fullmatch: Callable[..., re.Match[str] | None]

    def _first_call(self, name: str) -> Callable[..., Any]:
        def call(text: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
            return getattr(self.compiled, name)(text, pos, endpos)
        return call

    @property
    def is_compiled(self) -> bool:
        return self._compiled is not None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
            for name in _METHODS:
                setattr(self, name, getattr(self._compiled, name))
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes that are not slots (sub, findall, groupindex, groups)
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __getstate__(self) -> tuple[str, int]:
        return self.pattern, self.flags

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


# what the grammar's and the filters' patterns are: compiled now or at the first use
Regex = re.Pattern[str] | LazyPattern


def lazy_compile(pattern: str, flags: int = 0) -> LazyPattern:
    """``re.compile`` deferred to the first use (see ``LazyPattern``)."""
    return LazyPattern(pattern, flags)


def compile_all(obj: object) -> int:
    """Compile every ``LazyPattern`` that ``obj`` holds (a dataclass such as a grammar or keyword
    rules, or tuples, lists and dicts of them), so that an invalid pattern is reported when a
    grammar or keyword file is installed or tested rather than in the middle of tagging; how many
    patterns it holds. ``re.error`` names the invalid pattern."""
    if isinstance(obj, LazyPattern):
        try:
            obj.compiled
        except re.error as exc:
            raise re.error(f"{exc.msg} in the pattern {obj.pattern!r}") from exc
        return 1
    if isinstance(obj, re.Pattern):
        return 1
    if isinstance(obj, dict):
        return sum(compile_all(value) for value in obj.values())
    if isinstance(obj, (tuple, list)):
        return sum(compile_all(value) for value in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return sum(compile_all(getattr(obj, f.name)) for f in fields(obj))
    return 0
