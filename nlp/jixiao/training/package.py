"""The model folder users load: meta.json names each part, its data hashes, config and scores."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from jixiao.loading import bundled_model_path

DEFAULT_MODEL = bundled_model_path()
VERSIONS = ("jixiao", "spacy", "scikit-learn", "safetensors", "numpy", "thinc", "transformers", "torch")


def read_meta(folder: Path) -> dict[str, Any]:
    path = folder / "meta.json"
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    return {"name": folder.name, "version": "0.1.0", "quantities": {"backend": "rules"}, "issues": {"backend": "rules"}}


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in VERSIONS:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def install_part(folder: Path, part: str, source: Path, entry: dict[str, Any]) -> None:
    """Copy a trained part into the model folder and record it in meta.json."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / part
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    meta = read_meta(folder)
    meta[part] = {**entry, "path": part, "trained": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    meta["versions"] = versions()
    write_meta(folder, meta)


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder`` (weights, vocabulary, grammar, keyword lists,
    settings), by path relative to it: what makes the model predict what it predicts."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "meta.json"}


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """meta.json with the files' hashes and the model's content hash (one hash over all of them)."""
    files = file_hashes(folder)
    meta["files"] = files
    meta["hash"] = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
