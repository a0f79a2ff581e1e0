"""Tag many files into one output, in one process or a pool of worker processes.

Results are written in input order as they arrive, with a bounded number of documents in flight,
so memory stays flat however many reports come in. With N workers, this process tags too, beside
N - 1 worker processes (``shared_ordered``); ``tag_to_file`` starts them before it loads its own
model (``start_workers``). This process takes back, at the end, what they have not begun. Workers
are spawned fresh (no fork of a process that holds threads and a model), load the model once
each, cap their numerical libraries to one thread, ignore Ctrl-C (the parent decides how to stop)
and exit by themselves if the parent is killed. See
``nlp/jixiao/outputs/journal.py`` for how an interrupted run keeps its work.

What one file may cost is bounded: the size and depth checks of ``jixiao.ingest.limits`` run
before any format reader, and the time spent reading and tagging one file is capped by a timer
(``deadline``) that turns an overrun into that file's error, so one hostile file neither hangs
nor ends a batch. Ctrl-C and SIGTERM stop a run the same way, leaving a journal to resume from;
``--resume`` keeps only what the same model made from the same inputs (``_prepare``).
"""

from __future__ import annotations

import decimal
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, TypeVar

from jixiao.atomic import check_writable, folder_target, output_target
from jixiao.ingest.errors import IngestError
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits
from jixiao.ingest.reader import read_file
from jixiao.inputs import InputError, Inputs, UnwritableOutput, check_outputs, path_list, source_sha256
from jixiao.settings import runtime_settings
from jixiao.loading import RULES_MODEL_NAME, ModelError, load, resolve_model, verify_files
from jixiao.outputs.journal import (ErrorsFile, Journal, Layout, iter_records, publish_folder, publish_jsonl,
                                    read_manifest, write_manifest)
from jixiao.outputs.records import RecordStats, document_stats, iter_record_chunks, record_chunks, record_sha256, record_stats
from jixiao.outputs.summary import Summary
from jixiao.document.model import Document
from jixiao.tagger import Tagger, TagResult

T = TypeVar("T")
R = TypeVar("R")
ModelRef = str | Path | None
INTERRUPTED = "interrupted"
TERMINATED = "terminated"


def load_settings() -> dict[str, Any]:
    """The batch-tagging tables of ``jixiao/settings.toml``."""
    return runtime_settings()


# ``progress(name, step, share)``: the file (or "N files") being tagged, the step and how far it is
Working = Callable[[str, str, float], None]


class TaggingError(RuntimeError):
    """The run cannot go on (a worker died, the output cannot be written); work so far is kept."""


class ResumeRefused(ValueError):
    """``--resume`` would mix records of another model into the output; the message says what differs."""


class TaggingInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM during a run; ``summary`` says what the journal keeps, ``why`` which it was."""

    def __init__(self, summary: Summary, why: str = INTERRUPTED) -> None:
        super().__init__(why)
        self.summary = summary
        self.why = why


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt, so both stop a run the same way."""


class FileTimeout(BaseException):
    """One file ran past the time limit.

    A BaseException, like KeyboardInterrupt, so that readers which turn any Exception into
    "damaged file" (pdfplumber's wrapper does) let it through to the runner.
    """


@dataclass(frozen=True)
class Reading:
    """How files are read: the limits of ``jixiao.ingest.limits``, what to do with bad bytes, and
    whether a hard-wrapped text file's lines are joined (``read_bytes``)."""

    limits: Limits = DEFAULT_LIMITS
    encoding_errors: str = "strict"
    join_lines: bool = True


# --- one document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One input as the writer needs it: the JSON line (UTF-8 pieces, no newline) and its counts,
    or why it failed."""

    source: str
    line: Iterable[bytes] | None = None  # a list, or made piece by piece as it is written
    batch: int = 0  # the batch it was tagged in (``tag_batch``)
    error: str | None = None
    stats: RecordStats | None = None


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in this block after ``seconds``.

    A real-time interval timer (SIGALRM) interrupts Python code, and the regular expression engine
    checks for signals as it backtracks; a timer needs the main thread of a process, which every
    worker process and the CLI are. Elsewhere (a thread of the caller's) the block runs unbounded.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def tag_to_result(tagger: Tagger, path: str | Path, doc_id: str | None = None, reading: Reading = Reading()) -> TagResult:
    """Read and tag one file within the limits; an unreadable file, a file over a limit, or a bug
    on one file fails that file only."""
    def work() -> Document:
        document = read_file(path, doc_id, limits=reading.limits, encoding_errors=reading.encoding_errors,
                             join_lines=reading.join_lines)
        return tagger.tag_document(document)

    return guarded(str(path), work, reading.limits.seconds)


def guarded(source: str, work: Callable[[], Document], seconds: float | None) -> TagResult:
    """Run ``work`` (read and tag one input) under the time limit; every failure becomes the
    input's one-line error, the same wording whichever engine runs it."""
    try:
        with deadline(seconds):
            return TagResult(source, work())
    except FileTimeout:
        return TagResult(source, error=f"took longer than the limit of {seconds:g} s for one file (--time-limit); "
                                       "not tagged")
    except IngestError as exc:
        return TagResult(source, error=exc.reason)
    except decimal.DecimalException as exc:
        return TagResult(source, error=f"a number in the text is too large to compute with exactly "
                                       f"(decimal.{type(exc).__name__} in the quantity normaliser)")
    except Exception as exc:  # noqa: BLE001 - one bad document must not end a batch of thousands
        return TagResult(source, error=f"tagging failed ({type(exc).__name__}: {exc})")


