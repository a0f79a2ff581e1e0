"""A model is a self-contained folder: the bundled one installs with the package, and what it
predicts depends only on its own files (grammar, keyword lists, weights), not on the package's
data files, which may have changed since it was trained."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import jixiao.issues.rules
import jixiao.quantities.component
import jixiao.quantities.grammar
from jixiao.loading import ModelError, bundled_model_path, load
from jixiao.model_files import file_hashes
from jixiao.training.package import read_meta, write_meta

SAMPLE = "项目预算487万元，执行率为98.16%，惠及3684户。\n存在问题：合同未约定履行期限。\n建议加强合同管理。"


def _tagged(tagger) -> tuple:  # type: ignore[no-untyped-def]
    doc = tagger.tag_text(SAMPLE)
    return (tuple((s.start, s.end, s.label, str(s.value)) for s in doc.spans),
            tuple((s.start, s.end, s.kind, s.categories) for s in doc.sentences))


def test_the_bundled_model_is_inside_the_package() -> None:
    folder = bundled_model_path()
    assert folder.parts[-3:] == ("jixiao", "models", "jixiao-default")
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["name"] == "jixiao-default"
    assert (folder / "quantities" / "grammar.yaml").is_file()
    assert (folder / "issues" / "keywords.yaml").is_file()
    assert meta["files"] == file_hashes(folder), "meta.json hashes every file of the model"


def test_loading_reads_nothing_from_the_package_data(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _tagged(load())

    def refuse() -> str:
        raise AssertionError("a trained model read the package's data files")

    monkeypatch.setattr(jixiao.quantities.component, "packaged_grammar_text", refuse)
    monkeypatch.setattr(jixiao.quantities.grammar, "packaged_grammar_text", refuse)
    monkeypatch.setattr(jixiao.issues.rules, "packaged_keywords_text", refuse)
    assert _tagged(load()) == expected


def test_the_model_uses_its_own_grammar_and_keywords(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_path(), folder)
    before = _tagged(load(folder))
    grammar = folder / "quantities" / "grammar.yaml"
    grammar.write_text(grammar.read_text("utf-8").replace("- 户\n", "- 户户户\n", 1), "utf-8")
    # a file edited in place no longer matches the hash meta.json records: refused until recorded
    with pytest.raises(ModelError, match="grammar.yaml: damaged or changed since the model was built"):
        load(folder)
    write_meta(folder, read_meta(folder))
    spans, _ = _tagged(load(folder))
    assert [s for s in before[0] if s not in spans] == [(SAMPLE.index("3684户"), SAMPLE.index("3684户") + 5, "COUNT", "3684")]


def test_a_missing_model_is_an_error_and_rules_only_by_name(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="nowhere: no such model folder"):
        load(tmp_path / "nowhere")
    with pytest.raises(ModelError, match="no meta.json"):
        load(tmp_path)  # a folder, but no model
    rules = load("jixiao-rules")
    assert rules.model_info == {"name": "jixiao-rules", "version": "0"}
    assert load("jixiao-default").model_info["name"] == "jixiao-default"


def test_the_import_name_is_jixiao_only(tmp_path: Path) -> None:
    code = "import importlib.util, jixiao; print(importlib.util.find_spec('nlp') is None, callable(jixiao.load))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.split() == ["True", "True"]


def test_a_classifier_trained_on_another_input_form_loads_with_a_warning(tmp_path: Path) -> None:
    """Sentences are read in one canonical form (jixiao.issues.inputs.canonical); a model whose
    meta does not say it was trained on that form still loads, and the user is told to retrain."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load()  # the bundled model was trained on the canonical form: no warning
    folder = tmp_path / "older"
    shutil.copytree(bundled_model_path("jixiao-default"), folder)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    del meta["issues"]["input_form"]
    (folder / "meta.json").write_text(json.dumps(meta), "utf-8")
    with pytest.warns(UserWarning, match="retrain it with `jixiao train issues`"):
        tagger = load(folder)
    assert tagger.tag_text("部分项目资金拨付不及时。").sentences[0].kind == "problem"


def test_a_part_saved_by_another_backend_is_named(tmp_path: Path) -> None:
    """meta.json edited to name the sklearn backend over a linear part failed with KeyError: 'vectorizer'."""
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_path(), folder)
    meta = read_meta(folder)
    meta["issues"]["backend"] = "sklearn"
    (folder / "meta.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelError, match="meta.json names the sklearn backend, but this part was saved by the linear backend"):
        load(folder)
