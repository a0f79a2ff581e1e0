"""Find and load a model folder into a Tagger; nothing is downloaded and no code is unpickled."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nlp.tagger import Tagger

ENV_MODEL = "JIXIAO_MODEL"
DEFAULT_MODEL_NAME = "jixiao-default"


class ModelError(ValueError):
    """A model folder that is missing or unreadable."""


def default_model_path() -> Path | None:
    """$JIXIAO_MODEL, else models/jixiao-default beside the package (a source checkout)."""
    if env := os.environ.get(ENV_MODEL):
        return Path(env)
    candidate = Path(__file__).resolve().parent.parent / "models" / DEFAULT_MODEL_NAME
    return candidate if (candidate / "meta.json").exists() else None


def load(path: str | Path | None = None) -> Tagger:
    """A Tagger from a model folder; without one, the rule-based extractor and classifier."""
    folder = Path(path) if path is not None else default_model_path()
    if folder is None:
        return _rules_only()
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise ModelError(f"{folder}: not a jixiao model folder (no meta.json)")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: not JSON ({exc.msg})") from exc
    return _from_meta(folder, meta)


def _rules_only() -> Tagger:
    from nlp.issues.rules import RuleClassifier
    from nlp.quantities.rules import RuleExtractor

    return Tagger(RuleExtractor(), RuleClassifier(), model_name="jixiao-rules", model_version="0")


def _from_meta(folder: Path, meta: dict) -> Tagger:  # type: ignore[type-arg]
    from nlp.issues.loading import load_classifier
    from nlp.quantities.loading import load_extractor

    quantities = load_extractor(folder, meta.get("quantities", {"backend": "rules"}))
    classifier = load_classifier(folder, meta.get("issues", {"backend": "rules"}))
    return Tagger(quantities, classifier, model_name=meta.get("name", folder.name), model_version=str(meta.get("version", "0")))
