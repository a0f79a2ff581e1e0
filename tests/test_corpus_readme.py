"""The counts in corpus/README.md are recomputed from the corpus files and must match."""

from __future__ import annotations

from pathlib import Path

from jixiao.corpus.stats import extract_block, render_block
from jixiao.corpus.split import split_documents
from jixiao.training.data import load_corpus, load_splits

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_readme_counts_match_the_files() -> None:
    readme = (CORPUS / "README.md").read_text("utf-8")
    assert extract_block(readme) == render_block(load_corpus(CORPUS), load_splits(CORPUS))


def test_split_file_is_reproducible_and_covers_every_label() -> None:
    splits = load_splits(CORPUS)
    docs = load_corpus(CORPUS)
    again = split_documents(docs, seed=splits["seed"])
    assert (list(again.train), list(again.dev), list(again.test)) == (splits["train"], splits["dev"], splits["test"])
    assert again.covered
    authored = {d.id for d in docs if d.meta.get("source") == "authored"}
    assert not authored & set(splits["dev"] + splits["test"])
    assert all(fold["test"] not in authored for fold in splits["folds"])


def test_authored_supplement_meets_the_issue_minimums() -> None:
    from collections import Counter

    from jixiao.document.model import CATEGORIES

    authored = [d for d in load_corpus(CORPUS) if d.meta.get("source") == "authored"]
    kinds = Counter(s.kind for d in authored for s in d.sentences)
    per = Counter((c, s.kind) for d in authored for s in d.sentences for c in s.categories)
    assert kinds["problem"] + kinds["recommendation"] >= 400 and kinds["none"] >= 400
    assert all(per[(c, "problem")] >= 25 and per[(c, "recommendation")] >= 15 for c in CATEGORIES)
    assert sum(len(d.spans) for d in authored if d.id.startswith("authored-quantities")) >= 300
