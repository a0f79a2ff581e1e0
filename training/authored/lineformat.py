"""Authored training documents written in a small line format, built into corpus JSONL.

Each batch script (``build_issues_*.py``) holds its documents as text and its hand corrections of
quantity spans as data; this module turns them into corpus documents the same way for every batch:

    === <register>                      starts a document
    <label>|<sentence>                  a sentence that starts a new line of the text
    +<label>|<sentence>                 a sentence that continues the current line
    # …                                 a comment

<label> is ``n`` (none) or ``p:<cats>`` / ``r:<cats>`` (problem / recommendation) with category
codes (``CATS``) separated by commas. ``<TAB>`` in a sentence stands for a tab character.

Sentences are joined, their offsets computed and checked against the toolkit's splitter
(``jixiao.document.sentences.split_offsets``): a batch whose sentences the splitter would cut
differently is refused, because training must see the boundaries tagging sees.

Quantity spans (SCHEME §1, GUIDELINES §1, §3, §4) are proposed by the bundled model's quantity part
and corrected by hand: ``span_fixes`` maps a document number to spans to ``drop`` (start, end, text,
why) and spans to ``add`` (start, end, text, label, why). Values of added spans come from the
toolkit's normaliser (``jixiao.training.fill.normalise_span``); ``hand_values`` gives a value only
where the grammar cannot read the characters. A correction that no longer matches the text, an
added span proposed with another label or given a hand value, or overlapping spans stop the build;
a drop the grammar no longer proposes and an add it now proposes are counted, not refused (the
grammar may since have learned them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from jixiao.document.jsonl import span_to_dict
from jixiao.document.model import Span
from jixiao.document.sentences import split_offsets

CATS = {
    "bc": "budget_compilation",
    "be": "budget_execution",
    "cr": "contract_rigor",
    "dc": "data_collection",
    "pt": "performance_targets",
    "ip": "implementation_planning",
    "pd": "project_decision",
    "sv": "supervision",
    "ss": "satisfaction_survey",
    "sc": "staff_capacity",
}
KINDS = {"n": "none", "p": "problem", "r": "recommendation"}

SpanFixes = dict[int, dict[str, list[tuple]]]
HandValues = dict[tuple[int, int, int], dict]


def parse(source: str) -> list[dict]:
    """The documents of ``source``: register and paragraphs of (sentence, kind, categories)."""
    docs: list[dict] = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=== "):
            docs.append({"register": line[4:].strip(), "paragraphs": []})
            continue
        if not docs:
            raise ValueError(f"line {number}: a sentence before the first '=== <register>' line")
        joined = line.startswith("+")
        label, sep, sentence = line[1 if joined else 0:].partition("|")
        if not sep or not sentence.strip():
            raise ValueError(f"line {number}: expected <label>|<sentence>: {line!r}")
        kind_code, _, cat_codes = label.partition(":")
        if kind_code not in KINDS:
            raise ValueError(f"line {number}: unknown kind {kind_code!r} (expected one of {', '.join(KINDS)})")
        kind = KINDS[kind_code]
        unknown = [c for c in cat_codes.split(",") if c and c not in CATS]
        if unknown:
            raise ValueError(f"line {number}: unknown category code(s) {unknown} (expected {', '.join(CATS)})")
        cats = [CATS[c] for c in cat_codes.split(",")] if cat_codes else []
        if (kind == "none") != (not cats):
            raise ValueError(f"line {number}: kind {kind} with categories {cats}")
        if len(set(cats)) != len(cats):
            raise ValueError(f"line {number}: repeated category")
        item = (sentence.replace("<TAB>", "\t"), kind, cats)
        paragraphs = docs[-1]["paragraphs"]
        if joined:
            if not paragraphs:
                raise ValueError(f"line {number}: '+' line without a paragraph to continue")
            paragraphs[-1].append(item)
        else:
            paragraphs.append([item])
    return docs


def build(doc: dict, index: int, id_prefix: str) -> dict:
    """The corpus document of a parsed ``doc`` (spans still empty), its id ``id_prefix`` + NNN."""
    text_parts: list[str] = []
    sentences: list[dict] = []
    pos = 0
    for p_index, paragraph in enumerate(doc["paragraphs"]):
        if p_index:
            text_parts.append("\n")
            pos += 1
        for sentence, kind, cats in paragraph:
            if sentence != sentence.strip():
                raise ValueError(f"doc {index}: sentence with edge white space: {sentence!r}")
            sentences.append({"start": pos, "end": pos + len(sentence), "kind": kind, "categories": cats})
            text_parts.append(sentence)
            pos += len(sentence)
    text = "".join(text_parts)
    mine = [(s["start"], s["end"]) for s in sentences]
    theirs = split_offsets(text)
    if mine != theirs:
        for a, b in zip(mine, theirs):
            if a != b:
                raise ValueError(f"doc {index}: sentence {text[a[0]:a[1]]!r} splits as {text[b[0]:b[1]]!r}")
        raise ValueError(f"doc {index}: {len(mine)} sentences written, splitter gives {len(theirs)}")
    return {"id": f"{id_prefix}{index:03d}", "text": text,
            "meta": {"source": "authored", "register": doc["register"]},
            "spans": [], "sentences": sentences}


class SpanStats:
    """What the hand corrections did to the grammar's proposals, for the build's summary."""

    def __init__(self) -> None:
        self.proposed = self.dropped = self.added = self.by_hand = 0
        self.filtered = 0  # drops the grammar now makes itself
        self.learned = 0  # adds the grammar now makes itself


def annotate_spans(doc: dict, index: int, extract: Callable, stats: SpanStats,
                   span_fixes: SpanFixes, hand_values: HandValues) -> None:
    """Fill ``doc["spans"]``: the grammar's proposals for the text, corrected by ``span_fixes``."""
    from jixiao.training.fill import normalise_span

    text = doc["text"]
    proposed = {(s.start, s.end): s.with_score(None) for s in extract(text)}
    stats.proposed += len(proposed)
    fixes = span_fixes.get(index, {})
    for start, end, piece, _why in fixes.get("drop", []):
        if text[start:end] != piece:
            raise ValueError(f"doc {index}: drop [{start},{end}) is {text[start:end]!r}, not {piece!r}")
        if (start, end) not in proposed:  # the grammar has since learned to leave it out
            stats.filtered += 1
            continue
        del proposed[start, end]
        stats.dropped += 1
    for start, end, piece, label, _why in fixes.get("add", []):
        if text[start:end] != piece:
            raise ValueError(f"doc {index}: add [{start},{end}) is {text[start:end]!r}, not {piece!r}")
        hand = hand_values.get((index, start, end))
        if (start, end) in proposed:
            if hand is not None or proposed[start, end].label != label:
                raise ValueError(f"doc {index}: add [{start},{end}) {piece!r} is already proposed")
            stats.learned += 1  # the grammar has since learned to find it, with the normaliser's value
            continue
        found = normalise_span(text, start, end, label)
        if isinstance(found, Span):
            if hand is not None:
                raise ValueError(f"doc {index}: [{start},{end}) {piece!r} has a hand value, but the grammar reads it")
            span = found.with_score(None)
        elif hand is None:
            raise ValueError(f"doc {index}: [{start},{end}) {piece!r} {label}: {found}; give it a hand value")
        else:
            span = Span(start, end, label, hand["value"], hand["unit"], hand.get("op"), hand.get("approx", False),
                        hand.get("value_max"))
            stats.by_hand += 1
        proposed[start, end] = span
        stats.added += 1
    spans = sorted(proposed.values(), key=lambda s: (s.start, s.end))
    for a, b in zip(spans, spans[1:]):
        if b.start < a.end:
            raise ValueError(f"doc {index}: spans [{a.start},{a.end}) and [{b.start},{b.end}) overlap")
    doc["spans"] = [span_to_dict(s, text) for s in spans]


