"""Expand command-line inputs (files, folders, globs) into report paths, in a stable order.

Three decisions live here because every command that reads reports needs the same answer:

- **What a folder holds.** Folders are walked recursively, following links to folders (a folder
  of reports is often a folder of links to archives), in sorted order. A link that loops back to
  a folder already being walked, a link whose target is missing, a folder that cannot be listed
  and an input that names nothing while others do are *problems*: each is returned with a
  one-line reason so the caller lists it in its errors file instead of skipping it silently.
- **Document ids.** An id is the path relative to the input root (the deepest folder holding
  every input as named), without its suffix and with ``/`` separators: ``东城区/绩效评价报告``.
  Where two inputs would share that (``report.txt`` beside ``report.docx``), both keep their
  suffix. Ids depend only on the inputs, never on their order or on earlier runs, and two inputs
  never share one.
- **Outputs that are inputs.** A command refuses an output path that is one of its inputs, would
  become one the next time the same inputs are read, or (for folder outputs) holds inputs.
"""

from __future__ import annotations

import errno
import fnmatch
import glob
import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jixiao.atomic import output_target
from jixiao.ingest.reader import REPORT_LIKE_SUFFIXES, SUPPORTED_SUFFIXES
from jixiao.outputs.names import readable


class InputError(ValueError):
    """An input that names nothing, or an output that would overwrite an input; a usage error."""


class UnwritableOutput(Exception):
    """An output found unwritable before any work (a read-only folder, a file where a folder must
    be). Not a usage error: the commands exit with the code of any output that cannot be written."""


@dataclass(frozen=True)
class Inputs:
    """The files a run reads, each with its document id, plus the entries that could not be followed.

    ``paths`` are as the user named them (folder members joined to the folder as given);
    ``problems`` are ``(path, reason)`` pairs for links and folders that could not be read and for
    inputs that name nothing (``missing`` lists those again on their own).
    """

    paths: tuple[str, ...]
    ids: tuple[str, ...]
    root: str
    problems: tuple[tuple[str, str], ...] = ()
    arguments: tuple[str, ...] = field(default=())
    # files of the folders walked that may be reports in a format not read (REPORT_LIKE_SUFFIXES)
    skipped: tuple[str, ...] = ()
    missing: tuple[tuple[str, str], ...] = ()  # inputs that name nothing: a missing file, a pattern matching none

    def __len__(self) -> int:
        return len(self.paths)

    @classmethod
    def of_files(cls, paths: Iterable[str | Path]) -> Inputs:
        """Inputs for a list of file paths (the Python API): ids relative to their common folder."""
        names = list(dict.fromkeys(str(p) for p in path_list(paths)))
        root = input_root(names, folders=())
        return cls(tuple(names), tuple(assign_ids(names, root)), root, (), tuple(names))


