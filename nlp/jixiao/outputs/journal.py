"""Where a batch run writes while it runs: ``OUT.partial``, whole JSON lines, renamed at the end.

Each record goes to the journal in a single ``write(2)`` on an ``O_APPEND`` descriptor (a record
over a megabyte in several, one after the other), so a run killed at any moment (Ctrl-C,
``kill -9``) leaves whole lines, at worst followed by one torn line that recovery cuts off. ``--resume`` keeps the records the runner accepts (it drops a
record whose file changed since, compacting the journal in place). Only a completed run
publishes ``OUT``; until then nothing that looks finished exists. An exclusive ``flock`` on the
journal keeps two runs from writing one output; the kernel drops it when the process dies,
however it dies.

For ``--format csv|parquet`` OUT is a folder holding ``spans.*``, ``sentences.*`` and the full
records as ``documents.jsonl``; the journal is the same JSON Lines file either way, so resuming
works the same for every format.

Beside the journal, ``OUT.partial.run.json`` (the run manifest) records what its records are
made from: the model's name, version and content hash, the format, the input root and every
input with its id. It is written when a run starts (after ``--resume`` has checked it) and
becomes ``OUT.run.json`` when OUT is published, so each manifest describes the records beside
it; ``--resume`` refuses a run whose model differs. The records themselves keep the SCHEME shape.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from jixiao.atomic import replace_folder, write_text
from jixiao.document.jsonl import json_text
from jixiao.outputs.records import error_line

DOCUMENTS_FILE = "documents.jsonl"


class JournalBusy(RuntimeError):
    """Another run holds the journal of the same output."""


@dataclass(frozen=True)
class Layout:
    """The files of one output: OUT, its journal, its staging folder and the default errors file."""

    output: Path
    fmt: str = "jsonl"

    def _beside(self, suffix: str) -> Path:
        return self.output.with_name(self.output.name + suffix)

    @property
    def journal(self) -> Path:
        return self._beside(".partial")

    @property
    def staging(self) -> Path:
        return self._beside(".staging")

    @property
    def errors(self) -> Path:
        return self._beside(".errors.jsonl")

    @property
    def manifest(self) -> Path:
        """What OUT was made from (see ``write_manifest``)."""
        return self._beside(".run.json")

    @property
    def journal_manifest(self) -> Path:
        """What the journal's records are made from; it becomes ``manifest`` when OUT is published."""
        return self._beside(".partial.run.json")

    def written(self) -> tuple[list[Path], list[Path]]:
        """Every file and every folder a run may write, replace or remove: (files, folders)."""
        files = [self.journal, self.journal_manifest, self.errors, self.manifest]
        if self.fmt == "jsonl":
            return [self.output, *files], [self.staging]
        return files, [self.output, self.staging]

    @property
    def folder_entries(self) -> set[str]:
        """What a table format's OUT folder holds: the records and the three tables."""
        return {DOCUMENTS_FILE, *(f"{table}.{self.fmt}" for table in ("spans", "sentences", "tables"))}

    @property
    def published_records(self) -> Path:
        """Where a completed run's records are: OUT itself, or OUT/documents.jsonl for tables."""
        return self.output if self.fmt == "jsonl" else self.output / DOCUMENTS_FILE


