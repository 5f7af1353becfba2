"""Pure checks of one order's labels against its InkSoft packages and the write-back ledger: a label not
written back, written twice or with other tracking, a voided label still shipped, and a write-back
left pending for a voided label."""

from __future__ import annotations

from typing import Any

from inkship.connector.mapping import fields as f
from inkship.connector.reconcile.drift import (
    PENDING_WRITEBACK_VOIDED,
    VOIDED_STILL_SHIPPED,
    WRITE_BACK,
    WRITEBACK_DUPLICATED,
    WRITEBACK_MISSING,
    WRITEBACK_OTHER_TRACKING,
    Drift,
)
from inkship.connector.state.store import LedgerRow

# Ledger states that settle a label without an InkSoft package: nothing was owed, or it was voided first.
SETTLED_WITHOUT_PACKAGE = frozenset({"skipped", "voided"})


def tracking_key(tracking: Any) -> str:
    """Tracking numbers compare without blanks and case, as the write-back's own duplicate check does."""
    return "".join(str(tracking).split()).upper() if tracking else ""


def package_tracking(order: dict[str, Any]) -> list[str]:
    """The tracking number of every InkSoft package of the order (malformed parts are passed over: the
    ship-back pass reports those by field)."""
    found = []
    for shipment in order.get(f.SHIPMENTS) or []:
        packages = shipment.get(f.PACKAGES) if isinstance(shipment, dict) else None
        for package in packages if isinstance(packages, list) else []:
            tracking = package.get(f.PACKAGE_TRACKING) if isinstance(package, dict) else None
            if isinstance(tracking, str) and tracking.strip():
                found.append(tracking)
    return found


def label_drift(ref: str, inksoft_id: int, order_key: str | None, order: dict[str, Any],
                labels: list[dict[str, Any]], ledger: dict[int, LedgerRow]) -> list[Drift]:
    """Every write-back drift of one order whose ShipStation labels are `labels`."""
    packages = package_tracking(order)
    counts: dict[str, int] = {}
    for tracking in packages:
        counts[tracking_key(tracking)] = counts.get(tracking_key(tracking), 0) + 1
    on_labels = {tracking_key(label.get("trackingNumber")) for label in labels}
    # InkSoft packages no label of this order accounts for: written with other tracking, or by hand.
    unmatched = [tracking for tracking in packages if tracking_key(tracking) not in on_labels]

    def drift(kind: str, field: str, inksoft: Any, shipstation: Any, message: str, label: dict[str, Any],
              state: Any = None, repair: str | None = None) -> Drift:
        return Drift(ref, kind, field, inksoft, shipstation, message, state=state, inksoft_id=inksoft_id,
                     order_key=order_key, shipment_id=label.get("shipmentId"), repair=repair)

    found: list[Drift] = []
    for label in labels:
        if not label.get("trackingNumber"):
            continue
        tracking = str(label["trackingNumber"])
        shown = counts.get(tracking_key(tracking), 0)
        row = ledger.get(label.get("shipmentId") or 0)
        if label.get("voided"):
            if shown:
                found.append(drift(VOIDED_STILL_SHIPPED, "tracking", tracking, "voided",
                                   f"label {tracking} was voided in ShipStation, but InkSoft still shows it "
                                   "shipped; InkSoft has no call to remove a package: remove it by hand",
                                   label, state=row.state if row else None))
            continue
        if shown > 1:
            found.append(drift(WRITEBACK_DUPLICATED, "packages", shown, 1,
                               f"label {tracking} is on {shown} InkSoft packages; remove the extra "
                               f"package{'s' if shown > 2 else ''} in InkSoft by hand", label,
                               state=row.state if row else None))
        elif shown == 0 and (row is None or row.state not in SETTLED_WITHOUT_PACKAGE):
            if unmatched:
                other = unmatched.pop(0)
                found.append(drift(WRITEBACK_OTHER_TRACKING, "tracking", other, tracking,
                                   f"InkSoft shows tracking {other} where ShipStation's label has "
                                   f"{tracking}; correct the package in InkSoft by hand", label,
                                   state=row.state if row else None))
            elif row is not None and row.state == "written":
                found.append(drift(WRITEBACK_MISSING, "tracking", None, tracking,
                                   f"the ledger says label {tracking} was written back, but InkSoft has no "
                                   "package with it (removed in InkSoft?); writing it again could double "
                                   "it: check InkSoft and add it by hand", label, state=row.state))
            else:
                found.append(drift(WRITEBACK_MISSING, "tracking", None, tracking,
                                   f"label {tracking} is not written back to InkSoft", label,
                                   state=row.state if row else None, repair=WRITE_BACK))
    return found


def pending_for_voided(ref: str, inksoft_id: int, order_key: str | None, row: LedgerRow,
                       shipment: dict[str, Any] | None) -> Drift | None:
    """A ledger row still pending for a label ShipStation has voided: the ship-back pass settles it."""
    if row.state != "pending" or shipment is None or not shipment.get("voided"):
        return None
    return Drift(ref, PENDING_WRITEBACK_VOIDED, "ledger.state", None, "voided",
                 f"write-back of shipment {row.shipment_id} ({row.tracking_number}) is still pending, "
                 "but ShipStation voided the label", state="pending", inksoft_id=inksoft_id,
                 order_key=order_key, shipment_id=row.shipment_id, repair=WRITE_BACK)
