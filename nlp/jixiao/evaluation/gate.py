"""The CI gate: minimum figures from a TOML file, and the largest allowed drop from a baseline.

Both checks work on the dotted keys of ``flatten(metrics)``. A key the thresholds name but the
metrics lack is a failure, not a pass: a typo or a part that was not scored must not let a
regression through.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.evaluation.score import flatten

TOLERANCE = 1e-9


class GateFileError(ValueError):
    """A thresholds or baseline file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Failure:
    metric: str
    actual: float | None
    limit: float | None
    reason: str

    def message(self) -> str:
        return f"{self.metric}: {self.reason}"


def read_thresholds(path: Path) -> dict[str, float]:
    """The [min] table of a thresholds file: dotted metric path → minimum."""
    data = _parsed(path, tomllib.loads, tomllib.TOMLDecodeError, "TOML")
    table = data.get("min")
    if not isinstance(table, dict) or not table:
        raise GateFileError(f"{path}: needs a [min] table of \"dotted.metric\" = minimum")
    bad = [k for k, v in table.items() if isinstance(v, bool) or not isinstance(v, (int, float))]
    if bad:
        hint = ("quote dotted keys: \"spans.AMOUNT.f1\" = 0.97" if isinstance(table[bad[0]], dict)
                else f"write it as a number, not {table[bad[0]]!r}: \"{bad[0]}\" = 0.97")
        raise GateFileError(f"{path}: minimum of {bad[0]!r} is not a number ({hint})")
    return {k: float(v) for k, v in table.items()}


def read_metrics(path: Path) -> dict[str, Any]:
    """A metrics.json written by ``jixiao evaluate``."""
    data = _parsed(path, json.loads, json.JSONDecodeError, "JSON")
    if not isinstance(data, dict):
        raise GateFileError(f"{path}: not a metrics.json (expected an object)")
    if not {"spans", "kind", "categories"} & set(data):  # any other JSON object would compare as all-different
        raise GateFileError(f"{path}: not a metrics.json of jixiao evaluate (no spans, kind or categories figures)")
    return data


def _parsed(path: Path, parse: Callable[[str], Any], error: type[Exception], kind: str) -> Any:
    """The file parsed, or a GateFileError naming it and why."""
    try:
        return parse(path.read_text("utf-8"))
    except OSError as exc:
        raise GateFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except (error, UnicodeDecodeError) as exc:
        raise GateFileError(f"{path}: not {kind} ({exc})") from exc


def check_minimums(metrics: dict[str, Any], minimums: dict[str, float]) -> list[Failure]:
    flat = flatten(metrics)
    failures = []
    for key, minimum in minimums.items():
        if key not in flat:
            close = difflib.get_close_matches(key, [k for k, v in flat.items() if isinstance(v, (int, float))], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            failures.append(Failure(key, None, minimum, f"no such metric (minimum {minimum:.4f}){hint}"))
        elif flat[key] < minimum - TOLERANCE:
            failures.append(Failure(key, flat[key], minimum, f"{flat[key]:.4f} is below the minimum {minimum:.4f}"))
    return failures


def check_baseline(metrics: dict[str, Any], baseline: dict[str, Any], max_drop: float,
                   score_names: tuple[str, ...]) -> list[Failure]:
    """Every score of the baseline that fell by more than ``max_drop`` (or is no longer measured)."""
    flat, base = flatten(metrics), flatten(baseline)
    failures = []
    for key, before in base.items():
        if key.rsplit(".", 1)[-1] not in score_names:
            continue
        if key not in flat:
            failures.append(Failure(key, None, before, f"in the baseline ({before:.4f}) but not measured now"))
        elif before - flat[key] > max_drop + TOLERANCE:
            failures.append(Failure(key, flat[key], before,
                                    f"{flat[key]:.4f} dropped {before - flat[key]:.4f} from the baseline {before:.4f} "
                                    f"(more than the allowed {max_drop:.4f})"))
    return failures
