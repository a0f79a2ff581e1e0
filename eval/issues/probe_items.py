"""What the classifier probes' builders share (``probe/build_probe.py``, ``probe2/build_probe2.py``,
``probe3/build_probe3.py``):
the label codes, the separators, and turning lists of (sentence, label, separator) into documents
whose sentence offsets are checked against the toolkit's splitter, the random split into a dev
and a held half, the count tables of the READMEs, and writing a split probe (``write_probe``).

A label is ``"N"`` (none) or ``"P:<codes>"`` / ``"R:<codes>"`` (problem / recommendation with
category codes); the separator is what follows the sentence in the text (default a line break).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from jixiao.document.sentences import split_offsets

CODES = {
    "B": "budget_compilation",
    "E": "budget_execution",
    "C": "contract_rigor",
    "D": "data_collection",
    "T": "performance_targets",
    "I": "implementation_planning",
    "J": "project_decision",
    "S": "supervision",
    "Y": "satisfaction_survey",
    "H": "staff_capacity",
}
KINDS = {"N": "none", "P": "problem", "R": "recommendation"}
CAT_ORDER = list(CODES.values())

IND = "\n    "      # a line indented with spaces
FW = "\n\u3000\u3000"  # a line indented with two full-width spaces
SAME = ""            # next sentence on the same line
SP = " "             # next sentence on the same line after a space (web text)


def parse_label(label: str) -> tuple[str, list[str]]:
    kind, _, codes = label.partition(":")
    cats = [CODES[c] for c in codes]
    if kind == "N":
        assert not cats, label
    else:
        assert cats, label
    assert len(set(cats)) == len(cats), label
    return KINDS[kind], sorted(cats, key=CAT_ORDER.index)


def build_documents(docs: list[tuple[str, list[tuple]]], prefix: str, probe_set: str,
                    sizes: tuple[int, int]) -> list[dict]:
    """One document per (register, items), ids ``{prefix}-NNN``; stops at the first item whose
    boundaries are not the splitter's, or a document whose sentence count is outside ``sizes``."""
    out = []
    for number, (register, items) in enumerate(docs, 1):
        rows = [(it[0], it[1], it[2] if len(it) > 2 else "\n") for it in items]
        text, sentences = "", []
        for index, (sentence, label, sep) in enumerate(rows):
            assert sentence == sentence.strip(), sentence
            assert "\n" not in sentence, sentence
            kind, cats = parse_label(label)
            start = len(text)
            text += sentence
            sentences.append({"start": start, "end": len(text), "kind": kind, "categories": cats})
            if index < len(rows) - 1:
                text += sep
        doc_id = f"{prefix}-{number:03d}"
        found = split_offsets(text)
        mine = [(s["start"], s["end"]) for s in sentences]
        if found != mine:
            for a, b in zip(found, mine):
                if a != b:
                    raise SystemExit(f"{doc_id}: splitter gives {text[a[0]:a[1]]!r}, item is {text[b[0]:b[1]]!r}")
            raise SystemExit(f"{doc_id}: {len(found)} sentences by the splitter, {len(mine)} items")
        assert sizes[0] <= len(sentences) <= sizes[1], (doc_id, len(sentences))
        family = register.split("|")[0]
        out.append({"id": doc_id, "text": text, "meta": {"source": "authored", "set": probe_set, "register": family},
                    "spans": [], "sentences": sentences})
    return out


def counts(docs: list[dict]) -> tuple[Counter, Counter, Counter]:
    """(kinds, categories, (category, kind) pairs) over the documents' sentences."""
    kinds: Counter = Counter()
    cats: Counter = Counter()
    cats_by_kind: Counter = Counter()
    for d in docs:
        for s in d["sentences"]:
            kinds[s["kind"]] += 1
            for c in s["categories"]:
                cats[c] += 1
                cats_by_kind[(c, s["kind"])] += 1
    return kinds, cats, cats_by_kind