def tag_batch(tagger: Tagger, jobs: Sequence[tuple[str, str | None]], reading: Reading = Reading(),
              progress: Working | None = None) -> list[TagResult]:
    """``tag_to_result`` of several files, their sentences scored together (``Tagger.tag_documents``):
    many short reports cost far less than one call each.

    Each file is read under its own time limit; the batch is tagged under the sum of its files'
    limits, and if it fails or runs over, each document is tagged again alone under its own, so
    that a failure or a slow file still fails that file only, with its own reason. ``progress``
    hears, with the name of the file (or the number of files) being tagged, the steps of
    ``Tagger.tag_documents``."""
    seconds = reading.limits.seconds
    results = [guarded(path, partial(read_file, path, doc_id, limits=reading.limits,
                                     encoding_errors=reading.encoding_errors, join_lines=reading.join_lines), seconds)
               for path, doc_id in jobs]
    readable = [i for i, result in enumerate(results) if result.document is not None]
    name = f"{len(readable)} files" if len(readable) > 1 else results[readable[0]].source if readable else ""
    steps = None if progress is None else partial(progress, name)
    if len(readable) > 1:
        try:
            with deadline(seconds * len(readable) if seconds else None):
                tagged = tagger.tag_documents([results[i].document for i in readable], steps)  # type: ignore[misc]
        except (Exception, FileTimeout):  # noqa: BLE001 - each document is tried alone below
            tagged = None
        if tagged is not None:
            for i, doc in zip(readable, tagged):
                results[i] = TagResult(results[i].source, doc)
            return results
    for i in readable:
        results[i] = guarded(results[i].source, partial(tagger.tag_document, results[i].document, steps), seconds)
    return results


def batches(jobs: Sequence[tuple[str, str | None]], settings: dict[str, Any],
            parallel: bool = False) -> Iterator[list[tuple[str, str | None]]]:
    """Consecutive files in batches of at most ``batch_files`` and about ``batch_bytes`` (by file
    size, ``[tagging]`` in settings.toml); a large file makes a batch of its own. ``parallel``:
    several processes share the batches, which are then about ``parallel_batch_bytes``."""
    most_files, most_bytes = int(settings.get("batch_files", 64)), int(settings.get("batch_bytes", 1 << 18))
    if parallel:
        most_bytes = int(settings.get("parallel_batch_bytes", most_bytes))
    batch: list[tuple[str, str | None]] = []
    size = 0
    for job in jobs:
        try:
            length = os.stat(job[0]).st_size
        except OSError:
            length = 0  # read (and reported) with the batch
        if batch and (len(batch) >= most_files or size + length > most_bytes):
            yield batch
            batch, size = [], 0
        batch.append(job)
        size += length
    if batch:
        yield batch


def outcome_of(result: TagResult, model: dict[str, str], lazy: bool = False) -> Outcome:
    """The output line (or the one-line error) of a result, as every engine writes it. ``lazy``:
    the line's pieces are made as the writer takes them (for a writer in the same process)."""
    if result.document is None:
        return Outcome(result.source, error=" ".join(str(result.error).splitlines()))
    chunks = iter_record_chunks if lazy else record_chunks
    return Outcome(result.source, chunks(result.document, result.source, model), stats=document_stats(result.document))


# --- worker processes -----------------------------------------------------------------------


@lru_cache(maxsize=2)
def _worker_tagger(model: ModelRef) -> Tagger:
    """The worker's model: loaded by the pool initializer, then reused for every task.

    A model that fails to load fails the first task with a ModelError, which reaches the parent
    as that error (an initializer that raises would only break the pool, with a traceback).
    """
    return _load(model, verify=False)  # the parent checked the files (model_identity) when the run began


def _worker_outcomes(model: ModelRef, reading: Reading, info: dict[str, str],
                     jobs: list[tuple[str, str | None]]) -> list[Outcome]:
    return _outcomes_here(_worker_tagger(model), reading, info, jobs)


def _here_if_timed(fn: Callable[[T], R]) -> Callable[[T], R] | None:
    """``fn`` for this process to tag with, when the per-file time limit can hold here: the timer
    needs the main thread (``deadline``). Called from another thread, all the work goes to the
    worker processes, whose main threads keep the limit."""
    return fn if _timed_here() else None


