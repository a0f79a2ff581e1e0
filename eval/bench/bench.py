"""Throughput and memory of ``jixiao tag``, side by side with JioNLP money extraction and a regex.

    .venv/bin/python eval/bench/bench.py [--model PATH] [--min-mb 5] [--small 10000] [--rounds 3]

Part 1, one process, the same text: the five reports (cleaned text) replicated to at least
``--min-mb`` MB of UTF-8, run through (a) a bare regex scan for number+unit with values (the speed
ceiling), (b) JioNLP ``extract_money``, (c) the tagger's quantity extractor alone, (d) the whole
tagger (sentences, sections, quantities, classifier), plus the time of each tagger stage. Each
timing is the best of ``--rounds`` interleaved passes (the machine is shared). Part 2: the ``jixiao tag`` command on
the same copies as files, ``--workers 1`` and ``--workers 2``: wall time, the run's own rate and
peak memory of the process tree. Part 3: ``jixiao tag`` on 1,000 and ``--small`` small reports,
peak memory, to show it stays flat. Results go to eval/bench/RESULTS.md (``--out``).

Not a test: nothing here asserts; the bar is printed and written with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jixiao.document.model import Document, Sentence  # noqa: E402
from jixiao.document.sentences import split_offsets  # noqa: E402
from jixiao.ingest.reader import read_file  # noqa: E402
from jixiao.loading import default_model_path, load  # noqa: E402

# The speed ceiling: an Arabic number, an optional multiplier and a unit, value computed.
REGEX = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万亿|亿|万|千)?\s*(元|%|％|个|人|户|次|项|吨|公里|米|㎡|平方米)")
MULTIPLIERS = {None: Decimal(1), "千": Decimal(10**3), "万": Decimal(10**4), "亿": Decimal(10**8), "万亿": Decimal(10**12)}
SMALL_CHARS = 1000
FINDINGS = "## Findings"
SAMPLE_SECONDS = 0.05


def regex_scan(text: str) -> int:
    found = 0
    for match in REGEX.finditer(text):
        value = Decimal(match.group(1).replace(",", "")) * MULTIPLIERS[match.group(2)]
        found += value >= 0
    return found


# --- part 1: one process, same text ---------------------------------------------------------


def best_rates(fns: dict[str, Callable[[str], Any]], texts: Sequence[str], rounds: int) -> dict[str, tuple[float, float]]:
    """(characters per second, seconds) of the fastest of ``rounds`` passes over ``texts``, per function.

    The rounds are interleaved (each round runs every function once), so that a slow spell of a
    shared machine does not fall on one contender only."""
    for fn in fns.values():
        fn(texts[0])  # lazy initialisation (dictionaries, compiled patterns) is not throughput
    chars = sum(map(len, texts))
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            best[name] = min(best[name], _timed(fn, texts))
    return {name: (chars / seconds, seconds) for name, seconds in best.items()}


def _timed(fn: Callable[[str], Any], texts: Sequence[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - started


def stage_functions(tagger: Any, texts: Sequence[str]) -> dict[str, Callable[[str], Any]]:
    """The tagger's stages one by one, to show where its time goes."""

    def sentences(text: str) -> Document:
        return Document("b", text, sentences=tuple(Sentence(s, e) for s, e in split_offsets(text)))

    prepared = {text: sentences(text) for text in set(texts)}

    def classify(text: str) -> Any:
        return tagger.classifier.classify(prepared[text]) if tagger.classifier is not None else None

    return {"sentence split": sentences, "quantities": tagger.quantities.extract,
            "classifier (sections, features, scores)": classify}


