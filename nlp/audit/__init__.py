"""The consistency audit: stated figures that do not follow from the figures they derive from."""

from nlp.audit.findings import Finding
from nlp.audit.runner import audit_document

__all__ = ["Finding", "audit_document"]
