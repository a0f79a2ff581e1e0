"""Speed and memory of jixiao, side by side with JioNLP money extraction and a bare regex, in one run.

    .venv/bin/python eval/bench/bench.py [--model PATH] [--rounds 3] [--huge-mb 100] [--small 10000]

In one process, the same texts: (1) long documents: the five reports (cleaned text) replicated to
about 2 MB; (2) short documents of about 620 characters cut from them. Contenders: a bare regex
scan for number+unit with values (the speed ceiling), JioNLP ``extract_money``, jixiao's quantity
extractor alone and the whole tagger; each timing is the best of ``--rounds`` interleaved passes.

Whole processes, start-up included, ``jixiao tag`` against ``eval/bench/jionlp_tag.py`` (JioNLP
over the same files, as an analyst would script it), interleaved, best of ``--rounds``: (3) one
tiny file; (4) 60 reports (about 730,000 characters); (5) 1 MB and 10 MB of reports with
``--workers 1`` and ``--workers 2``; (6) one file of ``--huge-mb`` MB (once each); (7) 1,000 and
``--small`` small reports, to show memory stays flat. Wall time, CPU time of the process tree and
peak memory (the tree's, sampled, and the largest process's). Results go to eval/bench/RESULTS.md
(``--out``) with the bars of the speed issue.

Not a test: nothing here asserts; the bars are printed and written with the figures.
"""

from __future__ import annotations

import argparse
import compileall
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
SHORT_CHARS = 620
SHORT_COUNT = 3000
BATCH_DOCUMENTS = 100
FINDINGS = "## Findings"
SAMPLE_SECONDS = 0.05
# JioNLP slows down more than linearly on one very long text: its run on the large file is stopped here.
HUGE_LIMIT_SECONDS = 450.0


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


def part_one(tagger: Any, texts: list[str], short: list[str], rounds: int) -> dict[str, Any]:
    from jixiao.evaluation.jionlp_peer import JioNLPMoney

    jio = JioNLPMoney()
    contenders = {
        "regex scan (number + unit, with values)": regex_scan,
        "JioNLP extract_money": jio.extract,
        "jixiao quantities alone": tagger.quantities.extract,
        "jixiao tagger (quantities + classifier)": tagger.tag_text,
    }
    rows = best_rates(contenders, texts, rounds)
    short_rows = best_rates(contenders, short, rounds)
    batched = best_batched(tagger, short, BATCH_DOCUMENTS, rounds)
    stages = best_rates(stage_functions(tagger, texts), texts, rounds)
    return {"rows": rows, "short": short_rows, "batched": batched, "stages": stages,
            "profile": profile_tagger(tagger, texts[:5])}


def best_batched(tagger: Any, texts: Sequence[str], size: int, rounds: int) -> tuple[float, float]:
    """(characters per second, seconds) of the fastest of ``rounds`` passes of ``tag_documents``
    over ``texts``, ``size`` documents per call (right after the interleaved passes)."""
    docs = [Document(str(i), text) for i, text in enumerate(texts)]
    tagger.tag_documents(docs[:size])
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for first in range(0, len(docs), size):
            tagger.tag_documents(docs[first : first + size])
        best = min(best, time.perf_counter() - started)
    return sum(map(len, texts)) / best, best


