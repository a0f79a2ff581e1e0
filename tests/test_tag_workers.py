"""The machinery of batch tagging: bounded in-order results, capped worker threads, feedback."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from jixiao.outputs.feedback import PlainLines, ProgressBar, Quiet
from jixiao.runner import bounded_ordered, load_settings, process_map, shared_ordered, start_workers, tag_to_file

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TOKENIZERS_PARALLELISM")


def test_bounded_ordered_keeps_input_order_and_bounds_the_work_in_flight() -> None:
    pulled: list[int] = []

    def items():  # type: ignore[no-untyped-def]
        for i in range(60):
            pulled.append(i)
            yield i

    def square_slowly(i: int) -> int:
        time.sleep(0.004 * (4 - i % 5))  # later items often finish before earlier ones
        return i * i

    results: list[int] = []
    with ThreadPoolExecutor(4) as executor:
        for value in bounded_ordered(lambda i: executor.submit(square_slowly, i), items(), limit=6):
            results.append(value)
            assert len(pulled) - len(results) <= 6
    assert results == [i * i for i in range(60)]


def test_shared_ordered_runs_items_here_while_the_pool_works_and_keeps_the_order() -> None:
    pulled: list[int] = []
    ran: dict[str, list[int]] = {"here": [], "pool": []}

    def items():  # type: ignore[no-untyped-def]
        for i in range(40):
            pulled.append(i)
            yield i

    def in_pool(i: int) -> int:
        time.sleep(0.2 if i == 0 else 0.01)  # the pool is slow to start, as a spawned worker is
        ran["pool"].append(i)
        return i * i

    def here(i: int) -> int:
        time.sleep(0.005)
        ran["here"].append(i)
        return i * i

    results: list[int] = []
    with ThreadPoolExecutor(1) as executor:
        for value in shared_ordered(here, lambda i: executor.submit(in_pool, i), items(), limit=8, in_pool=3):
            results.append(value)
            assert len(pulled) - len(results) <= 8
    assert results == [i * i for i in range(40)]
    assert sorted(ran["here"] + ran["pool"]) == list(range(40))  # each item ran once, somewhere
    assert ran["pool"] and len(ran["here"]) > len(ran["pool"])  # this side did the work while the pool was slow
    # items given to the pool and not yet started were taken back: the first three went to the
    # pool, and while item 0 slept, this side ran everything it could, then took back 2
    assert 2 in ran["here"]


def test_an_error_here_comes_in_its_turn_after_the_results_before_it() -> None:
    def in_pool(i: int) -> int:
        time.sleep(0.1 if i == 0 else 0.0)
        return i

    def here(i: int) -> int:
        if i == 7:  # the latest item of the first window: this side runs it first
            raise ValueError("bad item")
        return i

    results: list[int] = []
    with ThreadPoolExecutor(1) as executor, pytest.raises(ValueError, match="bad item"):
        for value in shared_ordered(here, lambda i: executor.submit(in_pool, i), range(12), limit=8, in_pool=3):
            results.append(value)
    assert results == list(range(7))


def die_on_first(i: int) -> int:
    """Runs inside a worker: the first item kills the worker, as the out-of-memory killer would."""
    if i == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return i


def test_a_worker_that_dies_with_work_in_its_hands_stops_the_run(rules_model: Path) -> None:
    done_here: list[int] = []

    def here(i: int) -> int:
        done_here.append(i)
        return i

    started = time.monotonic()
    with pytest.raises(BrokenProcessPool):
        list(process_map(die_on_first, range(20), rules_model, 2, load_settings(), here=here))
    assert time.monotonic() - started < 60
    assert 0 not in done_here  # the first item was the pool's: its loss is reported, not hidden


def thread_report(_: str) -> dict[str, Any]:
    """Runs inside a worker: what a model library imported now would be allowed to use."""
    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl reports)
    import threadpoolctl

    blas = [info["num_threads"] for info in threadpoolctl.threadpool_info()]
    return {"env": {k: os.environ.get(k) for k in THREAD_VARIABLES}, "blas": blas, 
            "sigint_ignored": signal.getsignal(signal.SIGINT) == signal.SIG_IGN, "parent": os.getppid(), "pid": os.getpid()}


def test_workers_cap_threads_ignore_ctrl_c_and_are_children_of_the_run(rules_model: Path) -> None:
    handler_before = signal.getsignal(signal.SIGINT)  # SIG_IGN when the run itself is a background job
    reports = list(process_map(thread_report, ["a", "b", "c", "d"], rules_model, 2, load_settings()))
    assert len(reports) == 4 and len({r["pid"] for r in reports}) <= 2
    for report in reports:
        assert report["env"] == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                 "TOKENIZERS_PARALLELISM": "false"}
        assert report["blas"] and set(report["blas"]) == {1}
        assert report["sigint_ignored"] and report["parent"] == os.getpid()
    assert signal.getsignal(signal.SIGINT) == handler_before
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == set()


def test_plain_lines_report_progress_and_the_end(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    stream = io.StringIO()
    tag_to_file([str(p) for p in report_paths], tmp_path / "p.jsonl", model=rules_model,
                reporter=PlainLines(Console(file=stream), 0.0))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "tagging 5 of 5 input(s) with jixiao-rules-test 0"
    # the batch's steps while it is tagged (the five reports are one batch), then each input done
    assert [line.split(",")[0] for line in lines[1:]] == [f"done {n}/5 input(s)" for n in (0, 0, 1, 2, 3, 4, 5, 5)]
    assert [line.split("; ")[1] for line in lines[1:3]] == ["5 files: sentences", "5 files: tables"]
    assert all("chars/s, ETA " in line for line in lines[1:]) and not any("; " in line for line in lines[3:])


def test_progress_bar_on_a_terminal(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=140)
    (tmp_path / "bad.txt").write_bytes(b"")
    paths = [str(p) for p in report_paths] + [str(tmp_path / "bad.txt")]
    summary = tag_to_file(paths, tmp_path / "b.jsonl", model=rules_model, reporter=ProgressBar(console))
    text = stream.getvalue()
    assert summary.failed == 1 and summary.tagged.documents == 5
    assert "tagging" in text and "6/6" in text and "chars/s" in text and "1 failed" in text and "ETA" in text
    assert f"{tmp_path / 'bad.txt'}: empty file" in text


def test_quiet_prints_only_failures(tmp_path: Path, report_paths: list[Path], rules_model: Path) -> None:
    stream = io.StringIO()
    (tmp_path / "bad.docx").write_bytes(b"\x00not a zip")
    tag_to_file([str(report_paths[0]), str(tmp_path / "bad.docx")], tmp_path / "q.jsonl", model=rules_model,
                reporter=Quiet(Console(file=stream)))
    assert stream.getvalue().splitlines() == [f"{tmp_path / 'bad.docx'}: truncated or damaged .docx (its header is missing)"]


def test_workers_default_to_every_core_only_when_the_inputs_repay_their_start_up(tmp_path: Path) -> None:
    from jixiao.runner import auto_workers, available_cores

    settings = load_settings()["workers"]
    small = [tmp_path / f"small{i}.txt" for i in range(3)]
    for path in small:
        path.write_text("项目预算资金100万元。", "utf-8")
    assert auto_workers(small) == 1
    big = [tmp_path / f"big{i}.txt" for i in range(3)]
    for path in big:
        path.write_bytes(b"x" * (settings["auto_min_bytes"] // 2))
    assert auto_workers(big) == min(available_cores(), 3)
    one = tmp_path / "one.txt"
    one.write_bytes(b"x" * (settings["auto_min_bytes"] * 2))
    assert auto_workers([one]) == 1  # one file is tagged by one process, however large
    assert auto_workers([*big, tmp_path / "missing.txt"]) == min(available_cores(), 4)


def test_a_batch_tags_as_each_file_alone_and_a_bad_file_fails_alone(tmp_path: Path, report_paths: list[Path]) -> None:
    """Files tagged in one batch get the records they get alone; a file that breaks tagging or
    cannot be read fails alone, with its own reason."""
    from dataclasses import dataclass, replace

    import jixiao
    from jixiao.runner import batches, tag_batch, tag_to_result

    @dataclass
    class BreaksOn:  # the bundled extractor, except that one marked text breaks it
        inner: Any
        name: str = "breaks-on-marker"

        def extract(self, text: str) -> list[Any]:
            if "【故障】" in text:
                raise ValueError("broken on purpose")
            return self.inner.extract(text)

    bundled = jixiao.load()
    tagger = replace(bundled, quantities=BreaksOn(bundled.quantities))
    bad = tmp_path / "bad.txt"
    bad.write_text("【故障】预算100万元，执行率95%。\n", "utf-8")
    jobs = [(str(report_paths[0]), None), (str(bad), None), (str(tmp_path / "missing.txt"), None),
            (str(report_paths[1]), None)]
    alone = [tag_to_result(tagger, path, doc_id) for path, doc_id in jobs]
    together = tag_batch(tagger, jobs)
    assert together == alone
    assert together[0].document == bundled.tag_file(report_paths[0])
    assert together[1].error == "tagging failed (ValueError: broken on purpose)"
    assert together[2].error == "no such file"
    assert together[3].document is not None
    sizes = [(str(report_paths[i]), None) for i in range(5)] * 4
    cut = list(batches(sizes, {"batch_files": 3, "batch_bytes": 10**9}))
    assert [len(b) for b in cut] == [3] * 6 + [2] and sum(cut, []) == sizes
    one_each = list(batches(sizes, {"batch_files": 64, "batch_bytes": 1}))
    assert [len(b) for b in one_each] == [1] * len(sizes)
    # several processes: the smaller parallel size decides, one process keeps the larger one
    shared = {"batch_files": 64, "batch_bytes": 10**9, "parallel_batch_bytes": 1}
    assert [len(b) for b in batches(sizes, shared, parallel=True)] == [1] * len(sizes)
    assert [len(b) for b in batches(sizes, shared)] == [len(sizes)]


def test_start_workers_starts_the_processes_before_any_task_and_process_map_uses_them(rules_model: Path) -> None:
    executor = start_workers(rules_model, 2, load_settings())
    started = {child.pid for child in multiprocessing.active_children()}
    try:
        assert len(started) >= 2  # started now, loading the model while the caller loads its own
        reports = list(process_map(thread_report, ["a", "b", "c", "d"], rules_model, 2, load_settings(),
                                   executor=executor))
        assert {r["pid"] for r in reports} <= started  # the tasks ran in those processes, no new ones
        assert [r["parent"] for r in reports] == [os.getpid()] * 4
    finally:
        executor.shutdown(wait=True)
    assert not multiprocessing.active_children()  # process_map shut them down, as one it makes itself


def test_a_run_refused_at_the_start_starts_no_worker(tmp_path: Path, rules_model: Path) -> None:
    """A damaged or missing model and a busy journal are reported before any worker process
    starts (the workers would otherwise load a model first, and the refusal would wait for them)."""
    from jixiao.loading import ModelError
    from jixiao.outputs.journal import Journal, JournalBusy, Layout

    files = []
    for n in range(3):
        files.append(tmp_path / f"r{n}.txt")
        files[-1].write_text(f"预算资金{n + 1}00万元，执行率95%。部分单位未按时报送。\n", "utf-8")
    with pytest.raises(ModelError, match="no such model folder"):
        tag_to_file(files, tmp_path / "a.jsonl", model=tmp_path / "no-model", workers=2)
    assert not multiprocessing.active_children()
    holder = Journal(Layout(tmp_path / "b.jsonl", "jsonl").journal)
    try:
        with pytest.raises(JournalBusy):
            tag_to_file(files, tmp_path / "b.jsonl", model=rules_model, workers=2)
        assert not multiprocessing.active_children()
    finally:
        holder.close()
    summary = tag_to_file(files, tmp_path / "b.jsonl", model=rules_model, workers=2)  # free again: it runs
    assert summary.completed and summary.tagged.documents == 3
    assert not multiprocessing.active_children()


def test_result_of_returns_results_and_raises_what_the_task_raised() -> None:
    """``result_of`` waits in slices (so the main thread can run a signal handler); a task that
    itself raised TimeoutError is finished, not still running."""
    from concurrent.futures import ThreadPoolExecutor

    from jixiao.runner import result_of

    def slow(value: int) -> int:
        time.sleep(0.3)
        return value

    def timing_out() -> None:
        raise TimeoutError("the task's own timeout")

    with ThreadPoolExecutor(1) as pool:
        assert result_of(pool.submit(slow, 7), poll=0.05) == 7
        started = time.perf_counter()
        with pytest.raises(TimeoutError, match="the task's own timeout"):
            result_of(pool.submit(timing_out), poll=0.05)
        assert time.perf_counter() - started < 5


def test_result_of_gives_up_on_a_future_whose_worker_is_gone() -> None:
    """A worker killed while it sent its result leaves the pool unable to report the death (its
    manager thread waits for the rest of the message): ``alive`` says so, and the wait ends as the
    pool's own would, with BrokenProcessPool."""
    from concurrent.futures import Future

    from jixiao.runner import result_of

    never: Future[int] = Future()
    calls = []
    started = time.perf_counter()
    with pytest.raises(BrokenProcessPool):
        result_of(never, poll=0.01, alive=lambda: calls.append(1) or len(calls) < 3)
    assert len(calls) == 3 and time.perf_counter() - started < 5


def test_a_resume_starts_workers_only_for_what_is_left(tmp_path: Path, report_paths: list[Path],
                                                       rules_model: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for path in report_paths:
        paths.append(folder / path.name)
        paths[-1].write_bytes(path.read_bytes())
    out = tmp_path / "r.jsonl"
    first = tag_to_file(paths, out, model=rules_model, workers=2)
    assert first.workers == 2
    again = tag_to_file(paths, out, model=rules_model, workers=2, resume=True)
    assert (again.workers, again.kept.documents, again.retagged, again.dropped) == (1, len(paths), 0, 0)
    assert not multiprocessing.active_children()
    (folder / "extra.txt").write_text("资金500万元。", "utf-8")
    more = tag_to_file([*paths, folder / "extra.txt"], out, model=rules_model, workers=2, resume=True)
    assert (more.workers, more.kept.documents, more.tagged.documents) == (1, len(paths), 1)
