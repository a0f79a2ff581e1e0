"""Every command's --help uses the conventional labels, and progress reads right in a log."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

import jixiao.cli.console as console_module
from jixiao.cli.console import Progress
from jixiao.cli.main import app


def commands() -> list[list[str]]:
    """Every command path of the app, groups included, found from the app itself."""
    import typer.main

    found: list[list[str]] = []

    def walk(group, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        found.append(path)
        for name, command in getattr(group, "commands", {}).items():
            walk(command, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


@pytest.mark.parametrize("path", commands(), ids=lambda p: " ".join(p) or "jixiao")
def test_help_shows_no_python_types(path: list[str]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert not re.search(r"<(list|bool|str|int|float|path|Path)\b", text), text
    assert not re.search(r"\{\w+\}", text), text
    assert "Usage: " in text


def test_arguments_and_options_read_as_a_manual() -> None:
    text = CliRunner().invoke(app, ["corpus", "convert", "to-doccano", "--help"], env={"COLUMNS": "200"}).output
    assert "to-doccano [OPTIONS] INPUTS..." in text
    assert re.search(r"--offsets\s+\[utf16\|codepoints\|graphemes\]", text)
    assert re.search(r"--output\s+-o\s+PATH", text)
    hf = CliRunner().invoke(app, ["corpus", "convert", "to-hf", "--help"], env={"COLUMNS": "200"}).output
    assert "to-hf [OPTIONS] [INPUTS...]" in hf, "an optional argument is bracketed"
    compare = CliRunner().invoke(app, ["evaluate", "--help"], env={"COLUMNS": "200"}).output
    assert re.search(r"--compare\s+A\.json B\.json", compare) and re.search(r"--all\s+With --compare", compare)


def plain_console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=False, width=200), buffer


def test_progress_in_a_log_writes_what_steps_report_and_stays_quiet_otherwise() -> None:
    console, buffer = plain_console()
    with Progress("quick", total=100, console=console) as bar:
        for _ in range(100):
            bar.advance()
    assert buffer.getvalue() == "", "a quick step with nothing to report writes nothing"
    with Progress("folds", total=2, console=console) as bar:
        bar.advance("fold 1 (000): rules in 0.1 s")
        bar.status("bootstrap")  # for the bar only
        bar.advance("fold 2 (001): rules in 0.1 s")
    lines = buffer.getvalue().splitlines()
    assert [re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", line) for line in lines[:2]] == [
        "folds: 1/2 fold 1 (000): rules in 0.1 s", "folds: 2/2 fold 2 (001): rules in 0.1 s"]
    assert re.match(r"\[\d\d:\d\d:\d\d\] folds: done in \d+\.\d s$", lines[2])


def test_progress_without_a_count_says_it_is_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(console_module, "HEARTBEAT_SECONDS", 0.05)
    console, buffer = plain_console()
    with Progress("training", console=console) as bar:
        bar.status("120 optimizer steps")
        threading.Event().wait(0.2)
    text = buffer.getvalue()
    assert "training: still running" in text and "; 120 optimizer steps" in text and "training: done in" in text


def test_a_step_without_a_count_reports_what_it_says_without_a_running_number() -> None:
    """「on 466 documents: 1 epoch 1/15」 read as 466 documents and one stray number."""
    console, buffer = plain_console()
    with Progress("training on 466 documents", console=console) as bar:
        bar.advance("epoch 1/15, loss 3.2")
    first = re.sub(r"^\[\d\d:\d\d:\d\d\] ", "", buffer.getvalue().splitlines()[0])
    assert first == "training on 466 documents: epoch 1/15, loss 3.2"


def test_ctrl_c_while_the_command_loads_exits_130_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Before a command takes over Ctrl-C (while typer, rich and the model load) the entry point
    turns it into exit code 130 and one line, not a traceback."""
    from jixiao.cli import entry

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "_main", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        entry.main()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"
