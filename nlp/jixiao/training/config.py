"""Training settings from spaCy-style config files (read with ``confection``, spaCy's config
library): the shipped defaults live in ``jixiao/configs/issues_<backend>.cfg``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.configs import CONFIGS


def read_classifier_config(backend: str, path: Path | None = None) -> tuple[str, dict[str, Any]]:
    """(backend, settings) from ``path``, or from the packaged config of ``backend`` when there is
    one (otherwise the backend's own defaults apply: empty settings)."""
    from confection import Config, ConfigValidationError

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
        raise ValueError(f"{path}: no [classifier] section")
    return str(section.get("backend", backend)), dict(section.get("settings", {}))
