"""A long document is tagged in pieces (quantities) and batches (sentences) to keep memory bounded;
the pieces must give exactly what the whole text gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from jixiao.document.sentences import chunk_bounds, split_offsets


@pytest.fixture(scope="module")
def long_text(report_paths: list[Path]) -> str:
    return "\n".join(p.read_text("utf-8") for p in report_paths)


def test_chunk_bounds_cut_between_sentences_at_paragraph_ends(long_text: str) -> None:
    offsets = split_offsets(long_text)
    bounds = chunk_bounds(long_text, offsets, 5000)
    assert bounds[0] == 0 and bounds[-1] == len(long_text)
    assert len(bounds) > len(long_text) // 7500
    starts = {s for s, _ in offsets}
    for cut in bounds[1:-1]:
        assert cut in starts  # never inside a sentence
    pieces = [b - a for a, b in zip(bounds, bounds[1:])]
    assert max(pieces[:-1]) < 5000 * 2  # a piece grows at most to the next boundary past 1.5 × size
    paragraph_cuts = sum(long_text[:cut].rstrip(" \t\u3000").endswith("\n") for cut in bounds[1:-1])
    assert paragraph_cuts >= len(bounds[1:-1]) * 0.8


def test_chunk_bounds_of_a_short_text_are_its_ends() -> None:
    text = "第一句。第二句。"
    assert chunk_bounds(text, split_offsets(text), 100) == [0, len(text)]


def test_pieces_and_batches_give_what_the_whole_text_gives(long_text: str) -> None:
    import jixiao

    whole = jixiao.load()
    pieces = replace(whole, chunk_chars=1500)
    doc_whole = whole.tag_text(long_text)
    assert len(long_text) > 40 * pieces.chunk_chars
    classifier = pieces.classifier
    previous = classifier.batch_sentences
    classifier.batch_sentences = 37
    try:
        doc_pieces = pieces.tag_text(long_text)
    finally:
        classifier.batch_sentences = previous
    assert doc_pieces.spans == doc_whole.spans
    assert doc_pieces.sentences == doc_whole.sentences
    assert len(doc_whole.spans) > 500 and len(doc_whole.sentences) > 37 * 20


def test_record_bytes_are_the_record_line_encoded(report_paths: list[Path]) -> None:
    """The piecewise record is byte for byte the JSON of the record dict, with tables and without,
    and with more spans and sentences than one piece holds."""
    import jixiao
    from jixiao.outputs import records
    from jixiao.outputs.records import document_stats, output_record, record_bytes, record_line, record_stats

    tagger = jixiao.load()
    docs = [tagger.tag_file(p) for p in report_paths]
    docs.append(replace(docs[0], tables=()))
    docs.append(tagger.tag_text("没有数量的一句话"))
    assert any(d.tables for d in docs) and any(not d.tables for d in docs)
    model = {"name": "jixiao-default", "version": "0.1.0"}
    for items in (records.PIECE_ITEMS, 7):
        previous, records.PIECE_ITEMS = records.PIECE_ITEMS, items
        try:
            for doc in docs:
                record = output_record(doc, "a/b.txt", model)
                assert record_bytes(doc, "a/b.txt", model) == record_line(record).encode("utf-8")
                assert document_stats(doc) == record_stats(record)
        finally:
            records.PIECE_ITEMS = previous


def test_a_long_line_is_written_in_pieces_and_one_that_fails_leaves_nothing(tmp_path: Path) -> None:
    from jixiao.outputs.journal import Journal

    journal = Journal(tmp_path / "out.jsonl.partial")
    try:
        journal.append_line([b'{"id": "a"}'])
        big = [b"x" * 300_000 for _ in range(10)]  # 3 MB: written in several writes

        def failing():  # type: ignore[no-untyped-def]
            yield from big[:5]
            raise ValueError("cannot serialise")

        with pytest.raises(ValueError):
            journal.append_line(failing())
        journal.append_line(iter(big))
        journal.append_line([b'{"id": "c"}'])
    finally:
        journal.close()
    lines = (tmp_path / "out.jsonl.partial").read_bytes().split(b"\n")
    assert lines == [b'{"id": "a"}', b"".join(big), b'{"id": "c"}', b""]


def test_documents_tagged_together_are_tagged_as_each_alone(long_text: str) -> None:
    """Short documents scored in shared batches (and a batch cut inside a document) get exactly
    the records each gets alone."""
    import jixiao
    from jixiao.document.model import Document

    tagger = jixiao.load()
    pieces = [long_text[start : start + 620] for start in range(0, 40 * 997, 997)]
    docs = [Document(id=f"d{i}", text=piece) for i, piece in enumerate(pieces)] + [Document(id="empty", text="   ")]
    alone = [tagger.tag_document(doc) for doc in docs]
    classifier = tagger.classifier
    previous = classifier.batch_sentences
    try:
        for size in (previous, 13):
            classifier.batch_sentences = size
            assert tagger.tag_documents(docs) == alone
        assert tagger.tag_documents(doc for doc in docs) == alone  # any iterable, a generator included
    finally:
        classifier.batch_sentences = previous
    assert sum(len(d.sentences) for d in alone) > 13 * 10
