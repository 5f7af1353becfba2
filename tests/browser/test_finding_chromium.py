"""How the browser tests find Chromium, and that a missing one fails CI instead of skipping there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import find_chromium, unavailable


def test_the_environment_variable_names_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = tmp_path / "my-chromium"
    browser.write_text("")
    monkeypatch.setenv("INKSHIP_CHROMIUM", str(browser))
    assert find_chromium() == str(browser)
    monkeypatch.setenv("INKSHIP_CHROMIUM", str(tmp_path / "missing"))
    assert find_chromium() is None


def test_otherwise_the_path_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INKSHIP_CHROMIUM", raising=False)
    browser = tmp_path / "chromium-browser"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(browser)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium() is None


def test_no_browser_skips_locally_but_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="BROWSER TESTS SKIPPED: no Chromium"):
        unavailable("no Chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: no Chromium"):
        unavailable("no Chromium")
