"""Where the start-up of a tagging process goes: imports, loading the model, the first document.

    .venv/bin/python eval/bench/startup.py [--rounds 5] [--out eval/bench/STARTUP.md]

Each round starts a fresh interpreter (from compiled bytecode, as after an install) that imports
jixiao, loads the bundled model and tags one short text, timing the three steps; the best round of
each step is reported. One more process runs the same steps under cProfile, and the share of that
profiled time spent compiling regular expressions (the standard library's ``re`` parser and
compiler) is reported beside it: the grammar and the keyword lists are hundreds of patterns, and
the compiler optimises every character class of CJK characters in pure Python. Not a test: nothing
here asserts.
"""

from __future__ import annotations

import argparse
import compileall
import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEXT = "2023年项目预算资金100万元，执行率95%。一、存在问题\n1.部分单位未按时报送绩效自评材料。"

STEPS = f"""
import json, time
t0 = time.perf_counter()
import jixiao
from jixiao.loading import load
t1 = time.perf_counter()
tagger = load()
t2 = time.perf_counter()
tagger.tag_text({TEXT!r})
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "load": t2 - t1, "first document": t3 - t2}}))
"""

PROFILED = f"""
import cProfile, json, pstats
profile = cProfile.Profile()
profile.enable()
import jixiao
from jixiao.loading import load
load().tag_text({TEXT!r})
profile.disable()
summary = pstats.Stats(profile).get_stats_profile()
regex = sum(f.tottime for f in summary.func_profiles.values()
            if f.file_name.replace("\\\\", "/").endswith(("re/_compiler.py", "re/_parser.py", "re/_casefix.py")))
print(json.dumps({{"profiled": summary.total_tt, "regex": regex}}))
"""


def run(code: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="also write the result as Markdown here")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "nlp" / "jixiao"), quiet=1)
    rounds = [run(STEPS) for _ in range(args.rounds)]
    best = {step: min(r[step] for r in rounds) for step in rounds[0]}
    profiled = run(PROFILED)
    share = profiled["regex"] / profiled["profiled"]
    lines = [f"Machine: {platform.machine()}, Python {platform.python_version()}; best of {args.rounds} fresh processes.", "",
             "| step | seconds |", "|---|---:|"]
    lines += [f"| {step} | {seconds:.3f} |" for step, seconds in best.items()]
    lines += [f"| all three | {sum(best.values()):.3f} |", "",
              f"Under cProfile, compiling regular expressions takes {share:.0%} of the same steps "
              f"({profiled['regex']:.3f} of {profiled['profiled']:.3f} profiled seconds)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text("# Start-up of a tagging process\n\nReproduce: `.venv/bin/python eval/bench/startup.py "
                            f"--out eval/bench/STARTUP.md`\n\n{text}", "utf-8")


if __name__ == "__main__":
    main()
