"""The one way jixiao writes an output file or folder: whole, or not at all.

Every output a user may open while jixiao runs, or find after a crash (findings, converted
corpora, evaluation reports, HTML pages, DocBins, datasets), is written through here:

1. the content goes to a temporary file (or folder) in the *same* folder as the target, so the
   final rename never crosses a file system and is atomic;
2. the file is flushed and ``fsync``-ed before the rename, so after a power cut the target holds
   either the old content or the new, never a prefix of the new;
3. ``os.replace`` puts it in place; the folder entry is then synced (best effort);
4. on any failure, including Ctrl-C while the content is produced, the temporary is removed and
   the previous target is left exactly as it was.

Temporaries are created private (``mkstemp``/``mkdtemp``: 0600/0700) and the result is then given
the permissions a plain ``open``/``mkdir`` would have given it (0666/0777 minus the umask), so a
corpus written by one user stays readable by others; ``permissions`` overrides that.

The journal of ``jixiao tag`` (``outputs/journal.py``) is the one writer that does not use
``atomic_open``: it appends to ``OUT.partial`` while the run goes on and renames it at the end,
which is the same idea spread over a whole run. Its folder outputs share ``replace_folder``.

This module imports nothing from jixiao, so every layer may use it.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", *, encoding: str = "utf-8",
                permissions: int | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` when the block ends.

    ``mode`` is ``"w"`` (text, ``encoding``) or ``"wb"``. If the block raises, the temporary
    is deleted and ``path`` is untouched (absent if it was absent). Missing parent folders are
    created. ``permissions`` (e.g. ``0o644``) replaces the umask-derived default. A symbolic link
    is written through (``output_target``): the link stays and the file it names gets the content.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    target = output_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": encoding})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _file_mode() if permissions is None else permissions)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def check_writable(path: str | Path) -> None:
    """Raise OSError (naming ``path``) now if an output at ``path`` could not be written later:
    the nearest folder that exists on its way is a file, or cannot be written in. For outputs made
    only when needed (a run's list of failures), so that a run does not find out after its work is
    done; nothing is created here."""
    folder = output_target(path).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is a file, not a folder", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def output_target(path: str | Path) -> Path:
    """The file an output named ``path`` is written to: the file a symbolic link names (renaming a
    temporary over the link would replace the link itself, and leave the file it names untouched),
    else ``path``. Refused with OSError (IsADirectoryError for a folder): a name that is, or leads
    through a link to, something other than a regular file — a device such as /dev/null, a pipe, a
    folder — or a process's open file (/dev/stdout, /dev/fd/N, /proc/…/fd/N: it may be a file the
    shell opened, which a rename would swap from under it)."""
    hops = [os.path.abspath(path)]
    while os.path.islink(hops[-1]) and len(hops) < 40:  # every link of a chain, not only where it ends
        hops.append(os.path.normpath(os.path.join(os.path.dirname(hops[-1]), os.readlink(hops[-1]))))
    if any(_process_file(hop) for hop in hops):
        raise OSError(f"{path}: a process's open file (standard output or a file descriptor); outputs are "
                      "written whole through a temporary file: name a file")
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if target.exists() and not target.is_file():
        kind = "a folder" if target.is_dir() else "not a regular file (a device, pipe or socket)"
        error = IsADirectoryError if target.is_dir() else OSError
        raise error(f"{path}: {kind}; outputs are written whole through a temporary file: name a file")
    return target


def folder_target(path: str | Path, names: Iterable[str]) -> Path:
    """The folder an output named ``path`` is written as: the folder a symbolic link names (the link
    kept, as for files), else ``path`` made absolute. Refused with OSError before any work: the
    current folder or one above it, something that is not a folder (a file would be lost), and a
    folder holding anything but ``names`` (the entries this output writes: an earlier output of
    the same kind is replaced, other files never are)."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(os.path.abspath(path))
    here = Path.cwd().resolve()
    if target.resolve() == here or target.resolve() in here.parents:
        raise OSError(f"{path}: the current folder or one above it; name a new folder for the output")
    check_replaceable(target, set(names), path)
    return target


