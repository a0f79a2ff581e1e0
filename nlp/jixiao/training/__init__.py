

from pathlib import Path

CONFIGS = Path(__file__).resolve().parent / "configs"  # the default training configs, shipped with the package
SPANS_CONFIG = CONFIGS / "spans.cfg"
