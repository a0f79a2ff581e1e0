"""The counts in corpus/README.md are what `jixiao corpus stats` prints for the corpus files, and
adding a document followed by the documented commands keeps these checks green."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.corpus.split import split_documents
from jixiao.corpus.stats import extract_block
from jixiao.document.jsonl import read_documents, write_documents
from jixiao.training.data import load_corpus, load_splits

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def stats_output(corpus: Path) -> str:
    result = CliRunner().invoke(app, ["corpus", "stats", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def check_readme_counts(corpus: Path) -> None:
    readme = (corpus / "README.md").read_text("utf-8")
    assert extract_block(readme) == stats_output(corpus), \
        f"regenerate with `jixiao corpus stats --corpus {corpus} --write {corpus / 'README.md'}`"


def check_split(corpus: Path) -> None:
    splits = load_splits(corpus)
    docs = load_corpus(corpus)
    again = split_documents(docs, seed=splits["seed"])
    assert (list(again.train), list(again.dev), list(again.test)) == (splits["train"], splits["dev"], splits["test"]), \
        "regenerate with `jixiao corpus split`"
    assert again.covered
    authored = {d.id for d in docs if d.meta.get("source") == "authored"}
    assert not authored & set(splits["dev"] + splits["test"])
    assert all(fold["test"] not in authored for fold in splits["folds"])


def test_readme_counts_match_the_command() -> None:
    """Regenerate with `jixiao corpus stats --write corpus/README.md` after adding documents."""
    check_readme_counts(CORPUS)


def test_split_file_is_reproducible_and_covers_every_label() -> None:
    check_split(CORPUS)


def test_stats_write_replaces_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Corpus\n\n<!-- counts:begin -->\nold\n<!-- counts:end -->\n\nafter\n", "utf-8")
    result = CliRunner().invoke(app, ["corpus", "stats", "--corpus", str(CORPUS), "--write", str(readme)])
    assert result.exit_code == 0, result.output
    text = readme.read_text("utf-8")
    assert text.startswith("# Corpus\n\n") and text.endswith("\n\nafter\n") and "old" not in text
    assert extract_block(text) == stats_output(CORPUS)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """The corpus as a contributor has it, in a temporary folder (the real one is never touched)."""
    copy = tmp_path / "corpus"
    copy.mkdir()
    for name in ("gold", "authored"):
        shutil.copytree(CORPUS / name, copy / name)
    for name in ("splits.json", "README.md"):
        shutil.copy2(CORPUS / name, copy / name)
    return copy


def run(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("kind", ["authored", "report"])
def test_adding_a_document_then_the_documented_commands_keeps_the_checks_green(corpus_copy: Path, kind: str) -> None:
    """The bar: add a document; `jixiao corpus split` and `jixiao corpus stats --write` (the
    order corpus/README.md gives) bring the README and the split back in line with the files."""
    from jixiao.document.model import Sentence
    from jixiao.document.sentences import split_offsets

    def extended(doc, **changes):  # type: ignore[no-untyped-def]
        """The document with one more sentence: a new text (corpus validate refuses a copy)."""
        text = doc.text + "\n新增段落。"
        added = tuple(Sentence(s, e, "none") for s, e in split_offsets(text) if s >= len(doc.text))
        return doc.replace(text=text, sentences=doc.sentences + added, **changes)

    if kind == "authored":
        doc = read_documents(corpus_copy / "authored" / "issues_1.jsonl")[0]
        write_documents(corpus_copy / "authored" / "zz_added_in_test.jsonl",
                        [extended(doc, id="authored-added-in-test-001")])
    else:  # a sixth real report: it may change which report is dev or test
        doc = read_documents(corpus_copy / "gold" / "002_08510d5929f9f624.jsonl")[0]
        write_documents(corpus_copy / "gold" / "005_new.jsonl",
                        [extended(doc, id="005_new", meta={**doc.meta, "source": "corpus/raw/005_new.txt"})])
    with pytest.raises(AssertionError):
        check_readme_counts(corpus_copy)  # the counts now differ (stats itself refuses: no split has the document)
    stale = run("corpus", "stats", "--corpus", corpus_copy, "--write", corpus_copy / "README.md")
    assert stale.exit_code == 1 and "are in no split" in stale.output and "run `jixiao corpus split` first" in stale.output

    files = sorted((corpus_copy / "gold").glob("*.jsonl")) + sorted((corpus_copy / "authored").glob("*.jsonl"))
    assert run("corpus", "validate", *files).exit_code == 0
    assert run("corpus", "split", *files, "-o", corpus_copy / "splits.json").exit_code == 0
    written = run("corpus", "stats", "--corpus", corpus_copy, "--write", corpus_copy / "README.md")
    assert written.exit_code == 0, written.output

    check_readme_counts(corpus_copy)
    check_split(corpus_copy)
    splits = json.loads((corpus_copy / "splits.json").read_text("utf-8"))
    if kind == "authored":
        assert "authored-added-in-test-001" in splits["train"]
    else:
        assert "005_new" in splits["train"] + splits["dev"] + splits["test"]
        assert any(fold["test"] == "005_new" for fold in splits["folds"])
    assert (CORPUS / "README.md").read_text("utf-8") != (corpus_copy / "README.md").read_text("utf-8")


def test_authored_supplement_meets_the_issue_minimums() -> None:
    from collections import Counter

    from jixiao.document.model import CATEGORIES

    authored = [d for d in load_corpus(CORPUS) if d.meta.get("source") == "authored"]
    kinds = Counter(s.kind for d in authored for s in d.sentences)
    per = Counter((c, s.kind) for d in authored for s in d.sentences for c in s.categories)
    assert kinds["problem"] + kinds["recommendation"] >= 400 and kinds["none"] >= 400
    assert all(per[(c, "problem")] >= 25 and per[(c, "recommendation")] >= 15 for c in CATEGORIES)
    assert sum(len(d.spans) for d in authored if d.id.startswith("authored-quantities")) >= 300


def test_the_unlabelled_documents_are_what_corpus_build_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """corpus/docs.jsonl is derived from corpus/raw by `jixiao corpus build`: rebuilt, it is the
    same file (a stale copy once lacked the description sections)."""
    from jixiao.corpus.build import build_docs

    root = Path(__file__).resolve().parent.parent / "corpus"
    monkeypatch.chdir(root.parent)  # the sources are recorded as the folder is named: corpus/raw/…
    built = tmp_path / "docs.jsonl"
    write_documents(built, build_docs(Path("corpus") / "raw"))
    assert built.read_bytes() == (root / "docs.jsonl").read_bytes()


def test_split_shares_are_checked_and_parts_never_overlap(tmp_path: Path) -> None:
    """Shares that add up to 1 or more are refused (they once put documents in train and test at
    once); a share of 0 leaves its part empty; the parts never share a document."""
    gold = sorted((Path(__file__).resolve().parent.parent / "corpus" / "gold").glob("*.jsonl"))
    docs = [d for f in gold for d in read_documents(f)]
    with pytest.raises(ValueError, match="add up to less than 1"):
        split_documents(docs, (-0.2, 0.6, 0.6))
    result = CliRunner().invoke(app, ["corpus", "split", *map(str, gold), "-o", str(tmp_path / "s.json"),
                                      "--dev", "0.6", "--test", "0.6"])
    assert result.exit_code == 1 and "add up to less than 1" in result.stderr and not (tmp_path / "s.json").exists()
    for dev, test in ((0.0, 0.2), (0.2, 0.2), (0.45, 0.45), (0.1, 0.8)):
        split = split_documents(docs, (1 - dev - test, dev, test))
        parts = [set(split.train), set(split.dev), set(split.test)]
        assert sum(map(len, parts)) == len(docs) and set().union(*parts) == {d.id for d in docs}
        assert split.train and (not split.dev) == (dev == 0)
