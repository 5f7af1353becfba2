"""A progress bar for long backfills: reading thousands of InkSoft orders is the slow part of an import,
so the CLI hands the engine an InkSoft client that reads them page by page under `click.progressbar`.
Used only when stdout is a terminal.
"""

from __future__ import annotations

from typing import Any

import click
from inkship.connector.clients.inksoft import InkSoftClient


class ProgressInkSoftClient(InkSoftClient):
    """InkSoftClient whose `get_orders` shows a progress bar when there is more than one page to read."""

    def get_orders(self, ids: list[int]) -> list[dict[str, Any]]:
        page = self.config.page_size
        if len(ids) <= page:
            return super().get_orders(ids)
        orders: list[dict[str, Any]] = []
        with click.progressbar(length=len(ids), label="Reading InkSoft orders") as bar:
            for start in range(0, len(ids), page):
                chunk = ids[start:start + page]
                orders += super().get_orders(chunk)
                bar.update(len(chunk))
        return orders
