"""Choose the sentence classifier's settings by the shift split, and report every setting tried.

    .venv/bin/python eval/issues/choose.py [--cv] [--out eval/issues/selection.jsonl] \
        [--extra-train training/authored/not_shipped/issues_12.jsonl] \
        'linear:{}' 'linear:{"C_kind": 1}' 'sklearn:{}' ...

Each argument is BACKEND:SETTINGS (JSON merged over the backend's defaults). For each, the model
is trained on the train split (the gold train reports plus the authored supplement; dev for
calibration only) and scored through the tagging path (predicted sentence boundaries) on:
- the shift split (`corpus/shift/`, registers unlike the five reports): what settings are chosen by;
- the same, with every sentence classified on its own, without any heading context;
- dev (report 003), in context and with every sentence on its own;
- the probe set (`eval/issues/probe/`, 45 short documents written independently in a dozen
  registers and forms, for evaluation only), in context;
- the dev half of the second probe (`eval/issues/probe2/`, twelve more registers), in context;
- the dev halves of the third and fourth probes (`eval/issues/probe3/`: evaluation reports, notices and
  audits; `eval/issues/probe4/`: whole reports, mostly `none`), in context;
- with --cv, leave-one-report-out over the four reports that are not the test report, in context
  and with every sentence on its own.
The test report is never scored here. One JSON line per setting is appended to --out.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from jixiao.evaluation.crossval import crossval_issues
from jixiao.evaluation.data import read_data_file, read_split
from jixiao.evaluation.run import predict
from jixiao.evaluation.score import score_documents
from jixiao.issues.backends import get_backend
from jixiao.tagger import Tagger
from jixiao.document.model import Document
from jixiao.training.data import TrainingDataError, data_hash, load_corpus, load_splits, select, trainable_documents

CORPUS = Path("corpus")
PROBE = Path("eval/issues/probe/documents.jsonl")
PROBE2_DEV = Path("eval/issues/probe2/documents_dev.jsonl")  # the held half is never scored here
# (and the same for the third and fourth probes)
LATER_DEV = {"probe3_dev": Path("eval/issues/probe3/documents_dev.jsonl"),
             "probe4_dev": Path("eval/issues/probe4/documents_dev.jsonl")}


def figures(metrics: dict) -> dict[str, float]:  # type: ignore[type-arg]
    return {"kind": round(metrics["kind"]["macro_f1"], 4), "categories": round(metrics["categories"]["micro"]["f1"], 4),
            "problem_r": round(metrics["kind"]["problem"]["r"], 4),
            "recommendation_r": round(metrics["kind"]["recommendation"]["r"], 4)}


def markdown_table(rows: list[dict]) -> str:  # type: ignore[type-arg]
    """One row per setting: shift (in context and blind), dev, four-report cross-validation, the
    probe and the dev halves of the later probes (empty where a row was measured before they existed)."""
    head = ("| backend | settings | shift kind | shift categories | blind kind | blind categories | dev kind | "
            "dev categories | dev blind kind | CV4 kind | CV4 categories | CV4 blind kind | probe kind | probe categories | "
            "probe2 dev kind | probe2 dev categories | probe3 dev kind | probe3 dev categories | probe4 dev kind | "
            "probe4 dev categories |\n"
            "|---|---|" + "---:|" * 18)
    lines = [head]
    for r in rows:
        cv = r.get("cv4", {})
        data = f" ({r['data']})" if r.get("data") else ""  # rows measured on other training data say so
        cells = [r["backend"], "`" + json.dumps(r["settings"], ensure_ascii=False) + "`" + data,
                 *(f"{r[part][key]:.3f}" for part in ("shift", "shift_blind", "dev") for key in ("kind", "categories")),
                 f"{r['dev_blind']['kind']:.3f}" if "dev_blind" in r else "",
                 *(f"{cv[key]:.3f}" if key in cv else "" for key in ("kind", "categories")),
                 f"{r['cv4_blind']['kind']:.3f}" if "cv4_blind" in r else "",
                 *(f"{r['probe'][key]:.3f}" if "probe" in r else "" for key in ("kind", "categories")),
                 *(f"{r[part][key]:.3f}" if part in r else ""
                   for part in ("probe2_dev", *LATER_DEV) for key in ("kind", "categories"))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def extra_documents(files: list[Path], corpus: list[Document], folder: Path = CORPUS) -> list[Document]:
    """The documents of ``files``, checked as the corpus is (``trainable_documents``), authored
    text only, with ids not in the corpus (read from ``folder``)."""
    where = {d.id: folder for d in corpus}
    try:
        return [doc for file in files for doc in trainable_documents(file, where, authored_only=True)]
    except TrainingDataError as exc:
        raise SystemExit(str(exc)) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("settings", nargs="*")
    parser.add_argument("--table", action="store_true", help="print --out as a Markdown table and stop")
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("eval/issues/selection.jsonl"))
    parser.add_argument("--data-note", default=None,
                        help="recorded with each row when the training data differ from the earlier rows'")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="the folder of the gold, authored text and splits to train and score on (a corrected "
                             "copy, such as eval/issues/supervision_widening/apply.py writes); the shift split is "
                             "always corpus/shift")
    parser.add_argument("--extra-train", type=Path, action="append", default=[],
                        help="authored documents (JSON Lines) trained on beside the train split, in the "
                             "cross-validation folds too: a batch measured before it joins the corpus")
    args = parser.parse_args()
    if args.table:
        print(markdown_table([json.loads(line) for line in args.out.read_text("utf-8").split("\n") if line.strip()]))
        return
    docs = load_corpus(args.corpus)
    splits = load_splits(args.corpus)
    extra = extra_documents(args.extra_train, docs, args.corpus)
    train, dev = select(docs, splits["train"]) + extra, select(docs, splits["dev"])
    shift = read_split(CORPUS, "shift").documents
    probe = read_data_file(PROBE).documents
    probe2 = read_data_file(PROBE2_DEV).documents
    later = {name: read_data_file(path).documents for name, path in LATER_DEV.items()}
    tuning = [d for d in docs if d.id not in set(splits["test"])] + extra
    for argument in args.settings:
        backend, _, raw = argument.partition(":")
        settings = json.loads(raw or "{}")
        started = time.perf_counter()
        model = get_backend(backend).train(train, dev, settings)
        tagger = Tagger(None, model)
        row = {"backend": backend, "settings": settings,
               "shift": figures(score_documents(shift, predict(tagger, shift), spans=False)[0]),
               "shift_blind": figures(score_documents(shift, predict(tagger, shift, context="none"), spans=False)[0]),
               "dev": figures(score_documents(dev, predict(tagger, dev), spans=False)[0]),
               "dev_blind": figures(score_documents(dev, predict(tagger, dev, context="none"), spans=False)[0]),
               "probe": figures(score_documents(probe, predict(tagger, probe), spans=False)[0]),
               "probe2_dev": figures(score_documents(probe2, predict(tagger, probe2), spans=False)[0]),
               **{name: figures(score_documents(docs, predict(tagger, docs), spans=False)[0]) for name, docs in later.items()}}
        if args.cv:
            row["cv4"] = figures(crossval_issues(tuning, [backend], {backend: settings})[backend])
            row["cv4_blind"] = figures(crossval_issues(tuning, [backend], {backend: settings}, context="none")[backend])
        if args.data_note:
            row["data"] = args.data_note
        if extra:
            row["extra_train"] = {"files": [str(f) for f in args.extra_train], "hash": data_hash(extra)}
        row["seconds"] = round(time.perf_counter() - started)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
