"""The model folder users load: meta.json names each part, its data hashes, config and scores.

Every part's entry records what is needed to tell two models apart and to retrain one: the code
it was trained with (commit, and whether the tree had uncommitted changes), the hashes and sizes
of its train, dev and test data, its effective settings, the hash of a base model it started
from, and the library versions; the folder as a whole gets a content hash over all its files.
"""

from __future__ import annotations

import json
import platform
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jixiao.atomic import give_plain_permissions, write_text
from jixiao.loading import bundled_model_path
from jixiao.model_files import content_hash, file_hashes, folder_hash

DEFAULT_MODEL = bundled_model_path()
VERSIONS = ("jixiao", "spacy", "scikit-learn", "safetensors", "numpy", "thinc", "transformers", "torch")


def read_meta(folder: Path) -> dict[str, Any]:
    path = folder / "meta.json"
    if path.exists():
        return json.loads(path.read_text("utf-8"))
    return {"name": folder.name, "version": "0.1.0", "quantities": {"backend": "rules"}, "issues": {"backend": "rules"}}


def versions() -> dict[str, str]:
    from importlib import metadata  # imported here: tagging hashes model files but never asks versions

    found = {"python": platform.python_version()}
    for package in VERSIONS:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def install_part(folder: Path, part: str, source: Path, entry: dict[str, Any]) -> None:
    """Copy a trained part into the model folder and record ``entry`` in meta.json, with the
    part's own content hash (the caller records the code state: ``evaluation.provenance.code_state``)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / part
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    give_plain_permissions(target)  # not the private modes of the temporary folder it was trained in
    meta = read_meta(folder)
    meta[part] = {**entry, "path": part, "hash": folder_hash(target),
                  "trained": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    meta["versions"] = versions()
    write_meta(folder, meta)


def base_model_hash(settings: dict[str, Any]) -> str | None:
    """Content hash of the local base model a backend fine-tunes (``settings["base_model"]``), so a
    model records which weights it started from and not only where they were; None without one."""
    base = settings.get("base_model")
    if not base or not Path(str(base)).is_dir():
        return None
    return folder_hash(Path(str(base)))


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """meta.json with the files' hashes and the model's content hash (one hash over all of them)."""
    files = file_hashes(folder)
    meta["files"] = files
    meta["hash"] = content_hash(files)
    write_text(folder / "meta.json", json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
