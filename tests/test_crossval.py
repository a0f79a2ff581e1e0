"""Cross-validation output a paper can cite: chosen folds, per-fold spread, bootstrap intervals whose
point is the pooled figure, data hashes and the exact command (on the real corpus, rules only)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.evaluation import cv_stats
from jixiao.evaluation.crossval import HeldOut, choose_folds, pooled, run_issues, run_spans
from jixiao.evaluation.data import read_split
from jixiao.evaluation.score import flatten
from jixiao.quantities.rules import RuleExtractor
from jixiao.training.data import data_hash, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus() -> list:  # type: ignore[type-arg]
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def runs(corpus: list) -> tuple[HeldOut, HeldOut]:  # type: ignore[type-arg]
    folds = choose_folds(corpus, ["1", "003"])
    return (run_spans(corpus, {"rules": lambda train: RuleExtractor()}, folds),
            run_issues(corpus, ["rules"], folds))


def test_folds_are_chosen_by_number_or_report(corpus: list) -> None:  # type: ignore[type-arg]
    assert [f.number for f in choose_folds(corpus)] == [1, 2, 3, 4, 5]
    chosen = choose_folds(corpus, ["003", "1"])
    assert [(f.number, f.test_id[:3]) for f in chosen] == [(1, "000"), (4, "003")]
    assert chosen[0].test_id not in chosen[0].train_ids and len(chosen[0].train_ids) == len(corpus) - 1
    with pytest.raises(ValueError, match="fold '9' matches no fold; the folds are 1 \\(000_"):
        choose_folds(corpus, ["9"])
    with pytest.raises(ValueError, match="matches several folds"):
        choose_folds(corpus, ["00"])


def test_bootstrap_points_are_the_pooled_figures(runs: tuple[HeldOut, HeldOut]) -> None:
    for run, spans in zip(runs, (True, False)):
        figures = flatten(pooled(run, spans)["rules"])
        intervals = cv_stats.bootstrap(run, spans, resamples=300)["rules"]
        for name, entry in intervals.items():
            assert entry["value"] == pytest.approx(figures[name]), name
            assert entry["low"] <= entry["value"] <= entry["high"], name
        wide = intervals["categories.micro.f1"] if not spans else intervals["spans.COUNT.f1"]
        assert wide["high"] - wide["low"] > 0.01, "few held-out items: the interval is not a point"
    again = cv_stats.bootstrap(runs[1], False, resamples=300)
    assert again == cv_stats.bootstrap(runs[1], False, resamples=300), "seeded: the same intervals every time"


def test_per_fold_figures_are_each_reports_own(runs: tuple[HeldOut, HeldOut]) -> None:
    from jixiao.evaluation.score import score_documents

    run = runs[1]
    per_fold = cv_stats.fold_figures(run, spans=False)["rules"]
    own = score_documents([run.gold[1]], [run.predictions["rules"][1]], spans=False)[0]
    assert per_fold[1]["kind.macro_f1"] == own["kind"]["macro_f1"]
    spread = cv_stats.summarise({"rules": per_fold})["rules"]["kind.macro_f1"]
    values = [f["kind.macro_f1"] for f in per_fold]
    assert spread["mean"] == pytest.approx(np.mean(values)) and spread["sd"] == pytest.approx(np.std(values, ddof=1))
    assert spread["n"] == 2 and spread["min"] == min(values)


def test_f1_from_counts_follows_the_metrics_conventions() -> None:
    counts = np.array([[3, 1, 0], [0, 0, 0], [0, 2, 1]])  # a label nobody expected or predicted is left out
    assert cv_stats.f1(counts).tolist() == pytest.approx([6 / 7, 1.0, 0.0])
    assert float(cv_stats.macro_f1(counts)) == pytest.approx((6 / 7 + 0.0) / 2)
    assert float(cv_stats.micro_f1(counts)) == pytest.approx(6 / (6 + 3 + 1))


def test_crossval_command_writes_paper_ready_results(tmp_path: Path, corpus: list) -> None:  # type: ignore[type-arg]
    out = tmp_path / "cv"
    result = CliRunner().invoke(app, ["crossval", "--out", str(out), "--corpus", str(CORPUS), "--systems", "rules",
                                      "--backends", "rules", "--folds", "2", "--bootstrap", "200"])
    assert result.exit_code == 0, result.output
    assert "fold 2 (001_f25cf90dc0a01762): rules in" in result.output, "progress per fold and system"
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    command = shlex.split(metrics["command"])
    assert command[:2] == ["jixiao", "crossval"] and command[command.index("--folds") + 1] == "2"
    assert {"--systems", "--backends", "--bootstrap", "--seed", "--shift", "--corpus", "--out"} <= set(command)
    assert metrics["data"]["corpus_hash"] == data_hash(corpus)
    (fold,) = metrics["data"]["folds"]
    held = next(d for d in corpus if d.id == "001_f25cf90dc0a01762")
    assert fold["test_hash"] == data_hash([held]) and fold["train_documents"] == len(corpus) - 1
    assert metrics["data"]["shift"]["sha256"] == read_split(CORPUS, "shift").sha256
    assert metrics["issues_detail"]["intervals"]["rules"]["kind.macro_f1"]["value"] == metrics["issues"]["rules"]["kind"]["macro_f1"]
    assert set(metrics["issues_detail"]["shift"]["rules"]) == set(cv_stats.ISSUE_FIGURES)
    assert "dirty" in metrics and "commit" in metrics
    text = (out / "RESULTS.md").read_text("utf-8")
    assert metrics["command"] in text and fold["test_hash"] in text and fold["train_hash"] in text
    assert "covers 1 fold(s) only" in text and "### Shift split" in text and "per fold, mean ± sd" in text
    kind = metrics["issues_detail"]["intervals"]["rules"]["kind.macro_f1"]
    assert f"**{kind['value']:.3f}** [{kind['low']:.3f}, {kind['high']:.3f}]" in text


def test_crossval_writes_the_held_out_predictions_when_asked(tmp_path: Path, corpus: list) -> None:  # type: ignore[type-arg]
    """--predictions leaves each system's held-out predictions beside the results, one held-out
    report a line, for reading its errors (without it, only RESULTS.md and metrics.json)."""
    from jixiao.document.jsonl import read_documents

    out = tmp_path / "cv"
    args = ["crossval", "--out", str(out), "--corpus", str(CORPUS), "--systems", "rules", "--backends", "rules",
            "--folds", "2", "--bootstrap", "200", "--no-shift"]
    result = CliRunner().invoke(app, [*args, "--predictions"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "predictions").iterdir()) == ["issues-rules.jsonl", "spans-rules.jsonl"]
    held = next(d for d in corpus if d.id == "001_f25cf90dc0a01762")
    (spans,) = read_documents(out / "predictions" / "spans-rules.jsonl")
    (sentences,) = read_documents(out / "predictions" / "issues-rules.jsonl")
    assert spans.id == sentences.id == held.id and spans.text == held.text
    assert spans.spans and {s.label for s in spans.spans} <= {"AMOUNT", "RATE", "COUNT", "MEASURE"}
    assert any(s.kind == "problem" for s in sentences.sentences)
    assert "--predictions" in shlex.split(json.loads((out / "metrics.json").read_text("utf-8"))["command"])
    plain = tmp_path / "plain"
    assert CliRunner().invoke(app, [*args[:2], str(plain), *args[3:]]).exit_code == 0
    assert not (plain / "predictions").exists()


def test_crossval_usage_errors_are_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["crossval", "--out", str(tmp_path), "--corpus", str(CORPUS), "--systems", "rules",
                                      "--no-issues", "--folds", "7"])
    assert result.exit_code == 1 and "fold '7' matches no fold" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(app, ["crossval", "--out", str(tmp_path), "--systems", "rulez"])
    assert result.exit_code == 1 and "--systems: unknown rulez" in result.output
    assert not (tmp_path / "RESULTS.md").exists()
