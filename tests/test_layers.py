"""The package follows the data: no module imports a layer above its own, and no cycle joins
the top-level parts.

Every ``import`` and ``from … import`` in every module under ``nlp/jixiao`` counts, wherever it
stands: a lazy import inside a function is a dependency too, only a later one. The order:

    base  the frozen records (``document.model``), the protocols of the tagger's parts
          (``components``), the registry, the atomic writer, the default configs and the lazily
          compiled patterns (``lazy_regex``): shared by every layer
    ingest      → file bytes to text, tables and metadata
    document    → sentences, sections, the JSON Lines reader and writer
    corpus      → corpus files and formats built on documents
    analysis    → quantities and issues
    tables      → budget tables and the consistency audit
    outputs     → what a run writes and shows
    application → the tagger, model loading, the batch runner, evaluation, training
    cli         → the commands and the package's own lazy API (``jixiao/__init__.py``)

A module may import its own layer and any layer below. A new top-level module must be given a
layer here, so that where it sits is a decision.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nlp" / "jixiao"

# (layer, module prefixes), lowest first; the longest matching prefix decides a module's layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("jixiao.document.model", "jixiao.components", "jixiao.registry", "jixiao.atomic", "jixiao.configs", "jixiao.yaml_data",
              "jixiao.settings", "jixiao.model_files", "jixiao.linebreaks", "jixiao.lazy_regex")),
    ("ingest", ("jixiao.ingest",)),
    ("document", ("jixiao.document",)),
    ("corpus", ("jixiao.corpus",)),
    ("analysis", ("jixiao.quantities", "jixiao.issues")),
    ("tables", ("jixiao.tables", "jixiao.audit")),
    ("outputs", ("jixiao.outputs",)),
    ("application", ("jixiao.tagger", "jixiao.loading", "jixiao.runner", "jixiao.ray_engine", "jixiao.inputs",
                     "jixiao.evaluation", "jixiao.training")),
    ("cli", ("jixiao.cli", "jixiao")),
)

# Imports that break the order today, each with why it is still here. The test fails when one
# of them is gone, so that the list only ever shrinks.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    if best is None:
        raise KeyError(module)
    return best[1]


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every jixiao import in the file, lazy ones included."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from jixiao.x import y`` may import the submodule jixiao.x.y: count the deeper one
            found += [(f"{target}.{alias.name}" if _is_module(f"{target}.{alias.name}") else target, node.lineno)
                      for alias in node.names]
    return [(name, line) for name, line in found if name == "jixiao" or name.startswith("jixiao.")]


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file()


def all_imports() -> list[tuple[str, str, int]]:
    """(importer, imported, line) over the whole package."""
    return [(module_name(path), imported, line)
            for path in sorted(PACKAGE.rglob("*.py")) for imported, line in imported_modules(path)]


def test_every_module_has_a_layer() -> None:
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        try:
            layer_of(module_name(path))
        except KeyError:
            missing.append(module_name(path))
    assert not missing, f"give these modules a layer in tests/test_layers.py: {missing}"


def test_no_module_imports_a_higher_layer() -> None:
    upward = set()
    problems = []
    for importer, imported, line in all_imports():
        if layer_of(imported) > layer_of(importer):
            upward.add((importer, imported))
            if (importer, imported) not in KNOWN_UPWARD:
                problems.append(f"{importer}:{line} ({LAYERS[layer_of(importer)][0]}) imports {imported} "
                                f"({LAYERS[layer_of(imported)][0]})")
    assert not problems, "lower layers import higher ones:\n" + "\n".join(problems)
    fixed = set(KNOWN_UPWARD) - upward
    assert not fixed, f"fixed, so take them off KNOWN_UPWARD: {sorted(fixed)}"


def top_level(module: str) -> str:
    """The top-level part a module belongs to: ``jixiao.audit.runner`` -> ``audit``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "jixiao"


def test_no_import_cycle_between_top_level_parts() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for importer, imported, _ in all_imports():
        if (importer, imported) in KNOWN_UPWARD:
            continue
        a, b = top_level(importer), top_level(imported)
        if a != b and "jixiao" not in (a, b):  # the package's lazy API names everything, by design
            graph[a].add(b)
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


@pytest.mark.parametrize(("importer", "imported", "expected"), [
    ("jixiao.ingest.reader", "jixiao.document.model", True),
    ("jixiao.ingest.reader", "jixiao.document.sentences", False),
    ("jixiao.outputs.feedback", "jixiao.runner", False),
    ("jixiao.audit.prose_checks", "jixiao.quantities.numerals", True),
    ("jixiao.tables.units", "jixiao.outputs.records", False),
    ("jixiao.corpus.convert.docbin", "jixiao.quantities.tokenizer", False),
])
def test_the_order_itself(importer: str, imported: str, expected: bool) -> None:
    assert (layer_of(imported) <= layer_of(importer)) is expected


def test_a_cycle_is_found() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}}) is None
