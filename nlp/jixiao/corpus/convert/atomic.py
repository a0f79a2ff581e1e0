"""Binary files and folders written so that a failure never leaves a half output behind.

Text JSON Lines go through ``jixiao.document.jsonl.write_atomic``; these cover what it cannot:
DocBin bytes and ``datasets`` folders, which are built beside the target and then renamed.
Temporary files and folders are private (0600/0700); like ``write_atomic``, the result is given
the permissions a plain ``open``/``mkdir`` would have, so other users can read the corpus.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_dir_atomic(path: str | Path, build: Callable[[Path], None]) -> None:
    """Run ``build`` on a fresh folder beside ``path``, then swap it in for any old ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    old = target.with_name(f".{target.name}.old")
    try:
        build(tmp)
        os.chmod(tmp, 0o777 & ~_umask())
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    """The process umask; reading it means setting it, so it is put back at once."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
