"""The quantity model at tagging time: thinc's SparseLinear scores reproduced with NumPy, the
exported weights giving the spaCy component's spans, values and scores, and no spaCy, thinc or
torch imported when tagging."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

import pytest

from jixiao.configs import SPANS_CONFIG
from jixiao.document.model import Document
from jixiao.quantities.linear_extractor import LinearQuantityExtractor, load_linear_quantities, murmur3_uint64


@pytest.fixture(scope="module")
def trained_part(gold_docs: list[Document], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quantity component trained for two epochs on four gold reports (the bundled model ships the
    grammar alone, so the trained component is built here, from the packaged config)."""
    from jixiao.training.spans import train_spans

    folder = tmp_path_factory.mktemp("spans")
    config = folder / "spans.cfg"
    config.write_text(Path(SPANS_CONFIG).read_text("utf-8").replace("max_epochs = 15", "max_epochs = 2"), "utf-8")
    return train_spans(gold_docs[:4], gold_docs[4:], folder / "out", config, seed=1)


def test_scores_equal_thincs_sparse_linear() -> None:
    from thinc.api import SparseLinear

    length, n = 2**10, 5
    model = SparseLinear(nO=n, length=length)
    model.initialize()
    rng = np.random.default_rng(0)
    model.set_param("W", rng.normal(size=n * length).astype("f"))
    model.set_param("b", rng.normal(size=n).astype("f"))
    keys = rng.integers(0, 2**63, size=40, dtype=np.uint64)
    values = rng.random(40).astype("f")
    lengths = np.asarray([10, 0, 25, 5], dtype="int32")
    expected = model.predict((keys, values, lengths))
    ours = LinearQuantityExtractor(model.get_param("W"), model.get_param("b"), length, {}, None)  # type: ignore[arg-type]
    assert np.allclose(ours.raw_scores((keys, values, lengths)), expected, atol=1e-5)
    assert murmur3_uint64(np.asarray([0], dtype=np.uint64), 0).dtype == np.uint32


def test_the_exported_weights_give_the_components_spans(gold_docs: list[Document], trained_part: Path) -> None:
    from jixiao.quantities.spacy_extractor import load_spacy_extractor

    spacy_part, linear_part = load_spacy_extractor(trained_part), load_linear_quantities(trained_part)
    for doc in gold_docs:
        a, b = spacy_part.extract(doc.text), linear_part.extract(doc.text)
        assert [(s.start, s.end, s.label, s.value, s.unit) for s in a] == [
            (s.start, s.end, s.label, s.value, s.unit) for s in b]
        assert np.allclose([s.score for s in a], [s.score for s in b], atol=1e-4)


def test_saving_the_component_exports_the_weights(tmp_path: Path, trained_part: Path) -> None:
    from jixiao.quantities.spacy_extractor import load_spacy_extractor

    component = load_spacy_extractor(trained_part).component
    component.to_disk(tmp_path / "q")
    assert {"linear.safetensors", "linear.json", "grammar.yaml"} <= {p.name for p in (tmp_path / "q").iterdir()}
    text = "项目预算487万元，执行率为98.16%，惠及3684户。"
    assert [s.value for s in load_linear_quantities(tmp_path / "q").extract(text)] == [
        s.value for s in component.extract(text)]


def test_tagging_imports_no_heavy_library(tmp_path: Path) -> None:
    code = ("import sys, jixiao; jixiao.load().tag_text('预算487万元，合同未约定履行期限。');"
            "print(sorted(m for m in ('sklearn', 'scipy', 'spacy', 'thinc', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"
