"""Where a measurement comes from: the code (commit, and whether it had uncommitted changes) and
the model (its content hash and parts), so that two results can be told apart.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

# the model hashes are computed where model folders are written; named here for the readers of results
from jixiao.model_files import content_hash, file_hashes, folder_hash

__all__ = ["code_state", "content_hash", "file_hashes", "folder_hash", "git_commit", "git_dirty", "model_identity"]

GIT_TIMEOUT_SECONDS = 5
SOURCE_ROOT = Path(__file__).resolve().parent.parent.parent  # nlp/, the folder the package lives in
# what does not count as a change of the code: model folders are written by training itself
NOT_CODE = (":(exclude,glob)**/models/**",)


def _git(args: list[str], where: Path) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(["git", "--no-optional-locks", *args], cwd=where, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def git_commit(folder: Path | None = None) -> str | None:
    """HEAD of the checkout the package runs from; None outside a git checkout or without git."""
    done = _git(["rev-parse", "HEAD"], folder if folder is not None else SOURCE_ROOT)
    commit = done.stdout.strip() if done is not None else ""
    return commit if done is not None and done.returncode == 0 and len(commit) == 40 else None


def git_dirty(folder: Path | None = None) -> bool | None:
    """Whether the package's source differs from HEAD (changed or new files under it); None when
    unknown. Model folders are left out: training writes them.

    ``--no-optional-locks`` keeps ``git status`` from refreshing the index, so asking never writes
    to a tree other people are working in.
    """
    where = folder if folder is not None else SOURCE_ROOT
    done = _git(["status", "--porcelain", "--untracked-files=normal", "--", ".", *NOT_CODE], where)
    if done is None or done.returncode != 0:
        return None
    return bool(done.stdout.strip())


def code_state(folder: Path | None = None) -> dict[str, Any]:
    """``{"commit": ..., "dirty": ...}``: a commit alone says nothing when the tree had changes."""
    return {"commit": git_commit(folder), "dirty": git_dirty(folder)}


def model_identity(folder: Path | None) -> dict[str, Any]:
    """What a metrics file records about the model beside its name and version: the content hash
    computed from its files now (not copied from meta.json, which an edit of the folder would not
    update), and per part the backend, the hash of the data it was trained on and the commit it was
    trained at. ``folder`` None: the keyword rules and grammar alone, which have no files."""
    if folder is None or not (folder / "meta.json").is_file():
        return {"hash": None, "backends": {"quantities": "rules", "issues": "rules"}}
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        meta = {}
    parts = {part: meta.get(part) if isinstance(meta.get(part), dict) else {"backend": "rules"}
             for part in ("quantities", "issues")}
    return {"hash": folder_hash(folder), "path": str(folder),
            "backends": {part: entry.get("backend", "rules") for part, entry in parts.items()},
            "train_data": {part: entry.get("train_hash") for part, entry in parts.items()},
            "trained_at": {part: (entry.get("code") or {}).get("commit") for part, entry in parts.items()}}
