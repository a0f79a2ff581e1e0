"""The one registry of jixiao's pluggable parts, built on ``catalogue`` (the library behind
spaCy's registry), so a backend is found by name the same way everywhere and other packages can
add their own through the ``jixiao_issue_backends`` / ``jixiao_quantity_backends`` entry points.

Registered functions are cheap factories: they import their backend's module only when called, so
looking a name up never imports torch, spaCy or scikit-learn.
"""

from __future__ import annotations

import catalogue

issue_backends = catalogue.create("jixiao", "issue_backends", entry_points=True)
quantity_backends = catalogue.create("jixiao", "quantity_backends", entry_points=True)
