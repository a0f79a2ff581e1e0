"""``jixiao tag`` under faults: Ctrl-C and kill -9 mid-run, torn lines, resume, changed files.

The interrupted runs are real: the CLI runs as a subprocess (with two worker processes) on a few
hundred small reports cut from the five real ones, and is signalled once its journal has lines.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.runner import tag_to_file

SMALL_REPORTS = 300
SMALL_CHARS = 1000
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["tag", *args])


@pytest.fixture(scope="module")
def small_reports(tmp_path_factory: pytest.TempPathFactory, report_paths: list[Path]) -> Path:
    """Distinct small reports: a numbered first line and a window of one of the five reports."""
    folder = tmp_path_factory.mktemp("small")
    texts = [p.read_text("utf-8") for p in report_paths]
    for n in range(SMALL_REPORTS):
        text = texts[n % len(texts)]
        start = (n * 397) % (len(text) - SMALL_CHARS)
        (folder / f"r{n:04d}.txt").write_text(f"第{n}号报告\n{text[start : start + SMALL_CHARS]}", "utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(small_reports: Path, tmp_path_factory: pytest.TempPathFactory, rules_model: Path) -> bytes:
    """The output of an uninterrupted run over the same inputs."""
    out = tmp_path_factory.mktemp("ref") / "ref.jsonl"
    summary = tag_to_file(sorted(str(p) for p in small_reports.iterdir()), out, model=rules_model)
    assert summary.failed == 0 and summary.tagged.documents == SMALL_REPORTS
    return out.read_bytes()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(inputs: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """``jixiao tag`` as its own process group, with Ctrl-C at its default (a shell running a
    background job may have set it to ignored, which children inherit)."""
    command = [sys.executable, "-m", "jixiao.cli", "tag", str(inputs), "-o", str(out), *extra]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_default_sigint)


def wait_for_lines(journal: Path, process: subprocess.Popen[str], lines: int = 3, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= lines:
            return
        time.sleep(0.005)
    raise AssertionError(f"no {lines} lines in {journal} (exit {process.poll()})")


def live_members(group: int) -> list[int]:
    """Processes of a process group that are still running (zombies awaiting their reaper are not)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def group_gone(group: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while live_members(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not live_members(group)


def assert_whole_lines(journal: Path, reference: bytes) -> list[dict]:  # type: ignore[type-arg]
    """Whole lines only, and (two workers, input order) exactly the first lines of the reference."""
    data = journal.read_bytes()
    assert data.endswith(b"\n")
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert 0 < len(records) < SMALL_REPORTS
    assert reference.startswith(data)
    return records


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_keeps_whole_lines_and_resume_finishes(tmp_path: Path, small_reports: Path, reference: bytes,
                                                      rules_model: Path, workers: str) -> None:
    out = tmp_path / "t.jsonl"
    journal = out.with_name("t.jsonl.partial")
    process = start_cli(small_reports, out, "--workers", workers, "--model", str(rules_model))
    try:
        wait_for_lines(journal, process)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert not out.exists()
    records = assert_whole_lines(journal, reference)
    assert f"interrupted: {len(records)} document(s) are kept in {journal}" in stderr
    assert group_gone(process.pid)

    result = run(str(small_reports), "-o", str(out), "--resume", "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    assert f"{len(records)} kept from an earlier run" in result.stderr
    assert out.read_bytes() == reference
    assert not journal.exists()


@pytest.mark.parametrize("target", ["parent", "group"])
def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path, small_reports: Path, reference: bytes, rules_model: Path,
                                        target: str) -> None:
    """``kill PID`` (a batch system's time limit, ``docker stop``) and SIGTERM to the whole group
    both leave whole lines, a message and a partial file that --resume finishes."""
    out = tmp_path / "term.jsonl"
    journal = out.with_name("term.jsonl.partial")
    process = start_cli(small_reports, out, "--workers", "2", "--model", str(rules_model))
    try:
        wait_for_lines(journal, process)
        if target == "parent":
            os.kill(process.pid, signal.SIGTERM)
        else:
            os.killpg(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        assert group_gone(process.pid)
    finally:
        if live_members(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr and not out.exists()
    records = assert_whole_lines(journal, reference)
    assert f"terminated: {len(records)} document(s) are kept in {journal}; run the same command with --resume" in stderr
    result = run(str(small_reports), "-o", str(out), "--resume", "--model", str(rules_model))
    assert result.exit_code == 0 and f"{len(records)} kept from an earlier run" in result.stderr
    assert out.read_bytes() == reference


def test_kill_9_keeps_whole_lines_workers_exit_and_resume_finishes(tmp_path: Path, small_reports: Path,
                                                                   reference: bytes, rules_model: Path) -> None:
    out = tmp_path / "k.jsonl"
    journal = out.with_name("k.jsonl.partial")
    process = start_cli(small_reports, out, "--workers", "2", "--model", str(rules_model))
    try:
        wait_for_lines(journal, process)
        os.kill(process.pid, signal.SIGKILL)  # the parent only: its workers must notice and exit
        process.wait(timeout=60)
        assert group_gone(process.pid)
        process.communicate(timeout=10)
    finally:
        if live_members(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert not out.exists()
    # whole lines in input order; a kill during a write may leave the last one torn (the kernel
    # stops a write when a fatal signal arrives), which resume cuts and tags again
    data = journal.read_bytes()
    assert reference.startswith(data)
    assert 0 < data.count(b"\n") < SMALL_REPORTS

    assert run(str(small_reports), "-o", str(out), "--resume", "-q", "--model", str(rules_model)).exit_code == 0
    assert out.read_bytes() == reference


def worker_pids(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            pids.append(int(stat.parent.name))
    return pids


def test_a_worker_killed_mid_run_stops_the_run_and_resume_finishes(tmp_path: Path, small_reports: Path,
                                                                   reference: bytes, rules_model: Path) -> None:
    out = tmp_path / "w.jsonl"
    journal = out.with_name("w.jsonl.partial")
    process = start_cli(small_reports, out, "--workers", "2", "--model", str(rules_model))
    try:
        wait_for_lines(journal, process)
        for pid in worker_pids(process.pid)[:1]:  # none when the run has just finished its work
            try:
                os.kill(pid, signal.SIGKILL)  # what the out-of-memory killer does
            except ProcessLookupError:
                pass  # it had just exited: the run is ending
        _, stderr = process.communicate(timeout=60)
        assert group_gone(process.pid)
    finally:
        if live_members(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in stderr
    if process.returncode == 0:
        # the jixiao process tags too and takes back what the worker has not begun: a worker
        # killed with nothing left in its hands (or gone already) loses nothing, and the run completes
        assert out.read_bytes() == reference
        return
    assert process.returncode == 2
    assert stderr.strip().splitlines()[-1] == (f"error: a worker process died (out of memory, or killed); the documents "
                                               f"finished so far are kept in {journal}: rerun with --resume")
    assert not out.exists()
    assert_whole_lines(journal, reference)
    assert run(str(small_reports), "-o", str(out), "--resume", "-q", "--model", str(rules_model)).exit_code == 0
    assert out.read_bytes() == reference


def test_a_torn_last_line_is_cut_and_tagged_again(tmp_path: Path, small_reports: Path, reference: bytes, rules_model: Path) -> None:
    out = tmp_path / "torn.jsonl"
    journal = out.with_name("torn.jsonl.partial")
    whole = reference.splitlines(keepends=True)[:2]
    journal.write_bytes(b"".join(whole) + reference.splitlines(keepends=True)[2][:150])
    result = run(str(small_reports), "-o", str(out), "--resume", "-q", "--model", str(rules_model))
    assert result.exit_code == 0
    assert out.read_bytes() == reference


def test_without_resume_the_journal_starts_over(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    out = tmp_path / "fresh.jsonl"
    journal = out.with_name("fresh.jsonl.partial")
    journal.write_text('{"id": "stale", "text": "x", "meta": {"sha256": "0"}}\n', "utf-8")
    assert run(str(report_paths[0]), "-o", str(out), "-q", "--model", str(rules_model)).exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == [report_paths[0].stem]
    assert not journal.exists()


def test_resume_from_a_completed_output_tags_new_and_changed_files(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in report_paths[:3]:
        shutil.copy(path, inputs / path.name)
    out = tmp_path / "c.jsonl"
    assert run(str(inputs), "-o", str(out), "-q", "--model", str(rules_model)).exit_code == 0
    first = out.read_text("utf-8").splitlines()
    for path in report_paths[3:]:
        shutil.copy(path, inputs / path.name)
    changed = inputs / report_paths[1].name
    changed.write_text(changed.read_text("utf-8") + "\n补充说明：追加预算487万元。\n", "utf-8")

    result = run(str(inputs), "-o", str(out), "--resume", "--model", str(rules_model))
    assert result.exit_code == 0, result.output
    assert "tagging 3 of 5 input(s), 2 kept from an earlier run" in result.stderr
    lines = out.read_text("utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids == [report_paths[0].stem, report_paths[2].stem, report_paths[1].stem, *(p.stem for p in report_paths[3:])]
    assert lines[:2] == [first[0], first[2]]
    assert "追加预算487万元" in json.loads(lines[2])["text"]

    again = run(str(inputs), "-o", str(out), "--resume", "--model", str(rules_model))
    assert again.exit_code == 0 and "tagging 0 of 5 input(s), 5 kept" in again.stderr
    assert out.read_text("utf-8").splitlines() == lines


def test_resume_works_for_tables_too(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "tables"
    model = ("--model", str(rules_model))
    assert run(*(str(p) for p in report_paths[:2]), "-o", str(out), "--format", "parquet", "-q", *model).exit_code == 0
    result = run(*(str(p) for p in report_paths), "-o", str(out), "--format", "parquet", "--resume", *model)
    assert result.exit_code == 0 and "2 kept from an earlier run" in result.stderr
    ids = [json.loads(line)["id"] for line in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert ids == [p.stem for p in report_paths]
    assert set(pq.read_table(out / "sentences.parquet").column("id").to_pylist()) == set(ids)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables", "tables.run.json"]


def test_unreadable_files_are_retried_on_resume(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(report_paths[4], inputs / "good.txt")
    (inputs / "late.txt").write_bytes(b"")
    out = tmp_path / "e.jsonl"
    first = run(str(inputs), "-o", str(out), "--model", str(rules_model))
    assert first.exit_code == 2 and "late.txt: empty file" in first.stderr
    errors = out.with_name("e.jsonl.errors.jsonl")
    assert [json.loads(line)["reason"] for line in errors.read_text("utf-8").splitlines()] == ["empty file"]
    (inputs / "late.txt").write_text("预算487万，执行率为98.16%。", "utf-8")
    second = run(str(inputs), "-o", str(out), "--resume", "--model", str(rules_model))
    assert second.exit_code == 0
    assert [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()] == ["good", "late"]
    assert not errors.exists()
