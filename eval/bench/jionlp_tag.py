"""The script an analyst would otherwise write: JioNLP's money extraction over a folder of reports.

    python eval/bench/jionlp_tag.py INPUT... -o OUT.jsonl

Reads every .txt file given (or found in the folders given), runs ``jionlp.ner.extract_money`` with
parsing on its text and writes one JSON line per file with the amounts found. It is the peer of
``jixiao tag`` in the whole-process rows of ``bench.py``: the same files, start-up included.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    # as jixiao.evaluation.jionlp_peer.load_jionlp does, but without importing jixiao: the peer's
    # start-up and memory are JioNLP's alone
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import jionlp  # prints a banner on import
    paths = [p for given in args.inputs for p in (sorted(given.rglob("*.txt")) if given.is_dir() else [given])]
    with open(args.output, "w", encoding="utf-8") as out:
        for path in paths:
            text = path.read_text("utf-8")
            money = jionlp.ner.extract_money(text, with_parsing=True)
            out.write(json.dumps({"source": str(path), "money": money}, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
