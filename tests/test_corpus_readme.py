"""The counts in corpus/README.md are recomputed from the corpus files and must match."""

from __future__ import annotations

from pathlib import Path

from jixiao.corpus.stats import extract_block, render_block
from jixiao.corpus.split import split_documents
from jixiao.training.data import load_corpus, load_splits

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_readme_counts_match_the_files() -> None:
    """Regenerate with `jixiao corpus stats --write corpus/README.md` after adding documents."""
    readme = (CORPUS / "README.md").read_text("utf-8")
    assert extract_block(readme) == render_block(load_corpus(CORPUS), load_splits(CORPUS))


def test_stats_write_replaces_only_the_block(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    readme = tmp_path / "README.md"
    readme.write_text("# Corpus\n\n<!-- counts:begin -->\nold\n<!-- counts:end -->\n\nafter\n", "utf-8")
    result = CliRunner().invoke(app, ["corpus", "stats", "--corpus", str(CORPUS), "--write", str(readme)])
    assert result.exit_code == 0, result.output
    text = readme.read_text("utf-8")
    assert text.startswith("# Corpus\n\n") and text.endswith("\n\nafter\n") and "old" not in text
    assert extract_block(text) == render_block(load_corpus(CORPUS), load_splits(CORPUS))


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
