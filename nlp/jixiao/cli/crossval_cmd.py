"""``jixiao crossval``: leave-one-report-out cross-validation of every quantity system and
issue backend, side by side with JioNLP, written to eval/cv/ in a form a paper can cite.

RESULTS.md and metrics.json record the exact command (every option with the value used), the
code (commit, and whether the tree had uncommitted changes), the hashes of the data of every
fold and of the shift split, and for each headline figure the pooled value with a bootstrap
confidence interval and its spread over the folds; each fold's model is also scored on the
shift split (registers unlike the five reports), reported beside the cross-validation.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Annotated, Any

import typer

from jixiao.cli.console import Progress, err, fail, require
from jixiao.configs import SPANS_CONFIG

SYSTEMS = ("rules", "model", "combined", "jionlp")
JIONLP = "jionlp (AMOUNT only)"


def _names(value: str, option: str, allowed: tuple[str, ...] | None = None) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if allowed is not None and n not in allowed]
    if unknown:
        fail(f"{option}: unknown {', '.join(unknown)} (choose from {', '.join(allowed or ())})")
    return names


def crossval(
    out: Annotated[Path, typer.Option(help="Folder for RESULTS.md and metrics.json.")] = Path("eval/cv"),
    corpus: Annotated[Path, typer.Option(help="Corpus folder.")] = Path("corpus"),
    config: Annotated[Path, typer.Option(help="spaCy config of the quantity component (default: the packaged one).", show_default=False)] = SPANS_CONFIG,
    systems: Annotated[str, typer.Option(help="Comma-separated quantity systems: rules, model, combined, jionlp.")] = ",".join(SYSTEMS),
    backends: Annotated[str, typer.Option(help="Comma-separated issue backends, each with its packaged settings.")] = "rules,linear,sklearn,spacy",
    spans: Annotated[bool, typer.Option(help="Cross-validate the quantity systems.")] = True,
    issues: Annotated[bool, typer.Option(help="Cross-validate the issue backends.")] = True,
    folds: Annotated[str, typer.Option(help="Comma-separated folds to run, by number (1-5) or held-out report id prefix (e.g. 001); default all.", show_default=False)] = "",
    shift: Annotated[bool, typer.Option(help="Also score each fold's model on the shift split (corpus/shift/), when there is one.")] = True,
    resamples: Annotated[int, typer.Option("--bootstrap", min=100, help="Bootstrap resamples for the confidence intervals.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap resampling.")] = 0,
    predictions: Annotated[bool, typer.Option(
        "--predictions", help="Also write each system's held-out predictions, for reading its errors: "
                              "OUT/predictions/spans-<system>.jsonl and issues-<backend>.jsonl, one held-out report per "
                              "line, as `jixiao evaluate` writes predictions.")] = False,
) -> None:
    """Train on four reports plus the authored supplement, test on the fifth, for each report."""
    from jixiao.atomic import write_text
    from jixiao.evaluation.crossval import choose_folds
    from jixiao.evaluation.data import read_split
    from jixiao.evaluation.provenance import code_state
    from jixiao.training.data import load_corpus

    system_names = _names(systems, "--systems", SYSTEMS) if spans else []
    backend_names = _names(backends, "--backends") if issues else []
    if not system_names and not backend_names:
        fail("nothing to cross-validate: give --systems or --backends (or drop --no-spans / --no-issues)")
    if "jionlp" in system_names:
        require("jionlp", "the jionlp system", package="jionlp")
    if "transformers" in backend_names:
        require("torch", "the transformers backend", extra="transformers")
    settings = _backend_settings(backend_names)
    try:
        docs = load_corpus(corpus)
        chosen = choose_folds(docs, _names(folds, "--folds"))
        shift_data = read_split(corpus, "shift") if shift and (corpus / "shift").is_dir() else None
    except ValueError as exc:  # unreadable corpus files, a shift document in a training folder, a bad --folds
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.filename or corpus}: cannot read ({exc.strerror or exc})")
    shift_docs = shift_data.documents if shift_data is not None else []
    command = _command(out, corpus, config, system_names, backend_names, spans, issues, folds, shift, resamples, seed,
                       predictions)
    results: dict[str, Any] = {**code_state(), "command": command, "data": _data(docs, chosen, shift_data),
                               "bootstrap": {"resamples": resamples, "confidence": 0.95, "seed": seed,
                                             "unit": "held-out sentence"}}
    steps = len(chosen) * (len(system_names) + len(backend_names))
    with Progress(f"cross-validating {len(chosen)} fold(s)", total=steps) as bar:
        held_out: dict[str, Any] = {}
        if system_names:
            results["spans"], results["spans_detail"], held_out["spans"] = _spans(
                docs, chosen, system_names, config, shift_docs, resamples, seed, bar)
        if backend_names:
            results["settings"] = settings
            results["issues"], results["issues_detail"], held_out["issues"] = _issues(
                docs, chosen, backend_names, settings, shift_docs, resamples, seed, bar)
    from jixiao.evaluation.cv_report import render_results

    written = _write_predictions(out / "predictions", held_out) if predictions else []
    write_text(out / "metrics.json", json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    write_text(out / "RESULTS.md", render_results(results))
    also = f" and {len(written)} prediction file(s) in {out / 'predictions'}" if written else ""
    err().print(f"wrote {out / 'RESULTS.md'} and {out / 'metrics.json'}{also}", markup=False)


def _write_predictions(folder: Path, held_out: dict[str, Any]) -> list[Path]:
    """Each system's held-out predictions, one report per line (``spans-<system>.jsonl``,
    ``issues-<backend>.jsonl``), in the shape ``jixiao evaluate`` writes them."""
    from jixiao.atomic import write_lines
    from jixiao.document.jsonl import dumps_document

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for part, run in held_out.items():
        for name, docs in run.predictions.items():
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name.split(" ")[0])  # 「jionlp (AMOUNT only)」 -> jionlp
            path = folder / f"{part}-{slug}.jsonl"
            write_lines(path, (dumps_document(doc) for doc in docs))
            written.append(path)
    return written


def _backend_settings(names: list[str]) -> dict[str, dict[str, Any]]:
    """Each backend's packaged settings (configs/issues_<backend>.cfg), as `jixiao train issues` uses them."""
    from jixiao.issues.backends import get_backend
    from jixiao.training.config import read_classifier_config

    settings = {}
    for name in names:
        try:
            get_backend(name)
            settings[name] = read_classifier_config(name)[1]
        except (ValueError, OSError) as exc:
            fail(f"--backends: {exc}")
    return settings


