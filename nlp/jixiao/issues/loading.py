"""Build the sentence classifier a model folder's meta names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jixiao.issues.backends import get_backend
from jixiao.components import SentenceClassifier

# Where a part records the backend that saved it, in the order they are looked at.
PART_DESCRIPTIONS = ("jixiao_issues.json", "config.json")


def load_classifier(folder: Path, settings: dict[str, Any]) -> SentenceClassifier:
    """The classifier of ``folder`` by the backend ``meta.json`` names. Every backend writes its
    name into the part's own description (``jixiao_issues.json`` for the spaCy and transformers
    parts, whose ``config.json`` is their library's; ``config.json`` for the others): a part saved
    by another backend (a folder copied over, a meta.json edited by hand) is refused by name,
    before a loader fails on a missing array."""
    name = settings.get("backend", "rules")
    backend = get_backend(name)
    part = folder / settings.get("path", "issues")
    saved = None  # when unreadable, the backend's own loader names what is wrong with the file
    for description in PART_DESCRIPTIONS:
        try:
            saved = json.loads((part / description).read_text("utf-8")).get("backend")
        except (OSError, ValueError, AttributeError):
            continue
        if saved is not None:
            break
    if saved is not None and saved != name:
        raise ValueError(f"{part}: meta.json names the {name} backend, but this part was saved by the {saved} backend")
    return backend.load(part)
