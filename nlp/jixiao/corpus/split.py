"""Deterministic document-level splits in which every span label and kind occurs in every split.

Authored documents are training material only: they never enter a dev or test split. With few
documents, coverage matters more than exact proportions, so assignments are searched in a seeded
order and the first that covers every label in every split wins.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from jixiao.document.model import Document

SPLITS: tuple[str, ...] = ("train", "dev", "test")
MAX_TRIES = 5000


@dataclass(frozen=True)
class Split:
    train: tuple[str, ...]
    dev: tuple[str, ...]
    test: tuple[str, ...]
    covered: bool

    def of(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)


def is_authored(doc: Document) -> bool:
    return doc.meta.get("source") == "authored"


def doc_labels(doc: Document) -> set[str]:
    labels = {s.label for s in doc.spans}
    labels |= {f"kind:{s.kind}" for s in doc.sentences if s.kind and s.kind != "none"}
    return labels


def split_documents(docs: Sequence[Document], ratios: tuple[float, float, float] = (0.6, 0.2, 0.2),
                    seed: int = 0) -> Split:
    if any(not 0 <= r <= 1 for r in ratios[1:]) or ratios[1] + ratios[2] >= 1:
        raise ValueError(f"dev and test shares must be between 0 and 1 and add up to less than 1, not "
                         f"{ratios[1]:g} and {ratios[2]:g}")
    real = sorted((d for d in docs if not is_authored(d)), key=lambda d: d.id)
    authored = tuple(sorted(d.id for d in docs if is_authored(d)))
    sizes = _sizes(len(real), ratios)
    wanted = set().union(*(doc_labels(d) for d in real)) if real else set()
    best: tuple[int, list[list[Document]]] | None = None
    for order in _orders(real, seed):
        parts = [order[: sizes[0]], order[sizes[0] : sizes[0] + sizes[1]], order[sizes[0] + sizes[1] :]]
        missing = sum(len(wanted - set().union(*(doc_labels(d) for d in part))) for part in parts if part)
        if best is None or missing < best[0]:
            best = (missing, parts)
        if missing == 0:
            break
    parts = best[1] if best else [[], [], []]
    ids = [tuple(sorted(d.id for d in part)) for part in parts]
    return Split(train=ids[0] + authored, dev=ids[1], test=ids[2], covered=bool(best) and best[0] == 0)


def _sizes(n: int, ratios: tuple[float, float, float]) -> tuple[int, int, int]:
    """(train, dev, test) sizes: a share above 0 gets at least one document, train keeps at least
    one, and the three never add up to more than ``n`` (no document is in two parts)."""
    if n < 3:
        return (n, 0, 0)
    dev = max(1, round(n * ratios[1])) if ratios[1] > 0 else 0
    test = max(1, round(n * ratios[2])) if ratios[2] > 0 else 0
    while dev + test > n - 1:  # train keeps one; the larger held-out part gives way
        if dev >= test:
            dev -= 1
        else:
            test -= 1
    return (n - dev - test, dev, test)


def _orders(docs: list[Document], seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    if len(docs) <= 7:
        orders = [list(p) for p in itertools.permutations(docs)]
        rng.shuffle(orders)
        yield from orders
        return
    for _ in range(MAX_TRIES):
        order = list(docs)
        rng.shuffle(order)
        yield order


def leave_one_out(docs: Sequence[Document]) -> list[tuple[tuple[str, ...], str]]:
    """Folds for cross-validation by report: (training ids incl. authored, held-out real id)."""
    real = sorted(d.id for d in docs if not is_authored(d))
    authored = sorted(d.id for d in docs if is_authored(d))
    return [(tuple([r for r in real if r != held] + authored), held) for held in real]
