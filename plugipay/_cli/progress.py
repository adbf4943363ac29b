"""A progress bar for bulk commands: redrawn in place on a terminal, plain counts otherwise.

On a terminal it redraws only when what it shows changes (a thousandth of the way, or a new
failure), so a long job doesn't flood the terminal; anywhere else (a log file, CI) it prints a
plain line at every tenth of the way and at the end.
"""

from __future__ import annotations

from typing import TextIO

__all__ = ["ProgressBar"]

WIDTH = 30
"""Characters of the bar itself."""


class ProgressBar:
    """``bulk.run``'s ``on_progress``: ``bar(done, failed, total)`` after each item."""

    def __init__(self, stream: TextIO, label: str, *, terminal: bool | None = None) -> None:
        self._stream = stream
        self._label = label
        if terminal is None:
            isatty = getattr(stream, "isatty", None)
            terminal = bool(isatty()) if callable(isatty) else False
        self._terminal = terminal
        self._shown: tuple[int, int] | None = None
        self._next_tenth = 1
        self._open = False

    def line(self, done: int, failed: int, total: int) -> str:
        """The bar as text: ``label [#####-----]  50/100  50%  2 failed``."""
        share = done / total if total else 1.0
        filled = int(share * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        count = f"{done:>{len(str(total))}}/{total}"
        return f"{self._label} [{bar}] {count} {share:>4.0%}  {failed} failed"

    def __call__(self, done: int, failed: int, total: int) -> None:
        if self._terminal:
            shown = (done * 1000 // total if total else 1000, failed)
            if shown == self._shown and done != total:
                return
            self._shown = shown
            self._open = done != total
            end = "" if self._open else "\n"
            self._stream.write(f"\r{self.line(done, failed, total)}{end}")
            self._stream.flush()
            return
        if done == total or done * 10 >= self._next_tenth * total:
            while self._next_tenth * total <= done * 10:
                self._next_tenth += 1
            self._stream.write(f"{self._label}: {done}/{total} done, {failed} failed\n")
            self._stream.flush()

    def close(self) -> None:
        """Ends a bar left half-drawn (the job was interrupted), so what follows starts a line."""
        if self._open:
            self._stream.write("\n")
            self._stream.flush()
            self._open = False
