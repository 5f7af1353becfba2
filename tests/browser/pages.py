"""What the browser tests check on every page: it fits the viewport, it passes axe-core's checks, and
a screenshot of it is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def fits_without_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def accessibility_violations(page: Any) -> str:
    """axe-core (shipped inside the axe-playwright-python package) on the page; '' when it passes."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return "" if results.violations_count == 0 else results.generate_report()


def check_page(page: Any, artifacts: Path, name: str) -> None:
    """Screenshot the page, then require that it fits its width and passes axe."""
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    width = page.viewport_size["width"]
    assert fits_without_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
    report = accessibility_violations(page)
    assert not report, f"{name} at {width} px:\n{report}"


def new_page(browser: Any, viewport: dict[str, int] = WIDE) -> Any:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    return context.new_page()
