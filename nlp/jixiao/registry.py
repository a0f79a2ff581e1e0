"""The one registry of jixiao's pluggable parts, so a backend is found by name the same way everywhere.

Other packages add their own backends through the ``jixiao_issue_backends`` /
``jixiao_quantity_backends`` entry points, read by ``catalogue`` (the library behind spaCy's
registry). jixiao's own backends are kept in a plain table and found without it: importing
``catalogue`` imports ``importlib.metadata`` (about 40 ms, a tenth of ``jixiao tag``'s start-up), so
it is imported only when a name is not one of jixiao's own or when every name is listed. A name
jixiao registers itself is never replaced by an entry point of another package.

Registered functions are cheap factories: they import their backend's module only when called, so
looking a name up never imports torch, spaCy or scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class UnknownName(LookupError):
    """A name that neither jixiao nor an installed package registers."""


class Registry:
    """Functions by name: jixiao's own in a table, other packages' through catalogue's entry points."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self._own: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: register ``func`` under ``name``."""

        def add(func: Callable[..., Any]) -> Callable[..., Any]:
            self._own[name] = func
            return func

        return add

    def get(self, name: str) -> Callable[..., Any]:
        """The function registered as ``name``; ``UnknownName`` when there is none."""
        if name in self._own:
            return self._own[name]
        import catalogue

        try:
            found: Callable[..., Any] = self._entry_points().get(name)
        except catalogue.RegistryError:
            raise UnknownName(f"nothing registered as {name!r} in jixiao's {self.namespace}") from None
        return found

    def get_all(self) -> dict[str, Callable[..., Any]]:
        """Every registered name, other packages' included."""
        return {**self._entry_points().get_all(), **self._own}

    def _entry_points(self) -> Any:
        import catalogue

        return catalogue.Registry(("jixiao", self.namespace), entry_points=True)


issue_backends = Registry("issue_backends")
quantity_backends = Registry("quantity_backends")
