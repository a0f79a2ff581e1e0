"""Training settings from spaCy-style config files: the reader lives with the packaged configs
(``jixiao.configs``), so that backends read their defaults from the same files."""

from jixiao.configs import packaged_settings, read_classifier_config

__all__ = ["packaged_settings", "read_classifier_config"]
