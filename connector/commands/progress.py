"""A progress bar for long backfills: reading thousands of InkSoft orders is the slow part of an import,
so the CLI hands the engine an InkSoft client that reads them page by page under `click.progressbar`.
Used only when stdout is a terminal.
"""

from __future__ import annotations

import click
from inkship.connector.clients.inksoft import InkSoftClient, OrderReads


class ProgressInkSoftClient(InkSoftClient):
    """InkSoftClient whose `read_orders` shows a progress bar when there is more than one page to read."""

    def read_orders(self, ids: list[int]) -> OrderReads:
        page = self.config.page_size
        if len(ids) <= page:
            return super().read_orders(ids)
        reads = OrderReads()
        with click.progressbar(length=len(ids), label="Reading InkSoft orders") as bar:
            for start in range(0, len(ids), page):
                chunk = ids[start:start + page]
                part = super().read_orders(chunk)
                reads.orders += part.orders
                reads.unreadable.update(part.unreadable)
                bar.update(len(chunk))
        return reads