def _timed_here() -> bool:
    return threading.current_thread() is threading.main_thread()


def _outcomes_here(tagger: Tagger, reading: Reading, info: dict[str, str],
                   jobs: list[tuple[str, str | None]]) -> list[Outcome]:
    """The outcomes of a batch of files tagged with ``tagger``: this process's model, or a
    worker's (``_worker_outcomes``)."""
    return [outcome_of(result, info) for result in tag_batch(tagger, jobs, reading)]


def _worker_result(model: ModelRef, reading: Reading, job: tuple[str, str | None]) -> TagResult:
    return _result_here(_worker_tagger(model), reading, job)


def _result_here(tagger: Tagger, reading: Reading, job: tuple[str, str | None]) -> TagResult:
    return tag_to_result(tagger, job[0], job[1], reading)


def _init_worker(model: ModelRef, parent: int, settings: dict[str, Any]) -> None:
    """Before the model loads (which can take many seconds): watch the parent, ignore Ctrl-C
    and set the thread limits that libraries read when they are imported.

    SIGTERM keeps its default: the pool ends workers with it when one of them dies.
    """
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


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a batch system's time limit, ``docker stop``) stops the run as Ctrl-C
    does: the journal is kept and the run says so. Only the main thread can set a handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: Any) -> None:
        raise Terminated(TERMINATED)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def result_of(future: Future[R], poll: float = 0.25, alive: Callable[[], bool] | None = None) -> R:
    """``future.result()``, waited for in short slices, between which the main thread can run a
    signal handler and look at the workers.

    A worker ended by a signal (SIGTERM to the group, the out-of-memory killer) in the middle of
    sending its result leaves half a message in the pool's result pipe; the pool's manager thread
    then waits for the rest for ever, so the pool never reports the worker's death and the future
    never completes. The same signal sent to the whole group may also be delivered to one of the
    pool's threads, and a wait without a timeout is then never woken to run the handler. So: wait
    in slices, and raise BrokenProcessPool, as the pool itself would, once ``alive()`` says a
    worker is gone."""
    while not future.done():  # not result(timeout=…): a task that raised TimeoutError would look unfinished
        wait([future], timeout=poll)
        if not future.done() and alive is not None and not alive():
            raise BrokenProcessPool("a worker process ended while tasks were pending")
    return future.result()


def workers_alive(count: int) -> Callable[[], bool]:
    """Whether this process still has ``count`` live child processes (the pool's workers, which
    stay up for the whole run); ``multiprocessing.active_children`` also reaps the dead ones."""
    return lambda: len(multiprocessing.active_children()) >= count


def bounded_ordered(submit: Callable[[T], Future[R]], items: Iterable[T], limit: int,
                    start: Callable[[], Any] = _sigint_held, alive: Callable[[], bool] | None = None) -> Iterator[R]:
    """Results in input order with at most ``limit`` items submitted and not yet yielded.

    ``items`` is consumed lazily, so neither the inputs nor the results are ever all in memory.
    The first ``limit`` submissions (which start the worker processes) run inside ``start()``.
    """
    iterator = iter(items)
    pending: deque[Future[R]] = deque()
    with start():
        pending.extend(submit(item) for item in islice(iterator, limit))
    while pending:
        result = result_of(pending.popleft(), alive=alive)
        pending.extend(submit(item) for item in islice(iterator, 1))
        yield result


class _Here:
    """An item this process runs itself: when its result is due, or earlier while it waits for
    the pool (``shared_ordered``). As with a future, an error is raised when the result is
    asked for, so the results before it are still delivered; Ctrl-C and SIGTERM stop at once."""

    __slots__ = ("fn", "item", "ran", "value", "error")

    def __init__(self, fn: Callable[[T], R], item: T) -> None:
        self.fn, self.item, self.ran, self.value, self.error = fn, item, False, None, None

    def done(self) -> bool:
        return self.ran

    def run(self) -> None:
        if self.ran:
            return
        try:
            self.value = self.fn(self.item)
        except Exception as exc:  # noqa: BLE001 - kept for its turn, as a future keeps it
            self.error = exc
        self.ran, self.item = True, None

    def result(self) -> Any:
        self.run()
        if self.error is not None:
            raise self.error
        return self.value


