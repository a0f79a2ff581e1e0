"""Sentence labels as annotation tools show them: category keys, or their Chinese names."""

from __future__ import annotations

from jixiao.corpus.convert.errors import ConvertError
from jixiao.document.model import CATEGORIES, CATEGORY_NAMES_ZH


def category_key(label: str) -> str:
    """The category key for a label; annotators may have configured the Chinese names instead."""
    if label in CATEGORIES:
        return label
    for key, name in CATEGORY_NAMES_ZH.items():
        if label == name:
            return key
    raise ConvertError(f"unknown category {label!r} (expected one of the ten category keys or names)")
