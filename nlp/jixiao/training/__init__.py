"""Training the bundled model's parts from the corpus (spaCy and scikit-learn; never on the tagging path)."""

from jixiao.configs import CONFIGS, SPANS_CONFIG  # noqa: F401  (the defaults training reads)
