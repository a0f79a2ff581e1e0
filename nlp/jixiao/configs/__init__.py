"""The default training configs, shipped with the package (``jixiao train --config`` takes others).

A folder of data at the bottom of the layers, so the backends that read their defaults from here
(spaCy, transformers) do not import the training layer above them.
"""

from pathlib import Path

CONFIGS = Path(__file__).resolve().parent
SPANS_CONFIG = CONFIGS / "spans.cfg"
