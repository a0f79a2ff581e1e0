"""The Ray Data engine gives the records of a local run: same documents, spans, sentences and errors.

A local Ray (two CPUs, as CI has) is started once for the module. Skipped only when ``ray`` is
not installed (``pip install 'jixiao[ray]'``; the ``test`` extra includes it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'jixiao[ray]' (the test extra has it)")

from jixiao.cli.main import app  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    import logging

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, report_paths: list[Path]) -> Path:
    """The five reports and a damaged file."""
    folder = tmp_path_factory.mktemp("ray-in")
    for path in report_paths:
        shutil.copy(path, folder / path.name)
    (folder / "damaged.pdf").write_bytes(b"%PDF-1.4 broken")
    return folder


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def rows(table) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    return sorted(tuple(json.dumps(v, sort_keys=True) for v in row.values()) for row in table.to_pylist())


def test_ray_output_equals_the_local_output(local_ray, inputs: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from jixiao.loading import bundled_model_path
    from jixiao.ray_engine import iter_shards

    model = tmp_path / "model"  # a copy of the bundled model, so both runs surely use the same files
    shutil.copytree(bundled_model_path(), model)
    local = tmp_path / "local"
    result = CliRunner().invoke(app, ["tag", str(inputs), "-o", str(local), "--format", "parquet", "-q", "--model", str(model)])
    assert result.exit_code == 2, result.output
    on_ray = tmp_path / "ray"
    result = CliRunner().invoke(app, ["tag", str(inputs), "-o", str(on_ray), "--format", "parquet", "--engine", "ray",
                                      "--model", str(model)])
    assert result.exit_code == 2, result.output
    assert f"{inputs / 'damaged.pdf'}: not a readable PDF (truncated or damaged)" in result.stderr
    assert f"{on_ray}: 5 document(s) tagged on Ray with jixiao-default 0.1.0, 1 failed" in result.stderr

    expected = lines(local / "documents.jsonl")
    got = sorted(iter_shards(on_ray), key=lambda r: r["id"])
    assert [r["id"] for r in got] == [r["id"] for r in expected] == sorted(p.stem for p in inputs.glob("*.txt"))
    assert got == expected  # text, meta, spans, sentences, tables, source and model, value for value
    assert lines(tmp_path / "ray.errors.jsonl") == lines(tmp_path / "local.errors.jsonl")
    for table in ("spans", "sentences", "tables"):
        assert rows(ds.dataset(on_ray / table).to_table()) == rows(pq.read_table(local / f"{table}.parquet"))
    assert pq.read_table(local / "tables.parquet").num_rows > 0  # the five reports have budget tables
    assert sorted(p.name for p in tmp_path.iterdir()) == ["local", "local.errors.jsonl", "local.run.json", "model", "ray",
                                                          "ray.errors.jsonl"]


def test_tag_dataset_turns_failures_into_rows(local_ray, report_paths: list[Path], rules_model: Path) -> None:  # type: ignore[no-untyped-def]
    import ray.data

    from jixiao.ray_engine import tag_dataset

    files = ray.data.from_items([{"bytes": report_paths[0].read_bytes(), "path": "a/report.txt"},
                                 {"bytes": b"", "path": "b/empty.txt"}])
    out = sorted(tag_dataset(files, rules_model, names={"a/report.txt": ("a/report", "a/report.txt")}).take_all(),
                 key=lambda row: row["source"])
    assert [(row["id"], row["source"], row["error"]) for row in out] == [
        ("a/report", "a/report.txt", None), ("b/empty.txt", "b/empty.txt", "empty file")]
    record = json.loads(out[0]["record"])
    assert record["model"] == {"name": "jixiao-rules-test", "version": "0"} and record["spans"]
    assert out[1]["record"] is None


def test_a_ray_output_never_replaces_other_files(inputs: Path, tmp_path: Path) -> None:
    """Refused before Ray starts, in one line, and the folder is left as it was."""
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    (crowded / "notes.md").write_text("keep", "utf-8")
    result = CliRunner().invoke(app, ["tag", str(inputs), "-o", str(crowded), "-f", "parquet", "--engine", "ray", "-q"])
    assert result.exit_code == 1, result.output
    assert "a folder holding other files (notes.md)" in result.stderr
    assert [p.name for p in crowded.iterdir()] == ["notes.md"]


def test_a_ray_run_that_reads_no_input_leaves_an_earlier_output_as_it_was(local_ray, inputs: Path,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path, rules_model: Path) -> None:
    """As a local run: not one input read, the earlier OUT stays (it was refused with a misleading
    "folder holding other files" and the staging folder left behind), the failure is listed, exit 2."""
    from jixiao.ray_engine import iter_shards

    out = tmp_path / "ray"
    first = sorted(inputs.glob("*.txt"))[0]
    assert CliRunner().invoke(app, ["tag", str(first), "-o", str(out), "--engine", "ray", "-q",
                                    "--model", str(rules_model)]).exit_code == 0
    before = list(iter_shards(out))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(app, ["tag", str(empty), "-o", str(out), "--engine", "ray", "--model", str(rules_model)])
    assert result.exit_code == 2, result.output
    assert "left as an earlier run wrote it" in result.stderr and f"{empty}: empty file" in result.stderr
    assert list(iter_shards(out)) == before and len(before) == 1
    assert not (tmp_path / "ray.staging").exists()
    assert lines(tmp_path / "ray.errors.jsonl") == [{"file": str(empty), "reason": "empty file"}]
