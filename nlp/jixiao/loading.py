"""Find and load a model folder into a Tagger; nothing is downloaded and no code is unpickled.

The bundled model ships inside the package (``jixiao/models/jixiao-default``), so an editable
install, ``pip install .`` and a wheel all load the same model from any working directory. A
model that cannot be found is an error: the keyword rules run only when asked for by name
(``jixiao.load("jixiao-rules")``), never as a silent fallback.
"""

from __future__ import annotations

import json
import os
import warnings
from importlib import resources
from pathlib import Path

from jixiao.tagger import Tagger

ENV_MODEL = "JIXIAO_MODEL"
DEFAULT_MODEL_NAME = "jixiao-default"
RULES_MODEL_NAME = "jixiao-rules"


class ModelError(ValueError):
    """A model folder that is missing or unreadable; the message names the file."""


def bundled_model_path(name: str = DEFAULT_MODEL_NAME) -> Path:
    """The folder of a model shipped inside the package (it may not exist for other names)."""
    return Path(str(resources.files("jixiao").joinpath("models", name)))


def default_model_path() -> Path:
    """``$JIXIAO_MODEL`` when set, else the bundled ``jixiao-default``."""
    if env := os.environ.get(ENV_MODEL):
        return Path(env)
    return bundled_model_path()


def resolve_model(path: str | Path | None = None) -> Path:
    """A model folder from a path, a bundled model's name, or (None) the default model."""
    if path is None:
        return default_model_path()
    folder = Path(path)
    if not folder.exists() and len(folder.parts) == 1 and (bundled_model_path(str(path)) / "meta.json").exists():
        return bundled_model_path(str(path))
    return folder


def load(path: str | Path | None = None, *, verify: bool = True) -> Tagger:
    """A Tagger from a model folder (or a bundled model's name); ``"jixiao-rules"`` gives the
    keyword rules and the quantity grammar alone.

    Every file the model's ``meta.json`` lists is checked against its recorded SHA-256 first
    (``verify_files``), so a damaged or edited model is refused wherever it is loaded, not only
    by ``jixiao tag``; ``verify=False`` is for callers that have just checked the same folder."""
    if path is not None and str(path) == RULES_MODEL_NAME:
        return _rules_only()
    folder = resolve_model(path)
    meta_path = folder / "meta.json"
    if not folder.exists():
        raise ModelError(f"{folder}: no such model folder")
    if not meta_path.exists():
        raise ModelError(f"{folder}: not a jixiao model folder (no meta.json)")
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path}: unreadable ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: not a model description (a JSON object is expected, not {type(meta).__name__})")
    if verify:
        verify_files(folder, meta)
    return _from_meta(folder, meta)


def verify_files(folder: Path, meta: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """The SHA-256 of every file of the model folder, after checking each file ``meta.json`` lists
    (``files``) against the hash recorded there: a missing or changed file is a ModelError naming
    it, before any loader reads it and predicts from damaged weights."""
    from jixiao.model_files import file_hashes

    try:
        hashes = file_hashes(folder)
    except OSError as exc:
        raise ModelError(f"{exc.filename or folder}: unreadable ({exc.strerror or exc})") from exc
    recorded = meta.get("files") or {}
    if not isinstance(recorded, dict):
        raise ModelError(f"{folder / 'meta.json'}: its files entry is not a table of file hashes")
    for name, sha in sorted(recorded.items()):
        if name not in hashes:
            raise ModelError(f"{folder / name}: missing from the model folder (meta.json lists it)")
        if hashes[name] != sha:
            raise ModelError(f"{folder / name}: damaged or changed since the model was built (its SHA-256 differs "
                             "from the one in meta.json); restore the file or retrain the model")
    if unchecked := sorted(set(hashes) - set(recorded)):  # an older model, or a file added by hand: say so
        listed = ", ".join(unchecked[:3]) + (f" and {len(unchecked) - 3} more" if len(unchecked) > 3 else "")
        warnings.warn(f"{folder}: meta.json records no hash for {listed}, so {'it is' if len(unchecked) == 1 else 'they are'} "
                      "not checked for damage or edits; retrain the part to record them", UserWarning, stacklevel=3)
    return hashes


def _check_input_form(folder: Path, issues: dict) -> None:  # type: ignore[type-arg]
    """Warn when a trained classifier learned from another written form of its sentences than the
    one it is now given (``jixiao.issues.inputs.canonical``): it still loads, its scores may drift."""
    from jixiao.issues.inputs import INPUT_FORM

    if issues.get("backend", "rules") != "rules" and issues.get("input_form") != INPUT_FORM:
        warnings.warn(f"{folder}: its sentence classifier was trained on sentences as written; this version "
                      f"reads them in one canonical form ({INPUT_FORM}), so its scores may drift: retrain it "
                      "with `jixiao train issues`", UserWarning, stacklevel=3)


def _rules_only() -> Tagger:
    from jixiao.issues.rules import RuleClassifier
    from jixiao.quantities.rules import RuleExtractor

    return Tagger(RuleExtractor(), RuleClassifier(), model_name=RULES_MODEL_NAME, model_version="0")


def _from_meta(folder: Path, meta: dict) -> Tagger:  # type: ignore[type-arg]
    from jixiao.issues.loading import load_classifier
    from jixiao.quantities.loading import load_extractor

    issues = meta.get("issues", {"backend": "rules"})
    try:
        quantities = load_extractor(folder, meta.get("quantities", {"backend": "rules"}))
        classifier = load_classifier(folder, issues)
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as exc:  # the part's own message names its file
        reason = str(exc) if isinstance(exc, (OSError, ValueError)) else f"{type(exc).__name__}: {exc}"
        raise ModelError(f"{folder}: cannot load ({reason})") from exc
    _check_input_form(folder, issues)
    return Tagger(quantities, classifier, model_name=meta.get("name", folder.name), model_version=str(meta.get("version", "0")))