# --- parts 2 and 3: the command, with memory ------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_tree_kb: int
    peak_process_kb: int
    exit_code: int


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(resident memory of a process and all its descendants, the largest high-water mark among
    them), from /proc. The high-water mark (VmHWM) starts afresh at exec, unlike ``ru_maxrss``,
    which keeps what a forked child inherited from this (large) benchmark process."""
    children: dict[int, list[int]] = {}
    rss: dict[int, tuple[int, int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        pid = int(status.parent.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(pid)
        rss[pid] = (int(fields.get("VmRSS", "0 kB").split()[0]), int(fields.get("VmHWM", "0 kB").split()[0]))
    total, largest, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        now, high = rss.get(pid, (0, 0))
        total, largest = total + now, max(largest, high)
        stack.extend(children.get(pid, ()))
    return total, largest


def run_process(command: list[str], limit: float | None = None) -> Run:
    """Run a command to its end, sampling the memory of its process tree. CPU time is the tree's
    (``wait4`` counts the children a process waited for, i.e. the workers of a pool)."""
    with tempfile.TemporaryFile("w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                tree, largest = _tree_memory_kb(process.pid)
                peak[0], peak[1] = max(peak[0], tree), max(peak[1], largest)
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(limit, process.kill) if limit else None
        if timer is not None:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        if timer is not None:
            timer.cancel()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            print(log.read()[-2000:], file=sys.stderr)
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak[0], peak[1], process.returncode)


def jixiao_command(inputs: list[Path], out: Path, model: list[str], workers: int | None, *extra: str) -> list[str]:
    args = [sys.executable, "-m", "jixiao.cli", "tag", *map(str, inputs), "-o", str(out), "--quiet", *model, *extra]
    return args + (["--workers", str(workers)] if workers else [])


def jionlp_command(inputs: list[Path], out: Path) -> list[str]:
    return [sys.executable, str(ROOT / "eval" / "bench" / "jionlp_tag.py"), *map(str, inputs), "-o", str(out)]


def side_by_side(commands: dict[str, list[str]], rounds: int, limit: float | None = None) -> dict[str, Run]:
    """Each command ``rounds`` times, interleaved; the fastest run of each (by wall time). A run
    that takes longer than ``limit`` seconds is killed (its exit code is then -9)."""
    best: dict[str, Run] = {}
    for _ in range(rounds):
        for name, command in commands.items():
            run = run_process(command, limit)
            if name not in best or run.seconds < best[name].seconds:
                best[name] = run
    return best


def replicate(texts: list[Path], folder: Path, copies: int) -> list[str]:
    """``copies`` copies of each report as files in ``folder``; their cleaned texts."""
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(copies):
        for path in texts:
            shutil.copy(path, folder / f"{k:03d}_{path.name}")
    return [read_file(p).text for p in texts] * copies


def short_documents(texts: list[str], count: int, size: int = SHORT_CHARS) -> list[str]:
    """``count`` pieces of about ``size`` characters cut from the reports at varying places."""
    out = []
    for n in range(count):
        text = texts[n % len(texts)]
        start = (n * 397) % (len(text) - size)
        out.append(text[start : start + size])
    return out


def small_reports(texts: list[str], folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, piece in enumerate(short_documents(texts, count, SMALL_CHARS)):
        (folder / f"s{n:05d}.txt").write_text(f"第{n}号报告\n{piece}", "utf-8")


def huge_file(texts: list[str], path: Path, megabytes: float) -> int:
    """One report of ``megabytes`` MB: the reports' text repeated; its characters."""
    block = "\n".join(texts)
    data = (block * (int(megabytes * 1e6) // len(block.encode("utf-8")) + 1)).encode("utf-8")[: int(megabytes * 1e6)]
    text = data.decode("utf-8", "ignore")
    path.write_text(text, "utf-8")
    return len(text)


def whole_processes(reports: list[Path], texts: list[str], work: Path, model: list[str], rounds: int,
                    huge_mb: float, small: int) -> dict[str, Any]:
    """Parts 3 to 7 (see the module docstring)."""
    out: dict[str, Any] = {}
    tiny = work / "tiny.txt"
    tiny.write_text("2023年项目预算资金100万元，执行率95%。部分单位未按时报送。\n", "utf-8")
    print("whole process: one tiny file", file=sys.stderr)
    out["tiny"] = (len(tiny.read_text("utf-8")), side_by_side({
        "jixiao tag": jixiao_command([tiny], work / "t.jsonl", model, None),
        "JioNLP script": jionlp_command([tiny], work / "t-jio.jsonl")}, max(rounds, 5)))
    sixty = work / "sixty"
    chars = sum(map(len, replicate(reports, sixty, 12)))
    print(f"whole process: 60 reports, {chars:,} characters", file=sys.stderr)
    out["sixty"] = (chars, side_by_side({
        "jixiao tag": jixiao_command([sixty], work / "s.jsonl", model, None),
        "jixiao tag --workers 1": jixiao_command([sixty], work / "s1.jsonl", model, 1),
        "JioNLP script": jionlp_command([sixty], work / "s-jio.jsonl")}, rounds))
    shutil.rmtree(sixty)
    size = sum(len(t.encode("utf-8")) for t in texts[: len(reports)])
    for megabytes in (1, 10):
        folder = work / f"mb{megabytes}"
        chars = sum(map(len, replicate(reports, folder, -(-megabytes * 1_000_000 // size))))
        print(f"whole process: {megabytes} MB of reports ({chars:,} characters), 1 and 2 workers", file=sys.stderr)
        out[f"{megabytes} MB"] = (chars, side_by_side({
            "jixiao tag --workers 1": jixiao_command([folder], work / "m1.jsonl", model, 1),
            "jixiao tag --workers 2": jixiao_command([folder], work / "m2.jsonl", model, 2),
            "JioNLP script": jionlp_command([folder], work / "m-jio.jsonl")}, rounds if megabytes == 1 else min(rounds, 2)))
        shutil.rmtree(folder)
    if huge_mb:
        path = work / "huge.txt"
        chars = huge_file(texts[: len(reports)], path, huge_mb)
        print(f"whole process: one file of {huge_mb:g} MB ({chars:,} characters)", file=sys.stderr)
        out["huge"] = (chars, side_by_side({
            "jixiao tag": jixiao_command([path], work / "h.jsonl", model, None, "--max-chars", "0", "--time-limit", "0"),
            "JioNLP script": jionlp_command([path], work / "h-jio.jsonl")}, 1, HUGE_LIMIT_SECONDS))
        path.unlink()
    for count in (1000, small):
        folder = work / f"small{count}"
        small_reports(texts[: len(reports)], folder, count)
        print(f"whole process: {count:,} small reports", file=sys.stderr)
        out[f"small {count}"] = (count * SMALL_CHARS, side_by_side({
            "jixiao tag --workers 1": jixiao_command([folder], work / "x1.jsonl", model, 1),
            "jixiao tag --workers 2": jixiao_command([folder], work / "x2.jsonl", model, 2),
            "JioNLP script": jionlp_command([folder], work / "x-jio.jsonl")}, 1))
        shutil.rmtree(folder)
    for leftover in work.glob("*.jsonl*"):
        leftover.unlink()
    return out


# --- report ---------------------------------------------------------------------------------


def mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB"


def rate(value: float) -> str:
    return f"{value / 1e6:.3f} M"


def _ratio(value: float) -> str:
    return "—" if value != value else f"{value:.2f}×"  # NaN: the peer did not finish


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**NOT met**"


def render(info: dict[str, Any], one: dict[str, Any], whole: dict[str, Any]) -> str:
    rows, short = one["rows"], one["short"]
    jio, jio_short = rows["JioNLP extract_money"][0], short["JioNLP extract_money"][0]
    full, full_short = rows["jixiao tagger (quantities + classifier)"][0], short["jixiao tagger (quantities + classifier)"][0]
    lines = [
        "# Speed and memory benchmark", "",
        f"Reproduce: `{info['command']}` (from the repository root; about {info['minutes']:.0f} minutes here).", "",
        f"Machine: {info['machine']}; load average at start {info['load']}. Model: {info['model']}. "
        f"Date: {info['date']}. Whole processes start from jixiao's compiled bytecode, as after an ordinary "
        "install (the benchmark compiles it first).", "",
        "## Bars", "",
        "| bar | figure | |", "|---|---:|---|",
    ]
    tiny_chars, tiny = whole["tiny"]
    sixty_chars, sixty = whole["sixty"]
    bars = [
        ("one tiny file, whole process: wall ≤ 2 × the JioNLP script",
         f"{tiny['jixiao tag'].seconds / tiny['JioNLP script'].seconds:.2f}×",
         tiny["jixiao tag"].seconds <= 2 * tiny["JioNLP script"].seconds),
        ("one tiny file: peak RSS ≤ 150 MB", mb(tiny["jixiao tag"].peak_tree_kb), tiny["jixiao tag"].peak_tree_kb <= 150 * 1024),
        ("60 reports as one command, start-up included: ≥ 0.8 × JioNLP's chars/s",
         f"{sixty['JioNLP script'].seconds / sixty['jixiao tag'].seconds:.2f}×",
         sixty["JioNLP script"].seconds / sixty["jixiao tag"].seconds >= 0.8),
        ("in-process tagger, long reports: ≥ 1.0 × JioNLP", f"{full / jio:.2f}×", full >= jio),
        ("in-process tagger, 620-character documents: ≥ 0.8 × JioNLP (one per call; "
         f"{BATCH_DOCUMENTS} per call)", f"{full_short / jio_short:.2f}×; {one['batched'][0] / jio_short:.2f}×",
         max(full_short, one["batched"][0]) >= 0.8 * jio_short),
    ]
    ten = whole["10 MB"][1]
    speedup = ten["jixiao tag --workers 1"].seconds / ten["jixiao tag --workers 2"].seconds
    bars.append(("10 MB: --workers 2 ≥ 1.6 × as fast as --workers 1", f"{speedup:.2f}×", speedup >= 1.6))
    largest = max(r.peak_process_kb for key in ("sixty", "1 MB", "10 MB", "small 1000") for name, r in whole[key][1].items()
                  if name.startswith("jixiao"))
    bars.append(("many reports: peak RSS per process ≤ 150 MB", mb(largest), largest <= 150 * 1024))
    if "huge" in whole:
        huge = whole["huge"][1]["jixiao tag"]
        bars.append((f"one {info['huge_mb']:g} MB report: peak RSS ≤ 1.5 GB", mb(huge.peak_tree_kb),
                     huge.peak_tree_kb <= 1.5 * 1024 * 1024 and huge.exit_code == 0))
    lines += [f"| {name} | {figure} | {_verdict(ok)} |" for name, figure, ok in bars]
    lines += ["", "## In one process, the same texts (best of %d interleaved passes)" % info["rounds"], "",
              f"Long: the five reports' cleaned text × {info['copies']} = {info['chars']:,} characters "
              f"({info['bytes'] / 1e6:.1f} MB UTF-8). Short: {SHORT_COUNT:,} pieces of {SHORT_CHARS} characters cut "
              "from them.", "",
              "| extractor | long: chars/s | vs JioNLP | short: ms/doc | chars/s | vs JioNLP |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, (r, _) in rows.items():
        sr, ss = short[name]
        lines.append(f"| {name} | {rate(r)} | {r / jio:.2f}× | {1000 * ss / SHORT_COUNT:.2f} | {rate(sr)} | "
                     f"{sr / jio_short:.2f}× |")
    br, bs = one["batched"]
    lines.append(f"| jixiao tagger, {BATCH_DOCUMENTS} documents per call (`tag_documents`) | | | "
                 f"{1000 * bs / SHORT_COUNT:.2f} | {rate(br)} | {br / jio_short:.2f}× |")
    lines += ["", "Where the tagger's time goes (each stage alone over the long text):", "",
              "| stage | chars/s | seconds |", "|---|---:|---:|"]
    lines += [f"| {name} | {rate(r)} | {s:.2f} |" for name, (r, s) in one["stages"].items()]
    lines += ["", "The functions the tagger spends most of its own time in (cProfile over the five reports once; "
              "profiling slows everything, the shares are what matters):", "",
              "| function | own s | share |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {own:.3f} | {share:.0%} |" for name, own, share in one["profile"]]
    lines += ["", "## Whole processes, start-up included (best of the rounds, interleaved)", "",
              "`jixiao tag` without `--workers` picks the workers itself (every core for 1 MB or more in several "
              "files). CPU is the process tree's; memory is sampled every 50 ms: the tree's resident total, and the "
              "largest high-water mark (VmHWM) of any one process in it.", "",
              "| inputs | characters | command | wall s | chars/s | vs JioNLP | CPU s | peak RSS, tree | peak RSS, largest process | exit |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for key, label in (("tiny", "one tiny file"), ("sixty", "60 reports"), ("1 MB", "1 MB of reports"),
                       ("10 MB", "10 MB of reports"), ("huge", f"one {info['huge_mb']:g} MB report"),
                       *((k, f"{k.split()[1]} small reports") for k in whole if k.startswith("small"))):
        if key not in whole:
            continue
        chars, runs = whole[key]
        peer = runs["JioNLP script"].seconds if runs["JioNLP script"].exit_code == 0 else float("nan")
        for name, run in runs.items():
            if run.exit_code == -9:
                lines.append(f"| {label} | {chars:,} | {name} | stopped after {run.seconds:.0f} s | | | "
                             f"{run.cpu_seconds:.1f} | {mb(run.peak_tree_kb)} | {mb(run.peak_process_kb)} | killed |")
                continue
            lines.append(f"| {label} | {chars:,} | {name} | {run.seconds:.2f} | {rate(chars / run.seconds)} | "
                         f"{_ratio(peer / run.seconds)} | {run.cpu_seconds:.1f} | {mb(run.peak_tree_kb)} | "
                         f"{mb(run.peak_process_kb)} | {run.exit_code} |")
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
    parser.add_argument("--min-mb", type=float, default=2.0, help="size of the long in-process text")
    parser.add_argument("--small", type=int, default=10000)
    parser.add_argument("--huge-mb", type=float, default=100.0, help="the one large file (0: skip)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "bench" / "RESULTS.md")
    args = parser.parse_args()
    started = time.perf_counter()
    tagger = load(args.model)
    model_args = ["--model", str(args.model)] if args.model else []
    reports = sorted((ROOT / "corpus" / "raw").glob("*.txt"))
    cleaned = [read_file(p).text for p in reports]
    copies = -(-int(args.min_mb * 1e6) // sum(len(t.encode("utf-8")) for t in cleaned))
    texts = cleaned * copies
    info = {"copies": copies, "chars": sum(map(len, texts)), "bytes": sum(len(t.encode("utf-8")) for t in texts),
            "machine": machine(), "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "rounds": args.rounds,
            "model": model_text(tagger, args.model), "date": time.strftime("%Y-%m-%d %H:%M"),
            "huge_mb": args.huge_mb, "command": "python eval/bench/bench.py " + " ".join(sys.argv[1:])}
    print(f"in one process: {info['chars']:,} characters, {SHORT_COUNT:,} short documents", file=sys.stderr)
    one = part_one(tagger, texts, short_documents(cleaned, SHORT_COUNT), args.rounds)
    del tagger
    # Every process starts from bytecode, as after an ordinary install: pip compiles a wheel's
    # modules, and an editable install's are cached at the first import, unless the environment
    # forbids writing the cache (PYTHONDONTWRITEBYTECODE), when each run would compile all of
    # jixiao's modules again (a tenth of a second per process here) while JioNLP's come compiled.
    compileall.compile_dir(str(ROOT / "nlp" / "jixiao"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        whole = whole_processes(reports, cleaned, Path(tmp), model_args, args.rounds, args.huge_mb, args.small)
    info["minutes"] = (time.perf_counter() - started) / 60
    report = render(info, one, whole) + kept_findings(args.out)
    args.out.write_text(report, "utf-8")
    sys.stdout.write(report)


if __name__ == "__main__":
    main()
