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


def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(app: typer.Typer, tmp_path: Path) -> None:
    """A folder on the way that is a file: the system's "Not a directory" is said as one line
    naming the output (the same path as for any unwritable output), exit 2 as in every command."""
    blocker = tmp_path / "base.jsonl"
    blocker.write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(RAW / "002_08510d5929f9f624.txt"), "-o", str(blocker / "x.jsonl")])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write" in result.output and "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "kept\n"


def test_a_run_that_reads_no_input_leaves_earlier_findings_as_they_were(app: typer.Typer, tmp_path: Path) -> None:
    output = tmp_path / "findings.jsonl"
    assert CliRunner().invoke(app, ["audit", str(RAW), "-o", str(output)]).exit_code == 0
    before = output.read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["audit", str(empty), "-o", str(output)])
    assert result.exit_code == 2 and "empty file" in result.output and "left as an earlier run wrote it" in result.output
    assert output.read_bytes() == before and len(_read(output)) == 17
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_sigterm_removes_the_temporary_output_and_says_so(tmp_path: Path) -> None:
    """A batch system's SIGTERM unwinds as Ctrl-C does: no hidden temporary is left beside the
    output, the earlier output stays, and the run says why it stopped (exit 143)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        for report in RAW.glob("*.txt"):
            (folder / f"{i}_{report.name}").write_bytes(report.read_bytes())
    output = tmp_path / "out" / "findings.jsonl"
    output.parent.mkdir()
    output.write_text("earlier\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "audit", str(folder), "-o", str(output)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".findings.jsonl.") for p in output.parent.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "terminated" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in output.parent.iterdir()) == ["findings.jsonl"]
    assert output.read_text(encoding="utf-8") == "earlier\n"


def test_inputs_that_name_nothing_leave_earlier_findings_as_they_were(app: typer.Typer, tmp_path: Path) -> None:
    """A folder holding only a broken link, or a missing file, reads no input: as for unreadable files."""
    output = tmp_path / "findings.jsonl"
    output.write_text('{"keep": "me"}\n', encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.txt").symlink_to(tmp_path / "nowhere.txt")
    result = CliRunner().invoke(app, ["audit", str(broken), str(tmp_path / "missing.txt"), "-o", str(output)])
    assert result.exit_code == 2 and "broken symbolic link" in result.output and "no such file" in result.output
    assert output.read_text(encoding="utf-8") == '{"keep": "me"}\n'
