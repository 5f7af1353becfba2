"""Pure comparison of the three views, order by order: what the mapping says the ShipStation order
should be (from the InkSoft order), what ShipStation has, and what the state database remembers.

The orderKey of an imported order is always read from its link; only an order without a link is
looked up in ShipStation by the key the mapping gives it (the key the importer would use).
"""

from __future__ import annotations

from typing import Any

from inkship.connector.engine.context import LOCKED
from inkship.connector.mapping.orders import MappedOrder, Skip
from inkship.connector.reconcile.drift import (
    CONTENT,
    FORGET_LINK,
    LINK_MISSING,
    LINK_TO_NOTHING,
    MISSING_IN_SHIPSTATION,
    ORPHAN_IN_SHIPSTATION,
    REIMPORT,
    Drift,
)
from inkship.connector.reconcile.labels import label_drift, pending_for_voided
from inkship.connector.reconcile.views import Expected, Views
from inkship.connector.state.store import Link

# The `field` of drift about a whole order (missing, orphan, links): each view's value says whether and
# how it has the order (its status, id or key), None where it has none.
WHOLE_ORDER = "order"
# The shipTo fields the mapping sets and a person may change in ShipStation.
ADDRESS_FIELDS = ("name", "company", "street1", "street2", "city", "state", "postalCode", "country", "phone")
# The line fields compared, by lineItemKey.
LINE_FIELDS = ("quantity", "sku", "name")


def find_drift(views: Views, expected: Expected) -> list[Drift]:
    """Every drift among the in-scope orders, sorted by InkSoft id, kind and field."""
    found: list[Drift] = []
    for inksoft_id in sorted(views.in_scope):
        links = views.links_by_inksoft_id.get(inksoft_id, [])
        order = views.inksoft.get(inksoft_id)
        if order is None:
            if inksoft_id in views.inksoft_gone:
                found += [_gone_from_inksoft(link, views) for link in links]
        else:
            found += _order_drift(order, links[0] if links else None, expected(order), views)
        for link in links:
            for row in views.ledger_by_order_key.get(link.order_key, []):
                drift = pending_for_voided(f"#{inksoft_id}", inksoft_id, link.order_key, row,
                                           views.shipments_by_id.get(row.shipment_id))
                found += [drift] if drift else []
    return sorted(found, key=Drift.sort_key)


def _gone_from_inksoft(link: Link, views: Views) -> Drift:
    ref = f"#{link.inksoft_id}"
    shipstation = views.shipstation_by_key.get(link.order_key)
    if shipstation is not None:
        return Drift(ref, ORPHAN_IN_SHIPSTATION, WHOLE_ORDER, None, shipstation.get("orderStatus"),
                     f"ShipStation order {shipstation.get('orderNumber')} ({shipstation.get('orderStatus')}) "
                     "has no InkSoft order any more; cancel or delete it in ShipStation by hand",
                     state=link.order_key, inksoft_id=link.inksoft_id, order_key=link.order_key)
    return Drift(ref, LINK_TO_NOTHING, WHOLE_ORDER, None, None,
                 "the state database links this order, but neither InkSoft nor ShipStation has it",
                 state=link.order_key, inksoft_id=link.inksoft_id, order_key=link.order_key,
                 repair=FORGET_LINK)


def _order_drift(order: dict[str, Any], link: Link | None, mapped: MappedOrder | Skip,
                 views: Views) -> list[Drift]:
    inksoft_id: int = order["ID"]
    ref = f"#{inksoft_id}"
    key = link.order_key if link else mapped.order_key if isinstance(mapped, MappedOrder) else None
    shipstation = views.shipstation_by_key.get(key) if key else None
    labels = views.labels_by_order_id.get(shipstation["orderId"], []) if shipstation else []
    found = label_drift(ref, inksoft_id, key, order, labels, views.ledger_by_shipment) if shipstation else []
    if isinstance(mapped, Skip):
        return found  # not meant for ShipStation (the import pass reports why); its labels still count
    if shipstation is None:
        return [*found, *_missing(ref, inksoft_id, key, link, mapped.payload["orderStatus"])]
    if link is None:
        found.append(Drift(ref, LINK_MISSING, WHOLE_ORDER, None, shipstation.get("orderId"),
                           f"ShipStation has order {shipstation.get('orderNumber')} under this order's key, "
                           "but the state database has no link to it", inksoft_id=inksoft_id, order_key=key,
                           repair=REIMPORT))
    live_label = any(not label.get("voided") for label in labels)
    return [*found, *_content(ref, inksoft_id, key, mapped.payload, shipstation, live_label)]


