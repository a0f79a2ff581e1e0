"""The SHA-256 of a model folder's files: what ``meta.json`` records when a model is built, what
``jixiao.load`` checks before reading any weights, and the content hash that tells two models
apart in metrics files and in ``--resume``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

__all__ = ["content_hash", "file_hashes", "folder_hash"]


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder`` (weights, vocabulary, grammar, keyword lists,
    settings), by path relative to it: what makes a model predict what it predicts. ``meta.json``
    files are left out: they record these hashes, training times and scores, not behaviour."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "meta.json"}


def content_hash(files: dict[str, str]) -> str:
    """One short hash over the files' hashes: equal exactly when every file is equal."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


def folder_hash(folder: Path) -> str:
    """The content hash of a model folder (or of a part, or of a base model)."""
    return content_hash(file_hashes(folder))