def write_batch(source: str, out: Path, id_prefix: str, span_fixes: SpanFixes, hand_values: HandValues,
                root: Path) -> None:
    """Build every document of ``source``, annotate its spans, write ``out`` and print a summary."""
    import jixiao

    docs = [build(doc, i, id_prefix) for i, doc in enumerate(parse(source), 1)]
    unknown = set(span_fixes) - set(range(1, len(docs) + 1))
    if unknown:
        raise ValueError(f"span fixes name documents that do not exist: {sorted(unknown)}")
    extract = jixiao.load().quantities.extract
    stats = SpanStats()
    for i, doc in enumerate(docs, 1):
        annotate_spans(doc, i, extract, stats, span_fixes, hand_values)
    out.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    kinds = Counter(s["kind"] for d in docs for s in d["sentences"])
    cats = Counter((s["kind"], c) for d in docs for s in d["sentences"] for c in s["categories"])
    total = sum(kinds.values())
    print(f"{out.relative_to(root)}: {len(docs)} documents, {total} sentences")
    for kind in ("problem", "recommendation", "none"):
        print(f"  {kind:15s} {kinds[kind]:4d}  {kinds[kind] / max(total, 1):.0%}")
    print(f"  {'category':26s} problem  recommendation")
    for key in CATS.values():
        print(f"  {key:26s} {cats['problem', key]:7d}  {cats['recommendation', key]:14d}")
    labels = Counter(s["label"] for d in docs for s in d["spans"])
    print(f"  spans {sum(labels.values())}: " + ", ".join(f"{k} {labels[k]}" for k in ("AMOUNT", "RATE", "COUNT", "MEASURE")))
    print(f"  grammar proposed {stats.proposed}, dropped {stats.dropped}, added {stats.added}"
          f" ({stats.by_hand} with a hand value); the grammar now makes {stats.filtered} drop(s)"
          f" and {stats.learned} add(s) itself")