def shared_ordered(here: Callable[[T], R], submit: Callable[[T], Future[R]], items: Iterable[T], limit: int,
                   in_pool: int, start: Callable[[], Any] = _sigint_held,
                   alive: Callable[[], bool] | None = None) -> Iterator[R]:
    """``bounded_ordered`` with this process working too. Of the ``limit`` items in flight, the
    earliest ``in_pool`` not yet begun are submitted to the pool; while the result due next is
    not ready, this process runs the latest item not begun itself (``here``), and when none is
    left, takes back the latest one the pool has not started (a cancelled future). The pool
    works from the front of the window and this process from the back, so neither waits for
    the other at the end, and the results still come in input order."""
    iterator = iter(items)
    pending: deque[Future[R] | _Here] = deque()
    submitted: dict[Future[R], T] = {}  # the item of each future, to take it back

    def feed() -> None:
        busy = sum(1 for task in pending if not isinstance(task, _Here) and not task.done())
        for i, task in enumerate(pending):
            if busy >= in_pool:
                return
            if isinstance(task, _Here) and not task.ran:
                future = submit(task.item)
                submitted[future] = task.item
                pending[i] = future
                busy += 1

    def take_back() -> _Here | None:
        for i in range(len(pending) - 1, 0, -1):  # never the head, which the pool may be finishing
            task = pending[i]
            if not isinstance(task, _Here) and task.cancel():
                pending[i] = _Here(here, submitted.pop(task))
                return pending[i]
        return None

    with start():
        pending.extend(_Here(here, item) for item in islice(iterator, limit))
        feed()
    while pending:
        head = pending[0]
        while not head.done():
            task = next((t for t in reversed(pending) if isinstance(t, _Here) and not t.ran), None) or take_back()
            if task is None:
                break
            task.run()
            feed()  # the pool may have finished items meanwhile: give it the next ones
        done = pending.popleft()
        submitted.pop(done, None)  # type: ignore[call-overload]
        result = done.result() if isinstance(done, _Here) else result_of(done, alive=alive)
        pending.extend(_Here(here, item) for item in islice(iterator, 1))
        feed()
        yield result


def _started() -> None:
    """The task ``start_workers`` gives each worker: it returns once the worker has loaded its model."""


def start_workers(model: ModelRef, processes: int, settings: dict[str, Any]) -> ProcessPoolExecutor:
    """A pool of ``processes`` spawned workers, started now rather than at the first task.

    A worker takes about as long to start as this process takes to load its own model (imports,
    compiled patterns); started before that load, the two run side by side on separate cores
    instead of one after the other. The pool starts a process for each task it cannot hand to an
    idle one, so one empty task per process starts them all.
    """
    executor = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker,
                                   initargs=(model, os.getpid(), settings.get("workers", {})))
    try:
        with _sigint_held():  # a Ctrl-C held meanwhile is raised here, as the mask is restored
            for _ in range(processes):
                executor.submit(_started)
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return executor


def pool_size(workers: int, here: bool) -> int:
    """Worker processes for ``workers`` tagging processes: one fewer when this process tags too."""
    return workers - 1 if here else workers


def process_map(fn: Callable[[T], R], items: Iterable[T], model: ModelRef, workers: int,
                settings: dict[str, Any], here: Callable[[T], R] | None = None,
                executor: ProcessPoolExecutor | None = None) -> Iterator[R]:
    """``fn`` over ``items`` in a pool of ``workers`` spawned processes, results in input order.

    With ``here`` (``fn`` with this process's own model), this process is one of the
    ``workers``: the pool has one process fewer and this one runs items too (``shared_ordered``)
    instead of waiting. On two cores that saves a worker's start-up, and the parent's core is
    no longer idle while the workers start. ``executor``: a pool already started for this map
    (``start_workers``, of ``pool_size`` processes); it is shut down at the end, as one made here is.
    """
    worker_settings = settings.get("workers", {})
    ahead = max(1, int(worker_settings.get("in_flight_per_worker", 8)))
    pool = pool_size(workers, here is not None)
    limit = workers * ahead
    if pool < 1 and here is not None:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        yield from map(here, items)
        return
    executor = executor or start_workers(model, pool, settings)
    try:
        alive = workers_alive(pool)
        if here is None:
            yield from bounded_ordered(lambda item: executor.submit(fn, item), items, limit, alive=alive)
        else:
            # four items per worker: the pool commits at most one more than its processes to them
            # (its call queue); the others wait in the pool, which hands one on as soon as a worker
            # is free, without waiting for this process to finish an item of its own (with two, the
            # worker idled a tenth of the run on 10 MB), and can still be taken back at the end
            yield from shared_ordered(here, lambda item: executor.submit(fn, item), items, limit, pool * 4, alive=alive)
    except BaseException:
        # interrupted, terminated or failed: never wait for the pool here. A worker ended by a
        # signal while it sent a result leaves half a message in the result pipe, and the pool's
        # manager thread then waits for the rest for ever (the workers exit by themselves once
        # this process has gone; see the CLI's exit)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True, cancel_futures=True)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and batch systems set)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def auto_workers(paths: Sequence[str | Path]) -> int:
    """The workers a run starts when none are asked for: every core, unless the inputs are too
    few or too small to repay a worker's start-up (``[workers] auto_min_bytes`` and
    ``auto_min_files`` in settings.toml); then one process tags everything itself."""
    settings = load_settings().get("workers", {})
    cores = available_cores()
    if cores < 2 or len(paths) < max(2, int(settings.get("auto_min_files", 2))):
        return 1
    limit, total = int(settings.get("auto_min_bytes", 1 << 20)), 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # the run reports it; it adds no work
        if total >= limit:
            return min(cores, len(paths))
    return 1