def check_replaceable(target: Path, names: set[str], shown: str | Path | None = None) -> None:
    """Raise FileExistsError unless a folder output may take the place of ``target``: nothing is
    there, or a folder whose entries are all among ``names``."""
    shown = target if shown is None else shown
    if not (target.exists() or target.is_symlink()):
        return
    if not target.is_dir():
        raise FileExistsError(f"{shown}: a file, not a folder; a folder output never replaces a file: name a new folder")
    strangers = sorted(set(os.listdir(target)) - names)
    if strangers:
        listed = ", ".join(strangers[:3]) + (f" and {len(strangers) - 3} more" if len(strangers) > 3 else "")
        raise FileExistsError(f"{shown}: a folder holding other files ({listed}); name a new or empty folder, "
                              "or an earlier output of this kind")


def _process_file(path: str) -> bool:
    return (path in ("/dev/stdout", "/dev/stderr", "/dev/stdin") or path.startswith("/dev/fd/")
            or (path.startswith("/proc/") and "/fd/" in path))


def write_text(path: str | Path, text: str, *, permissions: int | None = None) -> None:
    """Write ``text`` (UTF-8) atomically; see ``atomic_open``."""
    with atomic_open(path, "w", permissions=permissions) as handle:
        handle.write(text)


def write_lines(path: str | Path, lines: Iterable[str], *, permissions: int | None = None) -> None:
    """Write each line followed by exactly one newline, atomically.

    ``lines`` may be a generator: it is consumed while the temporary file is written, so a large
    output never sits in memory whole, and an error raised by the generator leaves ``path`` as it was.
    """
    with atomic_open(path, "w", permissions=permissions) as handle:
        for line in lines:
            handle.write(line.rstrip("\n") + "\n")


def write_bytes(path: str | Path, data: bytes, *, permissions: int | None = None) -> None:
    """Write ``data`` atomically; see ``atomic_open``."""
    with atomic_open(path, "wb", permissions=permissions) as handle:
        handle.write(data)


def build_folder(path: str | Path, build: Callable[[Path], None]) -> None:
    """Run ``build`` on a fresh private folder beside ``path``, then swap it in for ``path``.

    For outputs that are folders (a ``datasets`` dataset): a failing ``build`` removes its folder
    and leaves any old ``path`` as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        build(tmp)
        os.chmod(tmp, _folder_mode())
        replace_folder(tmp, target)  # refused (and tmp removed) where target is a file or other files
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_folder(built: Path, target: Path) -> None:
    """Put the finished folder ``built`` where ``target`` is (nothing, or a folder whose entries
    ``built`` has too: an earlier output of the same kind; anything else is refused with
    FileExistsError and left as it was).

    A folder cannot be renamed over a non-empty folder (nor over a file), so an old ``target``
    is first renamed aside (``.NAME.old``) and removed only after the swap; a crash in between
    leaves the old output beside the place of the new one, never a half-written folder.
    """
    check_replaceable(target, set(os.listdir(built)))  # never a file, nor a folder of other files
    old = target.with_name(f".{target.name}.old")
    if target.exists() or target.is_symlink():
        _remove(old)
        os.replace(target, old)
    os.replace(built, target)
    _remove(old)
    _sync_folder(target.parent)


def give_plain_permissions(folder: str | Path) -> None:
    """Give every folder and file under ``folder`` (itself included) the permissions a plain
    ``mkdir``/``open`` would have given it (0777/0666 minus the umask). A part built in a private
    temporary folder (``mkdtemp``: 0700, and writers such as safetensors' that create 0600 files)
    and copied into a model keeps those modes otherwise, and a model installed by one user cannot
    be loaded by another."""
    root = Path(folder)
    os.chmod(root, _folder_mode())
    for path in root.rglob("*"):
        if not path.is_symlink():
            os.chmod(path, _folder_mode() if path.is_dir() else _file_mode())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; file systems that cannot sync a folder are skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _file_mode() -> int:
    return 0o666 & ~_umask()


def _folder_mode() -> int:
    return 0o777 & ~_umask()


def _umask() -> int:
    """The process umask: reading it means setting it, so it is put back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
