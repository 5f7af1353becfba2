"""What the browser tests check on every page: it fits the viewport, it passes axe-core's checks, and
a screenshot of it is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}


def fits_without_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def axe_script() -> Path:
    """axe-core's script, as the axe-playwright-python package ships it."""
    import axe_playwright_python

    return Path(axe_playwright_python.__file__).parent / "axe.min.js"


def accessibility_violations(page: Any) -> str:
    """axe-core's violations on the page, one line per rule and element; '' when it passes. The script is
    in every page of the context already (`new_page(..., axe=True)`), so each check only runs it."""
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}: {node['target']}"
                     for v in violations for node in v["nodes"])


def check_page(page: Any, artifacts: Path | None, name: str, *, axe: bool = False) -> None:
    """Screenshot the page (into `artifacts`, unless None), then require that it fits its width (and
    passes axe: about a second a page, so each kind of page is checked once, in test_pages.py)."""
    if artifacts is not None:
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    width = page.viewport_size["width"]
    assert fits_without_horizontal_scroll(page), f"{name} scrolls sideways at {width} px"
    if axe:
        report = accessibility_violations(page)
        assert not report, f"{name} at {width} px:\n{report}"


def new_page(browser: Any, viewport: dict[str, int] = WIDE, *, axe: bool = False) -> Any:
    """A page in a fresh context; with `axe`, axe-core is loaded into every page it opens."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(30_000)  # generous: CI machines are shared
    if axe:
        context.add_init_script(path=str(axe_script()))
    return context.new_page()
