"""spancat over char/digit tokens versus spancat over a corpus-trained pkuseg model.

Both pipelines are the same spancat (grammar suggester, small tok2vec, CPU, fixed epochs,
model-last); only the tokenizer differs. pkuseg is trained here first, on the rule-derived
segmentation of the training documents (eval/pkuseg/segmentation.py). Gold spans that fall off
pkuseg's token boundaries are counted: in training they are left out (and reported), in dev and
test they are misses that no spancat over those tokens can recover.

    .venv/bin/python eval/pkuseg/compare.py            # writes out/pkuseg/ and eval/pkuseg/results.json

Predictions are doc.spans["quantities"]; where spancat proposes overlapping spans, the higher
scored one is kept (gold spans never overlap). Scores come from jixiao/evaluation/score.py.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: E402
import spacy  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

import jixiao.quantities.pkuseg_tokenizer  # noqa: E402,F401  (registers the tokenizer)
import jixiao.quantities.suggester  # noqa: E402,F401  (registers the suggester)
import jixiao.quantities.tokenizer  # noqa: E402,F401  (registers the tokenizer)
from jixiao.corpus.convert.docbin import quantity_doc  # noqa: E402
from jixiao.document.model import LABELS, Document, Span  # noqa: E402
from jixiao.evaluation.score import score_documents  # noqa: E402
from jixiao.quantities.grammar import load_grammar  # noqa: E402
from jixiao.quantities.rules import RuleExtractor  # noqa: E402
from jixiao.quantities.suggester import candidate_offsets, token_spans  # noqa: E402
from jixiao.training.data import load_corpus, load_splits, select  # noqa: E402
from segmentation import training_lines  # noqa: E402

CONFIGS = {name: ROOT / "nlp" / "jixiao" / "configs" / f"spancat_{name}.cfg" for name in ("char", "pkuseg")}
SPANS_KEY = "quantities"
CHUNK_CHARS = 400


def train_segmenter(docs: Sequence[Document], folder: Path, iterations: int, seed: int) -> float:
    """pkuseg's trainer prints its progress (to a log file beside the model) and shuffles with ``random``."""
    import spacy_pkuseg

    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "segmentation.txt"
    data.write_text("\n".join(training_lines(docs, load_grammar())) + "\n", "utf-8")
    random.seed(seed)
    started = time.perf_counter()
    with open(folder / "train.log", "w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        spacy_pkuseg.train(str(data), str(data), str(folder / "model"), train_iter=iterations)
    return time.perf_counter() - started


def chunks(text: str, limit: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Runs of whole lines up to ``limit`` characters, so that a batch is more than one report."""
    start = end = 0
    for line in text.splitlines(keepends=True):
        if end > start and end - start + len(line) > limit:
            yield start, end
            start = end
        end += len(line)
    if end > start:
        yield start, end


def to_docbin(pipeline: spacy.language.Language, docs: Sequence[Document]) -> tuple[DocBin, list[tuple[str, int, int]]]:
    """Training chunks with their gold spans, and the gold spans off the token grid (left out)."""
    docbin, misaligned = DocBin(), []
    for doc in docs:
        for start, end in chunks(doc.text):
            inside = [s for s in doc.spans if start <= s.start and s.end <= end]
            sdoc, off_grid = quantity_doc(pipeline.make_doc, doc.text[start:end], inside, offset=start, key=SPANS_KEY)
            misaligned.extend((doc.id, s.start, s.end) for s in off_grid)
            docbin.add(sdoc)
    return docbin, misaligned


def blank(variant: str, settings: dict[str, Any]) -> spacy.language.Language:
    config = spacy.util.load_config(CONFIGS[variant], overrides=settings)
    pipeline = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if variant == "pkuseg":
        pipeline.tokenizer.initialize(pkuseg_model=settings["paths.pkuseg_model"])
    return pipeline


def train_pipeline(variant: str, train: Sequence[Document], dev: Sequence[Document], out: Path,
                   settings: dict[str, Any]) -> tuple[Path, list[tuple[str, int, int]], float]:
    from spacy.cli.train import train as spacy_train

    pipeline = blank(variant, settings)
    out.mkdir(parents=True, exist_ok=True)
    train_bin, misaligned = to_docbin(pipeline, train)
    dev_bin, _ = to_docbin(pipeline, dev)
    train_bin.to_disk(out / "train.spacy")
    dev_bin.to_disk(out / "dev.spacy")
    overrides = {**settings, "paths.train": str(out / "train.spacy"), "paths.dev": str(out / "dev.spacy")}
    logging.getLogger("spacy").setLevel(logging.WARNING)
    started = time.perf_counter()
    spacy_train(CONFIGS[variant], out, overrides=overrides, use_gpu=-1)
    return out / "model-last", misaligned, time.perf_counter() - started


def non_overlapping(doc: Doc) -> list[Span]:
    group = doc.spans.get(SPANS_KEY, [])
    scores = numpy.asarray(group.attrs.get("scores", [1.0] * len(group)) if len(group) else []).reshape(-1)
    order = sorted(range(len(group)), key=lambda i: (-float(scores[i]), -len(group[i])))
    taken = bytearray(len(doc.text) + 1)
    kept = []
    for i in order:
        span = group[i]
        if not any(taken[span.start_char : span.end_char]):
            taken[span.start_char : span.end_char] = b"\x01" * (span.end_char - span.start_char)
            kept.append(Span(span.start_char, span.end_char, span.label_, score=float(scores[i])))
    return sorted(kept, key=lambda s: s.start)


def best_seconds(run: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of a few runs: the machine is shared, and slow runs measure the neighbours."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def predict(pipeline: spacy.language.Language, docs: Sequence[Document]) -> tuple[list[Document], float, float]:
    """Predicted documents, pipeline chars/s and tokenizer-only chars/s (after a warm-up call)."""
    pipeline("预算执行率为98.16%，资金30万元。")
    texts = [d.text for d in docs]
    chars = sum(len(t) for t in texts)
    tokenizer_seconds = best_seconds(lambda: [pipeline.make_doc(t) for t in texts])
    seconds = best_seconds(lambda: list(pipeline.pipe(texts, batch_size=1)))
    sdocs = list(pipeline.pipe(texts, batch_size=1))
    predicted = [d.replace(spans=tuple(non_overlapping(s)), sentences=()) for d, s in zip(docs, sdocs)]
    return predicted, chars / seconds, chars / tokenizer_seconds


def alignment(pipeline: spacy.language.Language, docs: Sequence[Document]) -> dict[str, int]:
    """Gold spans off the token grid, and gold spans the suggester proposes as a token span."""
    grammar = load_grammar()
    total = misaligned = suggested = tokens = 0
    for doc in docs:
        sdoc = pipeline.make_doc(doc.text)
        tokens += len(sdoc)
        proposals = set(token_spans(sdoc, candidate_offsets(doc.text, grammar)))
        for s in doc.spans:
            total += 1
            span = sdoc.char_span(s.start, s.end)
            misaligned += span is None
            suggested += span is not None and (span.start, span.end) in proposals
    return {"gold_spans": total, "misaligned": misaligned, "suggested": suggested, "tokens": tokens}


def scores(gold: Sequence[Document], predicted: Sequence[Document]) -> dict[str, Any]:
    metrics, _ = score_documents(gold, predicted, sentences=False)
    return {label: metrics["spans"][label] for label in (*LABELS, "micro")}


def rules_baseline(parts: dict[str, list[Document]]) -> dict[str, Any]:
    extractor = RuleExtractor()
    return {name: scores(docs, [d.replace(spans=tuple(extractor.extract(d.text))) for d in docs])
            for name, docs in parts.items()}


def run_variant(variant: str, data: dict[str, list[Document]], out: Path, settings: dict[str, Any]) -> dict[str, Any]:
    model, misaligned_train, seconds = train_pipeline(variant, data["train"], data["dev"], out / variant, settings)
    pipeline = spacy.load(model)
    result: dict[str, Any] = {"train_seconds": round(seconds, 1), "train_misaligned": len(misaligned_train),
                              "train_misaligned_spans": misaligned_train,
                              "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model)}
    for name in ("dev", "test"):
        predicted, cps, tokenizer_cps = predict(pipeline, data[name])
        result[name] = {"scores": scores(data[name], predicted), "chars_per_second": round(cps),
                        "tokenizer_chars_per_second": round(tokenizer_cps), **alignment(pipeline, data[name])}
    return result


def table(results: dict[str, Any]) -> str:
    lines = ["| pipeline | split | label | P | R | F1 | support |", "|---|---|---|---:|---:|---:|---:|"]
    for variant, result in results["pipelines"].items():
        for split in ("dev", "test"):
            block = result[split]["scores"] if "scores" in result[split] else result[split]
            for label, prf in block.items():
                lines.append(f"| {variant} | {split} | {label} | {prf['p']:.3f} | {prf['r']:.3f} | {prf['f1']:.3f} | {prf['support']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "pkuseg", help="models and logs (ignored by git)")
    parser.add_argument("--iterations", type=int, default=10, help="pkuseg training iterations")
    parser.add_argument("--reuse-segmenter", action="store_true", help="keep an already trained pkuseg model")
    parser.add_argument("--seed", type=int, default=13, help="system.seed of both pipelines and pkuseg's shuffling")
    parser.add_argument("--results", type=Path, default=Path(__file__).resolve().parent / "results.json")
    args = parser.parse_args(argv)
    splits, corpus = load_splits(ROOT / "corpus"), load_corpus(ROOT / "corpus")
    data = {name: select(corpus, splits[name]) for name in ("train", "dev", "test")}
    segmenter = args.out / "segmenter"
    seg_seconds = 0.0
    if not (args.reuse_segmenter and (segmenter / "model" / "weights.npz").is_file()):
        seg_seconds = train_segmenter(data["train"], segmenter, args.iterations, args.seed)
    common: dict[str, Any] = {"system.seed": args.seed}
    results: dict[str, Any] = {"seed": args.seed, "segmenter_train_seconds": round(seg_seconds, 1), "pkuseg_iterations": args.iterations,
                               "pipelines": {}}
    results["pipelines"]["char"] = run_variant("char", data, args.out, common)
    results["pipelines"]["pkuseg"] = run_variant(
        "pkuseg", data, args.out, {**common, "paths.pkuseg_model": str(segmenter / "model")})
    results["pipelines"]["rules (reference)"] = rules_baseline({k: data[k] for k in ("dev", "test")})
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(table(results))
    for variant in ("char", "pkuseg"):
        r = results["pipelines"][variant]
        print(f"{variant}: train {r['train_seconds']}s, train spans off tokens {r['train_misaligned']}; "
              + "; ".join(f"{s}: off tokens {r[s]['misaligned']}/{r[s]['gold_spans']}, suggested {r[s]['suggested']}, "
                          f"{r[s]['chars_per_second']} chars/s (tokenizer {r[s]['tokenizer_chars_per_second']})"
                          for s in ("dev", "test")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