def _missing(ref: str, inksoft_id: int, key: str | None, link: Link | None, status: str) -> list[Drift]:
    if status == "cancelled":
        return []  # cancelled before it was imported: rightly absent
    why = ("the state database links it, but ShipStation has no order with its orderKey" if link
           else "it was never imported")
    # Created again it would be a shipped ShipStation order without its label, and the import pass
    # would not send it: a link it last saw shipped or cancelled is settled there.
    settled = status == "shipped" or (link is not None and link.shipstation_status in LOCKED)
    if settled:
        why += "; it was shipped or cancelled there: re-create it by hand if it is wanted"
    return [Drift(ref, MISSING_IN_SHIPSTATION, WHOLE_ORDER, status, None,
                  f"InkSoft order {ref} should be in ShipStation ({status}); {why}",
                  state=link.shipstation_order_id if link else None, inksoft_id=inksoft_id, order_key=key,
                  repair=None if settled else REIMPORT)]


def _content(ref: str, inksoft_id: int, key: str | None, want: dict[str, Any], shipstation: dict[str, Any],
             live_label: bool) -> list[Drift]:
    """The status, address and lines ShipStation has against what the mapping makes of InkSoft's order."""
    actual_status = shipstation.get("orderStatus")
    locked = (f"the ShipStation order is {actual_status} and cannot be updated: change it by hand"
              if actual_status in LOCKED else None)

    def content(field: str, inksoft: Any, actual: Any, why_not: str | None) -> Drift:
        return Drift(ref, CONTENT, field, inksoft, actual,
                     f"ShipStation's {field} differs from what the mapping makes of the InkSoft order"
                     + (f"; {why_not}" if why_not else ""),
                     inksoft_id=inksoft_id, order_key=key, repair=None if why_not else REIMPORT)

    found = []
    if _status_differs(want["orderStatus"], actual_status, live_label):
        why_not = locked or ("InkSoft shows it shipped but ShipStation has no live label, and a shipped "
                             "status comes from a label, never from inkship: check the order by hand"
                             if want["orderStatus"] == "shipped" else None)
        found.append(content("orderStatus", want["orderStatus"], actual_status, why_not))
    differences = [*_address_drift(want.get("shipTo") or {}, shipstation.get("shipTo")),
                   *_line_drift(want.get("items") or [], shipstation.get("items"))]
    return found + [content(field, inksoft, actual, locked) for field, inksoft, actual in differences]


def _status_differs(wanted: str, actual: Any, live_label: bool) -> bool:
    """A label ships the order in ShipStation before InkSoft's status follows (a split shipment stays
    "Ready to Ship" until its last unit), so shipped-with-a-label agrees with any open status; the
    label checks cover the write-back itself."""
    return wanted != actual and not (actual == "shipped" and live_label and wanted != "cancelled")


def _blank(value: Any) -> Any:
    return None if value is None or value == "" else value


def _address_drift(want: dict[str, Any], actual: Any) -> list[tuple[str, Any, Any]]:
    actual = actual if isinstance(actual, dict) else {}
    return [(f"shipTo.{name}", want.get(name), actual.get(name)) for name in ADDRESS_FIELDS
            if _blank(want.get(name)) != _blank(actual.get(name))]


def _line_drift(want: list[dict[str, Any]], actual: Any) -> list[tuple[str, Any, Any]]:
    """Lines by lineItemKey: one missing or added (shown as `sku x quantity`), or a field that differs.
    Lines without a key are ShipStation's own additions, not ours to compare."""
    wanted = {line["lineItemKey"]: line for line in want if line.get("lineItemKey")}
    lines = actual if isinstance(actual, list) else []
    have = {line["lineItemKey"]: line for line in lines if isinstance(line, dict) and line.get("lineItemKey")}
    found: list[tuple[str, Any, Any]] = []
    for key in sorted(set(wanted) | set(have), key=str):
        mine, theirs = wanted.get(key), have.get(key)
        if mine is None or theirs is None:
            found.append((f"items[{key}]", _line_text(mine), _line_text(theirs)))
            continue
        found += [(f"items[{key}].{name}", mine.get(name), theirs.get(name)) for name in LINE_FIELDS
                  if _blank(mine.get(name)) != _blank(theirs.get(name))]
    return found


def _line_text(line: dict[str, Any] | None) -> str | None:
    return f"{line.get('sku') or line.get('name')} x {line.get('quantity')}" if line else None
