"""Expand command-line inputs (files, folders, globs) into report paths, in a stable order."""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

from jixiao.ingest.reader import SUPPORTED_SUFFIXES


class InputError(ValueError):
    """An input that names nothing; a usage error."""


def expand_inputs(inputs: list[str], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> list[str]:
    """Files as given; folders recursively (supported suffixes only); globs expanded, sorted."""
    paths: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            paths.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in suffixes)
        elif path.exists():
            paths.append(item)
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise InputError(f"{item}: the pattern matches no file")
            paths.extend(m for m in matches if Path(m).is_file())
        else:
            raise InputError(f"{item}: no such file or folder")
    return list(dict.fromkeys(paths))


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
