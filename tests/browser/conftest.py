"""Browser tests: Playwright for Python driving the machine's own headless Chromium.

Playwright cannot download its browser build here, so Chromium comes from `INKSHIP_CHROMIUM` or the
PATH (`chromium`, `chromium-browser`, `google-chrome`). Without one the tests are skipped with the
reason, except under `CI=true`, where they fail: CI (.ci/run) installs Chromium, so a skip there
would hide a broken setup.

One browser per test session (per xdist worker), on a thread of its own: Playwright's sync API keeps
an event loop running on the thread that started it, which would break `asyncio.run` in other tests
of the same worker. Tests hand the thread a function of the browser (`chromium.run(fn)`).
Each test gets fresh servers: the demo's two simulators with the demo shop, and `inkship serve`
(webhook receiver and status page) subscribed to SHIP_NOTIFY, all on real sockets.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from inkship.demo.story import Demo

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """`INKSHIP_CHROMIUM` (a path or a command name), else the first of CHROMIUM_NAMES on the PATH."""
    named = os.environ.get("INKSHIP_CHROMIUM")
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


class BrowserThread:
    """A Chromium started and driven from one dedicated thread."""

    def __init__(self, executable: str) -> None:
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], queue.Queue] | None] = queue.Queue()
        started: queue.Queue[BaseException | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, args=(executable, started), daemon=True,
                                        name="chromium")
        self._thread.start()
        failure = started.get(timeout=60)
        if failure is not None:
            raise failure

    def _serve(self, executable: str, started: queue.Queue) -> None:
        from playwright.sync_api import sync_playwright

        try:
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
        except BaseException as exc:  # reported to the starting thread, which raises it
            started.put(exc)
            return
        started.put(None)
        try:
            while (job := self._jobs.get()) is not None:
                work, answer = job
                try:
                    answer.put((True, work(browser)))
                except BaseException as exc:  # an assertion in a test: raised again in the test's thread
                    answer.put((False, exc))
        finally:
            browser.close()
            playwright.stop()

    def run(self, work: Callable[[Any], Any]) -> Any:
        answer: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._jobs.put((work, answer))
        ok, value = answer.get(timeout=120)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)


@pytest.fixture(scope="session")
def chromium() -> Iterator[BrowserThread]:
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        unavailable(f"no Chromium found: set INKSHIP_CHROMIUM or install one of {', '.join(CHROMIUM_NAMES)} "
                    "(apt-get install chromium)")
    assert executable is not None
    browser = BrowserThread(executable)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: `$INKSHIP_ARTIFACTS/browser`, else a session temporary directory."""
    base = os.environ.get("INKSHIP_ARTIFACTS")
    folder = Path(base) / "browser" if base else tmp_path_factory.mktemp("browser-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def demo_world() -> Iterator[Demo]:
    """The demo's world without its story: simulators, the shop's orders, `inkship serve` subscribed."""
    demo = Demo(echo=lambda text: None)
    with ExitStack() as stack:
        demo.start(stack)
        demo.seed()
        demo.subscribe()
        yield demo


@pytest.fixture
def world() -> Iterator[Demo]:
    with demo_world() as demo:
        yield demo
