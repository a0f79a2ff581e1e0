"""Two metrics.json side by side: what each measured (model, data, code), and every number
either has, with the change from A to B.

A comparison is only read right against the pair it compares: two retrained models of the same
name differ in their content hash, backends and training data, two runs in their data hash and
code, so those lead, before the figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jixiao.evaluation.score import flatten

CHANGE_TOLERANCE = 1e-12  # float noise from re-computing the same figure is not a change


@dataclass(frozen=True)
class Row:
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def changed(self) -> bool:
        """The figure differs (or only one file has it)."""
        return self.delta is None or abs(self.delta) > CHANGE_TOLERANCE


def compare_rows(a: dict[str, Any], b: dict[str, Any], first: Sequence[str] = ()) -> list[Row]:
    """Rows for every dotted key in A or B, in the files' own order; keys under the ``first``
    parts lead, so the figures people look for come before counts and provenance."""
    fa, fb = flatten(a), flatten(b)
    keys = list(fa) + [k for k in fb if k not in fa]
    return [Row(k, fa.get(k), fb.get(k)) for k in sorted(keys, key=lambda k: _rank(k, first))]


def _rank(key: str, first: Sequence[str]) -> int:
    head = key.split(".", 1)[0]
    return list(first).index(head) if head in first else len(first)


def identity_rows(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(what, A, B) for the model, data and code each file measured; files written before these
    were recorded show "—"."""
    return [(what, describe(a), describe(b)) for what, describe in _IDENTITY]


def _part(metrics: dict[str, Any], *path: str) -> Any:
    value: Any = metrics
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _text(value: Any, width: int | None = None) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    text = str(value)
    return text[:width] if width else text


def _per_part(metrics: dict[str, Any], key: str, width: int | None = None) -> str:
    found = _part(metrics, "model_identity", key)
    if not isinstance(found, dict):
        return "—"
    return ", ".join(f"{part} {_text(value, width)}" for part, value in found.items())


def _code(metrics: dict[str, Any]) -> str:
    commit = _text(metrics.get("commit"), 12)
    dirty = metrics.get("dirty")
    return commit + (" + uncommitted changes" if dirty else "" if dirty is False else " (changes unknown)")


_IDENTITY = (
    ("model", lambda m: f"{_text(_part(m, 'model', 'name'))} {_text(_part(m, 'model', 'version'))}"),
    ("model hash", lambda m: _text(_part(m, "model_identity", "hash"))),
    ("backends", lambda m: _per_part(m, "backends")),
    ("trained on", lambda m: _per_part(m, "train_data", 16)),
    ("data", lambda m: _text(_part(m, "data", "path"))),
    ("data hash", lambda m: _text(_part(m, "data", "sha256"), 16)),
    ("code", _code),
    ("sentences", lambda m: f"{_text(m.get('sentence_boundaries'))} / {_text(m.get('context'))}"),
)
