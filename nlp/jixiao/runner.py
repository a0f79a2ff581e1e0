"""Tag many files into one output, in one process or a pool of worker processes.

Results are written in input order as they arrive, with a bounded number of documents in flight,
so memory stays flat however many reports come in. Workers are spawned fresh (no fork of a
process that holds threads and a model), load the model once each, cap their numerical
libraries to one thread, ignore Ctrl-C (the parent decides how to stop) and exit by themselves if
the parent is killed. See ``nlp/jixiao/outputs/journal.py`` for how an interrupted run keeps its work.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import tomllib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib.resources import files
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

from jixiao.ingest.errors import IngestError
from jixiao.inputs import source_sha256
from jixiao.loading import ModelError, load
from jixiao.outputs.journal import ErrorsFile, Journal, Layout, publish_folder, publish_jsonl
from jixiao.outputs.records import RecordStats, output_record, record_line, record_sha256, record_stats
from jixiao.outputs.summary import Summary
from jixiao.tagger import Tagger, TagResult

T = TypeVar("T")
R = TypeVar("R")
ModelRef = str | Path | None


def load_settings() -> dict[str, Any]:
    return tomllib.loads(files("jixiao").joinpath("runner.toml").read_text("utf-8"))


class TaggingError(RuntimeError):
    """The run cannot go on (a worker died, the output cannot be written); work so far is kept."""


class TaggingInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; ``summary`` says what the journal keeps."""

    def __init__(self, summary: Summary) -> None:
        super().__init__("interrupted")
        self.summary = summary


# --- one document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One input as the writer needs it: the JSON line and its counts, or why it failed."""

    source: str
    line: str | None = None
    error: str | None = None
    stats: RecordStats | None = None
    model: dict[str, str] | None = None


