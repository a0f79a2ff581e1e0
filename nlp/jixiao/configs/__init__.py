"""The default training configs, shipped with the package (``jixiao train --config`` takes others).

A folder of data at the bottom of the layers, so the backends that read their defaults from here
(spaCy, transformers) do not import the training layer above them.
"""

from pathlib import Path
from typing import Any

CONFIGS = Path(__file__).resolve().parent
SPANS_CONFIG = CONFIGS / "spans.cfg"


def read_classifier_config(backend: str, path: Path | None = None) -> tuple[str, dict[str, Any]]:
    """(backend, settings) from ``path``, or from the packaged config of ``backend`` when there is
    one (otherwise the backend's own defaults apply: empty settings). Read with confection,
    spaCy's config library."""
    from confection import Config, ConfigValidationError

    packaged = path is None
    if path is None:
        path = CONFIGS / f"issues_{backend}.cfg"
        if not path.is_file():
            return backend, {}
    try:
        config = Config().from_disk(path, interpolate=True)
    except (ConfigValidationError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable config ({exc})") from exc
    section = config.get("classifier")
    if not isinstance(section, dict):
        if packaged:  # issues_spacy.cfg is the spaCy pipeline's training config: its defaults are the module's
            return backend, {}
        raise ValueError(f"{path}: no [classifier] section")
    return str(section.get("backend", backend)), dict(section.get("settings", {}))


def packaged_settings(backend: str) -> dict[str, Any]:
    """The settings a backend ships with: the one place they are written down."""
    return read_classifier_config(backend)[1]
