"""Metamorphic tests of the sentence classifier: the written form of a sentence never changes how
it is classified.

Web pages and PDFs give the same sentences as a typeset report with half-width punctuation,
full-width digits or spaces between characters. Every classifier reads
a sentence in one canonical form (``jixiao.issues.inputs.canonical``), so the five reports tagged
as written and after a length-preserving rewrite must give the same kinds, categories and scores
sentence by sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import jixiao
from jixiao.issues.inputs import canonical

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted((ROOT / "corpus" / "raw").glob("*.txt"))

HALF_PUNCT = str.maketrans("，：；（）！？", ",:;()!?")
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture(scope="module")
def tagger():
    return jixiao.load()


def _classified(doc):
    return [(s.start, s.end, s.kind, s.categories, s.kind_score, s.category_scores) for s in doc.sentences]


def test_canonical_form_of_hand_written_cases():
    assert canonical("审计发现,22个省(含 2个)\n未完成１２项") == "审计发现，22个省（含2个）未完成12项"
    assert canonical("ＰＰＰ项目：完成率９５％！") == "PPP项目：完成率95%！"
    # a half-width stop ending a Chinese sentence is its full stop; a decimal point or a stop after ASCII is not
    assert canonical("建议加强合同管理.") == canonical("建议加强合同管理 .") == "建议加强合同管理。"
    assert canonical("资金3.5万元.") == "资金3.5万元。" and canonical("执行率为95%.") == "执行率为95%。"
    assert canonical("执行率95.5") == "执行率95.5" and canonical("版本v2.") == "版本v2."
    already = "资金拨付不及时，影响项目进度。"
    assert canonical(already) is already  # the common case costs one regex search


@pytest.mark.parametrize("rewrite", [HALF_PUNCT, FULL_DIGITS], ids=["half-width punctuation", "full-width digits"])
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem[:3])
def test_a_report_rewritten_is_classified_the_same(tagger, path, rewrite):
    text = path.read_text(encoding="utf-8")
    rewritten = text.translate(rewrite)
    assert rewritten != text and len(rewritten) == len(text)
    before, after = _classified(tagger.tag_text(text)), _classified(tagger.tag_text(rewritten))
    differences = [(b, a) for b, a in zip(before, after) if b != a]
    assert len(before) == len(after) and not differences, differences[:5]


def test_spaces_inside_a_sentence_change_nothing(tagger):
    """(A line break is a sentence boundary by the scheme, so it is not tried here.)"""
    plain = tagger.tag_text("部分学校未取得施工许可证即开工，项目合同管理不规范。")
    spaced = tagger.tag_text("部分学校 未取得施工 许可证即开工，项目合同 管理不规范。")
    assert [s.kind for s in plain.sentences] == ["problem"]
    assert [(s.kind, s.categories, s.kind_score, s.category_scores) for s in spaced.sentences] == \
        [(s.kind, s.categories, s.kind_score, s.category_scores) for s in plain.sentences]
