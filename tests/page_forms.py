"""Reading the cross-site token out of a rendered page, as a browser's form would send it."""

from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: Any, path: str) -> str:
    """The token the page at `path` puts in its forms (every page of an app carries the same one)."""
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found is not None, f"no form token on {path}"
    return found.group(1)