def path_list(paths: Any) -> Any:
    """``paths`` unchanged, unless it is one path rather than a list of them: a string is iterable,
    and read character by character it would name a file per character."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(f"expected a list of paths, got one path ({paths!r}); pass [{paths!r}]")
    return paths


def find_inputs(inputs: Sequence[str], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> Inputs:
    """Files as given; folders recursively (``suffixes`` only); globs expanded; all in a stable order.

    Links that loop or point nowhere, folders that cannot be listed, and inputs that name nothing
    (a missing file, a pattern that matches none) come back in ``problems``, so that one deleted
    file does not stop a run over many; InputError is raised only when no input names anything.
    """
    paths: list[str] = []
    problems: list[tuple[str, str]] = []
    missing: list[tuple[str, str]] = []
    folders: list[str] = []
    skipped: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            folders.append(item)
            _walk(item, suffixes, paths, problems, skipped=skipped)
        elif path.exists():
            paths.append(item)
        elif path.is_symlink():
            problems.append((item, link_problem(item)))
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                missing.append((item, "the pattern matches no file"))
                folders.append(_glob_folder(item))  # the ids' root is the same whether it matches or not
                continue
            folders.append(_glob_folder(item))
            for match in matches:
                loop = _loop_on_the_way(match)
                if loop is not None:  # ** follows links to folders: one that points back goes round
                    problems.append(loop)
                elif Path(match).is_file():
                    paths.append(match)
                elif Path(match).is_symlink() and not Path(match).exists():
                    problems.append((match, link_problem(match)))
        else:
            missing.append((item, "no such file or folder"))
    if missing and not paths and not problems and len(folders) == sum(glob.has_magic(m) for m, _ in missing):
        raise InputError(f"{missing[0][0]}: {missing[0][1]}")
    # one file named twice (in/a.txt, ./in/a.txt, /abs/in/a.txt) is read once, under its first name
    first: dict[str, str] = {}
    for p in paths:
        first.setdefault(os.path.normpath(os.path.abspath(p)), p)
    unique = list(first.values())
    # a missing file takes part in the root as if it were there, so that the others' ids (and what
    # --resume keeps) do not depend on whether it exists
    named = [p for p, _ in problems] + [m for m, _ in missing if not glob.has_magic(m)]
    root = input_root([*unique, *named], folders)
    return Inputs(tuple(unique), tuple(assign_ids(unique, root)), root, tuple(dict.fromkeys(problems + missing)), tuple(inputs),
                  tuple(skipped), tuple(missing))


def expand_inputs(inputs: list[str], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> list[str]:
    """The report paths that ``inputs`` name (see ``find_inputs``; unreadable links and folders are
    left out). Raises InputError for an input that names nothing: a caller that wants only the
    paths has no list of problems to report it in."""
    found = find_inputs(inputs, suffixes)
    if found.missing:
        raise InputError(f"{found.missing[0][0]}: {found.missing[0][1]}")
    return list(found.paths)


def _walk(folder: str, suffixes: tuple[str, ...], paths: list[str], problems: list[tuple[str, str]],
          branch: tuple[str, ...] = (), skipped: list[str] | None = None) -> None:
    """Depth-first in sorted order (the order of sorted paths), following links to folders; a link
    back to a folder on the current branch is a loop, reported once and not followed."""
    branch = branch or (os.path.realpath(folder),)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        problems.append((folder, f"cannot list the folder ({exc.strerror or exc})"))
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        suffix = Path(entry.name).suffix.lower()
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
            is_file = not is_dir and entry.is_file(follow_symlinks=True)
        except OSError as exc:
            problems.append((path, link_problem(path) if entry.is_symlink() else f"cannot read ({exc.strerror or exc})"))
            continue
        if is_dir:
            real = os.path.realpath(path)
            if real in branch:
                problems.append((path, f"symbolic link loop: points back to {real}, a folder it is inside"))
            else:
                _walk(path, suffixes, paths, problems, (*branch, real), skipped)
        elif is_file:
            if suffix in suffixes:
                paths.append(path)
            elif skipped is not None and suffix in REPORT_LIKE_SUFFIXES:
                skipped.append(path)
        elif entry.is_symlink() and (suffix in suffixes or not suffix):
            problems.append((path, link_problem(path)))


def _loop_on_the_way(path: str) -> tuple[str, str] | None:
    """(link, reason) for the first link to a folder on ``path``'s way that points back to a
    folder it is inside (as the folder walk reports it), None when there is none."""
    parts = Path(path).parts
    current = Path(parts[0])
    for part in parts[1:-1]:
        current = current / part
        if current.is_symlink():
            real, parent = os.path.realpath(current), os.path.realpath(current.parent)
            if parent == real or _is_within(parent, real):
                return str(current), f"symbolic link loop: points back to {real}, a folder it is inside"
    return None


def link_problem(path: str) -> str:
    """Why a symbolic link cannot be followed, in one line."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link points, through other links, back to itself)"
        if isinstance(exc, FileNotFoundError):
            return f"broken symbolic link (its target {os.readlink(path)} does not exist)"
        return f"unreadable symbolic link ({exc.strerror or exc})"
    return "symbolic link to something that is not a file"


