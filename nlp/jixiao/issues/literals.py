"""What literal strings a keyword pattern needs: its whole language when that is a finite set of
strings, else strings of which every match contains one.

The keyword lists (``keywords.yaml``) are regular expressions, but most are finite sets of words
written as regexes (「挤占|挪用|截留」, 「(仅|只)(为|有|占|完成)」, 「已(全部)?(完成|解决|整改)」).
Knowing the strings lets ``scanner.KeywordScanner`` find every group in one multi-pattern pass
over all sentences, and run a regular expression only where one of its required strings occurs.

Only a small, common subset of the syntax is read — literal characters, escaped punctuation,
groups ``(…)`` and ``(?:…)`` with ``|``, simple character classes ``[…]`` and the quantifiers
``? * + {m,n}``. Everything else (``.``, ``\\d``, ``^``, negated classes, look-arounds, …) is
"unknown": it can make a pattern infinite or unknowable, never give a wrong answer. A pattern the
reader cannot follow at all gets no literals and is always run as a regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from typing import Protocol

from jixiao.lazy_regex import Regex

LANGUAGE_LIMIT = 20_000  # larger finite languages are treated as infinite
_META = set(".^$*+?{}[]\\|()")
_CLASS_ESCAPES = set("dDsSwWbBAZ")  # \d, \s, … : character sets or positions, unknown here
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


class Unsupported(ValueError):
    """A construct the reader does not follow (the pattern is then run as it is)."""


@dataclass(frozen=True)
class Needs:
    """What a pattern needs: ``language`` is every string it can match (finite patterns only, else
    None); ``required`` is a set of strings one of which every match contains (None: no such set
    is known, the pattern must be tried on every text)."""

    language: frozenset[str] | None
    required: frozenset[str] | None


def pattern_needs(pattern: Regex) -> Needs:
    """The literals of a compiled pattern; patterns with flags beyond the default need every text."""
    if pattern.flags & ~re.UNICODE:
        return Needs(None, None)
    try:
        node, end = _Parser(pattern.pattern).alternation(0)
    except Unsupported:
        return Needs(None, None)
    if end != len(pattern.pattern):
        return Needs(None, None)
    language = node.language()
    if language is not None:
        return Needs(frozenset(language), frozenset(language) if "" not in language else None)
    required = node.required()
    return Needs(None, frozenset(required) if required is not None and "" not in required else None)


class _Node(Protocol):
    """A piece of a parsed pattern."""

    def language(self) -> set[str] | None:
        """Every string the piece matches, or None (infinite, unknown or too large)."""

    def required(self) -> set[str] | None:
        """Strings one of which every match of the piece contains, or None."""


@dataclass(frozen=True)
class _Literal:
    strings: frozenset[str]

    def language(self) -> set[str] | None:
        return set(self.strings)

    def required(self) -> set[str] | None:
        return None if "" in self.strings else set(self.strings)


@dataclass(frozen=True)
class _Unknown:
    def language(self) -> set[str] | None:
        return None

    def required(self) -> set[str] | None:
        return None


@dataclass(frozen=True)
class _Alternation:
    branches: tuple[_Node, ...]

    def language(self) -> set[str] | None:
        out: set[str] = set()
        for branch in self.branches:
            strings = branch.language()
            if strings is None or len(out) + len(strings) > LANGUAGE_LIMIT:
                return None
            out |= strings
        return out

    def required(self) -> set[str] | None:
        out: set[str] = set()
        for branch in self.branches:
            strings = branch.required()
            if strings is None:
                return None
            out |= strings
        return out


@dataclass(frozen=True)
class _Sequence:
    items: tuple[_Node, ...]

    def language(self) -> set[str] | None:
        out = {""}
        for item in self.items:
            strings = item.language()
            if strings is None or len(out) * len(strings) > LANGUAGE_LIMIT:
                return None
            out = {a + b for a, b in product(out, strings)}
        return out

    def required(self) -> set[str] | None:
        """The best required set among runs of consecutive finite items (their concatenations)
        and the items' own required sets: the one whose shortest string is longest, which a
        multi-pattern scan finds least often."""
        candidates: list[set[str]] = []
        run = {""}  # the concatenations of the finite items since the last infinite one
        for item in self.items:
            strings = item.language()
            if strings is not None and len(run) * len(strings) <= LANGUAGE_LIMIT:
                run = {a + b for a, b in product(run, strings)}
                continue
            repeated = item.item.language() if isinstance(item, _Repeat) and item.low >= 1 else None
            if repeated is not None and len(run) * len(repeated) <= LANGUAGE_LIMIT:
                # X+ is X X* and X* X: the run goes on into the first repetition, a new one starts
                # with the last
                candidates.append({a + b for a, b in product(run, repeated)})
                run = set(repeated)
                continue
            candidates.append(run)
            run = set(strings) if strings is not None else {""}
            own = item.required()
            if own is not None:
                candidates.append(own)
        candidates.append(run)
        candidates = [c for c in candidates if c and "" not in c]
        if not candidates:
            return None
        return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


@dataclass(frozen=True)
class _Repeat:
    item: _Node
    low: int
    high: int | None  # None: no upper bound

    def language(self) -> set[str] | None:
        if self.high is None:
            return None
        strings = self.item.language()
        if strings is None:
            return None
        if strings == {""}:  # (?:){20000000}: nothing to repeat
            return {""}
        out: set[str] = set()
        current = {""}
        for count in range(self.high + 1):
            if count >= self.low:
                out |= current
            if len(out) > LANGUAGE_LIMIT:
                return None
            if count < self.high:
                if len(current) * len(strings) > LANGUAGE_LIMIT:
                    return None
                current = {a + b for a, b in product(current, strings)}
        return out

    def required(self) -> set[str] | None:
        return self.item.required() if self.low >= 1 else None


class _Parser:
    """A recursive-descent reader of the subset described in the module docstring."""

    def __init__(self, text: str) -> None:
        self.text = text

    def alternation(self, at: int) -> tuple[_Node, int]:
        branches: list[_Node] = []
        node, at = self.sequence(at)
        branches.append(node)
        while at < len(self.text) and self.text[at] == "|":
            node, at = self.sequence(at + 1)
            branches.append(node)
        return (branches[0] if len(branches) == 1 else _Alternation(tuple(branches))), at

    def sequence(self, at: int) -> tuple[_Node, int]:
        items: list[_Node] = []
        while at < len(self.text) and self.text[at] not in "|)":
            atom, at = self.atom(at)
            atom, at = self.quantified(atom, at)
            items.append(atom)
        return _Sequence(tuple(items)), at

    def atom(self, at: int) -> tuple[_Node, int]:
        ch = self.text[at]
        if ch == "(":
            if self.text.startswith("(?:", at):
                start = at + 3
            elif self.text.startswith("(?", at):
                raise Unsupported("group extension")
            else:
                start = at + 1
            node, end = self.alternation(start)
            if end >= len(self.text) or self.text[end] != ")":
                raise Unsupported("unbalanced group")
            return node, end + 1
        if ch == "[":
            return self.char_class(at)
        if ch == "\\":
            if at + 1 >= len(self.text):
                raise Unsupported("trailing backslash")
            escaped = self.text[at + 1]
            if escaped in _CLASS_ESCAPES:
                return _Unknown(), at + 2
            if escaped.isalnum() or not escaped.isascii():  # \1, \n, \x41, \u4e00, …
                raise Unsupported(f"escape \\{escaped}")
            return _Literal(frozenset({escaped})), at + 2
        if ch in ".^$":
            return _Unknown(), at + 1
        if ch in "*+?{":
            raise Unsupported("quantifier without an atom")
        return _Literal(frozenset({ch})), at + 1

    def char_class(self, at: int) -> tuple[_Node, int]:
        """``[abc]`` as the set of its characters; negated classes, ranges and escapes: unknown."""
        end = at + 1
        if end < len(self.text) and self.text[end] == "^":
            end += 1
        if end < len(self.text) and self.text[end] == "]":  # a first ] (after ^ too) is a literal
            end += 1
        while end < len(self.text) and self.text[end] != "]":
            end += 2 if self.text[end] == "\\" else 1
        if end >= len(self.text):
            raise Unsupported("unbalanced class")
        body = self.text[at + 1:end]
        # a - is a literal only as the one first or last character ([-a], [a-]); [!--] is a range
        plain_dash = "-" not in body or (body.count("-") == 1 and (body[0] == "-" or body[-1] == "-"))
        if body.startswith("^") or "\\" in body or not plain_dash or "[" in body:
            return _Unknown(), end + 1
        return _Literal(frozenset(body)), end + 1

    def quantified(self, atom: _Node, at: int) -> tuple[_Node, int]:
        if at >= len(self.text):
            return atom, at
        ch = self.text[at]
        if ch == "{":
            match = _QUANTIFIER.match(self.text, at)
            low_text, comma, high_text = match.groups() if match else ("", None, "")
            if not low_text and not comma:  # 「{」 or 「{}」: a literal brace to Python's engine
                return atom, at
            low = int(low_text or 0)
            high = (int(high_text) if high_text else None) if comma else low
            node, at = _Repeat(atom, low, high), match.end()
        elif ch == "?":
            node, at = _Repeat(atom, 0, 1), at + 1
        elif ch == "*":
            node, at = _Repeat(atom, 0, None), at + 1
        elif ch == "+":
            node, at = _Repeat(atom, 1, None), at + 1
        else:
            return atom, at
        if at < len(self.text) and self.text[at] == "?":  # lazy: the same strings
            at += 1
        elif at < len(self.text) and self.text[at] == "+":  # possessive: a?+a never matches "a"
            raise Unsupported("possessive quantifier")
        if at < len(self.text) and self.text[at] in "*+?{":
            raise Unsupported("repeated quantifier")
        return node, at
