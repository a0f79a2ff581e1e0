"""Reading the package's YAML data files (the quantity grammar, the keyword lists) fast.

A model loads two YAML files of a few thousand lines each; PyYAML's pure-Python parser takes a
tenth of a second over them, its libyaml parser a hundredth. Both build the same data with the
same safe constructors, so the libyaml one is used whenever PyYAML was built with it."""

from __future__ import annotations

from typing import Any

import yaml

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, with libyaml's parser when it is available."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