def split_halves(docs: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """Split at random by document with a fixed seed: each register's documents are shuffled and
    dealt alternately to the two halves, the odd one out of a register going to the smaller half
    (a coin toss when the halves are level)."""
    rng = random.Random(seed)
    groups: dict[str, list[dict]] = {}
    for d in docs:
        groups.setdefault(d["meta"]["register"], []).append(d)
    dev: list[dict] = []
    held: list[dict] = []
    for family in groups:
        group = list(groups[family])
        rng.shuffle(group)
        if len(dev) != len(held):
            first_dev = len(dev) < len(held)
        else:
            first_dev = rng.random() < 0.5
        for i, d in enumerate(group):
            (dev if (i % 2 == 0) == first_dev else held).append(d)
    for d in dev:
        d["meta"]["half"] = "dev"
    for d in held:
        d["meta"]["half"] = "held"
    return sorted(dev, key=lambda d: d["id"]), sorted(held, key=lambda d: d["id"])


def count_tables(docs: list[dict]) -> str:
    kinds, cats, by_kind = counts(docs)
    multi = sum(1 for d in docs for s in d["sentences"] if len(s["categories"]) > 1)
    lines = ["| kind | sentences |", "|---|---|"]
    lines += [f"| {k} | {kinds[k]} |" for k in ("problem", "recommendation", "none")]
    lines += ["", "| category | problem | recommendation | total |", "|---|---|---|---|"]
    lines += [f"| {c} | {by_kind[(c, 'problem')]} | {by_kind[(c, 'recommendation')]} | {cats[c]} |"
              for c in CAT_ORDER]
    lines += ["", f"Documents: {len(docs)}; sentences: {sum(kinds.values())}; "
                  f"sentences with two or more categories: {multi}."]
    return "\n".join(lines)


def write_probe(spec: list[tuple[str, list[tuple]]], prefix: str, probe_set: str, sizes: tuple[int, int],
                seed: int, readme: str, here: Path) -> None:
    """Build a probe's documents from ``spec`` (register, items), split them into the dev and held
    halves (``seed``), write both halves and the README (``readme`` filled with the counts and
    the registers) into ``here``, and print the counts."""
    docs = build_documents(spec, prefix, probe_set, sizes)
    dev, held = split_halves(docs, seed)
    for name, half in (("documents_dev.jsonl", dev), ("documents_held.jsonl", held)):
        (here / name).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in half), encoding="utf-8")
    half_of = {d["id"]: d["meta"]["half"] for d in docs}
    regs: dict[str, list[tuple[str, str]]] = {}
    for d, (register, _) in zip(docs, spec):
        family, _, form = register.partition("|")
        regs.setdefault(family, []).append((d["id"], form))
    reg_lines = []
    for family, entries in regs.items():
        n_dev = sum(1 for i, _ in entries if half_of[i] == "dev")
        reg_lines.append(f"- {family} ({n_dev} / {len(entries) - n_dev})")
        reg_lines += [f"  - {i} ({half_of[i]}): {form}" for i, form in entries]
    kinds, _, _ = counts(docs)
    (here / "README.md").write_text(readme.format(
        ndocs=len(docs), nsent=sum(kinds.values()), seed=seed, registers="\n".join(reg_lines),
        dev_counts=count_tables(dev), held_counts=count_tables(held), all_counts=count_tables(docs)),
        encoding="utf-8")
    for name, half in (("dev", dev), ("held", held), ("all", docs)):
        k, cats, by_kind = counts(half)
        multi = sum(1 for d in half for s in d["sentences"] if len(s["categories"]) > 1)
        print(f"[{name}] {len(half)} documents, {sum(k.values())} sentences", dict(k))
        for c in CAT_ORDER:
            print(f"  {c:26s} P {by_kind[(c, 'problem')]:3d}  R {by_kind[(c, 'recommendation')]:3d}  total {cats[c]:3d}")
        print("  multi-category sentences:", multi)
