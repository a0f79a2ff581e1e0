"""Which sentences of the four tuning reports change kind when read without their heading.

    .venv/bin/python eval/issues/blind_diff.py [--settings '{}'] [--out eval/issues/blind_diff.md]

Leave-one-report-out over the four reports that are not the test report (the authored supplement
always trained on, as in ``choose.py --cv``): each held-out report is classified in its document
and with every sentence on its own (``jixiao evaluate --context none``), by the same model, and
every sentence whose predicted kind differs between the two is listed with its gold kind and the
section the tagger found for it. The pooled kind macro-F1 of both readings is printed too: the
difference is the "blind gap" of the seeds that eval/README.md discusses. The test report is
never read.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from jixiao.evaluation.crossval import all_folds
from jixiao.evaluation.run import predict
from jixiao.evaluation.score import score_documents
from jixiao.issues.backends import get_backend
from jixiao.tagger import Tagger
from jixiao.training.data import load_corpus, load_splits

CORPUS = Path("corpus")


def differences(settings: dict) -> tuple[list[dict], float, float]:  # type: ignore[type-arg]
    """(the sentences whose kind differs between the two readings, kind macro-F1 in context, alone)."""
    docs = load_corpus(CORPUS)
    test = set(load_splits(CORPUS)["test"])
    tuning = [d for d in docs if d.id not in test]
    by_id = {d.id: d for d in tuning}
    rows, gold, in_context, alone = [], [], [], []
    for fold in all_folds(tuning):
        tagger = Tagger(None, get_backend("linear").train([by_id[i] for i in fold.train_ids], [], settings))
        held = by_id[fold.test_id]
        read, blind = predict(tagger, [held])[0], predict(tagger, [held], context="none")[0]
        gold.append(held)
        in_context.append(read)
        alone.append(blind)
        kinds = {(s.start, s.end): s.kind for s in held.sentences}
        for a, b in zip(read.sentences, blind.sentences):
            if a.kind != b.kind:
                rows.append({"report": held.id[:3], "gold": kinds.get((a.start, a.end), "(other boundaries)"),
                             "in_context": a.kind, "alone": b.kind, "section": a.section,
                             "text": held.text[a.start : a.end].strip()})
    f1 = [score_documents(gold, preds, spans=False)[0]["kind"]["macro_f1"] for preds in (in_context, alone)]
    return rows, f1[0], f1[1]


def markdown(rows: list[dict], f1_context: float, f1_alone: float) -> str:  # type: ignore[type-arg]
    right = Counter("in context" if r["gold"] == r["in_context"] else "alone" if r["gold"] == r["alone"] else "neither"
                    for r in rows)
    lines = [f"Kind macro-F1, four-report cross-validation: {f1_context:.3f} in context, {f1_alone:.3f} alone. "
             f"{len(rows)} sentences change kind; right in context {right['in context']}, right alone "
             f"{right['alone']}, right in neither {right['neither']}.", "",
             "| report | gold | in context | alone | section | sentence |", "|---|---|---|---|---|---|"]
    for r in rows:
        text = r["text"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {r['report']} | {r['gold']} | {r['in_context']} | {r['alone']} | {r['section']} | {text} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", default="{}", help="JSON settings over the shipped linear classifier's")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown table here")
    args = parser.parse_args()
    rows, f1_context, f1_alone = differences(json.loads(args.settings))
    text = markdown(rows, f1_context, f1_alone)
    print(text)
    if args.out:
        args.out.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