def capped_workers(requested: int) -> tuple[int, str | None]:
    """Workers to start and, when fewer than asked, why: each worker holds a whole model, and
    more workers than cores only add memory and switching, never speed."""
    cores = available_cores()
    if requested <= cores:
        return max(1, requested), None
    return cores, (f"--workers {requested} is more than the {cores} CPU core(s) available; using {cores} "
                   "(each worker loads its own copy of the model)")


# --- the model ------------------------------------------------------------------------------


def _load(model: ModelRef | Tagger, verify: bool = True) -> Tagger:
    """The tagger for this process; every model problem becomes one ModelError naming the file.
    ``verify=False`` after ``model_identity`` has checked the same folder's files."""
    if isinstance(model, Tagger):
        return model
    try:
        return load(model, verify=verify)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - a model's parts raise what their libraries raise
        raise ModelError(f"{resolve_model(model) if model is None or str(model) != RULES_MODEL_NAME else model}: "
                         f"cannot load ({type(exc).__name__}: {exc})") from exc


def model_identity(model: ModelRef | Tagger) -> dict[str, str | None]:
    """Name, version and content hash of a model, after checking its files against ``meta.json``.

    The hash is computed from the files as they are now (as the metrics files record it), so a
    model changed in place is a different model to ``--resume``. A file whose SHA-256 differs
    from the one ``meta.json`` records is damaged (or edited): that is a ModelError naming the
    file, before any loader gives a less precise one. A Tagger passed in, and the keyword rules,
    have no files: their hash is None.
    """
    if isinstance(model, Tagger):
        return {**model.model_info, "hash": None}
    if model is not None and str(model) == RULES_MODEL_NAME:
        return {"name": RULES_MODEL_NAME, "version": "0", "hash": None}
    from jixiao.model_files import content_hash

    folder = resolve_model(model)
    meta_path = folder / "meta.json"
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, ValueError):
        _load(model)  # raises the loader's own error, which names the file
        raise ModelError(f"{meta_path}: not a readable model description") from None
    if not isinstance(meta, dict):
        _load(model)
    hashes = verify_files(folder, meta)
    if not hashes:  # a model described by meta.json alone (keyword rules with settings)
        hashes = {"meta.json": hashlib.sha256(meta_path.read_bytes()).hexdigest()}
    return {"name": str(meta.get("name", folder.name)), "version": str(meta.get("version", "0")),
            "hash": content_hash(hashes)}


def _model_ref(model: ModelRef | Tagger, workers: int) -> ModelRef:
    if isinstance(model, Tagger):
        if workers > 1:
            raise ValueError("workers > 1 load the model in each worker: pass a model path (or None), not a Tagger")
        return None
    return model


# --- the Python API -------------------------------------------------------------------------


def tag_files(paths: Iterable[str | Path] | Inputs, model: ModelRef | Tagger = None, workers: int = 1, *,
              reading: Reading = Reading()) -> Iterator[TagResult]:
    """Tag files lazily, in input order: one TagResult per path, failures included.

    The model is loaded (and checked) at the call; ``paths`` is consumed as results are taken.
    Document ids are file stems, or with ``jixiao.inputs.find_inputs(...)`` as ``paths`` the
    unique ids ``jixiao tag`` gives. With ``workers > 1`` (capped at the cores available) the
    files are tagged in that many processes (in a script, call this under
    ``if __name__ == "__main__":``, as multiprocessing requires).
    """
    if not isinstance(paths, Inputs):
        path_list(paths)
    workers = capped_workers(workers)[0]
    ref = _model_ref(model, workers)
    model_identity(model)
    tagger = _load(model, verify=False)  # checked just now; this process tags with any number of workers
    jobs: Iterable[tuple[str, str | None]] = (zip(paths.paths, paths.ids) if isinstance(paths, Inputs)
                                              else ((str(p), None) for p in paths))
    if workers <= 1:
        return (tag_to_result(tagger, path, doc_id, reading) for path, doc_id in jobs)
    return process_map(partial(_worker_result, ref, reading), jobs, ref, workers, load_settings(),
                       here=_here_if_timed(partial(_result_here, tagger, reading)))


# --- the batch run --------------------------------------------------------------------------


class Reporter(Protocol):
    """What a run tells the person waiting for it (see nlp/jixiao/outputs/feedback.py).

    ``advance`` is called when an input is done, and also while this process tags a batch, with
    ``summary.working`` set to what it is doing (an input may take a minute): count inputs by
    ``summary.done``, not by calls."""

    def start(self, summary: Summary) -> None: ...

    def advance(self, summary: Summary) -> None: ...

    def failure(self, source: str, reason: str) -> None: ...

    def stop(self, summary: Summary) -> None: ...


