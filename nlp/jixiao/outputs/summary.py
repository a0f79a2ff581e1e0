"""What a batch run has done so far: inputs, documents kept and tagged, failures, timing.

The runner fills it in as results arrive; the progress display and the end summary
(``outputs/feedback.py``) read it. It lives here, below both, so that the display does not
import the runner that drives it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.outputs.records import RecordStats


@dataclass
class Summary:
    """One run's counts; ``kept`` are the records an earlier run left (``--resume``), ``tagged`` the new ones.

    ``model`` is the run's model identity: name, version and content hash (None for a model
    without files, such as the keyword rules or a Tagger passed in).
    """

    output: Path
    errors: Path
    journal: Path
    model: dict[str, str] = field(default_factory=dict)
    inputs: int = 0
    workers: int = 1
    todo: int = 0
    kept: RecordStats = field(default_factory=RecordStats)
    tagged: RecordStats = field(default_factory=RecordStats)
    failed: int = 0
    # --resume: earlier records dropped because their file is no longer among the inputs, and
    # earlier records replaced because their file (or the id it now gets) changed
    dropped: int = 0
    retagged: int = 0
    requested_workers: int = 1  # what was asked for; ``workers`` is capped at the cores available
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0
    completed: bool = False
    published: bool = True  # False when no input could be read and an earlier OUT was left as it was
    first: tuple[float, int] | None = None  # (time, characters so far) when the first input was done
    # (file or "N files", step, share done) of the batch being tagged in this process, while it is
    working: tuple[str, str, float] | None = None

    def steady_rate(self) -> float | None:
        """Characters per second after the first batch of inputs: the speed once workers have
        started; None when everything came in the first batch."""
        if self.first is None or self.done < 2 or self.tagged.characters <= self.first[1]:
            return None
        seconds = self.started + self.elapsed() - self.first[0]
        return (self.tagged.characters - self.first[1]) / seconds if seconds > 0 else None

    @property
    def done(self) -> int:
        return self.tagged.documents + self.failed

    @property
    def total(self) -> RecordStats:
        both = RecordStats()
        both.add(self.kept)
        both.add(self.tagged)
        return both

    def elapsed(self) -> float:
        return self.seconds if self.completed else time.perf_counter() - self.started
