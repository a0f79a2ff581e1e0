"""The one error converters raise for input they cannot represent or parse."""

from __future__ import annotations


class ConvertError(ValueError):
    """Bad or unrepresentable input; the message is a single line fit for the CLI."""
