"""The bundled classifier is what the repository trains: `jixiao train issues` on the committed
corpus, settings and code gives the same vocabulary and the same weights.

A model trained from a working tree that was then changed (a corpus file edited after training, a
feature changed) would ship figures nobody can reproduce; the data hash alone does not show it, as
n-grams that tie in frequency can fall either side of the vocabulary's cut."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.loading import bundled_model_path

ROOT = Path(__file__).resolve().parent.parent


def test_training_the_classifier_again_gives_the_bundled_one(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bundled = bundled_model_path() / "issues"
    model = tmp_path / "model"
    shutil.copytree(bundled.parent, model)
    shutil.rmtree(model / "issues")
    monkeypatch.chdir(ROOT)  # the default corpus and config paths are the repository's
    result = CliRunner().invoke(app, ["train", "issues", "--model", str(model)])
    assert result.exit_code == 0, result.output
    trained = model / "issues"
    assert json.loads((trained / "vocabulary.json").read_text("utf-8")) == json.loads(
        (bundled / "vocabulary.json").read_text("utf-8"))
    assert json.loads((trained / "config.json").read_text("utf-8")) == json.loads(
        (bundled / "config.json").read_text("utf-8"))
    ours, theirs = load_file(str(trained / "weights.safetensors")), load_file(str(bundled / "weights.safetensors"))
    assert ours.keys() == theirs.keys()
    for name in ours:  # (the solver's last digits depend on the BLAS threads and the CPU)
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-3, atol=1e-4, err_msg=name)
