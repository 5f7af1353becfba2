"""Clean stops for long-running commands: SIGTERM or Ctrl-C sets a flag that the command checks
between units of work (and that wakes its waits); a second signal stops at once."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger(__name__)


class StopFlag:
    """Set by the first SIGTERM or SIGINT; the second raises KeyboardInterrupt for an impatient user."""

    # The handler runs in the main thread between bytecodes, possibly while that thread holds a lock;
    # so it only flips a plain attribute and takes no lock (a threading.Event here can deadlock).
    TICK = 0.1

    def __init__(self, what_happens: str = "stopping after the pass in hand") -> None:
        self._stopped_by: str | None = None
        self._announced = False
        self.what_happens = what_happens

    def set(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self._stopped_by:
            raise KeyboardInterrupt(f"second {name}: stopping now")
        self._stopped_by = name  # logged later, outside the handler: logging takes locks too

    @property
    def is_set(self) -> bool:
        if self._stopped_by and not self._announced:
            self._announced = True
            log.warning("%s received: %s (again to stop now)", self._stopped_by, self.what_happens)
        return self._stopped_by is not None

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, in short ticks; True as soon as the flag is set."""
        deadline = time.monotonic() + seconds
        while not self._stopped_by:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            time.sleep(min(self.TICK, remaining))
        return self.is_set


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[None]:
    """Route SIGTERM and SIGINT to the flag for the duration, then restore the old handlers."""
    previous = {sig: signal.signal(sig, flag.set) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
