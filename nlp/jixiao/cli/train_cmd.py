"""``jixiao train``: the quantity component and the issue classifier, from the corpus splits.

Training shows its progress (spaCy's epochs with loss and dev score; for the other backends, which
report no steps, a running clock, and optimizer steps for transformers), and records in the model's
meta.json everything needed to tell the result from another model: code state, data hashes and
sizes, effective settings, base-model hash and library versions (``training.package``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from jixiao.cli.console import Progress, err, fail, require
from jixiao.loading import bundled_model_path
from jixiao.configs import SPANS_CONFIG

DEFAULT_MODEL = bundled_model_path()

train_app = typer.Typer(help="Train the bundled models from the corpus.", no_args_is_help=True)


def _data(corpus: Path):  # type: ignore[no-untyped-def]
    from jixiao.corpus.stats import check_splits
    from jixiao.training.data import load_corpus, load_splits, select

    if not (corpus / "splits.json").exists():
        fail(f"{corpus}: no splits.json (run `jixiao corpus split`)")
    try:
        docs = load_corpus(corpus)
    except ValueError as exc:  # the message names the file and the document
        fail(str(exc))
    splits = load_splits(corpus)
    try:  # a document added since the last split would silently be trained on by no one
        check_splits(docs, splits)
    except ValueError as exc:
        fail(f"{corpus / 'splits.json'}: {exc}")
    train, dev, test = select(docs, splits["train"]), select(docs, splits["dev"]), select(docs, splits["test"])
    for name, held, purpose in (("dev", dev, "nothing is calibrated or tuned on it"), ("test", test, "no test figures")):
        if not held:  # a split of too few reports: training goes on, but not silently
            err().print(f"warning: {corpus / 'splits.json'} has no {name} document: {purpose}", style="yellow", markup=False)
    return train, dev, test


@train_app.command("spans")
def spans(
    config: Annotated[Path | None, typer.Option(help="spaCy training config of --backend linear (default: the packaged configs/spans.cfg).", show_default=False)] = None,
    corpus: Annotated[Path, typer.Option(help="Corpus folder with gold/, authored/ and splits.json.")] = Path("corpus"),
    model: Annotated[Path, typer.Option(help="Model folder to install the trained component into (default: the bundled model).")] = DEFAULT_MODEL,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
    backend: Annotated[str, typer.Option(help="rules: the package grammar alone, copied into the model (nothing is trained; the "
                                              "bundled model's choice, see eval/quantities/RESULTS.md); linear: grammar candidates "
                                              "decided with a spaCy component trained from --config (the config's mode).")] = "rules",
) -> None:
    """Train the quantity component on train (gold train split + authored), report dev and test."""
    from jixiao.evaluation.provenance import code_state
    from jixiao.evaluation.score import score_documents
    from jixiao.evaluation.crossval import predict_spans
    from jixiao.quantities.spacy_extractor import load_spacy_extractor
    from jixiao.training.package import install_part
    from jixiao.training.spans import TrainingStep, train_spans

    if backend not in ("linear", "rules"):
        fail(f"--backend must be linear or rules, not {backend!r}")
    if backend == "rules" and config is not None:  # a config asks for training: never ignore it silently
        fail(f"--config {config} trains the linear backend; add --backend linear (the rules backend trains nothing)")
    config = config or SPANS_CONFIG
    train, dev, test = _data(corpus)
    code = code_state()  # as training starts: the code the model is trained with
    if backend == "rules":
        _install_grammar(model, code, train, dev, test)
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-train-") as tmp:
        with Progress(f"training the quantity component on {len(train)} documents") as bar:
            epochs: list[int] = []

            def show(step: TrainingStep) -> None:
                line = (f"epoch {step.epoch + 1}{f'/{step.max_epochs}' if step.max_epochs else ''}, step {step.step}: "
                        f"loss {step.loss:.4g}" + (f", dev score {step.score:.4f}" if step.score is not None else ""))
                if not epochs or step.epoch != epochs[-1]:  # a log line per epoch, the rest on the bar
                    epochs.append(step.epoch)
                    bar.advance(line)
                else:
                    bar.status(line)

            trained = train_spans(train, dev, Path(tmp), config, seed=seed, progress=show)
        with Progress("scoring dev and test on the tagging path"):
            extractor = load_spacy_extractor(trained)
            scores = {name: _span_scores(score_documents(docs, predict_spans(extractor, docs), sentences=False)[0])
                      for name, docs in (("dev", dev), ("test", test)) if docs}
        entry = _part_entry("linear", code, train, dev, test, scores, settings={"config": str(config), "seed": seed},
                            config=config.read_text("utf-8"), seed=seed)
        install_part(model, "quantities", trained, entry)
    err().print(f"installed the quantity component in {model}: {json.dumps(scores)}", markup=False)


def _install_grammar(model: Path, code: Any, train: list, dev: list, test: list) -> None:  # type: ignore[type-arg]
    """Install the package grammar alone as the model's quantity part: the rules decide every span.
    The model keeps its own copy of the grammar, so a later grammar change does not alter it."""
    from jixiao.evaluation.crossval import predict_spans
    from jixiao.evaluation.score import score_documents
    from jixiao.lazy_regex import compile_all
    from jixiao.quantities.grammar import GRAMMAR_FILE, load_grammar, packaged_grammar_text
    from jixiao.quantities.patterns import compile_patterns
    from jixiao.quantities.rules import RuleExtractor
    from jixiao.training.package import install_part

    grammar = load_grammar()
    # every pattern compiled now: an invalid one is reported here, not in the middle of tagging
    compile_all((grammar, compile_patterns(grammar)))
    extractor = RuleExtractor(grammar)
    with Progress("scoring dev and test on the tagging path"):
        scores = {name: _span_scores(score_documents(docs, predict_spans(extractor, docs), sentences=False)[0])
                  for name, docs in (("dev", dev), ("test", test)) if docs}
    with tempfile.TemporaryDirectory(prefix="jixiao-grammar-") as tmp:
        (Path(tmp) / GRAMMAR_FILE).write_text(packaged_grammar_text(), "utf-8")
        entry = _part_entry("rules", code, train, dev, test, scores, settings={"backend": "rules"})
        install_part(model, "quantities", Path(tmp), entry)
    err().print(f"installed the grammar as the quantity part of {model}: {json.dumps(scores)}", markup=False)


def _part_entry(backend: str, code: Any, train: list, dev: list, test: list, scores: dict,  # type: ignore[type-arg]
                **extra: Any) -> dict[str, Any]:
    """What meta.json records of a quantity part: backend, code state, data hashes and counts, scores."""
    from jixiao.training.data import data_hash, data_record

    return {"backend": backend, **extra, "code": code,
            "train_hash": data_hash(train), "dev_hash": data_hash(dev), "test_hash": data_hash(test),
            "data": data_record({"train": train, "dev": dev, "test": test}), "scores": scores}


def _span_scores(metrics: dict) -> dict:  # type: ignore[type-arg]
    spans = metrics["spans"]
    out = {f"{label}.f1": round(spans[label]["f1"], 4) for label in ("AMOUNT", "RATE", "COUNT", "MEASURE", "micro")}
    out["values.accuracy"] = round(metrics["values"]["accuracy"], 4)
    return out


def _mistyped(options: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    """One line per setting whose value is not of its packaged value's kind (a number, a switch, a
    text or a list), named before training rather than as the library's error halfway through."""
    def kind(value: Any) -> str | None:
        if isinstance(value, bool):
            return "true or false"
        if isinstance(value, (int, float)):
            return "a number"
        if isinstance(value, str):
            return "a text"
        if isinstance(value, (list, tuple)):
            return "a list"
        return None

    def shown(value: Any) -> str:  # as the JSON of --settings writes it
        return json.dumps(value, ensure_ascii=False, default=str)

    return [f"setting {key!r} must be {kind(defaults[key])} (the packaged value is {shown(defaults[key])}), "
            f"not {shown(value)}"
            for key, value in options.items()
            if key in defaults and kind(defaults[key]) is not None and kind(value) != kind(defaults[key])
            and not (kind(defaults[key]) == "a number" and isinstance(value, int) and not isinstance(value, bool))]