class Silent:
    """A reporter that shows nothing (the API's default)."""

    def start(self, summary: Summary) -> None: ...

    def advance(self, summary: Summary) -> None: ...

    def failure(self, source: str, reason: str) -> None: ...

    def stop(self, summary: Summary) -> None: ...


def tag_to_file(paths: Sequence[str | Path] | Inputs, output: str | Path, *, model: ModelRef | Tagger = None,
                fmt: str = "jsonl", workers: int = 1, resume: bool = False, errors: str | Path | None = None,
                reporter: Reporter | None = None, reading: Reading = Reading()) -> Summary:
    """Tag ``paths`` into ``output`` (what ``jixiao tag`` does); returns the run's summary.

    ``paths`` are files, or the ``Inputs`` of ``jixiao.inputs.find_inputs`` (folders and globs
    expanded, with the ids and the unreadable links a run lists). Raises InputError when an
    output would overwrite an input, UnwritableOutput when the list of failures cannot be
    written, ModelError, JournalBusy and ResumeRefused before any work,
    TaggingInterrupted on Ctrl-C or SIGTERM and TaggingError when the run cannot go on; in the
    last two cases the journal keeps every finished document and ``resume=True`` picks up from it.
    """
    inputs = paths if isinstance(paths, Inputs) else Inputs.of_files(paths)
    # a symbolic link as OUT is written through: the run's journal and OUT sit beside the file it names
    try:
        layout = Layout(output_target(output) if fmt == "jsonl" else Path(os.path.abspath(output)), fmt)
    except OSError as exc:  # a device, a process's open file, a folder: a usage error like the others
        raise InputError(str(exc)) from None
    errors_path = Path(errors) if errors else layout.errors
    written, folders = layout.written()
    # --errors, when given, is one more output (the default errors file is one of ``written``)
    check_outputs(inputs.arguments, inputs.paths, files=[*written, *([errors_path] if errors_path != layout.errors else [])],
                  folders=folders)
    if fmt != "jsonl":  # the folder a link names, never a file, the current folder or a folder of other files
        try:
            layout = Layout(folder_target(output, layout.folder_entries), fmt)
        except OSError as exc:
            raise InputError(str(exc)) from None
    requested, (workers, _) = workers, capped_workers(workers)
    ref = _model_ref(model, workers)
    # what can be refused is refused before any worker starts: a damaged model, a busy journal, a
    # resume with another model's records
    identity = model_identity(model)
    try:
        check_writable(errors_path)  # written only at the first failure: found unwritable now, not then
    except OSError as exc:
        raise UnwritableOutput(f"{errors_path}: cannot write the list of failures there ({exc.strerror or exc})") from None
    summary = Summary(Path(output), errors_path, layout.journal, model=identity,
                      inputs=len(inputs) + len(inputs.problems), workers=workers, requested_workers=requested)
    journal = Journal(layout.journal)
    info = {"name": str(identity["name"]), "version": str(identity["version"])}
    active, executor = max(1, min(workers, len(inputs))), None
    try:
        earlier = _check_resume(layout, journal, identity, reading) if resume else None
        if active > 1 and not resume:  # the workers start while this process loads its model
            executor = start_workers(ref, pool_size(active, _timed_here()), load_settings())
        tagger = _load(model, verify=False)  # checked by model_identity; this process tags with any number of workers
        try:
            with sigterm_as_interrupt():
                todo, kept_paths = _prepare(journal, layout, inputs, resume, summary, earlier)
                if resume:  # workers for what is left only: none when a run had finished
                    active = summary.workers = max(1, min(active, len(todo)))
                    if active > 1:
                        executor = start_workers(ref, pool_size(active, _timed_here()), load_settings())
                here = os.getcwd()
                write_manifest(layout.journal_manifest, identity, fmt, inputs.root,
                               [{"source": p, "id": i} for p, i in zip(inputs.paths, inputs.ids)],
                               reading_record(reading),
                               {**kept_paths, **{p: _resolved(here, p) for p in inputs.paths}})
                shown = reporter or Silent()

                def working(name: str, step: str, share: float) -> None:
                    summary.working = (name, step, share)
                    try:
                        shown.advance(summary)
                    except Exception:  # noqa: BLE001 - showing progress must never fail the file being tagged
                        pass

                outcomes = _outcomes(tagger, ref, todo, active, reading, info, executor, working)
                _run(journal, _problems(inputs) + [outcomes], summary, shown)
                journal.sync()
                if summary.total.documents == 0 and summary.failed and _published(layout):
                    # not one input could be read: an earlier OUT stays as it was rather than being
                    # emptied (the empty journal is removed as it closes)
                    summary.published = False
                else:
                    _publish(layout)  # still holding the lock, so no other run can touch the journal meanwhile
        except KeyboardInterrupt as exc:
            _count_kept(summary, layout.journal)
            raise TaggingInterrupted(summary, TERMINATED if isinstance(exc, Terminated) else INTERRUPTED) from None
    except BaseException:
        # a model that does not load, Ctrl-C: said now, not after the workers have loaded their
        # models (they exit once they have)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        journal.close()
        if not layout.journal.exists():
            layout.journal_manifest.unlink(missing_ok=True)
    if executor is not None:  # a no-op once the run has shut it down
        executor.shutdown(wait=True, cancel_futures=True)
    summary.seconds, summary.completed = time.perf_counter() - summary.started, True
    return summary


