"""The shipped sentence classifier: NumPy prediction equal to scikit-learn's computation, a model
folder that round-trips, content before heading, and no scikit-learn or SciPy on the tagging path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from jixiao.document.model import Document
from jixiao.issues.inputs import labelled_sentences
from jixiao.issues.linear import load_linear, save_linear
from jixiao.issues.inputs import Labelled, SentenceInput
from jixiao.issues.linear_train import train_linear, unpunctuated_copies
from jixiao.issues.ngrams import NgramIndex


@pytest.fixture(scope="module")
def small_model(gold_docs: list[Document]):  # type: ignore[no-untyped-def]
    return train_linear(gold_docs[:3], gold_docs[3:4], {"max_features": 5000})


def test_ngram_tfidf_equals_scikit_learn(gold_docs: list[Document]) -> None:
    texts = [d.input.text for d in labelled_sentences(gold_docs[:2])]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                                 dtype=np.float32).fit(texts)
    grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    index = NgramIndex(grams, vectorizer.idf_, 1, 3)
    probe = [d.input.text for d in labelled_sentences(gold_docs[2:3])] + ["", "  多  个 空格  "]
    rows, cols, values = index.tfidf(probe)
    ours = csr_matrix((values, (rows, cols)), shape=(len(probe), len(grams))).toarray()
    assert np.allclose(ours, vectorizer.transform(probe).toarray(), atol=1e-6)


def test_scores_equal_the_sparse_linear_model(small_model, gold_docs: list[Document]) -> None:  # type: ignore[no-untyped-def]
    inputs = [d.input for d in labelled_sentences(gold_docs[4:5])]
    rows, cols, values = small_model.ngrams.tfidf([i.text for i in inputs])
    X = hstack([csr_matrix((values, (rows, cols)), shape=(len(inputs), len(small_model.ngrams))),
                csr_matrix(small_model.cue_matrix(inputs))]).tocsr()
    reference = np.asarray(X @ small_model.weights.astype(np.float64)) + small_model.bias
    assert np.allclose(small_model.raw_scores(inputs), reference, atol=1e-4)


def test_the_model_folder_round_trips_and_broken_files_name_themselves(small_model, gold_docs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "issues"
    save_linear(small_model, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "keywords.yaml", "vocabulary.json",
                                                       "weights.safetensors"]
    loaded = load_linear(folder)
    inputs = [d.input for d in labelled_sentences(gold_docs[4:5])]
    assert loaded.scores(inputs)[0] == small_model.scores(inputs)[0]
    assert np.allclose(loaded.probabilities(inputs)[1], small_model.probabilities(inputs)[1], atol=1e-6)
    (folder / "weights.safetensors").write_bytes(b"not safetensors")
    with pytest.raises(ValueError, match="not a readable linear issue model"):
        load_linear(folder)


@pytest.mark.parametrize("sentence, kind", [
    ("部分学校未取得施工许可证即开工。", "problem"),
    ("25家单位57个项目预算执行率低。", "problem"),
    ("项目资金已按合同约定全部拨付到位。", "none"),
])
def test_a_sentence_is_read_by_its_words_wherever_it_stands(sentence: str, kind: str) -> None:
    import jixiao

    tagger = jixiao.load()
    for before in ("", "一、基本情况\n", "二、存在的主要问题\n", "（三）主要做法\n"):
        doc = tagger.tag_text(before + sentence)
        assert doc.sentences[-1].kind == kind, (before, sentence)


def test_tagging_imports_neither_scikit_learn_nor_scipy(tmp_path: Path) -> None:
    """Nor numpy.ma, which ``np.unique`` imports on its first call (15 ms of every start)."""
    code = ("import sys, jixiao; jixiao.load().tag_text('预算487万元，合同未约定履行期限。');"
            "print(sorted(m for m in ('sklearn', 'scipy', 'numpy.ma') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"


def test_groups_a_model_gives_no_weight_are_not_scanned_and_nothing_else_changes(gold_docs: list[Document]) -> None:
    from jixiao.issues.cue_features import cue_features, cue_names
    from jixiao.issues.rules import load_keywords

    rules = load_keywords()
    inputs = [d.input for d in labelled_sentences(gold_docs[:2])]
    names = cue_names(rules)
    skip = {n for n in names if n.startswith("topic:")}
    full, skipped = cue_features(inputs, rules), cue_features(inputs, rules, skip=skip)
    kept = [i for i, n in enumerate(names) if n not in skip]
    assert np.array_equal(full[:, kept], skipped[:, kept])
    assert not skipped[:, [names.index(n) for n in skip]].any() and full[:, [names.index(n) for n in skip]].any()


def test_problems_and_recommendations_are_also_learned_without_their_full_stop() -> None:
    def item(text: str, kind: str) -> Labelled:
        return Labelled(SentenceInput(text, "other"), kind, frozenset({"contract_rigor"} if kind != "none" else ()))

    data = [item("合同未约定验收标准。", "problem"), item("加强合同管理；", "recommendation"),
            item("资金已全部拨付。", "none"), item("合同未约定付款方式", "problem"), item("。", "problem")]
    weights = np.asarray([3.0, 1.0, 1.0, 1.0, 1.0])
    owners = ["a", "b", "c", "d", "e"]
    out, out_weights, out_owners = unpunctuated_copies(data, weights, owners, 0.5)
    assert out[:5] == data and out_owners == owners + ["a", "b"]
    assert [(d.input.text, d.kind, d.categories) for d in out[5:]] == [
        ("合同未约定验收标准", "problem", frozenset({"contract_rigor"})),
        ("加强合同管理", "recommendation", frozenset({"contract_rigor"}))]
    assert out_weights.tolist() == [3.0, 1.0, 1.0, 1.0, 1.0, 1.5, 0.5]
    assert unpunctuated_copies(data, weights, owners, 0.0) == (data, weights, owners)


def test_a_model_trained_without_the_part_column_keeps_loading(gold_docs: list[Document], tmp_path: Path) -> None:
    """Models trained before ``form:names_part`` existed have no ``part_column`` setting: they are
    read with the columns they were trained with."""
    from jixiao.issues.cue_features import cue_names

    old = train_linear(gold_docs[:2], [], {"max_features": 2000, "part_column": False, "calibrate": False})
    assert "form:names_part" not in cue_names(old.rules, old.sections, old.part_column)
    del old.settings["part_column"]  # as saved before the setting existed
    save_linear(old, tmp_path / "old")
    loaded = load_linear(tmp_path / "old")
    inputs = [d.input for d in labelled_sentences(gold_docs[4:5])]
    assert not loaded.part_column and loaded.scores(inputs)[0] == old.scores(inputs)[0]
    new = train_linear(gold_docs[:2], [], {"max_features": 2000, "calibrate": False})
    names = cue_names(new.rules, new.sections, new.part_column)
    assert new.part_column and names.count("form:names_part") == 1
    assert new.weights.shape[0] == len(new.ngrams) + len(names)


@pytest.mark.parametrize("line, kind", [
    ("3、部分项目资金拨付不及时", "problem"), ("1.部分项目合同未约定验收标准", "problem"),
    ("（二）存在问题", "none"), ("六、措施建议", "none"),
])
def test_a_terse_list_item_is_read_by_its_words_and_a_part_heading_is_none(line: str, kind: str) -> None:
    import jixiao

    assert jixiao.load().tag_text(line).sentences[0].kind == kind


def test_a_problem_or_remedy_without_a_likely_category_becomes_none(small_model, gold_docs) -> None:  # type: ignore[no-untyped-def]
    """``min_category_score``: a non-none sentence whose best category scores below the floor is
    none, with the none probability as its score; the others keep kind, score and categories, in
    scoring and in tagging alike."""
    from dataclasses import replace

    inputs = [d.input for d in labelled_sentences(gold_docs[3:5])]
    kinds, scores, categories = small_model.scores(inputs)
    best = [max(c.values()) for c in categories]
    issues = [b for k, b in zip(kinds, best) if k != "none"]
    assert len(issues) >= 2
    floor = sorted(issues)[len(issues) // 2]  # the weaker half of the issues falls under it
    floored = replace(small_model, settings={**small_model.settings, "min_category_score": floor})
    kind_probabilities = small_model.probabilities(inputs)[0]
    none = small_model.kind_classes.index("none")
    for tagging in (False, True):
        new_kinds, new_scores, new_categories = (floored.tagging_scores if tagging else floored.scores)(inputs)
        for i, (k, b) in enumerate(zip(kinds, best)):
            if k != "none" and b < floor:
                assert new_kinds[i] == "none" and new_scores[i] == pytest.approx(kind_probabilities[i, none])
                assert new_categories[i] == ({} if tagging else categories[i])
            else:
                assert (new_kinds[i], new_scores[i]) == (k, pytest.approx(scores[i]))
                if k != "none":
                    assert new_categories[i] == pytest.approx(categories[i])
    assert sum(k != "none" for k in floored.scores(inputs)[0]) < len(issues)


def test_none_offset_moves_only_the_none_logit(small_model, gold_docs) -> None:  # type: ignore[no-untyped-def]
    """``none_offset`` subtracts the same logit from ``none`` for every sentence: the odds of
    problem against recommendation are unchanged, and more sentences leave none."""
    from dataclasses import replace

    inputs = [d.input for d in labelled_sentences(gold_docs[3:5])]
    before = small_model.probabilities(inputs)[0]
    shifted = replace(small_model, settings={**small_model.settings, "none_offset": 1.5})
    after = shifted.probabilities(inputs)[0]
    none = small_model.kind_classes.index("none")
    others = [i for i in range(len(small_model.kind_classes)) if i != none]
    t = small_model.temperature.get("kind", 1.0)
    ratio = lambda p: np.log(p[:, others[0]] / p[:, others[1]])  # noqa: E731
    assert ratio(after) == pytest.approx(ratio(before), abs=1e-9)
    assert np.log(after[:, others[0]] / after[:, none]) == pytest.approx(np.log(before[:, others[0]] / before[:, none]) + 1.5 / t)
    assert sum(k != "none" for k in shifted.scores(inputs)[0]) > sum(k != "none" for k in small_model.scores(inputs)[0])


def test_the_heading_prior_moves_the_items_of_a_part_but_not_its_own_heading(small_model) -> None:  # type: ignore[no-untyped-def]
    """``prior_strength``: under a part that prescribes the recommendation logit gains the
    strength, under one that reports practice it loses it; the line that only opens the part
    (「六、政策调整和完善建议」) and any line outside such parts are not moved."""
    from dataclasses import replace

    model = replace(small_model, settings={**small_model.settings, "prior_strength": 2.0})
    rec = model.kind_classes.index("recommendation")
    inputs = [SentenceInput("六、政策调整和完善建议", "recommendation"), SentenceInput("（二）严把事前评估关口。", "recommendation"),
              SentenceInput("（二）严把事前评估关口。", "experience"), SentenceInput("一、主要工作开展情况", "experience"),
              SentenceInput("（二）严把事前评估关口。", "problem"), SentenceInput("（二）严把事前评估关口。", "other")]
    assert model.section_prior(inputs)[:, rec].tolist() == [0.0, 2.0, -2.0, 0.0, 0.0, 0.0]


def test_clause_categories_take_the_higher_of_the_sentence_and_a_strong_clause(small_model, gold_docs) -> None:  # type: ignore[no-untyped-def]
    """``clause_categories``: kinds and kind scores are untouched; each category of a problem or
    remedy scores the higher of the whole sentence and any clause of at least ``clause_min_chars``
    scoring ``clause_threshold`` or more; a sentence of one clause keeps its scores."""
    import re
    from dataclasses import replace

    inputs = [d.input for d in labelled_sentences(gold_docs[3:5])]
    kinds, scores, categories = small_model.scores(inputs)
    settings = {"clause_categories": True, "clause_threshold": 0.6, "clause_min_chars": 6}
    clausal = replace(small_model, settings={**small_model.settings, **settings})
    new_kinds, new_scores, new_categories = clausal.scores(inputs)
    assert new_kinds == kinds and new_scores == pytest.approx(scores)
    raised = 0
    for i, k in enumerate(kinds):
        parts = [p for p in re.split("[，；：,;:]", inputs[i].text) if len(p) >= 6]
        if len(parts) < 2:
            assert new_categories[i] == pytest.approx(categories[i])
            continue
        alone = small_model.probabilities([SentenceInput(p, inputs[i].section) for p in parts])[1]
        for j, name in enumerate(small_model.categories):
            strong = [float(a) for a in alone[:, j] if a >= 0.6]
            assert new_categories[i][name] == pytest.approx(max([categories[i][name], *strong]))
            raised += new_categories[i][name] > categories[i][name] + 1e-9
    assert raised > 0
    tagged = clausal.tagging_scores(inputs)[2]
    assert all(t == pytest.approx(c) for t, c, k in zip(tagged, new_categories, kinds) if k != "none")