@train_app.command("issues")
def issues(
    backend: Annotated[str | None, typer.Option(help="linear (shipped; the default), rules, sklearn, spacy or transformers; with --config, the config's backend.", show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(help="Config file with \\[classifier] backend and \\[classifier.settings] (default: the packaged configs/issues_<backend>.cfg when there is one).")] = None,
    corpus: Annotated[Path, typer.Option(help="Corpus folder with gold/, authored/ and splits.json.")] = Path("corpus"),
    model: Annotated[Path, typer.Option(help="Model folder to install the trained classifier into (default: the bundled model).")] = DEFAULT_MODEL,
    settings: Annotated[str, typer.Option(help="Settings over the config's, as JSON, e.g. '{\"C_kind\": 4}' or '{\"base_model\": \"/path/to/bert\"}'.")] = "{}",
) -> None:
    """Train the sentence classifier (kind and categories) and install it in the model folder.

    Dev and test scores recorded in meta.json are measured on the tagging path (predicted
    sentence boundaries); the shift split is never read here."""
    from jixiao.evaluation.provenance import code_state
    from jixiao.evaluation.run import predict
    from jixiao.evaluation.score import score_documents
    from jixiao.issues.backends import get_backend, known_settings
    from jixiao.tagger import Tagger
    from jixiao.training.config import read_classifier_config
    from jixiao.training.data import data_hash, data_record
    from jixiao.training.package import base_model_hash, install_part

    from jixiao.document.jsonl import json_error

    try:
        given = json.loads(settings)
    except json.JSONDecodeError as exc:
        fail(f"--settings is not JSON ({json_error(exc)}); e.g. '{{\"C_kind\": 4}}'")
    if not isinstance(given, dict):
        fail("--settings must be a JSON object, e.g. '{\"C_kind\": 4}'")
    from jixiao.configs import packaged_settings
    from jixiao.corpus.validate import nearest

    try:
        named, options = read_classifier_config(backend or "linear", config)
        if backend is not None and named != backend:  # the flag and the file disagree: neither wins silently
            fail(f"--backend {backend} but {config} trains the {named} backend; drop one of them")
        backend = named
        chosen = get_backend(backend)
        known = known_settings(backend)
    except (ValueError, OSError) as exc:
        fail(str(exc))
    if config is not None and (misspelt := sorted(set(options) - known)):  # a typo in the file, as in --settings
        fail("; ".join(f"{config}: {key!r} is not a setting of the {backend} backend{nearest(key, tuple(sorted(known)))}"
                       + ("" if known else " (it reads none)") for key in misspelt))
    if unknown := sorted(set(given) - known - set(options)):
        fail("; ".join(f"--settings: {key!r} is not a setting of the {backend} backend{nearest(key, tuple(sorted(known)))}"
                       + ("" if known else " (it reads none)") for key in unknown))
    options.update(given)
    if wrong := _mistyped(options, packaged_settings(backend)):
        fail("; ".join(wrong))
    if backend == "transformers":
        require("torch", "the transformers backend", extra="transformers")
        require("transformers", "the transformers backend", extra="transformers")
    train, dev, test = _data(corpus)
    code = code_state()  # as training starts: the code the model is trained with
    try:
        with Progress(f"training the {backend} classifier on {len(train)} documents (dev: {len(dev)})") as bar, \
                _optimizer_steps(bar, backend == "transformers"):
            trained = chosen.train(train, dev, options)
    except ValueError as exc:  # bad settings, e.g. a base_model that is not a local folder
        fail(str(exc))
    scores = {}
    with Progress("scoring dev and test on the tagging path"):
        for name, docs in (("dev", dev), ("test", test)):
            if docs:  # the tagging path: predicted sentence boundaries, as `jixiao tag` and `evaluate`
                metrics = score_documents(docs, predict(Tagger(None, trained), docs), spans=False)[0]
                scores[name] = {"kind.macro_f1": round(metrics["kind"]["macro_f1"], 4),
                                "categories.micro.f1": round(metrics["categories"]["micro"]["f1"], 4)}
    effective = getattr(trained, "settings", options)  # the backend's defaults merged with the given settings
    from jixiao.issues.inputs import INPUT_FORM

    with tempfile.TemporaryDirectory(prefix="jixiao-train-") as tmp:
        chosen.save(trained, Path(tmp) / "issues")
        entry: dict[str, Any] = {"backend": backend, "settings": effective, "code": code, "input_form": INPUT_FORM}
        if (base := base_model_hash(effective)) is not None:
            entry["base_model_hash"] = base
        entry.update({"train_hash": data_hash(train), "dev_hash": data_hash(dev), "test_hash": data_hash(test),
                      "documents": {"train": len(train), "dev": len(dev), "test": len(test)},
                      "data": data_record({"train": train, "dev": dev, "test": test}), "scores": scores})
        install_part(model, "issues", Path(tmp) / "issues", entry)
    err().print(f"installed the {backend} classifier in {model}: {json.dumps(scores)}", markup=False)


@contextmanager
def _optimizer_steps(bar: Progress, watch: bool) -> Iterator[None]:
    """Count the optimizer steps of a PyTorch training run on the bar (the transformers backend
    reports nothing while it runs; its loop lives in ``jixiao.issues.hf_backend``)."""
    if not watch:
        yield
        return
    from torch.optim.optimizer import register_optimizer_step_post_hook

    steps = [0]

    def count(*_: Any) -> None:
        steps[0] += 1
        bar.status(f"{steps[0]} optimizer steps")

    handle = register_optimizer_step_post_hook(count)
    try:
        yield
    finally:
        handle.remove()
