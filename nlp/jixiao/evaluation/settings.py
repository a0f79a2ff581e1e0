"""The evaluation settings file (``evaluate.toml`` beside this module), read on demand."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def load_settings() -> dict[str, Any]:
    """The packaged settings; read each time, since they are tiny and callers may be long-lived."""
    return tomllib.loads(resources.files("jixiao.evaluation").joinpath("evaluate.toml").read_text("utf-8"))
