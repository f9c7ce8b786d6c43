"""Progress of a long ``scan``, ``fix`` or ``apply``, reported to a callback object: the library never prints.

``scan``, ``fix`` and ``apply_recipe`` take ``progress=``, a :class:`Progress` (the default does nothing),
and announce their stages in order, each ``stage(name, total)`` ending the one before:

- scan: ``read`` → ``statistics`` (total: columns) → ``checks`` (total: rules) → ``probe`` (with a target);
  with ``--engine stream`` or ``dask`` the first two are one stage, ``read and statistics`` (no total; it
  advances by the rows of each batch read, or by one per Dask partition merged)
- fix: the scan's stages → ``fix`` (total: the fix steps) → ``rescan`` → ``write``; with ``--engine stream``:
  the stream scan's stages → ``fix`` → ``transform and write`` → ``resample`` (when it resamples) →
  ``rescan`` → ``write``
- apply: ``read`` → ``apply`` (total: the recipe's steps) → ``write``

``advance(n)`` counts done units of a stage with a total (never rows: the overhead stays a few calls per
column or rule), and ``done()`` closes the run, also when it fails. Reading has no total: a CSV is read
by one pyarrow call, which cannot report bytes. :class:`TerminalProgress` draws all this on stderr for
the command line.

From Python (a notebook, a script) the verbs are silent by default. ``progress=True`` shows one line on
stderr that is rewritten in place (a carriage return, which Jupyter, VS Code and terminals all honour) and
ends with the run's total time: :class:`LineProgress`, never a line per stage or per batch.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from typing import Any, Callable, TextIO, TypeVar

__all__ = ["T", "Progress", "NO_PROGRESS", "UNITS", "TerminalProgress", "LineProgress", "for_cli",
           "finishes_progress"]

T = TypeVar("T")


class Progress:
    """Receives the stages of a run. This base class ignores them: subclass and override what you need."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts (the previous one is over); ``total`` units of work, when known."""

    def advance(self, n: int = 1) -> None:
        """``n`` more units of the current stage are done."""

    def done(self) -> None:
        """The run is over (finished or failed)."""


NO_PROGRESS = Progress()

#: What a stage's total counts, for the display.
UNITS = {"statistics": "columns", "checks": "rules", "fix": "steps", "apply": "steps"}


