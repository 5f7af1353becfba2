"""Clean stops for long-running commands: SIGTERM or Ctrl-C sets a flag that the command checks
between units of work (and that wakes its waits); a second signal stops at once."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger(__name__)


class StopFlag:
    """Set by the first SIGTERM or SIGINT; the second raises KeyboardInterrupt for an impatient user."""

    def __init__(self, what_happens: str = "stopping after the pass in hand") -> None:
        self._event = threading.Event()
        self.what_happens = what_happens

    def set(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._event.is_set():
            raise KeyboardInterrupt(f"second {name}: stopping now")
        log.warning("%s received: %s (again to stop now)", name, self.what_happens)
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True at once when the flag is set."""
        return self._event.wait(seconds)


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[None]:
    """Route SIGTERM and SIGINT to the flag for the duration, then restore the old handlers."""
    previous = {sig: signal.signal(sig, flag.set) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
