"""What every ShipStation backend shares: the clock, the seeded random source, id counters and the outbox."""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from inkship.simulators.shipstation import seed


@dataclass
class Notification:
    """Something to send once the lock is released: a webhook event, or a Custom Store ship notice."""

    kind: str  # "webhook" | "ship_notice"
    event: str = ""
    store_id: int | None = None
    resource_path: str = ""
    shipment_ids: list[int] = field(default_factory=list)


class Shared:
    """Reset with the account: a fresh random source, fresh id counters and an empty outbox."""

    def __init__(self, clock: Any, rng_seed: int) -> None:
        self.clock = clock
        self.rng = random.Random(rng_seed)
        self._ids: dict[str, Iterator[int]] = {
            name: itertools.count(start) for name, start in seed.ID_STARTS.items()}
        self.pending: list[Notification] = []

    def next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    def guid(self) -> str:
        """A GUID from the seeded random source, so runs are reproducible."""
        return str(uuid.UUID(int=self.rng.getrandbits(128)))

    def take_pending(self) -> list[Notification]:
        pending, self.pending = self.pending, []
        return pending
