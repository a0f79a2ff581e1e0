"""Score the shipped model on a split as written and after length-preserving rewrites of its text.

    .venv/bin/python eval/issues/rewritten.py [--split shift] [--model PATH]

Text from web pages and PDFs carries the same sentences with half-width punctuation (, : ; ( ) ! ?)
and sometimes full-width digits. The rewrites keep every offset, so the gold annotations stay
valid: ``half-width`` turns ，：；（）！？ into their half-width forms, ``full-width digits`` turns
0-9 into ０-９, and ``both`` does both. Kind macro-F1, category micro-F1 and span micro-F1 are
printed for each; a model that reads the sentence rather than its typography scores the same.

Two more rows put 。 as a line break, as in list items, table rows and text without end
punctuation (the sentences are the same, each now without its 。). They are classified with the
gold sentence boundaries (the splitter's would end each sentence one character earlier, which
the scorer counts as a different sentence), beside the text as written with the same boundaries.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import jixiao
from jixiao.evaluation.data import read_split
from jixiao.evaluation.run import predict
from jixiao.evaluation.score import score_documents

HALF = str.maketrans("，：；（）！？", ",:;()!?")
DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
NO_STOP = str.maketrans("。", "\n")
REWRITES = {"as written": (), "half-width": (HALF,), "full-width digits": (DIGITS,), "both": (HALF, DIGITS)}
GOLD_BOUNDARY_REWRITES = {"as written, gold sentence boundaries": (), "。 as line breaks, gold sentence boundaries": (NO_STOP,)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="shift")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    args = parser.parse_args()
    tagger = jixiao.load(args.model)
    gold = read_split(args.corpus, args.split).documents
    print(f"| {args.split} split | kind macro-F1 | categories micro-F1 | spans micro-F1 |\n|---|---:|---:|---:|")
    rows = [(name, tables, "predicted") for name, tables in REWRITES.items()]
    rows += [(name, tables, "gold") for name, tables in GOLD_BOUNDARY_REWRITES.items()]
    for name, tables, boundaries in rows:
        docs = []
        for doc in gold:
            text = doc.text
            for table in tables:
                text = text.translate(table)
            docs.append(replace(doc, text=text))
        metrics = score_documents(docs, predict(tagger, docs, sentences=boundaries))[0]
        print(f"| {name} | {metrics['kind']['macro_f1']:.4f} | {metrics['categories']['micro']['f1']:.4f} "
              f"| {metrics['spans']['micro']['f1']:.4f} |")


if __name__ == "__main__":
    main()
