"""Document ids from file names (``jixiao.inputs.assign_ids``): hand-made cases."""

from __future__ import annotations

import os

from jixiao.inputs import assign_ids

GBK = os.fsdecode("报告".encode("gbk"))  # how Python holds a GBK name: one lone surrogate per byte


def test_ids_are_relative_paths_without_suffix_unless_shared() -> None:
    paths = ["/r/a.txt", "/r/sub/b.docx", "/r/c.txt", "/r/c.pdf"]
    assert assign_ids(paths, "/r") == ["a", "sub/b", "c.txt", "c.pdf"]


def test_a_name_that_is_not_utf8_gets_an_id_every_output_can_hold() -> None:
    [doc_id] = assign_ids([f"/r/{GBK}.txt"], "/r")
    assert doc_id == "\\xb1\\xa8\\xb8\\xe6"
    doc_id.encode("utf-8")  # no lone surrogates left


def test_a_written_form_that_is_another_files_real_name_keeps_ids_apart() -> None:
    paths = [f"/r/{GBK}.txt", "/r/\\xb1\\xa8\\xb8\\xe6.txt"]
    ids = assign_ids(paths, "/r")
    assert ids == ["\\xb1\\xa8\\xb8\\xe6~1", "\\xb1\\xa8\\xb8\\xe6"]
    for doc_id in ids:
        doc_id.encode("utf-8")  # every output can hold both, and they differ there too
