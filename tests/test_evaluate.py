"""``jixiao evaluate`` on the test report: the shared tagging path, metrics.json, reports, gate.

The command is run through a one-command Typer app built here from ``evaluate`` itself, the
same function ``jixiao evaluate`` registers; ``jixiao tag`` is run through the real CLI.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from jixiao.cli.evaluate_cmd import evaluate
from jixiao.cli.main import app as jixiao
from jixiao.document.model import CATEGORIES, KINDS, LABELS
from jixiao.model_files import folder_hash
from jixiao.loading import bundled_model_path

ROOT = Path(__file__).resolve().parent.parent
TEST_ID = "001_f25cf90dc0a01762"
STABLE_KEYS = (
    [f"spans.{k}.{m}" for k in (*LABELS, "micro") for m in ("p", "r", "f1", "support")]
    + [f"spans.partial.{k}.f1" for k in LABELS] + ["values.accuracy", "values.matched"]
    + [f"kind.{k}.{m}" for k in KINDS for m in ("p", "r", "f1")] + ["kind.macro_f1", "kind.accuracy"]
    + [f"categories.{k}.{m}" for k in CATEGORIES for m in ("p", "r", "f1", "support")]
    + [f"categories.micro.{m}" for m in ("p", "r", "f1")] + ["categories.macro_f1"]
)


def run_evaluate(*args: str):  # type: ignore[no-untyped-def]
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.command()(evaluate)
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def test_split_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eval") / "test"
    result = run_evaluate("--split", "test", "--corpus", str(ROOT / "corpus"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def flat(metrics: dict[str, Any]) -> dict[str, float]:
    from jixiao.evaluation.score import flatten

    return flatten(metrics)


def test_scored_predictions_are_what_tag_outputs(test_split_run: Path, tmp_path: Path) -> None:
    tagged = tmp_path / "tagged.jsonl"
    result = CliRunner().invoke(jixiao, ["tag", str(ROOT / "corpus" / "raw" / f"{TEST_ID}.txt"), "-o", str(tagged), "-q"])
    assert result.exit_code == 0, result.output
    by_tag = json.loads(tagged.read_text("utf-8"))
    scored = [json.loads(line) for line in (test_split_run / "predictions.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in scored] == [TEST_ID]
    assert scored[0]["text"] == by_tag["text"]
    assert scored[0]["spans"] == by_tag["spans"] and len(by_tag["spans"]) > 100
    assert scored[0]["sentences"] == by_tag["sentences"]
    assert scored[0]["model"] == by_tag["model"]


def test_predictions_file_is_what_was_scored(test_split_run: Path) -> None:
    """Recount the span errors from predictions.jsonl and gold: metrics.json must agree."""
    from jixiao.document.jsonl import read_documents

    gold = read_documents(ROOT / "corpus" / "gold" / f"{TEST_ID}.jsonl")[0]
    pred = read_documents(test_split_run / "predictions.jsonl")[0]
    metrics = read_json(test_split_run / "metrics.json")
    g = {(s.start, s.end, s.label) for s in gold.spans}
    p = {(s.start, s.end, s.label) for s in pred.spans}
    micro = metrics["spans"]["micro"]
    assert micro["support"] == len(g)
    assert micro["p"] == pytest.approx(len(g & p) / len(p)) and micro["r"] == pytest.approx(len(g & p) / len(g))


def test_metrics_json_has_the_stable_keys_and_provenance(test_split_run: Path) -> None:
    metrics = read_json(test_split_run / "metrics.json")
    figures = flat(metrics)
    missing = [k for k in STABLE_KEYS if k not in figures]
    assert not missing
    assert all(0.0 <= figures[k] <= 1.0 for k in STABLE_KEYS if k.rsplit(".", 1)[-1] in ("p", "r", "f1", "accuracy", "macro_f1"))
    assert metrics["data"]["sha256"] == hashlib.sha256((ROOT / "corpus" / "gold" / f"{TEST_ID}.jsonl").read_bytes()).hexdigest()
    assert metrics["data"]["documents"] == 1 and metrics["documents"] == 1
    assert metrics["model"]["name"] and "version" in metrics["model"]
    identity = metrics["model_identity"]
    assert identity["hash"] == folder_hash(bundled_model_path()), "the model's content hash, from its files"
    assert identity["backends"] == {"quantities": "rules", "issues": "linear"}
    assert metrics["commit"] is None or len(metrics["commit"]) == 40
    assert metrics["dirty"] in (True, False, None)
    assert len(metrics["kind"]["confusion"]["matrix"]) == len(KINDS)


def test_reports_list_every_error_in_context(test_split_run: Path) -> None:
    from jixiao.document.jsonl import read_documents

    gold = read_documents(ROOT / "corpus" / "gold" / f"{TEST_ID}.jsonl")[0]
    pred = read_documents(test_split_run / "predictions.jsonl")[0]
    g = {(s.start, s.end, s.label) for s in gold.spans}
    p = {(s.start, s.end, s.label) for s in pred.spans}
    md = (test_split_run / "report.md").read_text("utf-8")
    page = (test_split_run / "report.html").read_text("utf-8")
    for start, end, label in (p - g) | (g - p):
        assert f"| {TEST_ID} | {start}–{end} | {label} |" in md
        assert f"<td class=n>{start}–{end}</td><td>{label}</td>" in page
    metrics = read_json(test_split_run / "metrics.json")
    matrix = metrics["kind"]["confusion"]["matrix"]
    kind_errors = sum(matrix[i][j] for i in range(3) for j in range(3) if i != j)
    assert f"### Sentence kind errors ({kind_errors})" in md
    assert page.count("<mark>") >= len(p ^ g) + kind_errors
    assert "<svg" in page and "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_known_errors_in_a_built_file(tmp_path: Path) -> None:
    """Gold built here with one span left out, one invented and one wrong value: each must show."""
    text = "项目预算487万元，执行率为98.16%。\n存在问题：合同管理不规范。"
    rate, problem = text.index("98.16%"), text.index("存在")
    gold = {"id": "built", "text": text, "meta": {},
            "spans": [{"start": 4, "end": 9, "label": "AMOUNT", "value": "4870", "unit": "元"},
                      {"start": 0, "end": 2, "label": "COUNT", "value": "1", "unit": "项"}],
            "sentences": [{"start": 0, "end": problem - 1, "kind": "none", "categories": []},
                          {"start": problem, "end": len(text), "kind": "problem", "categories": ["contract_rigor"]}]}
    assert text[4:9] == "487万元"
    data = tmp_path / "built.jsonl"
    data.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_evaluate("--data", str(data), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    metrics = read_json(out / "metrics.json")
    assert metrics["values"]["matched"] == 1 and metrics["values"]["accuracy"] == 0.0
    page = (out / "report.html").read_text("utf-8")
    assert f'<tr class="fp"><td>built</td><td class=n>{rate}–{rate + 6}</td><td>RATE</td><td class=ctx>项目预算487万元，执行率为<mark>98.16%</mark>' in page
    assert '<tr class="fn"><td>built</td><td class=n>0–2</td><td>COUNT</td><td class=ctx><mark>项目</mark>预算' in page
    assert "gold 4870 元; predicted 4870000 元" in page
    md = (out / "report.md").read_text("utf-8")
    assert "执行率为**【98.16%】**。⏎存在问题" in md


def write_thresholds(path: Path, table: dict[str, float]) -> Path:
    path.write_text("[min]\n" + "".join(f'"{k}" = {v}\n' for k, v in table.items()), encoding="utf-8")
    return path


def test_gate_names_the_metric_and_both_figures(test_split_run: Path, tmp_path: Path) -> None:
    figures = flat(read_json(test_split_run / "metrics.json"))
    th = write_thresholds(tmp_path / "th.toml", {"spans.micro.f1": 1.01, "kind.macro_f1": 0.0, "spans.AMUONT.f1": 0.5})
    result = run_evaluate("--split", "test", "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path / "o"), "--thresholds", str(th), "-q")
    assert result.exit_code == 1
    assert f"spans.micro.f1: {figures['spans.micro.f1']:.4f} is below the minimum 1.0100" in result.stderr
    assert "spans.AMUONT.f1: no such metric (minimum 0.5000); did you mean 'spans.AMOUNT.f1'?" in result.stderr
    assert "kind.macro_f1" not in result.stderr
    assert (tmp_path / "o" / "report.html").exists()  # the reports are written even when the gate fails


def test_gate_passes_at_the_measured_figures(test_split_run: Path, tmp_path: Path) -> None:
    figures = flat(read_json(test_split_run / "metrics.json"))
    th = write_thresholds(tmp_path / "th.toml", {k: figures[k] for k in STABLE_KEYS if not k.endswith("support")})
    result = run_evaluate("--split", "test", "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path / "o"), "--thresholds", str(th))
    assert result.exit_code == 0, result.stderr
    assert "gate passed" in result.stderr


def test_shipped_thresholds_pass_on_the_test_split(tmp_path: Path) -> None:
    result = run_evaluate("--split", "test", "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path / "o"),
                          "--thresholds", str(ROOT / "eval" / "thresholds.toml"), "-q")
    assert result.exit_code == 0, result.stderr


def test_baseline_gate(test_split_run: Path, tmp_path: Path) -> None:
    metrics = read_json(test_split_run / "metrics.json")
    better = json.loads(json.dumps(metrics))
    better["spans"]["micro"]["f1"] += 0.05
    better["spans"]["micro"]["support"] += 100  # counts are not scores: a change is no regression
    (tmp_path / "better.json").write_text(json.dumps(better), encoding="utf-8")
    args = ["--split", "test", "--corpus", str(ROOT / "corpus"), "--out", str(tmp_path / "o"), "-q", "--baseline"]
    strict = run_evaluate(*args, str(tmp_path / "better.json"), "--max-drop", "0.01")
    assert strict.exit_code == 1
    assert "spans.micro.f1" in strict.stderr and "dropped 0.0500" in strict.stderr and "support" not in strict.stderr
    assert run_evaluate(*args, str(tmp_path / "better.json"), "--max-drop", "0.06").exit_code == 0
    assert run_evaluate(*args, str(test_split_run / "metrics.json")).exit_code == 0


def test_compare_prints_both_files_with_deltas(test_split_run: Path, tmp_path: Path) -> None:
    metrics = read_json(test_split_run / "metrics.json")
    worse = json.loads(json.dumps(metrics))
    worse["kind"]["macro_f1"] -= 0.25
    (tmp_path / "b.json").write_text(json.dumps(worse), encoding="utf-8")
    result = run_evaluate("--compare", str(test_split_run / "metrics.json"), str(tmp_path / "b.json"))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if " kind.macro_f1 " in line)
    assert f"{metrics['kind']['macro_f1']:.4f}" in row and f"{metrics['kind']['macro_f1'] - 0.25:.4f}" in row and "-0.2500" in row
    assert "spans.AMOUNT.f1" not in result.stdout, "unchanged figures are left out by default"
    total = len([k for k in flat(metrics)])
    assert f"1 of {total} figures" in result.stdout
    assert metrics["model_identity"]["hash"] in result.stdout and metrics["data"]["sha256"][:16] in result.stdout
    everything = run_evaluate("--compare", str(test_split_run / "metrics.json"), str(tmp_path / "b.json"), "--all")
    out = everything.stdout
    assert out.index("spans.AMOUNT.f1") < out.index("kind.macro_f1") < out.index("categories.micro.f1")
    assert f"{total} of {total} figures" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--data", "missing.jsonl"], 2, "missing.jsonl: cannot read"),
        (["--data", "bad.jsonl"], 2, "bad.jsonl:2: not JSON"),
        (["--split", "nosuch"], 1, "--split 'nosuch' is not a split; choose one of train, dev, test, shift"),
        (["--split", "test", "--corpus", "elsewhere"], 2, "elsewhere: no such corpus folder (pass --corpus"),
        (["--data", "ok.jsonl", "--thresholds", "bad.toml"], 2, "bad.toml: needs a [min] table"),
        (["--data", "ok.jsonl", "--thresholds", "quoted.toml"], 2,
         "quoted.toml: minimum of 'kind.macro_f1' is not a number (write it as a number, not '0.9'"),
        (["--data", "ok.jsonl", "--baseline", "bad.jsonl"], 2, "bad.jsonl: not JSON"),
        (["--data", "ok.jsonl", "--max-drop", "0.1"], 1, "--max-drop needs --baseline"),
        (["--data", "ok.jsonl", "--split", "test"], 1, "either --data FILE or --split NAME"),
        ([], 1, "either --data FILE or --split NAME"),
        (["--data", "ok.jsonl", "--all"], 1, "--all goes with --compare A.json B.json"),
        (["--compare", "m.json", "missing.json"], 2, "missing.json: cannot read"),
        (["--compare", "ok.jsonl", "m.json"], 2, "ok.jsonl: not a metrics.json of jixiao evaluate"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               args: list[str], code: int, message: str) -> None:
    (tmp_path / "ok.jsonl").write_text('{"id": "a", "text": "预算487万元。"}\n', encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "text": "x"}\n{"id": \n', encoding="utf-8")
    (tmp_path / "bad.toml").write_text('["spans.AMOUNT.f1"]\nmin = 0.9\n', encoding="utf-8")
    (tmp_path / "quoted.toml").write_text('[min]\n"kind.macro_f1" = "0.9"\n', encoding="utf-8")
    (tmp_path / "m.json").write_text('{"kind": {"macro_f1": 0.9}}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "splits.json").write_text('{"test": ["a"]}', encoding="utf-8")
    result = run_evaluate(*args, "--out", str(tmp_path / "o"))
    assert result.exit_code == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_a_misspelled_kind_or_label_is_named_not_a_traceback(tmp_path: Path) -> None:
    """A gold file with a kind or label outside the scheme is refused in one line by evaluate and by
    corpus agree (a misspelled kind used to end in a KeyError, a misspelled label be scored)."""
    gold = ROOT / "corpus" / "gold" / f"{TEST_ID}.jsonl"
    good = json.loads(gold.read_text("utf-8").splitlines()[0])
    bad_kind = json.loads(json.dumps(good))
    first = next(s for s in bad_kind["sentences"] if s.get("kind") == "problem")
    first["kind"] = "probelm"
    bad_label = json.loads(json.dumps(good))
    bad_label["spans"][0]["label"] = "MONEY"
    overlapping = json.loads(json.dumps(good))
    first_span = overlapping["spans"][0]
    overlapping["spans"].append({**first_span, "end": first_span["end"] + 1})
    twice = json.loads(json.dumps(good))
    twice["sentences"].append(twice["sentences"][0])
    first_sentence = twice["sentences"][0]
    for name, doc, wrong in (("kind.jsonl", bad_kind, "kind 'probelm'"), ("label.jsonl", bad_label, "label 'MONEY'"),
                             ("o1.jsonl", overlapping, f"spans {first_span['start']}-{first_span['end']} and "
                                                      f"{first_span['start']}-{first_span['end'] + 1} overlap"),
                             ("o2.jsonl", twice, f"sentences {first_sentence['start']}-{first_sentence['end']} and "
                                                 f"{first_sentence['start']}-{first_sentence['end']} overlap")):
        path = tmp_path / name
        path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        for args in (["evaluate", "--data", str(path), "--out", str(tmp_path / "out")], ["corpus", "agree", str(path), str(gold)]):
            result = CliRunner().invoke(jixiao, args)
            assert result.exit_code in (1, 2) and (result.exception is None or isinstance(result.exception, SystemExit)), result.output
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and wrong in lines[0] and "jixiao corpus validate" in lines[0], (args, lines)
    assert not (tmp_path / "out").exists()


def test_a_baseline_of_other_data_is_named_with_a_warning(test_split_run: Path, tmp_path: Path) -> None:
    """--baseline gates against figures of the same gold data; a metrics.json of other data (here the
    test report's, against the dev report) gets a warning line, and of the same data none."""
    base = test_split_run / "metrics.json"
    other = run_evaluate("--split", "dev", "--corpus", str(ROOT / "corpus"), "--baseline", str(base), "--max-drop", "1",
                         "--out", str(tmp_path / "dev"))
    assert other.exit_code == 0, other.output
    assert f"warning: --baseline {base} measured other data (" in other.stderr and "splits.json#test" in other.stderr
    same = run_evaluate("--split", "dev", "--corpus", str(ROOT / "corpus"), "--baseline", str(tmp_path / "dev" / "metrics.json"),
                        "--out", str(tmp_path / "again"))
    assert same.exit_code == 0 and "warning" not in same.stderr, same.stderr
