"""Reliability of the classifier's scores: does a kind_score of 0.8 mean right four times in five?

Pure functions over (confidence, correct) pairs, tested against hand-computed cases. The
evaluation reports bin the predicted kinds by ``kind_score`` and the assigned categories by their
category score, and show per bin the mean score against the observed accuracy (a reliability
curve), plus the expected calibration error (ECE): the bins' absolute gaps weighted by their size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DEFAULT_BINS = 10


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """Equal-width bins over [0, 1]: per non-empty bin its range, count, mean confidence and
    accuracy; ``ece`` over all of them (0 when there is nothing to bin)."""
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct differ in length")
    if bins < 1:
        raise ValueError("bins must be at least 1")
    members: list[list[int]] = [[] for _ in range(bins)]
    for i, c in enumerate(confidences):
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is outside [0, 1]")
        members[min(int(c * bins), bins - 1)].append(i)
    rows = []
    gap = 0.0
    for b, idx in enumerate(members):
        if not idx:
            continue
        mean = sum(confidences[i] for i in idx) / len(idx)
        acc = sum(1 for i in idx if correct[i]) / len(idx)
        gap += len(idx) * abs(mean - acc)
        rows.append({"low": b / bins, "high": (b + 1) / bins, "count": len(idx), "confidence": mean, "accuracy": acc})
    return {"bins": rows, "ece": gap / len(confidences) if confidences else 0.0, "count": len(confidences)}
