"""The evaluation settings: the ``[evaluate]`` table of ``jixiao/settings.toml``."""

from __future__ import annotations

from typing import Any

from jixiao.settings import runtime_settings


def load_settings() -> dict[str, Any]:
    settings: dict[str, Any] = runtime_settings()["evaluate"]
    return settings
