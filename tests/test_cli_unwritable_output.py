"""Every command that writes an output says the same when it cannot: one line naming the output
and exit code 2 (1 is kept for usage errors), whatever the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "corpus" / "raw" / "002_08510d5929f9f624.txt"
GOLD = ROOT / "corpus" / "gold" / "002_08510d5929f9f624.jsonl"


@pytest.mark.parametrize("command", [
    ["tag", str(REPORT), "-o", "{out}/tagged.jsonl"],
    ["tag", str(REPORT), "-f", "csv", "-o", "{out}/tables"],
    ["audit", str(REPORT), "-o", "{out}/findings.jsonl"],
    ["show", str(REPORT), "-o", "{out}/page.html"],
    ["evaluate", "--data", str(GOLD), "--out", "{out}/eval", "--quiet"],
], ids=["tag", "tag-csv", "audit", "show", "evaluate"])
def test_an_output_under_a_file_exits_2_with_one_line(tmp_path: Path, command: list[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(app, [part.replace("{out}", str(blocker)) for part in command])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "cannot write" in lines[0] and str(blocker) in lines[0]
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "kept\n"


def test_a_usage_error_still_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["tag", str(REPORT), "-o", str(tmp_path) + "/"])
    assert result.exit_code == 1 and "ends with a slash" in result.output
