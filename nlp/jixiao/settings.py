"""The runtime settings file (``settings.toml`` beside this module), read on demand.

One file for everything that is not part of a model or a training config: batch tagging, the
HTML page of `jixiao show` and evaluation. Read each time it is asked for, since it is tiny and callers may be long-lived.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def runtime_settings() -> dict[str, Any]:
    return tomllib.loads(resources.files("jixiao").joinpath("settings.toml").read_text("utf-8"))
