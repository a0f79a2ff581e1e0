"""Local process pool against the Ray Data engine, on one machine, on the same files.

    .venv/bin/python eval/bench/ray_bench.py [--copies 40] [--rounds 2] [--out eval/bench/RAY_RESULTS.md]

The five reports are copied ``--copies`` times each (distinct file names, identical text, so each
engine tags the same characters) and ``jixiao tag`` runs on the folder: ``--workers 1``,
``--workers N`` (N = the cores) with the local engine, and ``--engine ray`` (a local Ray started
by the command, as a user without a cluster would run it; actors up to the cores). Wall time is
measured around the whole command (start-up, model loading, reading, tagging, writing), best of
``--rounds``; the runs are interleaved because the machine is shared. The Ray run's records are
checked against the local run's (same ids and records) so the figures compare equal work.

Not a test: nothing here asserts beyond that equality; the figures are written to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "corpus" / "raw"
FINDINGS = "## Findings"


def jixiao(*args: str) -> tuple[float, str]:
    """Run ``jixiao`` and return (wall seconds, stderr)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 2):
        raise SystemExit(f"jixiao {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stderr


def shard_records(folder: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    records = {}
    for shard in (folder / "documents").glob("*.jsonl"):
        for line in shard.read_text("utf-8").split("\n"):
            if not line:
                continue
            record = json.loads(line)
            records[record["id"]] = record
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "bench" / "RAY_RESULTS.md")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="jixiao-ray-bench-"))
    try:
        inputs = work / "in"
        inputs.mkdir()
        reports = sorted(RAW.glob("*.txt"))
        for n in range(args.copies):
            for report in reports:
                shutil.copy(report, inputs / f"{report.stem}_{n:03d}.txt")
        characters = args.copies * sum(len(p.read_text("utf-8")) for p in reports)
        runs = {f"local, --workers 1": ["--workers", "1"], f"local, --workers {cores}": ["--workers", str(cores)],
                f"ray (local Ray, up to {cores} actors)": ["--engine", "ray"]}
        best: dict[str, float] = {}
        load = os.getloadavg()
        for round_number in range(args.rounds):
            for name, extra in runs.items():
                out = work / f"out-{round_number}-{len(best)}-{extra[-1]}"
                target = out if "ray" in extra else out.with_suffix(".jsonl")
                seconds, _ = jixiao("tag", str(inputs), "-o", str(target), "-q", *extra)
                best[name] = min(best.get(name, seconds), seconds)
                print(f"round {round_number + 1}: {name}: {seconds:.1f} s", flush=True)
        local = {json.loads(line)["id"]: json.loads(line) for line in
                 next(work.glob("out-0-*-1.jsonl")).read_text("utf-8").split("\n") if line}
        on_ray = shard_records(next(p for p in work.glob("out-0-*-ray") if p.is_dir()))
        same = local == on_ray
        print(f"ray records equal the local records: {same}")
        lines = [
            "# Local process pool vs Ray Data, one machine",
            "",
            f"Reproduce: `.venv/bin/python eval/bench/ray_bench.py --copies {args.copies} --rounds {args.rounds}` "
            "(from the repository root).",
            "",
            f"Machine: {cores} cores, Python {platform.python_version()}; load average at start "
            f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (the machine is shared, so best of {args.rounds} interleaved rounds). "
            f"Input: the five reports × {args.copies} = {len(reports) * args.copies} files, {characters:,} characters. "
            f"Model: the bundled jixiao-default. Date: {time.strftime('%Y-%m-%d %H:%M')}.",
            "",
            "Wall time of the whole `jixiao tag` command (start-up, model loading in every worker or actor, "
            "reading, tagging, writing); for Ray it includes starting a local Ray.",
            "",
            "| engine | wall s | chars/s (wall) | vs local --workers 1 |",
            "|---|---:|---:|---:|",
        ]
        base = best["local, --workers 1"]
        for name, seconds in best.items():
            lines.append(f"| {name} | {seconds:.1f} | {characters / seconds / 1e3:.0f}k | {base / seconds:.2f}× |")
        lines += ["", f"Ray's records equal the local run's, id for id: **{same}**.", ""]
        previous = args.out.read_text("utf-8") if args.out.exists() else ""
        if FINDINGS in previous:  # written by hand; kept when the figures are rewritten
            lines += ["", previous[previous.index(FINDINGS):].rstrip()]
        args.out.write_text("\n".join(lines) + "\n", "utf-8")
        print("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
