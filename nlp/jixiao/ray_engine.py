"""Tag reports on a Ray cluster with Ray Data: the same records as a local run, spread over nodes.

For users who outgrow one machine. The files are a Ray Dataset read as binary
(``ray.data.read_binary_files(paths, include_paths=True)``: local paths, or any filesystem
pyarrow supports, such as ``s3://``), tagged by ``map_batches`` with a callable class, so each
actor loads the model once and tags many files, and written as JSON Lines (or Parquet) shards by
the workers themselves. A file that cannot be read or tagged is a row with its one-line error,
never a failed job. Reading and tagging one file is the local path's own code
(``jixiao.runner.guarded``, ``jixiao.ingest.reader.read_bytes``, ``jixiao.outputs.records``), so
the records are the ones ``jixiao tag`` writes on one machine.

Python::

    import ray, jixiao
    from jixiao.ray_engine import read_files, tag_dataset, write_tagged

    ray.init()                                         # or ray.init(address="auto") on a cluster
    files = read_files(["s3://bucket/reports/"])       # a Dataset with columns bytes, path
    tagged = tag_dataset(files)                        # columns id, source, record (JSON), error
    errors = write_tagged(tagged, "s3://bucket/tagged", fmt="parquet")

The command line: ``jixiao tag INPUT... -o OUT --engine ray [--address ADDR]``. Every node needs
jixiao installed (``pip install 'jixiao[ray]'``) and must see the inputs and OUT at the same
paths (a shared file system or object storage). The per-file size limits apply as in a local run;
the per-file time limit does not, because Ray runs an actor's calls outside the main thread,
where no timer can interrupt them.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.ingest.reader import read_bytes
from jixiao.inputs import InputError, Inputs, check_outputs
from jixiao.loading import RULES_MODEL_NAME, resolve_model
from jixiao.outputs.journal import Layout
from jixiao.runner import Reading, _load, cap_threads, guarded, load_settings, model_identity, outcome_of

if TYPE_CHECKING:
    import pyarrow
    import ray.data

COLUMNS: tuple[str, ...] = ("id", "source", "record", "error")
DEFAULT_BATCH = 8


def read_files(paths: str | Sequence[str], **kwargs: Any) -> ray.data.Dataset:
    """The files as a Dataset of ``bytes`` and ``path`` (``ray.data.read_binary_files``).

    Read tasks ask for no CPU: reading is I/O, and the tagging actors hold the cores, so a read
    waiting for a core that an actor keeps could otherwise stall the pipeline on a small cluster.
    Keyword arguments go to ``read_binary_files`` (``filesystem=`` for object storage).
    """
    import ray.data

    kwargs.setdefault("num_cpus", 0)
    return ray.data.read_binary_files(paths, include_paths=True, **kwargs)


def names_for(inputs: Inputs) -> dict[str, tuple[str, str]]:
    """For each path (as given, and absolute) the ``(id, source)`` a local run gives it."""
    names: dict[str, tuple[str, str]] = {}
    for path, doc_id in zip(inputs.paths, inputs.ids):
        names[path] = names[os.path.abspath(path)] = (doc_id, path)
    return names


class TagBatch:
    """The callable class ``map_batches`` runs: one model per actor, loaded in ``__init__``."""

    def __init__(self, model: str | None, reading: Reading, info: dict[str, str],
                 names: Mapping[str, tuple[str, str]] | None) -> None:
        self.tagger = _load(model)
        cap_threads(1)
        self.reading = reading
        self.info = info
        self.names = names or {}

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str | None]]:
        out: dict[str, list[str | None]] = {column: [] for column in COLUMNS}
        for data, path in zip(batch["bytes"], batch["path"]):
            doc_id, source = self.names.get(str(path), (str(path), str(path)))
            outcome = outcome_of(guarded(source, lambda: self._tag(bytes(data), source, doc_id), None), self.info)
            out["id"].append(doc_id)
            out["source"].append(source)
            out["record"].append(None if outcome.line is None else b"".join(outcome.line).decode("utf-8"))
            out["error"].append(outcome.error)
        return out

    def _tag(self, data: bytes, source: str, doc_id: str) -> Any:
        limits = self.reading.limits
        document = read_bytes(data, source, doc_id, limits=limits, encoding_errors=self.reading.encoding_errors,
                              join_lines=self.reading.join_lines)
        return self.tagger.tag_document(document)


def tag_dataset(files: ray.data.Dataset, model: str | Path | None = None, *,
                names: Mapping[str, tuple[str, str]] | None = None, reading: Reading = Reading(),
                actors: int | None = None, batch_size: int = DEFAULT_BATCH) -> ray.data.Dataset:
    """Tag a Dataset of files read as binary (columns ``bytes`` and ``path``).

    Returns a Dataset of ``id``, ``source``, ``record`` (the output record as one JSON line, as
    ``jixiao tag`` writes it; None for a failure) and ``error`` (the one-line reason, or None).
    ``names`` maps a dataset path to the ``(id, source)`` to record (``names_for`` gives a local
    run's); without it the id and source are the path. The model is checked here, on the driver
    (a damaged file is a ModelError naming it), and loaded once per actor; ``actors`` is the most
    actors (default: the cluster's CPUs), started as the work needs them.
    """
    import ray
    import ray.data

    identity = model_identity(None if model is None else model)
    info = {"name": str(identity["name"]), "version": str(identity["version"])}
    ref = None if model is None else (str(model) if str(model) == RULES_MODEL_NAME else str(resolve_model(model).resolve()))
    most = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    return files.map_batches(TagBatch, fn_constructor_kwargs={"model": ref, "reading": reading, "info": info,
                                                              "names": dict(names or {})},
                             compute=ray.data.ActorPoolStrategy(min_size=1, max_size=most), batch_size=batch_size,
                             batch_format="numpy")


def _jsonl_sink(path: str, filesystem: pyarrow.fs.FileSystem | None) -> Any:
    from ray.data.datasource import BlockBasedFileDatasink

    class JsonLinesSink(BlockBasedFileDatasink):
        """Each block's records, one JSON line each, exactly as the actors serialised them."""

        def write_block_to_file(self, block: Any, file: Any) -> None:
            for line in block.to_arrow().column("record").to_pylist():
                file.write((line + "\n").encode("utf-8"))

    return JsonLinesSink(path, filesystem=filesystem, file_format="jsonl")


def flat_table(batch: pyarrow.Table, table: str, separator: str) -> pyarrow.Table:
    """Records to one of the flat tables (``jixiao.outputs.flat``), typed by the same schema."""
    import pyarrow as pa

    from jixiao.outputs.flat import (SENTENCE_COLUMNS, SPAN_COLUMNS, TABLE_COLUMNS, arrow_schema, sentence_rows,
                                     span_rows, table_rows)

    cut = {"spans": (span_rows, SPAN_COLUMNS), "tables": (table_rows, TABLE_COLUMNS),
           "sentences": (lambda record: sentence_rows(record, separator), SENTENCE_COLUMNS)}
    rows_of, columns = cut[table]
    rows: list[dict[str, Any]] = []
    for line in batch.column("record").to_pylist():
        rows.extend(rows_of(json.loads(line)))
    return pa.Table.from_pylist(rows, schema=arrow_schema(columns))


def write_tagged(tagged: ray.data.Dataset, path: str, fmt: str = "jsonl", *,
                 filesystem: pyarrow.fs.FileSystem | None = None) -> list[dict[str, str]]:
    """Write the records as shards under ``path`` and return the errors (``{"file", "reason"}``).

    ``path/documents/*.jsonl`` hold the records (the lines of a local run's output, in no
    particular order across shards); with ``fmt="parquet"`` also ``path/spans/*.parquet``,
    ``path/sentences/*.parquet`` and ``path/tables/*.parquet``, the flat tables of a local
    ``--format parquet`` run. The tagged
    dataset is materialised once, so nothing is tagged twice.
    """
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"the Ray engine writes jsonl or parquet, not {fmt!r}")
    from ray.data.expressions import col

    done = tagged.materialize()
    records = done.filter(expr=col("record").is_not_null())
    records.write_datasink(_jsonl_sink(f"{path}/documents", filesystem))
    if fmt == "parquet":
        separator = str(load_settings().get("tables", {}).get("category_separator", ";"))
        for table in ("spans", "sentences", "tables"):
            # light work (JSON to rows) that must not wait for cores the tagging actors may still hold
            flat = records.map_batches(flat_table, fn_kwargs={"table": table, "separator": separator},
                                       batch_format="pyarrow", num_cpus=0)
            flat.write_parquet(f"{path}/{table}", filesystem=filesystem)
    failed = done.filter(expr=col("error").is_not_null()).take_all()
    return [{"file": str(row["source"]), "reason": str(row["error"])} for row in failed]


# --- what ``jixiao tag --engine ray`` runs ----------------------------------------------------


@dataclass
class RaySummary:
    output: Path
    errors: Path
    documents: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    model: dict[str, str | None] = field(default_factory=dict)
    published: bool = True  # False when no input could be read and an earlier OUT was left as it was


def tag_on_ray(inputs: Inputs, output: str | Path, *, model: str | Path | None = None, fmt: str = "jsonl",
               reading: Reading = Reading(), workers: int | None = None, address: str | None = None,
               errors: str | Path | None = None) -> RaySummary:
    """Tag ``inputs`` into the folder ``output`` on Ray; the records are those of a local run.

    Connects to ``address`` (or starts a local Ray when none is running), writes into
    ``OUT.staging`` and swaps it in for OUT only when every shard is written
    (``jixiao.atomic.replace_folder``); failures go to ``OUT.errors.jsonl`` (or ``errors``), as
    in a local run. Raises InputError when OUT would replace an input and ModelError before any
    work.
    """
    import ray

    from jixiao.atomic import replace_folder, write_lines
    from jixiao.outputs.records import error_line

    from jixiao.atomic import folder_target

    started = time.perf_counter()
    layout = Layout(Path(os.path.abspath(output)), fmt)  # (-o . has no name to put .staging beside)
    errors_path = Path(errors) if errors else layout.errors
    check_outputs(inputs.arguments, inputs.paths, files=[errors_path], folders=[layout.output, layout.staging])
    # a folder of other files, a file, the current folder: refused before Ray starts (InputError)
    try:
        target = folder_target(output, {"documents"} | ({"spans", "sentences", "tables"} if fmt == "parquet" else set()))
    except OSError as exc:
        raise InputError(str(exc)) from None
    layout = Layout(target, fmt)
    errors_path = Path(errors) if errors else layout.errors
    identity = model_identity(model)
    readable, problems = _readable(inputs)
    _connect(ray, address)
    summary = RaySummary(target, errors_path, model=identity)
    staging = layout.staging
    if staging.exists():
        import shutil

        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    failures = [{"file": path, "reason": reason} for path, reason in problems]
    if readable:
        files = read_files(readable)
        tagged = tag_dataset(files, model, names=names_for(inputs), reading=reading, actors=workers)
        failures += write_tagged(tagged, str(staging.resolve()), fmt)
    order = {path: n for n, path in enumerate(inputs.paths)}
    failures.sort(key=lambda f: order.get(f["file"], -1))
    summary.documents = len(inputs) - sum(f["file"] in order for f in failures)
    summary.failures = failures
    if summary.documents == 0 and failures and target.exists():
        # not one input could be read: an earlier OUT stays as it was, as in a local run
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        summary.published = False
    else:
        replace_folder(staging, target)
    if failures:
        write_lines(errors_path, (error_line(f["file"], f["reason"]) for f in failures))
    else:
        errors_path.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - started
    return summary


def _readable(inputs: Inputs) -> tuple[list[str], list[tuple[str, str]]]:
    """Split off the inputs this machine cannot open (they would fail the whole read) as errors."""
    readable, problems = [], list(inputs.problems)
    for path in inputs.paths:
        try:
            with open(path, "rb"):
                readable.append(path)
        except OSError as exc:
            problems.append((path, "permission denied" if isinstance(exc, PermissionError)
                             else f"cannot read ({exc.strerror or exc})"))
    return readable, problems


def _connect(ray: Any, address: str | None) -> None:
    """Join the cluster at ``address``, or start a local Ray, unless this process already joined one."""
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    import ray.data

    logging.getLogger("ray.data").setLevel(logging.ERROR)
    ray.data.DataContext.get_current().enable_progress_bars = False


def iter_shards(folder: str | Path) -> Iterator[dict[str, Any]]:
    """The records of a Ray run's ``documents`` shards (to compare with a local run, or read back)."""
    for shard in sorted(Path(folder, "documents").glob("*.jsonl")):
        with open(shard, encoding="utf-8") as handle:
            yield from (json.loads(line) for line in handle if line.strip())

