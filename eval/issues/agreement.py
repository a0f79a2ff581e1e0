"""How far the classifier is from a second annotator: the dev half of probe 2 labelled again.

    .venv/bin/jixiao evaluate --data eval/issues/probe2/documents_dev.jsonl --out out/p2dev
    .venv/bin/python eval/issues/agreement.py --predictions out/p2dev/predictions.jsonl

``probe2/second_annotator_dev.jsonl`` holds the kind and categories of every gold sentence of the
dev half as a second session gave them, from SCHEME and GUIDELINES alone, without the gold labels,
the model or any other annotation (one line per sentence: document ``id``, sentence index ``n``,
``kind``, ``categories``). This prints kind macro-F1 and category micro-F1 (P, R) of the second
annotator against the gold, of the model against the gold and of the model against the second
annotator. Two annotators agree about as far as the scheme can be applied the same way; the
model's distance from that is what is left to learn.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from jixiao.document.model import CATEGORIES, KINDS
from jixiao.evaluation.metrics import align_sentences, classification_scores, macro_f1, multilabel_scores

HERE = Path(__file__).parent
Labels = list[tuple[str, frozenset[str]]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]


def scores(reference: Labels, system: Labels) -> tuple[float, float, float, float]:
    """(kind macro-F1, category micro-F1, category P, category R) of ``system`` against ``reference``."""
    kinds = classification_scores([k for k, _ in reference], [k for k, _ in system], KINDS)
    micro = multilabel_scores([c for _, c in reference], [c for _, c in system], CATEGORIES)["micro"]
    return macro_f1(kinds, KINDS), micro.f1, micro.p, micro.r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--predictions", type=Path, required=True,
                        help="predictions.jsonl of `jixiao evaluate --data eval/issues/probe2/documents_dev.jsonl`")
    parser.add_argument("--gold", type=Path, default=HERE / "probe2" / "documents_dev.jsonl")
    parser.add_argument("--second", type=Path, default=HERE / "probe2" / "second_annotator_dev.jsonl")
    args = parser.parse_args()
    second = {(r["id"], r["n"]): (r["kind"], frozenset(r["categories"])) for r in read_jsonl(args.second)}
    predicted = {r["id"]: r for r in read_jsonl(args.predictions)}
    gold: Labels = []
    other: Labels = []
    model: Labels = []
    for doc in read_jsonl(args.gold):
        sentences = doc["sentences"]
        found = predicted[doc["id"]]["sentences"]
        aligned = align_sentences([(s["start"], s["end"]) for s in sentences], [(s["start"], s["end"]) for s in found])
        for n, (sentence, index) in enumerate(zip(sentences, aligned)):
            gold.append((sentence.get("kind") or "none", frozenset(sentence.get("categories") or ())))
            other.append(second[(doc["id"], n)])
            match = found[index] if index is not None else {}
            model.append((match.get("kind") or "none", frozenset(match.get("categories") or ())))
    print(f"{len(gold)} sentences; kind macro-F1, category micro-F1 (P, R)")
    for name, reference, system in (("second annotator vs gold", gold, other), ("model vs gold", gold, model),
                                     ("model vs second annotator", other, model)):
        kind, f1, p, r = scores(reference, system)
        print(f"{name:28} {kind:.3f}  {f1:.3f} ({p:.3f}, {r:.3f})")


if __name__ == "__main__":
    main()