def _command(out: Path, corpus: Path, config: Path, systems: list[str], backends: list[str], spans: bool,
             issues: bool, folds: str, shift: bool, resamples: int, seed: int, predictions: bool = False) -> str:
    """The command with every option as used, defaults included, so that it reruns exactly."""
    parts = ["jixiao", "crossval", "--out", str(out), "--corpus", str(corpus)]
    if config.resolve() != SPANS_CONFIG.resolve():
        parts += ["--config", str(config)]
    parts += ["--systems", ",".join(systems)] if spans else ["--no-spans"]
    parts += ["--backends", ",".join(backends)] if issues else ["--no-issues"]
    if folds.strip():
        parts += ["--folds", folds.strip()]
    parts += ["--shift" if shift else "--no-shift", "--bootstrap", str(resamples), "--seed", str(seed)]
    parts += ["--predictions"] if predictions else []
    return shlex.join(parts)


def _data(docs: list[Any], chosen: list[Any], shift: Any) -> dict[str, Any]:
    from jixiao.evaluation.crossval import all_folds
    from jixiao.training.data import data_hash

    by_id = {d.id: d for d in docs}
    folds = []
    for fold in chosen:
        held = by_id[fold.test_id]
        train = [by_id[i] for i in fold.train_ids]
        folds.append({"fold": fold.number, "test": fold.test_id, "test_hash": data_hash([held]),
                      "test_sentences": len(held.sentences),
                      "test_labelled": sum(1 for s in held.sentences if s.kind is not None),
                      "test_spans": len(held.spans), "train_hash": data_hash(train), "train_documents": len(train)})
    data: dict[str, Any] = {"corpus_hash": data_hash(docs), "documents": len(docs), "all_folds": len(all_folds(docs)),
                            "folds": folds}
    if shift is not None:
        data["shift"] = shift.describe()
    return data


def _spans(docs: list[Any], chosen: list[Any], names: list[str], config: Path, shift: list[Any], resamples: int,
           seed: int, bar: Progress) -> tuple[dict[str, Any], dict[str, Any], Any]:
    import hashlib

    from jixiao.evaluation.crossval import pooled, run_spans, spacy_factory
    from jixiao.evaluation.jionlp_peer import JioNLPMoney
    from jixiao.quantities.rules import RuleExtractor

    factories = {"rules": lambda tr: RuleExtractor(), "model": spacy_factory(False, config),
                 "combined": spacy_factory(True, config), "jionlp": lambda tr: JioNLPMoney()}
    systems = {JIONLP if n == "jionlp" else n: factories[n] for n in names}
    run = run_spans(docs, systems, chosen, shift, progress=bar.advance)
    detail = _detail(run, True, shift, resamples, seed, bar)
    if JIONLP in systems:  # JioNLP finds money only: its other figures would be zeros that mean nothing
        for part in ("per_fold", "fold_spread", "intervals", "shift"):
            if JIONLP in detail.get(part, {}):
                detail[part][JIONLP] = _only_amount(detail[part][JIONLP])
    detail["config_sha256"] = hashlib.sha256(config.read_bytes()).hexdigest()[:16]
    return pooled(run, spans=True), detail, run


def _only_amount(entry: Any) -> Any:
    if isinstance(entry, list):
        return [_only_amount(e) for e in entry]
    return {k: v for k, v in entry.items() if k == "spans.AMOUNT.f1"}


def _issues(docs: list[Any], chosen: list[Any], names: list[str], settings: dict[str, dict[str, Any]],
            shift: list[Any], resamples: int, seed: int, bar: Progress) -> tuple[dict[str, Any], dict[str, Any], Any]:
    from jixiao.evaluation.crossval import pooled, run_issues

    run = run_issues(docs, names, chosen, settings, shift, progress=bar.advance)
    return pooled(run, spans=False), _detail(run, False, shift, resamples, seed, bar), run


def _detail(run: Any, spans: bool, shift: list[Any], resamples: int, seed: int, bar: Progress) -> dict[str, Any]:
    """Per-fold figures and their spread, bootstrap intervals, and the shift split's figures."""
    from jixiao.evaluation import cv_stats

    bar.status("bootstrap intervals")
    per_fold = cv_stats.fold_figures(run, spans)
    detail: dict[str, Any] = {"folds": [f.test_id for f in run.folds], "per_fold": per_fold,
                              "fold_spread": cv_stats.summarise(per_fold),
                              "intervals": cv_stats.bootstrap(run, spans, resamples, seed=seed)}
    if shift:
        detail["shift"] = cv_stats.summarise(cv_stats.shift_figures(run, shift, spans))
    return detail
