"""Shared fixtures: the five reports and their gold, located relative to this repository."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture(scope="session")
def report_paths() -> list[Path]:
    paths = sorted(RAW.glob("*.txt"))
    assert len(paths) == 5
    return paths


@pytest.fixture(scope="session")
def gold_docs():
    from jixiao.document.jsonl import read_documents

    return [d for f in sorted(GOLD.glob("*.jsonl")) for d in read_documents(f)]


RULES_META = '{"name": "jixiao-rules-test", "version": "0", "quantities": {"backend": "rules"}, "issues": {"backend": "rules"}}'


@pytest.fixture(scope="session")
def rules_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder that loads in milliseconds, for the tests of the batch machinery, worker
    processes and the API (the bundled model takes seconds to load in every process)."""
    folder = tmp_path_factory.mktemp("rules-model")
    (folder / "meta.json").write_text(RULES_META, "utf-8")
    return folder
