"""``jixiao audit`` through Typer's test runner: output file, exit codes 0, 2 and 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from jixiao.cli.audit_cmd import audit

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"


@pytest.fixture()
def app() -> typer.Typer:
    """The command on its own, as the lead registers it under ``jixiao audit``."""
    application = typer.Typer()
    application.command(name="audit")(audit)

    @application.command(name="noop")
    def noop() -> None:  # a second command keeps ``audit`` a named subcommand, as in jixiao
        """Nothing."""

    return application


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_audit_writes_findings_and_exits_zero(app: typer.Typer, tmp_path: Path) -> None:
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(RAW), "-o", str(output)])
    assert result.exit_code == 0, result.output
    records = _read(output)
    assert len(records) == 17
    first = records[0]
    assert {"doc_id", "check", "item", "stated", "computed", "tolerance", "context", "start", "end"} <= set(first)
    by_check = {r["check"] for r in records}
    assert by_check == {"row_rate", "total_rate", "restatement", "prose_rate", "parts_sum"}
    row = next(r for r in records if r["item"] == "残疾人两项补贴")
    assert (row["stated"], row["computed"], row["table"], row["column"]) == ("100", "98.6926", 0, "预算支出比例")


def test_fail_on_findings_exits_three(app: typer.Typer, tmp_path: Path) -> None:
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(RAW / "001_f25cf90dc0a01762.txt"), "-o", str(output), "--fail-on-findings"])
    assert result.exit_code == 3
    assert len(_read(output)) == 12


def test_fail_on_findings_exits_zero_without_findings(app: typer.Typer, tmp_path: Path) -> None:
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(RAW / "004_9c0c283e71ff0a84.txt"), "-o", str(output), "--fail-on-findings"])
    assert result.exit_code == 0
    assert output.read_text(encoding="utf-8") == ""


def test_unreadable_input_exits_two(app: typer.Typer, tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"\x00not a word file")  # binary: a text file with this name is read as text
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(broken), str(RAW / "004_9c0c283e71ff0a84.txt"), "-o", str(output)])
    assert result.exit_code == 2
    assert "broken.docx" in result.output


def test_missing_input_is_a_usage_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "f.jsonl")])
    assert result.exit_code == 1


def test_tagged_json_lines_are_audited_document_by_document(app: typer.Typer, tmp_path: Path) -> None:
    """``jixiao tag``'s output gives the findings of the reports it was made from; a line that is
    no document is listed with its line number and the others are audited."""
    import jixiao
    from jixiao.document.jsonl import write_documents

    tagger = jixiao.load("jixiao-rules")
    tagged = tmp_path / "tagged.jsonl"
    write_documents(tagged, [tagger.tag_file(RAW / name) for name in ("001_f25cf90dc0a01762.txt", "003_7a2d2a46f442ff4e.txt")])
    from_reports, from_tagged = tmp_path / "r.jsonl", tmp_path / "t.jsonl"
    reports = [str(RAW / "001_f25cf90dc0a01762.txt"), str(RAW / "003_7a2d2a46f442ff4e.txt")]
    assert CliRunner().invoke(app, ["audit", *reports, "-o", str(from_reports)]).exit_code == 0
    result = CliRunner().invoke(app, ["audit", str(tagged), "-o", str(from_tagged)])
    assert result.exit_code == 0, result.output
    assert "2 document(s), 17 finding(s)" in result.output
    assert _read(from_tagged) == _read(from_reports)
    with tagged.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "x"}\n')
    result = CliRunner().invoke(app, ["audit", str(tagged), "-o", str(from_tagged)])
    assert result.exit_code == 2
    assert f"{tagged}:3: not a document" in result.output
    assert len(_read(from_tagged)) == 17


def test_an_unreadable_input_wins_over_findings_in_the_exit_code(app: typer.Typer, tmp_path: Path) -> None:
    """With --fail-on-findings, an input left out exits 2, not 3: a CI run sees that the findings
    cover only the other inputs."""
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"\x00not a pdf")
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(broken), str(RAW / "001_f25cf90dc0a01762.txt"), "-o", str(output),
                                      "--fail-on-findings"])
    assert result.exit_code == 2 and "broken.pdf" in result.output
    assert len(_read(output)) == 12


def test_findings_carry_the_document_ids_jixiao_tag_gives(app: typer.Typer, tmp_path: Path) -> None:
    """Two reports with the same file name in different folders get different ids, the ones
    ``jixiao tag`` gives (paths relative to the inputs' common folder), so findings join the
    tagged records."""
    from jixiao.inputs import find_inputs

    report = (RAW / "001_f25cf90dc0a01762.txt").read_bytes()
    for folder in ("x", "y"):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "r.txt").write_bytes(report)
    output = tmp_path / "findings.jsonl"
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "in"), "-o", str(output)])
    assert result.exit_code == 0, result.output
    ids = [r["doc_id"] for r in _read(output)]
    expected = find_inputs([str(tmp_path / "in")]).ids
    assert sorted(set(ids)) == sorted(expected) == ["x/r", "y/r"]
    assert ids.count("x/r") == ids.count("y/r") == 12
