"""Models can be told apart: what training records in meta.json, and what metrics.json and
``evaluate --compare`` show, on models trained here from a small copy of the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.document.jsonl import read_documents, write_documents
from jixiao.model_files import folder_hash

ROOT = Path(__file__).resolve().parent.parent
AUTHORED_DOCS = 30


def run(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def meta(model: Path) -> dict[str, Any]:
    return json.loads((model / "meta.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five reports and a slice of the authored supplement, split as the corpus is."""
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "corpus" / "gold", corpus / "gold")
    (corpus / "authored").mkdir()
    write_documents(corpus / "authored" / "issues.jsonl",
                    read_documents(ROOT / "corpus" / "authored" / "issues_5.jsonl")[:AUTHORED_DOCS])
    files = sorted((corpus / "gold").glob("*.jsonl")) + [corpus / "authored" / "issues.jsonl"]
    assert run("corpus", "split", *files, "-o", corpus / "splits.json").exit_code == 0
    return corpus


@pytest.fixture(scope="module")
def two_classifiers(small_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    models = tmp_path_factory.mktemp("models")
    for name, c_kind in (("a", 1), ("b", 8)):
        result = run("train", "issues", "--backend", "linear", "--corpus", small_corpus, "--model", models / name,
                     "--settings", json.dumps({"C_kind": c_kind, "max_features": 3000}))  # few features: fast
        assert result.exit_code == 0, result.output
    return models / "a", models / "b"


def test_meta_records_code_data_settings_and_hashes(two_classifiers: tuple[Path, Path], small_corpus: Path) -> None:
    first = meta(two_classifiers[0])
    issues = first["issues"]
    assert issues["settings"]["C_kind"] == 1 and issues["settings"]["ngram_max"] >= 1, "the effective settings, defaults included"
    assert set(issues["code"]) == {"commit", "dirty"} and issues["code"]["dirty"] in (True, False, None)
    splits = json.loads((small_corpus / "splits.json").read_text("utf-8"))
    for name in ("train", "dev", "test"):
        record = issues["data"][name]
        assert record["documents"] == len(splits[name]) and record["hash"] == issues[f"{name}_hash"]
        assert record["sentences"] >= record["labelled_sentences"] > 0
    assert issues["hash"] == folder_hash(two_classifiers[0] / "issues")
    assert first["hash"] == folder_hash(two_classifiers[0]) and {"python", "scikit-learn"} <= set(first["versions"])


def test_different_settings_show_different_hashes_in_metrics_and_compare(
    two_classifiers: tuple[Path, Path], small_corpus: Path, tmp_path: Path
) -> None:
    """The bar: two models trained with different settings have different model hashes in
    metrics.json and in --compare."""
    test_id = json.loads((small_corpus / "splits.json").read_text("utf-8"))["test"][0]
    data = small_corpus / "gold" / f"{test_id}.jsonl"
    identities = []
    for model, out in zip(two_classifiers, ("ea", "eb")):
        result = run("evaluate", "--data", data, "--model", model, "--out", tmp_path / out)
        assert result.exit_code == 0, result.output
        identities.append(json.loads((tmp_path / out / "metrics.json").read_text("utf-8"))["model_identity"])
    a, b = identities
    assert a["hash"] == folder_hash(two_classifiers[0]) and b["hash"] == folder_hash(two_classifiers[1])
    assert a["hash"] != b["hash"]
    assert a["backends"] == b["backends"] == {"quantities": "rules", "issues": "linear"}
    assert a["train_data"] == b["train_data"], "same data, different settings"
    compared = run("evaluate", "--compare", tmp_path / "ea" / "metrics.json", tmp_path / "eb" / "metrics.json")
    assert compared.exit_code == 0, compared.output
    row = next(line for line in compared.stdout.splitlines() if "model hash" in line)
    assert a["hash"] in row and b["hash"] in row
    assert "linear" in compared.stdout and a["train_data"]["issues"] in compared.stdout


def test_span_training_reports_epochs_and_keeps_no_temporary_paths(small_corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "spans.cfg"
    config.write_text((ROOT / "nlp" / "jixiao" / "configs" / "spans.cfg").read_text("utf-8")
                      .replace("max_epochs = 15", "max_epochs = 1"), "utf-8")
    hashes = []
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        result = run("train", "spans", "--backend", "linear", "--corpus", small_corpus, "--model", tmp_path / name, "--config", config,
                     "--seed", seed)
        assert result.exit_code == 0, result.output
        hashes.append(meta(tmp_path / name)["hash"])
    assert "epoch 1/1, step 0: loss" in result.output and "dev score" in result.output
    saved = (tmp_path / "c" / "quantities" / "config.cfg").read_text("utf-8")
    assert "/tmp" not in saved and "jixiao-spans-" not in saved and 'train = null' in saved
    assert 'ProgressLogger' not in saved
    assert hashes[0] == hashes[1] != hashes[2], "same data and settings give the same content hash; another seed another"
    quantities = meta(tmp_path / "c")["quantities"]
    assert quantities["test_hash"] == quantities["data"]["test"]["hash"] and quantities["settings"]["seed"] == 2


def test_the_grammar_alone_is_installed_as_a_quantity_part(small_corpus: Path, tmp_path: Path) -> None:
    from jixiao.loading import load
    from jixiao.quantities.grammar import packaged_grammar_text
    from jixiao.quantities.rules import RuleExtractor

    result = run("train", "spans", "--backend", "rules", "--corpus", small_corpus, "--model", tmp_path / "m")
    assert result.exit_code == 0, result.output
    part = meta(tmp_path / "m")["quantities"]
    assert part["backend"] == "rules" and part["path"] == "quantities" and "test" in part["scores"]
    assert (tmp_path / "m" / "quantities" / "grammar.yaml").read_text("utf-8") == packaged_grammar_text()
    text = "项目预算487万元，执行率为98.16%，惠及3684户。"
    assert load(tmp_path / "m").quantities.extract(text) == RuleExtractor().extract(text)  # type: ignore[union-attr]
    assert run("train", "spans", "--backend", "crf", "--corpus", small_corpus, "--model", tmp_path / "x").exit_code == 1


def test_span_training_by_default_installs_the_bundled_choice(small_corpus: Path, tmp_path: Path) -> None:
    """``jixiao train spans`` with no backend reproduces the bundled model's quantity part (the
    grammar alone); a training config given without ``--backend linear`` is refused, not ignored."""
    from jixiao.quantities.grammar import packaged_grammar_text

    result = run("train", "spans", "--corpus", small_corpus, "--model", tmp_path / "m")
    assert result.exit_code == 0, result.output
    assert meta(tmp_path / "m")["quantities"]["backend"] == "rules"
    assert (tmp_path / "m" / "quantities" / "grammar.yaml").read_text("utf-8") == packaged_grammar_text()
    config = ROOT / "nlp" / "jixiao" / "configs" / "spans.cfg"
    refused = run("train", "spans", "--corpus", small_corpus, "--model", tmp_path / "n", "--config", config)
    assert refused.exit_code == 1 and "--backend linear" in refused.output
    assert not (tmp_path / "n").exists()


def test_training_refuses_misspelt_settings_before_it_starts(small_corpus: Path, tmp_path: Path) -> None:
    """A misspelt setting was recorded in meta.json as effective and silently ignored."""
    result = run("train", "issues", "--corpus", small_corpus, "--model", tmp_path / "m", "--settings", '{"C_knd": 4}')
    assert result.exit_code == 1
    assert "--settings: 'C_knd' is not a setting of the linear backend (did you mean 'C_kind'?)" in result.output
    result = run("train", "issues", "--corpus", small_corpus, "--model", tmp_path / "m", "--settings", "{C_kind: 4}")
    assert result.exit_code == 1 and "--settings is not JSON (Expecting property name" in result.output
    # the same typo in a config file, and a --backend the config contradicts
    packaged = ROOT / "nlp" / "jixiao" / "configs" / "issues_linear.cfg"
    config = tmp_path / "bad.cfg"
    config.write_text(packaged.read_text("utf-8").replace("C_kind = ", "C_knd = "), "utf-8")
    result = run("train", "issues", "--corpus", small_corpus, "--model", tmp_path / "m", "--config", config)
    assert result.exit_code == 1
    assert f"{config}: 'C_knd' is not a setting of the linear backend (did you mean 'C_kind'?)" in " ".join(result.output.split())
    result = run("train", "issues", "--corpus", small_corpus, "--model", tmp_path / "m", "--backend", "sklearn",
                 "--config", packaged)
    assert result.exit_code == 1 and "--backend sklearn but" in result.output and "drop one of them" in " ".join(result.output.split())
    assert not (tmp_path / "m").exists()


def test_training_refuses_a_corpus_its_split_does_not_cover(small_corpus: Path, tmp_path: Path) -> None:
    """A document added after the last split, and an id in two files, were trained on without a word."""
    corpus = tmp_path / "corpus"
    shutil.copytree(small_corpus, corpus)
    extra = read_documents(ROOT / "corpus" / "authored" / "issues_6.jsonl")[:1]
    write_documents(corpus / "authored" / "late.jsonl", extra)
    result = run("train", "issues", "--corpus", corpus, "--model", tmp_path / "m")
    assert result.exit_code == 1
    assert f"{corpus / 'splits.json'}: 1 document(s) are in no split ({extra[0].id}); run `jixiao corpus split` first" \
        in " ".join(result.output.split())
    write_documents(corpus / "authored" / "late.jsonl", read_documents(corpus / "authored" / "issues.jsonl")[:1])
    result = run("train", "issues", "--corpus", corpus, "--model", tmp_path / "m")
    assert result.exit_code == 1
    assert "ids must be unique across the corpus" in " ".join(result.output.split())
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize("backend", ["rules", "linear", "sklearn", "spacy", "transformers"])
def test_every_backend_knows_its_settings_and_refuses_others(backend: str, tmp_path: Path) -> None:
    """Each backend gets past its settings check to the corpus check (spaCy's packaged file is its
    pipeline's own config, with no [classifier] table); a key it does not read is refused."""
    from jixiao.configs import read_classifier_config
    from jixiao.issues.backends import known_settings

    defaults = read_classifier_config(backend)[1]
    assert set(defaults) <= known_settings(backend)
    assert (backend == "rules") == (not known_settings(backend))
    result = run("train", "issues", "--backend", backend, "--corpus", tmp_path / "nowhere", "--model", tmp_path / "m")
    assert result.exit_code == 1 and "no splits.json" in result.output, result.output
    wrong = run("train", "issues", "--backend", backend, "--corpus", tmp_path / "nowhere", "--model", tmp_path / "m",
                "--settings", '{"C_knd": 4}')
    assert wrong.exit_code == 1 and f"'C_knd' is not a setting of the {backend} backend" in wrong.output


def test_a_split_of_too_few_reports_says_what_is_missing(small_corpus: Path, tmp_path: Path) -> None:
    """Two reports cannot fill train, dev and test: the split and the training go on, with a warning
    naming what is lost (no calibration on dev, no test figures)."""
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    for path in sorted((small_corpus / "gold").glob("*.jsonl"))[:2]:
        shutil.copy(path, corpus / "gold" / path.name)
    shutil.copytree(small_corpus / "authored", corpus / "authored")
    files = sorted((corpus / "gold").glob("*.jsonl")) + [corpus / "authored" / "issues.jsonl"]
    result = run("corpus", "split", *files, "-o", corpus / "splits.json")
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert "warning: dev holds no report (2 real report(s) for train, dev and test)" in said
    assert "warning: test holds no report" in said
    result = run("train", "issues", "--corpus", corpus, "--model", tmp_path / "m")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "has no dev document: nothing is calibrated or tuned on it" in said


def test_a_setting_of_the_wrong_kind_is_named_before_training(small_corpus: Path, tmp_path: Path) -> None:
    result = run("train", "issues", "--corpus", small_corpus, "--model", tmp_path / "m",
                 "--settings", '{"C_kind": "four", "balanced": 1, "ngram_max": 4}')
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "setting 'C_kind' must be a number (the packaged value is 8.0), not \"four\"" in said
    assert "setting 'balanced' must be true or false (the packaged value is false), not 1" in said
    assert "ngram_max" not in said and not (tmp_path / "m").exists()


def test_installed_parts_can_be_read_by_every_user(two_classifiers: tuple[Path, Path], small_corpus: Path,
                                                  tmp_path: Path) -> None:
    """A part is trained in a private temporary folder (0700, and safetensors writes 0600 files);
    installed, it has the modes a plain mkdir/open gives (0777/0666 minus the umask), or a model
    trained by one user is unreadable by the others who load it."""
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert run("train", "spans", "--corpus", small_corpus, "--model", tmp_path / "m").exit_code == 0
    for model in (two_classifiers[0], tmp_path / "m"):
        entries = [model, *model.rglob("*")]
        assert any(p.name == "weights.safetensors" for p in entries) or (model / "quantities").is_dir()
        for path in entries:
            expected = (0o777 if path.is_dir() else 0o666) & ~mask
            assert path.stat().st_mode & 0o777 == expected, path
