"""Progress of long jobs (sweeps, calibration, patterns, reports), for a terminal and
for a log file alike.

In a terminal :class:`Progress` draws a tqdm bar. When the output is not a terminal
(``nohup``, CI, a notebook's captured stream, ``> log``) a bar would print nothing
useful, so it writes a plain line instead: at the start, at least every
``every_seconds`` (30 s) and every ``every_fraction`` (5 %) of the work, and at the
end — how many are done, failed and pending, the elapsed time and an estimate of the
time left::

    sweep compare_interventions: 55/110 done (0 failed, 55 pending), 5% ... 50%, elapsed 0:45, ETA 0:45

No thread is started (a forked worker pool must not inherit one): the lines are
written when the caller reports work (:meth:`Progress.update`) or calls
:meth:`Progress.tick` while it waits.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any


def format_seconds(seconds: float) -> str:
    """``h:mm:ss`` (or ``m:ss`` under an hour) for a duration in seconds."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts units of work (runs, replicates, figures) and shows how far along it is.

    ``total`` units are expected; ``update(n, failed=k)`` reports ``n`` more finished,
    ``k`` of them failed. ``quiet`` shows nothing. ``stream`` defaults to stderr, so
    the results a command prints on stdout stay clean. ``interactive`` overrides the
    terminal check (tests use it).
    """

    def __init__(
        self,
        total: int,
        desc: str,
        unit: str = "run",
        *,
        quiet: bool = False,
        stream: IO[str] | None = None,
        interactive: bool | None = None,
        every_seconds: float = 30.0,
        every_fraction: float = 0.05,
        clock: Any = time.monotonic,
    ):
        self.total = max(0, int(total))
        self.desc = desc
        self.unit = unit
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.every_seconds = every_seconds
        self.every_fraction = every_fraction
        self._clock = clock
        self.done = 0
        self.failed = 0
        self.started = clock()
        self._last_line_at = self.started
        self._last_line_done = 0
        self._closed = False
        if interactive is None:
            isatty = getattr(self.stream, "isatty", None)
            interactive = bool(isatty and isatty())
        self._bar = None
        if quiet:
            return
        if interactive:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: see the module docstring
            self._bar = tqdm(total=self.total, desc=desc, unit=unit, file=self.stream, dynamic_ncols=True)
        else:
            self._line()

    # -- reporting ---------------------------------------------------------------------
    @property
    def pending(self) -> int:
        return max(0, self.total - self.done)

    def update(self, n: int = 1, failed: int = 0) -> None:
        """``n`` more units finished, ``failed`` of them failed."""
        self.done += n
        self.failed += failed
        if self.quiet:
            return
        if self._bar is not None:
            if self.failed:
                self._bar.set_postfix({"failed": self.failed}, refresh=False)
            self._bar.update(n)
            return
        step = max(1, int(self.total * self.every_fraction)) if self.total else 1
        if self.done - self._last_line_done >= step or self.done >= self.total:
            self._line()
        else:
            self.tick()

    def tick(self) -> None:
        """Write a line if ``every_seconds`` have passed since the last one (plain mode)."""
        if self.quiet or self._bar is not None or self._closed:
            return
        if self._clock() - self._last_line_at >= self.every_seconds:
            self._line()

    def close(self) -> None:
        """End the bar, or write the last line if the work did not all finish."""
        if self._closed:
            return
        self._closed = True
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.close()
        elif self._last_line_done != self.done or self.done == 0:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the plain line ------------------------------------------------------------------
    def line(self) -> str:
        """The plain progress line as it would be written now."""
        elapsed = self._clock() - self.started
        share = self.done / self.total if self.total else 1.0
        if 0 < self.done < self.total:
            eta = format_seconds(elapsed / self.done * (self.total - self.done))
        elif self.done >= self.total:
            eta = "0:00"
        else:
            eta = "unknown"
        return (
            f"{self.desc}: {self.done}/{self.total} {self.unit}s done ({self.failed} failed, "
            f"{self.pending} pending), {share:.0%}, elapsed {format_seconds(elapsed)}, ETA {eta}"
        )

    def _line(self) -> None:
        print(self.line(), file=self.stream, flush=True)
        self._last_line_at = self._clock()
        self._last_line_done = self.done