def tag_to_result(tagger: Tagger, path: str | Path) -> TagResult:
    """Tag one file; an unreadable file, or a bug on one file, fails that file only."""
    try:
        return TagResult(str(path), tagger.tag_file(path))
    except IngestError as exc:
        return TagResult(str(path), error=exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad document must not end a batch of thousands
        return TagResult(str(path), error=f"tagging failed ({type(exc).__name__}: {exc})")


def tag_to_outcome(tagger: Tagger, path: str | Path) -> Outcome:
    """Serialise in the worker, so the parent only writes lines."""
    result = tag_to_result(tagger, path)
    if result.document is None:
        return Outcome(result.source, error=" ".join(str(result.error).splitlines()))
    record = output_record(result.document, result.source, tagger.model_info)
    return Outcome(result.source, record_line(record), stats=record_stats(record), model=tagger.model_info)


# --- worker processes -----------------------------------------------------------------------


@lru_cache(maxsize=2)
def _worker_tagger(model: ModelRef) -> Tagger:
    """The worker's model: loaded by the pool initializer, then reused for every task.

    A model that fails to load fails the first task with a ModelError, which reaches the parent
    as that error (an initializer that raises would only break the pool, with a traceback).
    """
    return _load(model)


def _worker_outcome(model: ModelRef, path: str) -> Outcome:
    return tag_to_outcome(_worker_tagger(model), path)


def _worker_result(model: ModelRef, path: str) -> TagResult:
    return tag_to_result(_worker_tagger(model), path)


def _init_worker(model: ModelRef, parent: int, settings: dict[str, Any]) -> None:
    """Before the model loads (which can take many seconds): watch the parent, ignore Ctrl-C
    and set the thread limits that libraries read when they are imported."""
    interval = float(settings.get("parent_check_seconds", 1.0))
    threading.Thread(target=_exit_with_parent, args=(parent, interval), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threads = int(settings.get("threads_per_worker", 1))
    os.environ.update({name: str(threads) for name in settings.get("thread_variables", ())})
    os.environ.update({k: str(v) for k, v in settings.get("fixed_environment", {}).items()})
    try:
        _worker_tagger(model)
    except ModelError:
        pass  # reported by the first task
    cap_threads(threads)


def cap_threads(threads: int) -> None:
    """Cap thread pools of libraries already loaded (the environment covers the ones loaded later)."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads)
    except ImportError:
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _exit_with_parent(parent: int, interval: float) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os._exit(1)


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold Ctrl-C while workers start: they inherit the blocked signal and never see it, and
    the parent gets it (not loses it) once the mask is restored."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def bounded_ordered(submit: Callable[[T], Future[R]], items: Iterable[T], limit: int,
                    start: Callable[[], Any] = _sigint_held) -> Iterator[R]:
    """Results in input order with at most ``limit`` items submitted and not yet yielded.

    ``items`` is consumed lazily, so neither the inputs nor the results are ever all in memory.
    The first ``limit`` submissions (which start the worker processes) run inside ``start()``.
    """
    iterator = iter(items)
    pending: deque[Future[R]] = deque()
    with start():
        pending.extend(submit(item) for item in islice(iterator, limit))
    while pending:
        result = pending.popleft().result()
        pending.extend(submit(item) for item in islice(iterator, 1))
        yield result


def process_map(fn: Callable[[str], R], paths: Iterable[str], model: ModelRef, workers: int,
                settings: dict[str, Any]) -> Iterator[R]:
    """``fn`` over ``paths`` in a pool of ``workers`` spawned processes, results in input order."""
    worker_settings = settings.get("workers", {})
    limit = workers * int(worker_settings.get("in_flight_per_worker", 4))
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(model, os.getpid(), worker_settings))
    try:
        yield from bounded_ordered(lambda path: executor.submit(fn, path), paths, limit)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# --- the Python API -------------------------------------------------------------------------


def _load(model: ModelRef | Tagger) -> Tagger:
    """The tagger for this process; every model problem becomes one ModelError."""
    if isinstance(model, Tagger):
        return model
    try:
        return load(model)
    except ModelError:
        raise
    except (ValueError, OSError) as exc:
        raise ModelError(f"{model or 'the bundled model'}: cannot load ({exc})") from exc


def _model_ref(model: ModelRef | Tagger, workers: int) -> ModelRef:
    if isinstance(model, Tagger):
        if workers > 1:
            raise ValueError("workers > 1 load the model in each worker: pass a model path (or None), not a Tagger")
        return None
    return model


def _tagger_here(model: ModelRef | Tagger, workers: int) -> Tagger | None:
    """The model in this process, which tags only with one worker; with more, only a model
    folder that is plainly wrong is caught here (loading it fails fast), so the parent does
    not spend the time and memory of loading a model it never uses."""
    if workers <= 1:
        return _load(model)
    if model is not None and not (Path(str(model)) / "meta.json").is_file():
        _load(model)
    return None


def tag_files(paths: Iterable[str | Path], model: ModelRef | Tagger = None, workers: int = 1) -> Iterator[TagResult]:
    """Tag files lazily, in input order: one TagResult per path, failures included.

    The model is loaded (and checked) at the call; ``paths`` is consumed as results are taken.
    With ``workers > 1`` the files are tagged in that many processes (in a script, call this
    under ``if __name__ == "__main__":``, as multiprocessing requires).
    """
    ref = _model_ref(model, workers)
    tagger = _tagger_here(model, workers)
    if tagger is not None:
        return (tag_to_result(tagger, path) for path in paths)
    return process_map(partial(_worker_result, ref), (str(p) for p in paths), ref, workers, load_settings())


# --- the batch run --------------------------------------------------------------------------


class Reporter(Protocol):
    """What a run tells the person waiting for it (see nlp/jixiao/outputs/feedback.py)."""

    def start(self, summary: Summary) -> None: ...

    def advance(self, summary: Summary) -> None: ...

    def failure(self, source: str, reason: str) -> None: ...

    def stop(self, summary: Summary) -> None: ...


class Silent:
    def start(self, summary: Summary) -> None: ...

    def advance(self, summary: Summary) -> None: ...

    def failure(self, source: str, reason: str) -> None: ...

    def stop(self, summary: Summary) -> None: ...


def tag_to_file(paths: Sequence[str], output: str | Path, *, model: ModelRef | Tagger = None, fmt: str = "jsonl",
                workers: int = 1, resume: bool = False, errors: str | Path | None = None,
                reporter: Reporter | None = None) -> Summary:
    """Tag ``paths`` into ``output`` (what ``jixiao tag`` does); returns the run's summary.

    Raises ModelError and JournalBusy before any work, TaggingInterrupted on Ctrl-C and
    TaggingError when the run cannot go on; in those cases the journal keeps every finished
    document and ``resume=True`` picks up from it.
    """
    ref = _model_ref(model, workers)
    tagger = _tagger_here(model, workers)
    paths = [str(path) for path in paths]
    layout = Layout(Path(output), fmt)
    summary = Summary(Path(output), Path(errors) if errors else layout.errors, layout.journal,
                      model=tagger.model_info if tagger else {}, inputs=len(paths), workers=workers)
    journal = Journal(layout.journal)
    try:
        todo = _prepare(journal, layout, paths, resume, summary)
        _run(journal, _outcomes(tagger, ref, todo, workers), summary, reporter or Silent())
        journal.sync()
        _publish(layout)  # still holding the lock, so no other run can touch the journal meanwhile
    except KeyboardInterrupt:
        raise TaggingInterrupted(summary) from None
    finally:
        journal.close()
    summary.seconds, summary.completed = time.perf_counter() - summary.started, True
    return summary


def _prepare(journal: Journal, layout: Layout, paths: Sequence[str], resume: bool, summary: Summary) -> list[str]:
    """Keep what an earlier run finished (on resume) and list the inputs still to tag."""
    if not resume:
        journal.clear()
        summary.todo = len(paths)
        return list(paths)
    shas = [source_sha256(path) for path in paths]
    matcher = _Matcher(Counter(sha for sha in shas if sha), set(paths))
    for record in journal.recover(layout.published_records, matcher.keep):
        summary.kept.add(record_stats(record))
    todo = [path for path, sha in zip(paths, shas) if not matcher.take(sha)]
    summary.todo = len(todo)
    return todo


@dataclass
class _Matcher:
    """Which earlier records to keep, and which inputs they stand for, by the source's sha256.

    Each kept record stands for one input with the same content. A record whose content no input
    has any more but whose ``source`` is an input (the file changed since) is dropped, because
    that input is tagged again; records of files not among the inputs are kept as they are.
    """

    wanted: Counter[str]
    sources: set[str]
    matched: Counter[str] = field(default_factory=Counter)

    def keep(self, record: dict[str, Any]) -> bool:
        sha = record_sha256(record)
        if sha is not None and self.wanted[sha] > self.matched[sha]:
            self.matched[sha] += 1
            return True
        return record.get("source") not in self.sources

    def take(self, sha: str | None) -> bool:
        if sha is None or self.matched[sha] <= 0:
            return False
        self.matched[sha] -= 1
        return True


def _outcomes(tagger: Tagger | None, ref: ModelRef, todo: list[str], workers: int) -> Iterator[Outcome]:
    if tagger is not None:
        return (tag_to_outcome(tagger, path) for path in todo)
    return process_map(partial(_worker_outcome, ref), todo, ref, max(1, min(workers, len(todo))), load_settings())


def _run(journal: Journal, outcomes: Iterator[Outcome], summary: Summary, reporter: Reporter) -> None:
    errors = ErrorsFile(summary.errors)
    reporter.start(summary)
    try:
        for outcome in outcomes:
            _write(journal, errors, outcome, summary, reporter)
            summary.first = summary.first or (time.perf_counter(), summary.tagged.characters)
            reporter.advance(summary)
    except BrokenProcessPool as exc:
        raise TaggingError("a worker process died (out of memory, or killed); the documents finished so far "
                           f"are kept in {journal.path}: rerun with --resume") from exc
    finally:
        getattr(outcomes, "close", lambda: None)()
        errors.close()
        reporter.stop(summary)


def _write(journal: Journal, errors: ErrorsFile, outcome: Outcome, summary: Summary, reporter: Reporter) -> None:
    if outcome.line is None:
        errors.add(outcome.source, outcome.error or "unreadable")
        summary.failed += 1
        reporter.failure(outcome.source, outcome.error or "unreadable")
        return
    try:
        journal.append(outcome.line)
    except OSError as exc:
        raise TaggingError(f"{journal.path}: cannot write ({exc.strerror or exc}); the documents written so far "
                           "are kept: rerun with --resume") from exc
    if outcome.stats is not None:
        summary.tagged.add(outcome.stats)
    if outcome.model and not summary.model:
        summary.model = outcome.model


def _publish(layout: Layout) -> None:
    if layout.fmt == "jsonl":
        publish_jsonl(layout)
        return
    from jixiao.outputs.flat import write_tables

    settings = load_settings().get("tables", {})
    publish_folder(layout, lambda records, folder: write_tables(records, folder, layout.fmt, settings))
