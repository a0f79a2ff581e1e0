"""Two metrics.json side by side: every number either has, with the change from A to B."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.evaluation.score import flatten


@dataclass(frozen=True)
class Row:
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a


def compare_rows(a: dict[str, Any], b: dict[str, Any], first: Sequence[str] = ()) -> list[Row]:
    """Rows for every dotted key in A or B, in the files' own order; keys under the ``first``
    parts lead, so the figures people look for come before counts and provenance."""
    fa, fb = flatten(a), flatten(b)
    keys = list(fa) + [k for k in fb if k not in fa]
    return [Row(k, fa.get(k), fb.get(k)) for k in sorted(keys, key=lambda k: _rank(k, first))]


def _rank(key: str, first: Sequence[str]) -> int:
    head = key.split(".", 1)[0]
    return list(first).index(head) if head in first else len(first)