def _count_kept(summary: Summary, journal: Path) -> None:
    """Make the count of new documents the journal's whole lines: a signal can land between a
    line's write and its count, and the message must say what a resume will find."""
    try:
        with open(journal, "rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return
    summary.tagged.documents = max(0, lines - summary.kept.documents)


def _problems(inputs: Inputs) -> list[Iterator[Outcome]]:
    return [iter([Outcome(path, error=reason) for path, reason in inputs.problems])]


def _prepare(journal: Journal, layout: Layout, inputs: Inputs, resume: bool, summary: Summary,
             earlier: dict[str, Any] | None = None) -> tuple[list[tuple[str, str | None]], dict[str, str]]:
    """Keep what an earlier run of the same model finished for the same inputs (on resume); the
    inputs still to tag, and the file each kept record's ``source`` names (for the manifest).

    A kept record stands for exactly one input: the same file (its path as the earlier manifest
    records it, or resolved from the folder that run was started in, so ``big``, ``./big`` and
    ``/abs/big`` name the same files wherever the run starts), the same id, the same content
    (sha256). The records of files no longer among the inputs are dropped, and those of files that
    changed (or whose id changed, because the inputs now have another root) are dropped and tagged
    again, so the output holds exactly the inputs of this run. Records of another model, or read
    with other options, are never kept: ``tag_to_file`` refuses such a resume (``_check_resume``)
    before anything is changed.
    """
    jobs: list[tuple[str, str | None]] = list(zip(inputs.paths, inputs.ids))
    if not resume:
        journal.clear()
        summary.todo = len(jobs) + len(inputs.problems)
        return jobs, {}
    earlier = earlier or {}  # the manifest _check_resume read and checked
    then = earlier.get("cwd") if isinstance(earlier.get("cwd"), str) else os.getcwd()
    known = earlier.get("paths") if isinstance(earlier.get("paths"), dict) else {}
    here = os.getcwd()
    kept_paths: dict[str, str] = {}
    wanted = {(_resolved(here, path), doc_id): (path, doc_id, source_sha256(path)) for path, doc_id in jobs}
    sources = {_resolved(here, path) for path in inputs.paths}
    matched: set[tuple[str, str | None]] = set()

    def keep(record: dict[str, Any]) -> bool:
        source = record.get("source")
        resolved = (known.get(source) or _resolved(then, source)) if isinstance(source, str) else None
        key = (resolved, record.get("id"))
        if key in wanted and wanted[key][:2] not in matched and wanted[key][2] is not None \
                and wanted[key][2] == record_sha256(record):
            matched.add(wanted[key][:2])
            kept_paths[source] = resolved  # type: ignore[index]
            return True
        if resolved in sources:
            summary.retagged += 1
        else:
            summary.dropped += 1
        return False

    for record in journal.recover(layout.published_records, keep):
        summary.kept.add(record_stats(record))
    todo = [job for job in jobs if job not in matched]
    summary.todo = len(todo) + len(inputs.problems)
    return todo, kept_paths


def _resolved(base: str, path: str) -> str:
    """``path`` as an absolute, normalised path, relative ones taken from the folder ``base``."""
    return os.path.normpath(os.path.join(base, path))


def reading_record(reading: Reading) -> dict[str, Any]:
    """The reading options a manifest records; ``READING_KEYS`` are the ones a record's text depends on."""
    return asdict(reading)


# reading options that change what a record holds (the limits only decide whether a file fails)
READING_KEYS = ("encoding_errors", "join_lines")


def _reading_option(key: str, value: Any) -> str:
    """A reading option as ``jixiao tag`` spells it (the manifest records the API's names)."""
    if key == "join_lines":
        return "without --keep-line-breaks" if value else "--keep-line-breaks"
    if key == "encoding_errors":
        return f"--encoding-errors {value}"
    return f"{key} {value!r}"


def _check_resume(layout: Layout, journal: Journal, identity: dict[str, str | None],
                  reading: Reading) -> dict[str, Any] | None:
    """Refuse to resume from records another model made, or that files read another way made
    (``--keep-line-breaks``, ``--encoding-errors``): the manifest of the journal (or of the
    completed output) names both; without one, the records' own model names are compared.

    Returns that manifest, for ``_prepare``: the journal's when it holds records, else the completed
    output's (which ``Journal.recover`` falls back to). The journal's first line is read once here,
    however long it is."""
    has_records = journal.has_records()
    manifest = read_manifest(layout.journal_manifest if has_records else layout.manifest)
    if manifest is not None:
        earlier = manifest.get("model") or {}
        if _key(earlier) != _key(identity):
            raise ResumeRefused(f"{layout.output}: the earlier run used {_describe(earlier)}, this run uses "
                                f"{_describe(identity)}; resuming would mix their results: run without --resume to "
                                "tag everything with this model, or pass --model for the earlier one")
        then, now = manifest.get("reading"), reading_record(reading)
        if isinstance(then, dict):
            # strict then replace reads every kept record the same (a file with bad bytes failed
            # under strict, as its error advises): only the other way round would mix readings
            differ = [k for k in READING_KEYS if k in then and then[k] != now[k]
                      and not (k == "encoding_errors" and then[k] == "strict")]
            if differ:
                described = ", ".join(f"{_reading_option(k, then[k])} then, {_reading_option(k, now[k])} now"
                                      for k in differ)
                raise ResumeRefused(f"{layout.output}: the earlier run read its files another way ({described}); "
                                    "resuming would mix their results: run with the same reading options, or "
                                    "without --resume to tag everything again")
        return manifest
    source = journal.path if has_records else layout.published_records
    if not source.is_file():
        return None
    for record in iter_records(source):
        model = record.get("model") if isinstance(record.get("model"), dict) else {}
        if (model.get("name"), str(model.get("version"))) != (identity["name"], identity["version"]):
            raise ResumeRefused(f"{source}: holds records of {_describe(model)}, this run uses {_describe(identity)}; "
                                "resuming would mix their results: run without --resume to tag everything again")
    return None


def _key(model: dict[str, Any]) -> tuple[str, str, str | None]:
    return str(model.get("name")), str(model.get("version")), model.get("hash")


def _describe(model: dict[str, Any]) -> str:
    digest = model.get("hash")
    return f"model {model.get('name')} {model.get('version')}" + (f" (content hash {digest})" if digest else "")


def _outcomes(tagger: Tagger, ref: ModelRef, todo: list[tuple[str, str | None]], workers: int,
              reading: Reading, info: dict[str, str], executor: ProcessPoolExecutor | None,
              progress: Working | None = None) -> Iterator[Outcome]:
    """The outcomes of ``todo`` in input order; ``executor``: the workers started for the run (on
    resume there may be fewer files left than workers; the surplus workers stay idle).
    ``progress`` hears the steps of the batches this process tags alone."""
    settings = load_settings()
    parallel = executor is not None and len(todo) > 1
    jobs = batches(todo, settings.get("tagging", {}), parallel)
    if not parallel:
        return (replace(outcome_of(result, info, lazy=True), batch=number) for number, batch in enumerate(jobs)
                for result in tag_batch(tagger, batch, reading, progress))
    outcomes = process_map(partial(_worker_outcomes, ref, reading, info), jobs, ref, workers, settings,
                           here=_here_if_timed(partial(_outcomes_here, tagger, reading, info)), executor=executor)
    return (replace(outcome, batch=number) for number, batch in enumerate(outcomes) for outcome in batch)


def _run(journal: Journal, streams: list[Iterator[Outcome]], summary: Summary, reporter: Reporter) -> None:
    errors = ErrorsFile(summary.errors)
    reporter.start(summary)
    first_batch: int | None = None
    try:
        for outcomes in streams:
            for outcome in outcomes:
                summary.working = None
                _write(journal, errors, outcome, summary, reporter)
                # the documents of the first batch are done together: the steady rate starts after them
                first_batch = outcome.batch if first_batch is None else first_batch
                if outcome.batch == first_batch:
                    summary.first = (time.perf_counter(), summary.tagged.characters)
                reporter.advance(summary)
    except BrokenProcessPool as exc:
        raise TaggingError("a worker process died (out of memory, or killed); the documents finished so far "
                           f"are kept in {journal.path}: rerun with --resume") from exc
    finally:
        for outcomes in streams:
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
        journal.append_line(outcome.line)
    except OSError as exc:
        raise TaggingError(f"{journal.path}: cannot write ({exc.strerror or exc}); the documents written so far "
                           "are kept: rerun with --resume") from exc
    except Exception as exc:  # noqa: BLE001 - a record that cannot be serialised fails its document only
        reason = f"its record could not be written ({type(exc).__name__}: {exc})"
        errors.add(outcome.source, reason)
        summary.failed += 1
        reporter.failure(outcome.source, reason)
        return
    if outcome.stats is not None:
        summary.tagged.add(outcome.stats)


def _published(layout: Layout) -> bool:
    """Whether an earlier run's output is there (OUT, or for csv/parquet its folder)."""
    return layout.output.exists()


def _publish(layout: Layout) -> None:
    if layout.fmt == "jsonl":
        publish_jsonl(layout)
    else:
        from jixiao.outputs.flat import write_tables

        settings = load_settings().get("tables", {})
        publish_folder(layout, lambda records, folder: write_tables(records, folder, layout.fmt, settings))
    os.replace(layout.journal_manifest, layout.manifest)
