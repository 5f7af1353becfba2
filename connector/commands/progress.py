"""The import's progress bar: reading thousands of InkSoft orders is the slow part of a backfill, so on a
terminal `inkship sync` and `inkship run` draw one `click.progressbar` over the orders a pass reads.

The engine knows nothing of it: it tells its InkSoft client's window watcher (`WindowWatcher`) how a
window's reading goes, and the clients the CLI makes on a terminal hand out watchers of one
`ReadingBar`. The bar's length is what InkSoft counts in the windows' summaries
(`Pagination.TotalResults`), grown by the orders read after them that they did not name (pending sends,
due retries), so those never run past its end; without a count it shows how many orders were read. It
is drawn only once a window holds more than one page, and ends on its own line when the last window
is left, cleanly or not.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any, TextIO

import click
from inkship.connector.clients.inksoft import InkSoftClient, WindowWatcher
from inkship.connector.config import InkSoftConfig

LABEL = "Reading InkSoft orders"


class ReadingBar:
    """One bar for the windows of one pass. With several stores their windows are read in turns, so
    the bar sums them: its length grows as each store's count arrives."""

    def __init__(self, file: TextIO | None = None) -> None:
        self._file = file  # None: standard output
        self._bar: Any = None  # the click.progressbar while it is drawn
        self._drawn = ExitStack()
        self._open: list[_WindowOnBar] = []
        self.length: int | None = 0  # None once a window's count is unknown
        self.position = 0
        self._left_unfinished = False

    def window(self, page_size: int) -> WindowWatcher:
        watcher = _WindowOnBar(self, page_size)
        self._open.append(watcher)
        return watcher

    @property
    def drawn(self) -> bool:
        return self._bar is not None

    def close(self, finished: bool = False) -> None:
        """End the bar on its own line (full when every window finished); nothing when not drawn."""
        self._open.clear()
        if self._bar is not None:
            if finished:
                self._bar.finish()
                self._bar.render_progress()
            self._bar = None
            self._drawn.close()  # click's own end: the cursor shown again, a new line

    def _expect(self, count: int | None) -> None:
        """`count` more orders to read (None: how many is not known)."""
        self.length = None if count is None or self.length is None else self.length + count
        self._show(0)

    def _advance(self, count: int) -> None:
        self.position += count
        if self.length is not None and self.position > self.length:
            self.length = self.position  # InkSoft's count was short (orders modified while we read)
        self._show(count)

    def _left(self, window: _WindowOnBar, finished: bool) -> None:
        self._left_unfinished |= not finished
        if window in self._open:
            self._open.remove(window)
        if not self._open:
            self.close(finished=not self._left_unfinished)

    def _show(self, step: int) -> None:
        if self._bar is None:
            if not any(window.long for window in self._open):
                return
            self._bar = click.progressbar(length=self.length or 0, label=LABEL, show_pos=True,
                                          file=self._file)
            step = self.position
        # A length that grows (another store's count) or becomes unknown: a count of orders read then.
        self._bar.length = self.length
        self._bar.show_percent = self.length is not None
        self._bar.finished = self.length is not None and self.position - step >= self.length
        if not self._bar.entered:
            self._drawn.enter_context(self._bar)
        self._bar.update(step)


class _WindowOnBar(WindowWatcher):
    """One window's watcher: what it expects to read and has read, told to the bar."""

    def __init__(self, bar: ReadingBar, page_size: int) -> None:
        self._bar = bar
        self._page_size = page_size
        self.expected: int | None = None
        self.read_so_far = 0
        self.pages = 0

    @property
    def long(self) -> bool:
        """More than one page of orders: counted so, or a second page read."""
        return self.pages > 1 or self.expected is not None and self.expected > self._page_size

    def counted(self, total: int | None) -> None:
        self.expected = total
        self._bar._expect(total)

    def again(self, count: int) -> None:
        if self.expected is not None:
            self.expected += count
            self._bar._expect(count)

    def read(self, count: int) -> None:
        self.pages += 1
        self.read_so_far += count
        self._bar._advance(count)

    def closed(self, finished: bool) -> None:
        if finished and self.expected is not None and self.read_so_far < self.expected:
            # Fewer read than counted (a summary without a usable ID, or InkSoft's count was long):
            # the window is done all the same, so its part of the bar is full.
            self._bar._advance(self.expected - self.read_so_far)
        self._bar._left(self, finished)


class ProgressInkSoftClient(InkSoftClient):
    """An InkSoftClient whose import windows are drawn on `bar` (one bar shared by a pass's stores)."""

    def __init__(self, config: InkSoftConfig, *, bar: ReadingBar, **http_kw: Any) -> None:
        super().__init__(config, **http_kw)
        self.bar = bar

    def watch_window(self) -> WindowWatcher:
        return self.bar.window(self.config.page_size)
