"""The consistency audit: stated figures that do not follow from the figures they derive from."""

from jixiao.audit.findings import Finding
from jixiao.audit.runner import audit_document

__all__ = ["Finding", "audit_document"]
