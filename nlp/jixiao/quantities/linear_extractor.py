"""The trained quantity model at tagging time: the exported weights scored with NumPy alone.

The spaCy component (``component.py``) trains a thinc ``SparseLinear`` over hashed candidate
features; tagging needs only its two arrays. ``save_linear_weights`` writes them beside the
component (``linear.safetensors`` and ``linear.json``) and ``LinearQuantityExtractor`` scores
with them exactly as thinc does (v1 indexing: each feature key is hashed twice with
MurmurHash3_x86_32 over its eight bytes, seeds 0 and 1; bucket ``hash & (length - 1)``; the
weight of class ``c`` at ``W[bucket + c]``; plus the bias), so tagging imports neither spaCy nor
thinc nor torch. The decision rules are the component's own (``CandidateDecisions``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jixiao.quantities.decisions import CLASSES, CandidateDecisions, Features
from jixiao.quantities.grammar import GRAMMAR_FILE, Grammar, parse_grammar

WEIGHTS_FILE = "linear.safetensors"
CONFIG_FILE = "linear.json"
_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return ((x << np.uint32(r)) | (x >> np.uint32(32 - r))).astype(np.uint32)


def murmur3_uint64(keys: np.ndarray, seed: int) -> np.ndarray:
    """MurmurHash3_x86_32 of each uint64 key's eight little-endian bytes, as thinc computes it."""
    keys = np.asarray(keys, dtype=np.uint64)
    h = np.full(keys.shape, seed, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for block in ((keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), (keys >> np.uint64(32)).astype(np.uint32)):
            k = _rotl(block * _C1, 15) * _C2
            h = _rotl(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        h ^= np.uint32(8)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h


@dataclass
class LinearQuantityExtractor(CandidateDecisions):
    weights: np.ndarray  # flat, length + n_classes entries (thinc's layout)
    bias: np.ndarray
    length: int
    cfg: dict[str, Any]
    grammar: Grammar
    name: str = "linear"
    _feature_keys: dict[str, int] = field(default_factory=dict, repr=False)

    def raw_scores(self, features: Features) -> np.ndarray:
        keys, values, lengths = features
        n = len(CLASSES)
        scores = np.tile(self.bias.astype(np.float32), (len(lengths), 1))
        if not len(keys):
            return scores
        rows = np.repeat(np.arange(len(lengths)), lengths)
        mask = np.uint32(self.length - 1)
        gathered = np.zeros((len(keys), n), dtype=np.float32)
        for seed in (0, 1):
            bucket = (murmur3_uint64(keys, seed) & mask).astype(np.int64)
            gathered += self.weights[bucket[:, None] + np.arange(n)]
        gathered *= values[:, None]
        np.add.at(scores, rows, gathered)
        return scores


def save_linear_weights(weights: np.ndarray, bias: np.ndarray, length: int, cfg: dict[str, Any], folder: Path) -> None:
    """The arrays and settings tagging needs, beside the component's own files."""
    from safetensors.numpy import save_file

    save_file({"W": np.ascontiguousarray(weights, dtype=np.float32), "b": np.ascontiguousarray(bias, dtype=np.float32)},
              str(folder / WEIGHTS_FILE))
    config = {"length": int(length), "classes": list(CLASSES), "indexing": "thinc-sparselinear-v1",
              "cfg": {k: v for k, v in cfg.items() if k != "labels"}}
    (folder / CONFIG_FILE).write_text(json.dumps(config, ensure_ascii=False, indent=1) + "\n", "utf-8")


def load_linear_quantities(part: Path) -> LinearQuantityExtractor:
    """From a quantity part folder (the spaCy pipeline folder): its component subfolder holds the
    exported weights and the grammar they were trained with."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    folder = part / "quantities" if (part / "quantities" / CONFIG_FILE).is_file() else part
    try:
        config = json.loads((folder / CONFIG_FILE).read_text("utf-8"))
        arrays = load_file(str(folder / WEIGHTS_FILE))
        grammar = parse_grammar((folder / GRAMMAR_FILE).read_text("utf-8"))
        if config.get("classes") != list(CLASSES) or config.get("indexing") != "thinc-sparselinear-v1":
            raise ValueError(f"classes {config.get('classes')} or indexing {config.get('indexing')!r} not supported")
        length = int(config["length"])
        if arrays["W"].shape != (length * len(CLASSES),) or arrays["b"].shape != (len(CLASSES),):
            raise ValueError(f"weights of shape {arrays['W'].shape} do not fit length {length}")
    except (OSError, ValueError, KeyError, TypeError, SafetensorError) as exc:
        raise ValueError(f"{folder}: not a readable linear quantity model ({exc})") from exc
    return LinearQuantityExtractor(arrays["W"], arrays["b"], length, dict(config["cfg"]), grammar)