def profile_tagger(tagger: Any, texts: Sequence[str], top: int = 15) -> list[tuple[str, float, float]]:
    """(function, own seconds, share of the total) for the functions the tagger spends most time in."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        tagger.tag_text(text)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    rows = sorted(((f"{_short(path)}:{line}({name})", row[2]) for (path, line, name), row in stats.items()),
                  key=lambda item: -item[1])
    return [(name, own, own / total) for name, own in rows[:top]]


def _short(path: str) -> str:
    marker = "site-packages/"
    if marker in path:
        return path.split(marker, 1)[1]
    return str(Path(path).relative_to(ROOT)) if path.startswith(str(ROOT)) else path


def part_one(tagger: Any, texts: list[str], rounds: int) -> dict[str, Any]:
    from jixiao.evaluation.jionlp_peer import JioNLPMoney

    jio = JioNLPMoney()
    rows = best_rates({
        "regex scan (number + unit, with values)": regex_scan,
        "JioNLP extract_money": jio.extract,
        "jixiao quantities alone": tagger.quantities.extract,
        "jixiao tagger (quantities + classifier)": tagger.tag_text,
    }, texts, rounds)
    stages = best_rates(stage_functions(tagger, texts), texts, rounds)
    return {"rows": rows, "stages": stages, "profile": profile_tagger(tagger, texts[:5])}


# --- parts 2 and 3: the command, with memory ------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_tree_kb: int
    peak_process_kb: int
    exit_code: int
    characters: int
    run_rate: float


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_command(args: list[str]) -> Run:
    """Run ``jixiao tag``, sampling the memory of its process tree until it exits."""
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "tag", *args], cwd=ROOT, stdout=log, stderr=log)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kb(process.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        text = log.read()
    match = re.search(r"([\d,]+) characters in ([\d.]+) s .*?; ([\d.]+)([kM]) chars/s after the first document", text)
    chars = int(match.group(1).replace(",", "")) if match else 0
    rate = float(match.group(3)) * (1e6 if match.group(4) == "M" else 1e3) if match else 0.0
    if process.returncode != 0:
        print(text, file=sys.stderr)
    return Run(seconds, peak[0], usage.ru_maxrss, process.returncode, chars, rate)


def replicate(texts: list[Path], folder: Path, min_bytes: int) -> tuple[list[str], int]:
    """Copies of the reports as files until the cleaned text reaches ``min_bytes``; their texts."""
    cleaned = [read_file(p).text for p in texts]
    size = sum(len(t.encode("utf-8")) for t in cleaned)
    copies = -(-min_bytes // size)
    for k in range(copies):
        for path in texts:
            shutil.copy(path, folder / f"{k:03d}_{path.name}")
    return cleaned * copies, copies


def small_reports(texts: list[str], folder: Path, count: int) -> None:
    for n in range(count):
        text = texts[n % len(texts)]
        start = (n * 397) % (len(text) - SMALL_CHARS)
        (folder / f"s{n:05d}.txt").write_text(f"第{n}号报告\n{text[start : start + SMALL_CHARS]}", "utf-8")


def part_two(folder: Path, work: Path, model: list[str]) -> dict[int, Run]:
    return {w: run_command([str(folder), "-o", str(work / f"w{w}.jsonl"), "--workers", str(w), *model]) for w in (1, 2)}


def part_three(texts: list[str], work: Path, counts: tuple[int, ...], model: list[str]) -> dict[tuple[int, int], Run]:
    runs = {}
    for count in counts:
        folder = work / f"small{count}"
        folder.mkdir()
        small_reports(texts, folder, count)
        for workers in (1, 2):
            out = work / f"small{count}-w{workers}.jsonl"
            runs[(count, workers)] = run_command([str(folder), "-o", str(out), "--workers", str(workers), *model])
            out.unlink(missing_ok=True)
        shutil.rmtree(folder)
    return runs


# --- report ---------------------------------------------------------------------------------


def mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def rate(value: float) -> str:
    return f"{value / 1e6:.3f} M"


def render(info: dict[str, Any], one: dict[str, Any], two: dict[int, Run], three: dict[tuple[int, int], Run]) -> str:
    rows = one["rows"]
    jio = rows["JioNLP extract_money"][0]
    full, quantities = rows["jixiao tagger (quantities + classifier)"][0], rows["jixiao quantities alone"][0]
    lines = [
        "# Throughput benchmark", "",
        f"Reproduce: `{info['command']}` (from the repository root; about {info['minutes']:.0f} minutes here).", "",
        f"Machine: {info['machine']}; load average at start {info['load']}. Model: {info['model']}.",
        f"Text: the five reports' cleaned text × {info['copies']} = {info['chars']:,} characters, "
        f"{info['bytes'] / 1e6:.1f} MB UTF-8. Date: {info['date']}.", "",
        "## One process, same text (best of %d interleaved passes)" % info["rounds"], "",
        "| extractor | chars/s | seconds | vs JioNLP |", "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {rate(r)} | {s:.2f} | {r / jio:.2f}× |" for name, (r, s) in rows.items()]
    lines += ["", "Where the tagger's time goes (each stage alone over the same text):", "",
              "| stage | chars/s | seconds |", "|---|---:|---:|"]
    lines += [f"| {name} | {rate(r)} | {s:.2f} |" for name, (r, s) in one["stages"].items()]
    lines += ["", "The functions the tagger spends most of its own time in (cProfile over the five reports once; "
              "profiling slows everything, the shares are what matters):", "",
              "| function | own s | share |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {own:.3f} | {share:.0%} |" for name, own, share in one["profile"]]
    lines += ["", "Bar (same run, same process): tagger ≥ 0.5 × JioNLP: "
              f"**{'met' if full >= 0.5 * jio else 'NOT met'}** ({full / jio:.2f}×); quantities alone ≥ 1 × JioNLP: "
              f"**{'met' if quantities >= jio else 'NOT met'}** ({quantities / jio:.2f}×).", "",
              "## `jixiao tag` on the same copies as files", "",
              "Wall time includes start-up, model loading (once per worker) and reading the files; the run's own "
              "rate (steady) is the command's own figure from the first finished document to the last, i.e. "
              "without start-up and model loading.", "",
              "| workers | wall s | chars/s (wall) | chars/s (steady) | peak RSS, process tree | peak RSS, largest process |",
              "|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {w} | {r.seconds:.1f} | {rate(r.characters / r.seconds)} | {rate(r.run_rate)} | {mb(r.peak_tree_kb)} | "
              f"{mb(r.peak_process_kb)} |" for w, r in two.items()]
    lines += ["", "## Flat memory: many small reports (about %d characters each)" % SMALL_CHARS, "",
              "| reports | workers | wall s | chars/s (steady) | peak RSS, process tree | peak RSS, largest process | exit |",
              "|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {n:,} | {w} | {r.seconds:.1f} | {rate(r.run_rate)} | {mb(r.peak_tree_kb)} | {mb(r.peak_process_kb)} | "
              f"{r.exit_code} |" for (n, w), r in three.items()]
    return "\n".join(lines) + "\n"


def kept_findings(path: Path) -> str:
    """The hand-written findings of an earlier RESULTS.md (from its FINDINGS heading on) are kept."""
    if not path.exists():
        return ""
    text = path.read_text("utf-8")
    return "\n" + text[text.index(FINDINGS):] if FINDINGS in text else ""


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def model_text(tagger: Any, model: Path | None) -> str:
    folder = model or default_model_path()
    meta = json.loads((folder / "meta.json").read_text("utf-8")) if folder and (folder / "meta.json").exists() else {}
    parts = ", ".join(f"{k} = {meta[k].get('backend')} (trained {meta[k].get('trained', '?')})"
                      for k in ("quantities", "issues") if isinstance(meta.get(k), dict))
    return f"{tagger.model_name} {tagger.model_version}" + (f" ({parts})" if parts else " (rules fallback: no bundled model)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--min-mb", type=float, default=5.0)
    parser.add_argument("--small", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "bench" / "RESULTS.md")
    args = parser.parse_args()
    started = time.perf_counter()
    tagger = load(args.model)
    model_args = ["--model", str(args.model)] if args.model else []
    reports = sorted((ROOT / "corpus" / "raw").glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        work = Path(tmp)
        (work / "copies").mkdir()
        texts, copies = replicate(reports, work / "copies", int(args.min_mb * 1e6))
        info = {"copies": copies, "chars": sum(map(len, texts)), "bytes": sum(len(t.encode("utf-8")) for t in texts),
                "machine": machine(), "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "rounds": args.rounds,
                "model": model_text(tagger, args.model), "date": time.strftime("%Y-%m-%d %H:%M"),
                "command": "python eval/bench/bench.py " + " ".join(sys.argv[1:])}
        print(f"part 1: {info['chars']:,} characters in one process", file=sys.stderr)
        one = part_one(tagger, texts, args.rounds)
        print("part 2: jixiao tag --workers 1 and 2", file=sys.stderr)
        two = part_two(work / "copies", work, model_args)
        print(f"part 3: 1,000 and {args.small:,} small reports", file=sys.stderr)
        three = part_three(texts[: len(reports)], work, (1000, args.small), model_args)
    info["minutes"] = (time.perf_counter() - started) / 60
    report = render(info, one, two, three) + kept_findings(args.out)
    args.out.write_text(report, "utf-8")
    sys.stdout.write(report)


if __name__ == "__main__":
    main()
