"""Reliability bins and ECE against hand-computed cases."""

from __future__ import annotations

import pytest

from jixiao.evaluation.calibration import reliability


def test_two_bins_by_hand() -> None:
    # bin [0.5, 1.0): 0.6 right, 0.9 wrong -> mean 0.75, accuracy 0.5; bin [0, 0.5): 0.2 right -> 0.2 vs 1.0
    curve = reliability([0.6, 0.9, 0.2], [True, False, True], bins=2)
    assert [(b["count"], round(b["confidence"], 4), b["accuracy"]) for b in curve["bins"]] == [(1, 0.2, 1.0), (2, 0.75, 0.5)]
    assert curve["ece"] == pytest.approx((1 * 0.8 + 2 * 0.25) / 3)


def test_perfectly_calibrated_and_edges() -> None:
    curve = reliability([1.0, 1.0, 0.0], [True, True, False], bins=10)
    assert curve["ece"] == 0.0 and [b["high"] for b in curve["bins"]] == [0.1, 1.0]
    assert reliability([], [])["ece"] == 0.0
    with pytest.raises(ValueError):
        reliability([1.2], [True])
    with pytest.raises(ValueError):
        reliability([0.5], [True, False])
