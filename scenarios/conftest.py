"""Makes pytest collect the scenario files in this directory (see scenarios/plugin.py)."""

from scenarios.plugin import pytest_addoption, pytest_collect_file

__all__ = ["pytest_addoption", "pytest_collect_file"]
