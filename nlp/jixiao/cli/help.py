"""``--help`` that reads like a manual: ``INPUT...`` and ``PATH``, not ``{inputs}...`` and ``<list[str]>``.

Typer labels every parameter with the Python annotation it was declared with (``<list[str]>``,
``<bool>`` on flags) and writes required arguments as ``{name}...``. Those are the program's
insides, not what a user types. ``Group`` is the class of every command group of the ``jixiao``
app (``typer.Typer(cls=Group)``, ``add_typer(..., cls=Group)``): it gives the parameters of the
commands it holds the conventional labels: arguments by name in capitals (or their ``metavar``),
``...`` when they take several values, ``[NAME]`` when optional; options by the kind of value
(``PATH``, ``INTEGER``, ``TEXT``, ``[a|b]``), flags by nothing.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "FLOAT", "path": "PATH", "Path": "PATH", "int range": "INTEGER",
          "float range": "FLOAT", "datetime": "DATETIME", "bool": "BOOLEAN"}


def label(typer_label: str) -> str:
    """The conventional label for typer's: <path> → PATH, <documents|sentences> → [documents|sentences],
    <list[str]> → TEXT..., <Path,Path> → PATH PATH."""
    inner = typer_label[1:-1] if typer_label.startswith("<") and typer_label.endswith(">") else typer_label
    if inner.startswith("list[") and inner.endswith("]"):
        return label(inner[5:-1]) + "..."
    if "|" in inner:
        return f"[{inner}]"
    if "," in inner:
        return " ".join(label(part) for part in inner.split(","))
    return _NAMES.get(inner, inner.upper())


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None  # the name column already says what to give: INPUT...

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        return [str(self.metavar) if self.required else f"[{self.metavar}]"]


class _Option(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return str(self.metavar)
        if self.is_flag or self.count:
            return None
        shown = label(self.display_type(ctx))
        return f"{shown}..." if self.nargs == -1 else shown


def _tidy_param(param: Any) -> Any:
    if type(param) is TyperArgument:
        name = param.metavar or (param.name or "").upper()
        param.metavar = name if param.nargs == 1 or name.endswith("...") else f"{name}..."
        param.__class__ = _Argument
    elif type(param) is TyperOption:
        param.__class__ = _Option
    return param


class _Command(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _tidy_param(super().get_help_option(ctx))


def tidy(command: Any) -> None:
    """Give a command's typer parameters (and its --help) the conventional help labels, in place."""
    for param in command.params:
        _tidy_param(param)
    if type(command) is TyperCommand:
        command.__class__ = _Command


class Group(TyperGroup):
    """A command group whose commands show conventional help labels (see the module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _tidy_param(param)
        for command in self.commands.values():
            if not isinstance(command, TyperGroup):
                tidy(command)

    def get_help_option(self, ctx: Any) -> Any:
        return _tidy_param(super().get_help_option(ctx))
