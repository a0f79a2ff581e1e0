"""The one exception ingestion raises for input it cannot read."""


class IngestError(Exception):
    """A file could not be read; ``reason`` is one line a user can act on."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
