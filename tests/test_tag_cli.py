"""``jixiao tag`` end to end: inputs, output shape, the errors file and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nlp.cli.main import app
from nlp.document.model import CATEGORIES, KINDS, LABELS


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["tag", *args])


def test_tags_the_five_reports(tmp_path: Path, report_paths: list[Path]) -> None:
    out = tmp_path / "out" / "tagged.jsonl"
    result = run(str(report_paths[0].parent), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records] == [p.stem for p in report_paths]
    first = records[0]
    assert first["source"] == str(report_paths[0])
    assert {"id", "text", "meta", "spans", "sentences", "tables", "model", "source"} <= set(first)
    assert {s["label"] for r in records for s in r["spans"]} == set(LABELS)
    span = next(s for s in first["spans"] if s["text"] == "4414.344467万元")
    assert span["value"] == "44143444.67" and span["unit"] == "元" and 0 <= span["score"] <= 1
    assert first["text"][span["start"] : span["end"]] == span["text"]
    assert all(s["kind"] in KINDS for r in records for s in r["sentences"])
    assert all(c in CATEGORIES for r in records for s in r["sentences"] for c in s["categories"])
    assert not (tmp_path / "out" / "tagged.jsonl.errors.jsonl").exists()
    assert not list((tmp_path / "out").glob("*.partial"))


def test_bad_files_are_listed_and_the_rest_go_on(tmp_path: Path, report_paths: list[Path]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("预算487万，执行率为98.16%。", encoding="utf-8")
    (inputs / "b.txt").write_bytes(b"")
    (inputs / "c.pdf").write_bytes(b"%PDF-1.4 broken")
    (inputs / "d.docx").write_bytes(b"garbage")
    out = tmp_path / "t.jsonl"
    result = run(str(inputs), "-o", str(out))
    assert result.exit_code == 2
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["a"]
    errors = [json.loads(line) for line in (tmp_path / "t.jsonl.errors.jsonl").read_text("utf-8").splitlines()]
    assert [Path(e["file"]).name for e in errors] == ["b.txt", "c.pdf", "d.docx"]
    assert errors[0]["reason"] == "empty file"
    assert "b.txt: empty file" in result.stderr
    assert "Traceback" not in result.output


def test_globs_and_explicit_errors_file(tmp_path: Path, report_paths: list[Path]) -> None:
    out = tmp_path / "g.jsonl"
    result = run(str(report_paths[0].parent / "00[12]_*.txt"), "-o", str(out), "--errors", str(tmp_path / "e.jsonl"), "-q")
    assert result.exit_code == 0
    assert len(out.read_text("utf-8").splitlines()) == 2
    assert result.stderr == ""


def test_usage_errors_exit_1(tmp_path: Path) -> None:
    assert run(str(tmp_path / "missing.txt"), "-o", str(tmp_path / "x.jsonl")).exit_code == 1
    assert run(str(tmp_path / "*.nothing"), "-o", str(tmp_path / "x.jsonl")).exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(str(empty), "-o", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1 and "no report files" in result.stderr
    assert run(str(empty), "--model", str(tmp_path)).exit_code == 1