class Journal:
    """The open ``OUT.partial``: locked, appended to one whole line at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise JournalBusy(f"{path}: another jixiao run is writing this output") from None

    def clear(self) -> None:
        os.ftruncate(self.fd, 0)

    def append(self, line: str) -> None:
        self.append_bytes((line + "\n").encode("utf-8"))

    def append_line(self, pieces: Iterable[bytes]) -> None:
        """A line already encoded, in pieces, without its newline. A short line is written at
        once; a long one piece by piece, never copied into one buffer (a run killed meanwhile
        leaves a torn last line, which ``recover`` drops)."""
        held: list[bytes] = []
        size, start = 0, os.lseek(self.fd, 0, os.SEEK_END)
        try:
            for piece in pieces:
                if held and size + len(piece) > 1 << 20:
                    self.append_bytes(b"".join(held))
                    held, size = [], 0
                held.append(piece)
                size += len(piece)
        except BaseException:
            os.ftruncate(self.fd, start)  # pieces that could not all be made leave no part of a line
            raise
        held.append(b"\n")
        self.append_bytes(b"".join(held))

    def append_bytes(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def recover(self, previous: Path | None, keep: Callable[[dict[str, Any]], bool]) -> Iterator[dict[str, Any]]:
        """Yield the records an earlier run left that ``keep`` accepts, and leave only those.

        The journal's own lines come first: whole, valid lines up to the first torn or invalid
        one (the rest is cut off and tagged again, which loses nothing). A journal without any
        valid line is replaced by ``previous`` (the published output of a completed run).
        """
        if os.fstat(self.fd).st_size:
            valid = yield from self._compact(keep)
            if valid:
                return
        if previous is not None and previous.is_file():
            with open(previous, "rb") as handle:
                for raw, record in _valid_lines(handle):
                    if keep(record):
                        self.append_bytes(raw)
                        yield record

    def has_records(self) -> bool:
        """Whether the journal holds a whole, valid first line: the records ``recover`` keeps, rather
        than falling back to the published output (a run that died in its first line leaves none)."""
        if not os.fstat(self.fd).st_size:
            return False
        with open(self.path, "rb") as handle:
            return next(_valid_lines(handle), None) is not None

    def _compact(self, keep: Callable[[dict[str, Any]], bool]) -> Generator[dict[str, Any], None, int]:
        """Drop rejected lines in place by moving later lines up; returns the valid lines seen.

        Lines only move towards the start, so a run killed while compacting leaves whole lines
        or a cut that the next recovery treats as a torn line.
        """
        valid, offset, write_at = 0, 0, -1
        with open(self.path, "rb") as reader, open(self.path, "r+b", buffering=0) as writer:
            for raw, record in _valid_lines(reader):
                valid += 1
                if keep(record):
                    if write_at >= 0:
                        os.pwrite(writer.fileno(), raw, write_at)
                        write_at += len(raw)
                    yield record
                elif write_at < 0:
                    write_at = offset
                offset += len(raw)
        os.ftruncate(self.fd, offset if write_at < 0 else write_at)
        return valid

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self) -> None:
        """Close; an empty journal (a run that ended before its first document) is removed."""
        if self.fd >= 0:
            if os.fstat(self.fd).st_size == 0:
                self.path.unlink(missing_ok=True)
            os.close(self.fd)
            self.fd = -1


def _valid_lines(handle: BinaryIO) -> Iterator[tuple[bytes, dict[str, Any]]]:
    for raw in handle:
        record = _parse(raw)
        if record is None:
            return
        yield raw, record


def _parse(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) and "id" in record and "text" in record else None


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a journal or published JSON Lines file, one at a time."""
    with open(path, "rb") as handle:
        for _, record in _valid_lines(handle):
            yield record


def publish_jsonl(layout: Layout) -> None:
    """The journal becomes OUT by one rename: it is already whole and synced (``Journal.sync``),
    so it is not copied through ``jixiao.atomic.atomic_open``."""
    os.replace(layout.journal, layout.output)


def publish_folder(layout: Layout, write_tables: Any) -> None:
    """Build the tables in a staging folder, then swap it in for OUT (``jixiao.atomic.replace_folder``).

    The journal is linked (not moved) into the staging folder and removed only after the swap,
    so a run killed at any point can still resume from it.
    """
    staging = layout.staging
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    write_tables(layout.journal, staging)
    _link_or_copy(layout.journal, staging / DOCUMENTS_FILE)
    replace_folder(staging, layout.output)
    layout.journal.unlink()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class ErrorsFile:
    """The list of inputs that could not be tagged; created on the first failure only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: Any = None

    def add(self, source: str, reason: str) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "w", encoding="utf-8")
        self._handle.write(error_line(source, reason) + "\n")
        self._handle.flush()
        self.count += 1

    def close(self) -> None:
        """Close; a run without failures removes the list an earlier run may have left."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        elif self.count == 0:
            self.path.unlink(missing_ok=True)


MANIFEST_KIND = "jixiao tag run"


def write_manifest(path: Path, model: dict[str, Any], fmt: str, root: str, inputs: list[dict[str, str]],
                   reading: dict[str, Any] | None = None, paths: dict[str, str] | None = None) -> None:
    """Record what a run's records are made from (atomically, so a crash leaves the old one whole):
    the model, the inputs as named, the folder they were named from (``cwd``) and the file every
    record's ``source`` names (``paths``: kept records keep the spelling of the run that made them),
    so that a resume from elsewhere, or naming the same folder another way, finds the same files;
    and how files were read (``reading``: options that change a record's text)."""
    manifest = {"kind": MANIFEST_KIND, "model": model, "format": fmt, "root": root, "cwd": os.getcwd(),
                "inputs": inputs, **({"reading": reading} if reading is not None else {}),
                **({"paths": paths} if paths is not None else {})}
    write_text(path, json_text(manifest) + "\n")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest of an earlier run, or None when there is none (or it is not one)."""
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == MANIFEST_KIND else None
