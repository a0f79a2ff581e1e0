"""Where a measurement comes from: the commit of the code that produced it, when known."""

from __future__ import annotations

import subprocess
from pathlib import Path

GIT_TIMEOUT_SECONDS = 5


def git_commit(folder: Path | None = None) -> str | None:
    """HEAD of the checkout the package runs from; None outside a git checkout or without git.

    Only ``git rev-parse`` is run: it reads and never writes, unlike ``git status``, which may
    refresh the index of a tree other people are working in.
    """
    where = folder if folder is not None else Path(__file__).resolve().parent.parent.parent
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None
