"""Drift records and the reconcile report: what differs between InkSoft, ShipStation and the state
database, order by order, and what `--fix` does (or a person must do) about it.

The JSON form (`ReconcileReport.to_dict`) is a stable interface, documented in the README: fields are
only ever added, never renamed or dropped, and the kind names below never change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

# The kinds of drift, in the order a report lists them for one order.
MISSING_IN_SHIPSTATION = "missing_in_shipstation"  # InkSoft order that should be in ShipStation is not
ORPHAN_IN_SHIPSTATION = "orphan_in_shipstation"    # our ShipStation order; its InkSoft order is gone
LINK_MISSING = "link_missing"                      # ShipStation has our order, the state database has no link
CONTENT = "content"                                # a line, quantity, address field or status differs
WRITEBACK_MISSING = "writeback_missing"            # a label not written back to InkSoft
WRITEBACK_DUPLICATED = "writeback_duplicated"      # a label written back more than once
WRITEBACK_OTHER_TRACKING = "writeback_other_tracking"  # InkSoft shows another tracking number
VOIDED_STILL_SHIPPED = "voided_still_shipped"      # a voided label still a package in InkSoft
LINK_TO_NOTHING = "link_to_nothing"                # a link whose orders are gone from both systems
PENDING_WRITEBACK_VOIDED = "pending_writeback_voided"  # a write-back still pending for a voided label

KINDS = (MISSING_IN_SHIPSTATION, ORPHAN_IN_SHIPSTATION, LINK_MISSING, CONTENT, WRITEBACK_MISSING,
         WRITEBACK_DUPLICATED, WRITEBACK_OTHER_TRACKING, VOIDED_STILL_SHIPPED, LINK_TO_NOTHING,
         PENDING_WRITEBACK_VOIDED)

# What `--fix` does for a drift (`Drift.repair`); None means it needs a person.
REIMPORT = "reimport"    # the link goes pending and an import pass sends the order (create or update)
WRITE_BACK = "write_back"  # the label goes through the ship-back pass's exactly-once write-back
FORGET_LINK = "forget_link"  # the link is deleted: nothing is left in either system to point at
REPAIRS = (REIMPORT, WRITE_BACK, FORGET_LINK)


@dataclass(frozen=True)
class Drift:
    """One difference. `field` names what differs (`shipTo.city`, `items[<lineItemKey>].quantity`,
    `orderStatus`, `tracking`, `packages`...) and `inksoft`, `shipstation`, `state` hold what each view
    says (None where a view has nothing, or takes no part). `inksoft` is the value the mapping derives
    from the InkSoft order, so it is comparable with ShipStation's."""

    order: str                       # '#1001' (InkSoft id), or 'ShipStation 123' when none is known
    kind: str
    field: str | None
    inksoft: Any
    shipstation: Any
    message: str
    state: Any = None
    inksoft_id: int | None = None
    order_key: str | None = None
    shipment_id: int | None = None
    repair: str | None = None       # one of REPAIRS, or None: needs a person
    fixed: bool = False

    @property
    def needs_person(self) -> bool:
        return self.repair is None

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes two sightings (before and after a fix) the same drift."""
        return (self.order, self.kind, self.field, self.shipment_id)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.inksoft_id if self.inksoft_id is not None else -1, self.order, KINDS.index(self.kind),
                self.field or "", self.shipment_id or 0)

    def to_dict(self) -> dict[str, Any]:
        return {"order": self.order, "inksoft_id": self.inksoft_id, "order_key": self.order_key,
                "kind": self.kind, "field": self.field, "inksoft": self.inksoft,
                "shipstation": self.shipstation, "state": self.state, "shipment_id": self.shipment_id,
                "repair": self.repair, "needs_person": self.needs_person, "fixed": self.fixed,
                "message": self.message}

    def line(self, fix_ran: bool = False) -> str:
        """`#1001 content shipTo.city: InkSoft 'Eugene', ShipStation 'Salem' (fix: reimport)`."""
        views = (("InkSoft", self.inksoft), ("ShipStation", self.shipstation), ("state", self.state))
        values = ", ".join(f"{name} {value!r}" for name, value in views if value is not None)
        what = f"{self.kind} {self.field}" if self.field else self.kind
        if self.repair is None:
            action = "needs a person"
        elif self.fixed:
            action = "fixed"
        else:
            action = f"{self.repair} did not repair it" if fix_ran else f"fix: {self.repair}"
        return f"  {self.order} {what}: {values or self.message} ({action})" + \
            (f"\n      {self.message}" if values else "")


@dataclass
class Scope:
    """What was read and compared."""

    since: datetime | None
    store: str
    inksoft_orders: int = 0
    shipstation_orders: int = 0
    shipments: int = 0
    links: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None, "store": self.store,
                "inksoft_orders": self.inksoft_orders, "shipstation_orders": self.shipstation_orders,
                "shipments": self.shipments, "links": self.links}


@dataclass
class ReconcileReport:
    scope: Scope
    fix: bool
    drift: list[Drift] = field(default_factory=list)
    remaining: list[Drift] = field(default_factory=list)  # with --fix: what a fresh read still finds
    calls: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)   # fixes that failed as a whole (an API down)

    @property
    def drifted(self) -> bool:
        return bool(self.drift)

    def mark_fixed(self, after: list[Drift]) -> None:
        """With --fix: a drift no longer found by the fresh read after the repairs is fixed."""
        still = {d.identity for d in after}
        self.drift = [replace(d, fixed=d.repair is not None and d.identity not in still) for d in self.drift]
        self.remaining = sorted(after, key=Drift.sort_key)

    def counts(self) -> dict[str, int]:
        found = Counter(d.kind for d in self.drift)
        return {kind: found[kind] for kind in KINDS if found[kind]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": not self.drifted,
            "fix": self.fix,
            "scope": self.scope.to_dict(),
            "counts": self.counts(),
            "summary": {"drift": len(self.drift), "fixable": sum(1 for d in self.drift if d.repair),
                        "fixed": sum(1 for d in self.drift if d.fixed),
                        "needs_person": sum(1 for d in self.drift if d.needs_person),
                        "remaining": len(self.remaining) if self.fix else len(self.drift)},
            "drift": [d.to_dict() for d in self.drift],
            "remaining": [d.to_dict() for d in self.remaining] if self.fix else None,
            "calls": dict(self.calls),
            "errors": list(self.errors),
        }

    def lines(self) -> list[str]:
        scope = self.scope
        window = f"since {scope.since.isoformat()}" if scope.since else "everything in reach"
        out = [f"reconciled store {scope.store} ({window}): "
               f"{_count(scope.inksoft_orders, 'InkSoft order')}, "
               f"{_count(scope.shipstation_orders, 'ShipStation order')}, "
               f"{_count(scope.shipments, 'label')}, {_count(scope.links, 'link')}",
               "API calls: " + ", ".join(f"{api} {n}" for api, n in sorted(self.calls.items()))]
        if not self.drift:
            return [*out, "no drift: the three views agree"]
        out.append(f"drift: {len(self.drift)} ("
                   + ", ".join(f"{n} {kind}" for kind, n in self.counts().items()) + ")")
        out += [d.line(self.fix) for d in self.drift]
        person = [d for d in self.drift if d.needs_person]
        if self.fix:
            fixed = sum(1 for d in self.drift if d.fixed)
            out.append(f"fixed {fixed}; still found after fixing: {len(self.remaining)}")
        else:
            fixable = len(self.drift) - len(person)
            out.append(f"{fixable} can be repaired with --fix; {len(person)} need a person")
        out += [f"error: {error}" for error in self.errors]
        return out


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"