class TerminalProgress(Progress):
    """Shows the stages on a text stream, meant for stderr (reports go to stdout, never this).

    ``live``: a redrawn display (rich) that is erased when the run is done, for a terminal; it appears only
    after ``delay`` seconds, so a quick run never flickers. Otherwise one line per finished stage with its
    count and time, for a log. ``label`` (the file) starts each description.
    """

    def __init__(self, stream: TextIO, *, label: str = "", live: bool = False, delay: float = 0.0) -> None:
        self.stream = stream
        self.label = label
        self.live = live
        self.delay = delay
        self._lock = threading.Lock()
        self._bar: Any = None  # the rich Progress, built on the first stage
        self._timer: threading.Timer | None = None
        self._started = False
        self._task: Any = None
        self._name: str | None = None
        self._total: int | None = None
        self._count = 0
        self._since = 0.0

    def _describe(self, name: str) -> str:
        return f"{self.label}: {name}" if self.label else name

    def _detail(self) -> str:
        if self._total is None:
            return ""
        unit = UNITS.get(self._name or "", "")
        return f"{self._count:,}/{self._total:,} {unit}".rstrip()

    def _finish_stage(self) -> None:
        if self._name is None:
            return
        if self.live:
            if self._task is not None:
                self._bar.update(self._task, completed=self._total or 1, total=self._total or 1,
                                 detail=self._detail())
        else:
            detail = self._detail()
            seconds = time.perf_counter() - self._since
            self.stream.write(f"dataaudit: {self._describe(self._name)}{' ' + detail if detail else ''} "
                              f"({seconds:.2f} s)\n")
            self.stream.flush()
        self._name = None

    def _start_live(self) -> None:
        with self._lock:
            if self._bar is not None and not self._started:
                self._bar.start()
                self._started = True

    def _ensure_bar(self) -> None:
        if self._bar is not None:
            return
        import rich.progress as rp  # only the command line draws, so only it pays for importing rich
        from rich.console import Console

        console = Console(file=self.stream, force_terminal=True, highlight=False)
        # redirect_*: while live, rich would otherwise route stdout through this stream (stderr).
        self._bar = rp.Progress(rp.SpinnerColumn(), rp.TextColumn("{task.description}"), rp.BarColumn(),
                                rp.TextColumn("{task.fields[detail]}"), rp.TimeElapsedColumn(), console=console,
                                transient=True, redirect_stdout=False, redirect_stderr=False)
        if self.delay > 0:
            self._timer = threading.Timer(self.delay, self._start_live)
            self._timer.daemon = True
            self._timer.start()
        else:
            self._start_live()

    def stage(self, name: str, total: int | None = None) -> None:
        with self._lock:
            self._finish_stage()
            self._name, self._total, self._count, self._since = name, total, 0, time.perf_counter()
        if self.live:
            self._ensure_bar()
            with self._lock:
                self._task = self._bar.add_task(self._describe(name), total=total, detail=self._detail())

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._count += n
            if self.live and self._task is not None:
                self._bar.update(self._task, advance=n, detail=self._detail())

    def done(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        with self._lock:
            self._finish_stage()
            bar, started = self._bar, self._started
            self._bar, self._started, self._task = None, False, None
        if bar is not None and started:
            bar.stop()


class LineProgress(Progress):
    """One line on ``stream``, rewritten in place (``\\r``) as the stages go, at most every ``interval`` seconds,
    and ended by ``done()`` with the total time: progress for a notebook cell without a flood of lines."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._name: str | None = None
        self._total: int | None = None
        self._count = 0
        self._start = self._shown = 0.0
        self._width = 0

    def _show(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self._name is None or (not force and now - self._shown < self.interval):
            return
        self._shown = now
        unit = UNITS.get(self._name, "")
        detail = f" {self._count:,}/{self._total:,} {unit}".rstrip() if self._total else ""
        text = f"dataaudit: {self._name}{detail} ({now - self._start:.1f} s)"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def stage(self, name: str, total: int | None = None) -> None:
        if self._name is None:
            self._start = time.perf_counter()
        self._name, self._total, self._count = name, total, 0
        self._show(force=True)

    def advance(self, n: int = 1) -> None:
        self._count += n
        self._show()

    def done(self) -> None:
        if self._name is None:
            return
        text = f"dataaudit: done ({time.perf_counter() - self._start:.1f} s)"
        self.stream.write("\r" + text.ljust(self._width) + "\n")
        self.stream.flush()
        self._name = None


def for_cli(choice: bool | None, label: str = "", stream: TextIO | None = None) -> Progress:
    """The command line's progress: ``--progress`` (True) always, from the start; ``--no-progress`` (False)
    never; unset (None) only when stderr is a terminal, and then only after half a second."""
    stream = stream if stream is not None else sys.stderr
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    if choice is False or (choice is None and not is_tty):
        return NO_PROGRESS
    return TerminalProgress(stream, label=label, live=is_tty, delay=0.5 if choice is None else 0.0)


def finishes_progress(func: Callable[..., T]) -> Callable[..., T]:
    """Decorator of ``scan``, ``fix`` and ``apply_recipe``: their ``progress=`` keyword (None or False: nothing is
    reported; True: a :class:`LineProgress` on stderr) is passed on, and gets ``done()`` when the call returns or
    raises."""

    @functools.wraps(func)
    def wrapper(*args: Any, progress: Progress | bool | None = None, **kwargs: Any) -> T:
        if progress is True:
            progress = LineProgress()
        progress = NO_PROGRESS if progress is None or progress is False else progress
        try:
            return func(*args, progress=progress, **kwargs)
        finally:
            progress.done()

    return wrapper