def _glob_folder(pattern: str) -> str:
    """The folder a glob starts from: its parts before the first wildcard."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else "."


def input_root(paths: Sequence[str], folders: Sequence[str]) -> str:
    """The deepest folder holding every input as named: a folder counts as itself, a file as its folder."""
    places = [os.path.abspath(f) for f in folders] + [os.path.dirname(os.path.abspath(p)) for p in paths]
    return os.path.commonpath(places) if places else os.path.abspath(".")


def assign_ids(paths: Sequence[str], root: str) -> list[str]:
    """Document ids for ``paths``: relative to ``root`` without suffix, unless that is shared.

    Every member of a group that would share an id keeps its suffix; that repeats until no id is
    shared (full relative paths of distinct files differ, so it ends). An id is a label, not a
    path: a name that is not UTF-8 (GBK bytes from an archive) has each such byte written as
    ``\\xb1``, as every output can hold it, so the JSON records and the CSV and Parquet tables of
    a run carry the same id (``jixiao.outputs.names``). If that form of a name is also another
    file's real name, the written form gets ``~1``, ``~2`` … before its suffix until it is no other
    name's.
    """
    raw = [Path(os.path.relpath(os.path.abspath(p), root)).as_posix() for p in paths]
    relative = [readable(r) for r in raw]
    taken = set(raw)
    for i, (written, name) in enumerate(zip(relative, raw)):
        if written != name and written in taken:  # a name written as \xb1 that another file has for real
            n, path = 1, PurePosixPath(written)
            while (marked := str(path.with_name(f"{path.stem}~{n}{path.suffix}"))) in taken:
                n += 1
            relative[i] = marked
            taken.add(marked)
    full = [False] * len(paths)
    while True:
        ids = [r if f or not Path(r).suffix else r[: -len(Path(r).suffix)] for r, f in zip(relative, full)]
        counts = Counter(ids)
        shared = [i for i, doc_id in enumerate(ids) if counts[doc_id] > 1 and not full[i]]
        if not shared:
            return ids
        for i, doc_id in enumerate(ids):
            if counts[doc_id] > 1:
                full[i] = True


def source_sha256(path: str | Path) -> str | None:
    """The sha256 of a file's bytes (what ingestion records as ``meta.sha256``); None if unreadable.

    ``--resume`` matches inputs to kept records by content, so a file that changed since the
    earlier run is tagged again.
    """
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


# --- outputs that are inputs -------------------------------------------------------------------


def check_outputs(arguments: Sequence[str], paths: Sequence[str], files: Iterable[str | Path] = (),
                  folders: Iterable[str | Path] = (), suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> None:
    """Raise InputError (one line) for an output that would overwrite or become an input.

    ``files`` are files the command writes (or replaces, or removes); ``folders`` are folders it
    replaces whole. ``arguments`` are the inputs as named (files, folders, globs) and ``paths``
    the files they expanded to. Hard links and symbolic links count as the same file.
    """
    inputs = [p for p in dict.fromkeys(str(p) for p in (*paths, *arguments)) if os.path.exists(p)]
    keys = {_file_key(p): p for p in inputs if os.path.isfile(p)}
    named: dict[str, str] = {}
    for out in (str(f) for f in files):  # two outputs of one run in one file: one would overwrite the other
        real = os.path.realpath(out)
        if real in named:
            raise InputError(f"{out}: named for two outputs of the run ({named[real]} too); one would overwrite "
                             "the other: choose another name")
        named[real] = out
    for out in (str(f) for f in files):
        if out == "-":
            raise InputError("-: outputs are written to files, whole (never half a file after a failure), not to "
                             "standard output: name a file")
        try:
            output_target(out)
        except OSError as exc:
            raise InputError(str(exc)) from None
        same = keys.get(_file_key(out)) if os.path.exists(out) else None
        if same is not None:
            raise InputError(f"{out}: is the input {same}; writing it would destroy that input: choose another output")
        named_missing = [a for a in arguments if not os.path.exists(a) and not glob.has_magic(a)
                         and os.path.realpath(a) == os.path.realpath(out)]
        if named_missing:  # not there yet, but named as an input: the next run would read what this one wrote
            raise InputError(f"{out}: is also named as an input ({named_missing[0]}): choose another output")
        if Path(out).suffix.lower() in suffixes:
            for argument in arguments:
                if _would_read(argument, out):
                    raise InputError(f"{out}: inside the input {argument}, so a later run on the same input would read "
                                     "it as a report: choose another output")
    for folder in (str(f) for f in folders):
        real = os.path.realpath(folder)
        for item in inputs:
            if _is_within(os.path.realpath(item), real):
                raise InputError(f"{folder}: holds the input {item}; writing it would replace that input: "
                                 "choose another output folder")


def _file_key(path: str) -> tuple[int, int] | str:
    try:
        stat = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (stat.st_dev, stat.st_ino)


def _would_read(argument: str, output: str) -> bool:
    """Whether expanding ``argument`` again would pick ``output`` up."""
    if os.path.isdir(argument):
        return _is_within(os.path.realpath(output), os.path.realpath(argument))
    if glob.has_magic(argument):
        return fnmatch.fnmatch(os.path.normpath(os.path.abspath(output)), os.path.normpath(os.path.abspath(argument)))
    return False


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
