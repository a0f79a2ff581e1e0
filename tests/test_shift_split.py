"""The shift split: registers unlike the five reports, for choosing and evaluating models only.

It is never trained on (by construction: the training loader reads gold/ and authored/ only and
refuses a shift document found there; and no model's recorded training data is it), and the
bundled classifier must read its sentences as well alone as in their documents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jixiao.evaluation.data import read_split
from jixiao.evaluation.run import predict
from jixiao.evaluation.score import score_documents
from jixiao.loading import bundled_model_path, load
from jixiao.training.data import TrainingDataError, data_hash, load_corpus, load_splits, select

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def shift():  # type: ignore[no-untyped-def]
    return read_split(CORPUS, "shift").documents


def test_no_training_path_reads_the_shift_split(shift, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    training = load_corpus(CORPUS)
    texts = {d.text for d in training}
    assert len(shift) == 40 and all(d.meta.get("set") == "shift-dev" for d in shift)
    assert not any(d.text in texts for d in shift)
    splits = load_splits(CORPUS)
    assert not {d.id for d in shift} & {i for part in ("train", "dev", "test") for i in splits[part]}
    meta = json.loads((bundled_model_path() / "meta.json").read_text("utf-8"))
    for part in ("quantities", "issues"):
        assert meta[part]["train_hash"] == data_hash(select(training, splits["train"]))
        assert meta[part]["train_hash"] != data_hash(select(training, splits["train"]) + shift)
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS / "gold", copy / "gold")
    (copy / "authored").mkdir()
    shutil.copy(CORPUS / "shift" / "shift_a.jsonl", copy / "authored" / "oops.jsonl")
    with pytest.raises(TrainingDataError, match="shift-dev"):
        load_corpus(copy)


def test_the_bundled_classifier_reads_sentences_by_their_words(shift) -> None:  # type: ignore[no-untyped-def]
    tagger = load()
    in_context = score_documents(shift, predict(tagger, shift), spans=False)[0]
    alone = score_documents(shift, predict(tagger, shift, context="none"), spans=False)[0]
    assert in_context["kind"]["macro_f1"] >= 0.92
    assert in_context["categories"]["micro"]["f1"] >= 0.82
    assert abs(in_context["kind"]["macro_f1"] - alone["kind"]["macro_f1"]) <= 0.03


def test_the_bundled_quantities_meet_the_shift_bar(shift) -> None:  # type: ignore[no-untyped-def]
    from jixiao.evaluation.crossval import predict_spans

    quantities = load().quantities
    assert quantities is not None
    metrics = score_documents(shift, predict_spans(quantities, shift), sentences=False)[0]
    assert metrics["spans"]["micro"]["f1"] >= 0.995
    assert min(metrics["spans"][label]["f1"] for label in ("AMOUNT", "RATE", "COUNT", "MEASURE")) >= 0.98
    assert metrics["values"]["accuracy"] >= 0.999
