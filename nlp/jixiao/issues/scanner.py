"""Which keyword groups fire in which sentences, for many groups and many sentences in one pass.

The classifier's cue features ask, for every sentence and every keyword group of
``keywords.yaml``, whether any of the group's patterns matches. Asked one group at a time, that is
a regular-expression scan of the whole text per group, and it cost a third of tagging time.
``KeywordScanner`` reads the literal strings each pattern needs (``literals.pattern_needs``), puts
all of them into one Aho-Corasick automaton (pyahocorasick) and scans the sentences once:

- a pattern whose language is a finite set of strings fires exactly where one of them occurs;
- a pattern with a required set of strings is run as a regular expression only on the sentences
  where one of them occurs (and its group has not fired already);
- any other pattern is run on every sentence where its group has not fired.

The answers are those of ``pattern.search`` on each sentence, whatever the patterns are
(tests/test_keyword_scanner.py compares both on the corpus and on generated cases).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import ahocorasick
import numpy as np

from jixiao.issues.literals import Needs, pattern_needs
from jixiao.issues.ngrams import run_starts
from jixiao.lazy_regex import Regex

SEPARATOR = "\x00"  # between sentences in the scanned text; no literal contains it


class KeywordScanner:
    """``fires(texts)``: a (texts x groups) boolean matrix, True where any pattern of the group
    matches the text (``re.Pattern.search``)."""

    def __init__(self, groups: Sequence[Sequence[Regex]]) -> None:
        self.groups = [tuple(group) for group in groups]
        self.always: list[int] = []  # groups with a pattern that matches every text (the empty string)
        self.exact_groups: dict[str, set[int]] = {}  # literal -> groups it decides
        self.triggers: dict[str, set[int]] = {}  # literal -> patterns it makes worth running
        self.checked: list[tuple[int, Regex]] = []  # (group, pattern) run as regex after a trigger
        self.unfiltered: list[tuple[int, Regex]] = []  # (group, pattern) run on every text
        for g, group in enumerate(self.groups):
            for pattern in group:
                needs = pattern_needs(pattern)
                if any(SEPARATOR in literal for literal in (needs.language or needs.required or ())):
                    needs = Needs(None, None)  # a literal with the separator could match across texts
                if needs.language is not None and "" in needs.language:
                    self.always.append(g)
                elif needs.language is not None:
                    for literal in needs.language:
                        self.exact_groups.setdefault(literal, set()).add(g)
                elif needs.required is not None:
                    for literal in needs.required:
                        self.triggers.setdefault(literal, set()).add(len(self.checked))
                    self.checked.append((g, pattern))
                else:
                    self.unfiltered.append((g, pattern))
        literals = sorted(set(self.exact_groups) | set(self.triggers))
        self.literal_groups = self._table(literals, self.exact_groups, len(self.groups))
        self.literal_triggers = self._table(literals, self.triggers, len(self.checked))
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for i, literal in enumerate(literals):
            self.automaton.add_word(literal, i)
        if literals:
            self.automaton.make_automaton()

    @property
    def has_literals(self) -> bool:
        return len(self.literal_groups) > 0

    @staticmethod
    def _table(literals: list[str], owners: dict[str, set[int]], columns: int) -> np.ndarray:
        """A (literals x columns) boolean table, True where ``owners[literal]`` holds the column."""
        table = np.zeros((len(literals), columns), dtype=bool)
        pairs = [(i, column) for i, literal in enumerate(literals) for column in owners.get(literal, ())]
        if pairs:
            rows, cols = zip(*pairs)
            table[list(rows), list(cols)] = True
        return table

    def fires(self, texts: Sequence[str]) -> np.ndarray:
        fired = np.zeros((len(texts), len(self.groups)), dtype=bool)
        if not len(texts):
            return fired
        fired[:, self.always] = True
        triggered = np.zeros((len(texts), len(self.checked)), dtype=bool)
        if self.has_literals:
            ends, ids = self._matches(texts)
            if len(ends):
                rows = np.searchsorted(self._ends(texts), ends, side="left")  # ascending, as the ends
                starts = run_starts(rows)
                fired[rows[starts]] |= np.logical_or.reduceat(self.literal_groups[ids], starts, axis=0)
                triggered[rows[starts]] = np.logical_or.reduceat(self.literal_triggers[ids], starts, axis=0)
        for p in triggered.any(axis=0).nonzero()[0]:  # most patterns are triggered nowhere in a batch
            g, pattern = self.checked[p]
            for row in (triggered[:, p] & ~fired[:, g]).nonzero()[0]:
                if pattern.search(texts[row]) is not None:
                    fired[row, g] = True
        for g, pattern in self.unfiltered:
            for row in (~fired[:, g]).nonzero()[0]:
                if pattern.search(texts[row]) is not None:
                    fired[row, g] = True
        return fired

    def _matches(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(end offset, literal id) of every literal occurrence in the joined texts."""
        found = list(self.automaton.iter(SEPARATOR.join(texts)))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # flattened first: NumPy reads a flat iterable of ints several times faster than pairs
        pairs = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=2 * len(found)).reshape(-1, 2)
        return pairs[:, 0], pairs[:, 1]

    @staticmethod
    def _ends(texts: Sequence[str]) -> np.ndarray:
        """The offset of each text's last character in the joined texts (its separator follows)."""
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        return (lengths + 1).cumsum() - 2
