"""Custom Store ship notice (`action=shipnotify`): parse ShipStation's `ShipNotice` safely and turn it
into the same shipment write-back the REST transport does, exactly once."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from inkship.connector.config import Config, MappingConfig
from inkship.connector.engine.writeback import WRITE_FAILED, Label, OrderState, error_field, write_back
from inkship.connector.errors import (
    AuthError,
    ConfigError,
    InkshipError,
    NotFound,
    OrderRejected,
    PermissionDenied,
    RequestRejected,
    RetryableError,
)
from inkship.connector.mapping.items import ItemRef, item_aliases
from inkship.connector.mapping.keys import order_key_for, order_ref_for, unique_id_key_for
from inkship.connector.mapping.shipments import InkSoftShipment, writeback_for
from inkship.connector.mapping.times import parse_custom_store_date
from inkship.connector.state.store import LedgerRow

#: Largest ship notice accepted; a real one with a few hundred lines is a few tens of KiB.
MAX_NOTICE_BYTES = 256 * 1024
#: The `api` of the errors this transport raises itself (as opposed to InkSoft's).
CUSTOM_STORE_API = "custom store"
#: The problem kind of a notice InkSoft refused (settled, not retried).
NOTICE_REJECTED = "ship_notice_rejected"
#: Pending notices retried by a polling pass, and after a request to the endpoint (where ShipStation
#: waits for the answer, so fewer): enough to catch up, few enough to stay short.
RETRIES_PER_PASS = 20
RETRIES_PER_REQUEST = 5
# Trade marks in ShipStation's service names ("UPS® Ground") are not part of the name InkSoft shows.
_MARKS = re.compile(r"\s*[®™]\s*")
_DIGITS = re.compile(r"[0-9]+")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_STORE_KEY = re.compile(r"inksoft:[0-9]+:([0-9]+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeItem:
    """One line of a ship notice: the LineItemID we exported (our `lineItemKey`) and its quantity."""

    line_item_id: str
    quantity: int
    sku: str = ""
    name: str = ""


@dataclass(frozen=True)
class ShipNotice:
    """What a ship notice says. `items is None` means the notice covers the whole order (an empty
    body, or a body without Items); an empty tuple (`<Items/>`), that it carries no unit of it."""

    order_id: str
    order_number: str
    carrier: str
    service: str
    tracking_number: str
    ship_date: date | None
    notify_customer: bool | None
    items: tuple[NoticeItem, ...] | None
    from_query_only: bool = False

    def shipped_quantities(self) -> dict[str, int] | None:
        """Quantities per LineItemID, summed (a line may be listed more than once)."""
        if self.items is None:
            return None
        totals: dict[str, int] = {}
        for item in self.items:
            totals[item.line_item_id] = totals.get(item.line_item_id, 0) + item.quantity
        return totals

    def ledger_key(self, order_key: str) -> str:
        """The notice's identity: ShipStation sends no shipment id with a ship notice, so it is the
        order and the tracking number, the same whether a duplicate arrives with or without a body."""
        return f"shipnotify:{order_key}:{self.tracking_number.strip().upper()}"


def _rejected(message: str, status: int = 400) -> RequestRejected:
    return RequestRejected(message, api=CUSTOM_STORE_API, status=status)


def _local(tag: object) -> str:
    """An element's name without any namespace (`{ns}OrderID` → `OrderID`)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(parent: Element, name: str) -> Element | None:
    return next((child for child in parent if _local(child.tag) == name), None)


def _text(parent: Element, name: str) -> str:
    child = _child(parent, name)
    return (child.text or "").strip() if child is not None else ""


def _parse_date(text: str) -> date | None:
    """ShipDate's format is unspecified: accept the Custom Store forms and ISO dates; else None."""
    iso = _ISO_DATE.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        return parse_custom_store_date(text).date() if text else None
    except (ValueError, OverflowError):
        return None


def _parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    return True if lowered in ("true", "1", "yes") else False if lowered in ("false", "0", "no") else None


def _parse_items(root: Element) -> tuple[NoticeItem, ...] | None:
    items = _child(root, "Items")
    if items is None:
        return None
    parsed = []
    for item in items:
        if _local(item.tag) != "Item":
            continue
        line_item_id = _text(item, "LineItemID")
        quantity_text = _text(item, "Quantity")
        if not line_item_id:
            raise _rejected("ShipNotice item without LineItemID")
        if not _WHOLE_NUMBER.fullmatch(quantity_text):
            raise _rejected(f"ShipNotice item {line_item_id[:50]!r}: Quantity {quantity_text[:20]!r} "
                            "is not a whole number")
        quantity = int(quantity_text)
        if quantity < 1:
            raise _rejected(f"ShipNotice item {line_item_id[:50]!r}: Quantity must be at least 1")
        parsed.append(NoticeItem(line_item_id, quantity, _text(item, "SKU"), _text(item, "Name")))
    # An Items element with no Item in it is a label carrying none of the order's units (a spare
    # package of a multi-package label), unlike a notice without Items, which covers the whole order.
    # (Inferred: the reference only says "with no Items, treat the whole order as shipped".)
    return tuple(parsed)


def _parse_body(body: bytes) -> Element:
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _rejected(f"ShipNotice refused: {type(exc).__name__} (DTDs and entities are not accepted)") \
            from None
    except (ParseError, ValueError, LookupError, UnicodeError, RecursionError) as exc:
        raise _rejected(f"ShipNotice is not well-formed XML: {str(exc)[:200]}") from None
    if _local(root.tag) != "ShipNotice":
        raise _rejected(f"expected a ShipNotice document, got <{_local(root.tag)[:50]}>")
    return root


def parse_ship_notice(body: bytes, query: Mapping[str, str]) -> ShipNotice:
    """Read a ship notice from its body and query string. Values in the body win; the query fills in
    what the body lacks, and an empty body falls back to the query alone (a notice for the whole order).

    Never fails on arbitrary input except with `RequestRejected`: status 413 when the body exceeds
    `MAX_NOTICE_BYTES`, 400 for anything unreadable, hostile (DTD, entity, external reference) or
    naming no order."""
    if len(body) > MAX_NOTICE_BYTES:
        raise _rejected(f"ShipNotice larger than {MAX_NOTICE_BYTES} bytes", status=413)

    def from_query(name: str) -> str:
        return str(query.get(name) or "").strip()

    root = _parse_body(body) if body.strip() else None

    def value(element: str, parameter: str | None = None) -> str:
        found = _text(root, element) if root is not None else ""
        return found or (from_query(parameter) if parameter else "")

    notice = ShipNotice(
        order_id=value("OrderID"),
        order_number=value("OrderNumber", "order_number"),
        carrier=value("Carrier", "carrier"),
        service=value("Service", "service"),
        tracking_number=value("TrackingNumber", "tracking_number"),
        ship_date=_parse_date(value("ShipDate")) or _parse_date(value("LabelCreateDate")),
        notify_customer=_parse_bool(value("NotifyCustomer")),
        items=_parse_items(root) if root is not None else None,
        from_query_only=root is None,
    )
    if not notice.order_id and not notice.order_number:
        raise _rejected("ship notice names no order: neither OrderID nor order_number was given")
    return notice


# ---------------------------------------------------------------- write-back

def ledger_id(key: str) -> int:
    """The write-back ledger's `shipment_id` for a ship notice key: a negative 63-bit number derived
    from it. The ledger's key column is an integer and ShipStation's shipment ids are positive, so a
    ship notice and a REST shipment can never share a row."""
    return -(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") >> 1) - 1


def _candidate_ids(notice: ShipNotice, state: Any, settings: MappingConfig) -> list[int]:
    """InkSoft ids the notice may mean, best first: the link of its OrderID, the id inside an
    `inksoft:<StoreId>:<ID>` key, then its OrderNumber (`order_number_prefix` + ID, as mapped)."""
    ids: list[int] = []
    if notice.order_id:
        link = state.get_link(notice.order_id)
        if link is not None:
            ids.append(link.inksoft_id)
        store_key = _STORE_KEY.fullmatch(notice.order_id)
        if store_key:
            ids.append(int(store_key[1]))
    prefix = settings.order_number_prefix
    number = notice.order_number[len(prefix):] if notice.order_number.startswith(prefix) else ""
    if _DIGITS.fullmatch(number):
        ids.append(int(number))
    return list(dict.fromkeys(ids))


def _key_of(order: dict) -> str | None:
    try:
        return order_key_for(order)
    except OrderRejected:
        return None


def find_order(notice: ShipNotice, inksoft: Any, state: Any, settings: MappingConfig) -> dict:
    """The InkSoft order a notice is about. An OrderID we do not know (ShipStation split the order)
    falls back to the OrderNumber, logged; nothing found at all is a 400 naming both."""
    for inksoft_id in _candidate_ids(notice, state, settings):
        try:
            order = inksoft.get_order(inksoft_id)
        except NotFound:
            continue
        if notice.order_id and notice.order_id not in (_key_of(order), unique_id_key_for(order)):
            log.warning("ship notice for unknown OrderID %r matched by order number %r instead",
                        notice.order_id[:60], notice.order_number[:60])
        return order
    raise _rejected(f"unknown order: OrderID {notice.order_id[:60]!r}, OrderNumber "
                    f"{notice.order_number[:60]!r} match no InkSoft order")


def notice_writeback(notice: ShipNotice, order: dict, already: Mapping[ItemRef, int],
                     today: date) -> InkSoftShipment | None:
    """The InkSoft write-back for a notice, by the same rule as a REST shipment (`writeback_for`):
    the notice's items capped at what is still unshipped (`already` shipped), every unshipped unit when
    it has no Items, None when it carries no unit still owed; carrier and service as ShipStation named
    them, never the cost or the note to the buyer. Items naming none of the order's lines are refused:
    the notice is about another order."""
    quantities = notice.shipped_quantities()
    if quantities and not set(quantities) & set(item_aliases(order)):
        raise _rejected("none of the ship notice's LineItemIDs belong to order "
                        f"{notice.order_number[:60]!r}")
    items = None if quantities is None else [{"lineItemKey": key, "quantity": quantity}
                                             for key, quantity in quantities.items()]
    shipment = {"trackingNumber": notice.tracking_number, "carrierCode": notice.carrier or "Other",
                "shipDate": (notice.ship_date or today).isoformat(), "shipmentItems": items}
    writeback = writeback_for(shipment, order, already)
    if writeback is None:
        return None
    if notice.from_query_only:
        log.warning("ship notice %s for %s arrived without a body: written as covering the whole order",
                    notice.tracking_number, order_ref_for(order))
    service = _MARKS.sub(" ", notice.service).strip() or None
    return dataclasses.replace(writeback, service=service)


def handle_ship_notice(notice: ShipNotice, engine: Any, config: Config) -> str:
    """Write one ship notice back to InkSoft exactly once; returns `written`, `duplicate`, `skipped`
    (the notice carries no unit InkSoft still owes) or `rejected` (InkSoft refused it: a problem for
    the operator, settled so it is not retried for ever).

    The engine's per-label write-back (`writeback.write_back`: ledger claim, write, crash-safe re-check
    of the order's packages), keyed by `ledger_id`. A notice whose tracking number is already on the
    InkSoft order is a duplicate whatever brought it there (an earlier notice, a write interrupted
    before the ledger, the REST transport). Data that cannot be written is a 400 for ShipStation.
    A notice is acknowledged only once the ledger holds it settled: one another inkship process is
    writing is a 503, so ShipStation sends it again; a failed write is released for the next notice
    or polling pass (`retry_pending_notices`) and answered with an error."""
    if not notice.tracking_number:
        raise _rejected("ship notice without a tracking number: nothing to record in InkSoft")
    order = find_order(notice, engine.inksoft, engine.state, config.mapping)
    current = OrderState(order_key_for(order), int(order["ID"]), order)
    label = Label(ledger_id(notice.ledger_key(current.order_key)), notice.tracking_number,
                  f"ship notice {notice.tracking_number}")
    return _write_notice(engine, current, label, notice)


def _write_notice(engine: Any, current: OrderState, label: Label, notice: ShipNotice) -> str:
    today = engine.clock().date()
    try:
        result = write_back(engine.context, current, label,
                            lambda latest: notice_writeback(notice, latest.order, latest.already, today))
    except (RetryableError, AuthError, PermissionDenied, ConfigError):
        raise  # released pending by write_back: the next notice or polling pass writes it
    except InkshipError as exc:
        _settle_rejected(engine, current, label, exc)
        if isinstance(exc, OrderRejected):  # the notice's own data: ShipStation should hear of it
            raise _rejected(f"ship notice cannot be written back: {exc.message}") from None
        if isinstance(exc, RequestRejected) and exc.api == CUSTOM_STORE_API:
            raise
        return "rejected"  # InkSoft's refusal: the operator's to look into (`inkship status`)
    row = engine.state.ledger_get(label.ledger_id)
    if row is None or row.state == "pending":
        # Claimed by another inkship process that is writing it now; it may yet fail.
        raise _rejected("this ship notice is being written by another inkship process; send it again "
                        "shortly", status=503)
    log.info("ship notice %s for %s: %s (%s)", label.tracking_number, current.ref, result.outcome,
             result.detail)
    return result.outcome


def _settle_rejected(engine: Any, current: OrderState, label: Label, exc: InkshipError) -> None:
    """A notice InkSoft (or its own data) refused: the same write would be refused again, so its row
    is settled and a problem names the order (and field) instead of a pending row retried for ever."""
    reason = f"{label.name} refused, not written back: {exc}"
    log.error("%s for %s", reason, current.ref)
    state = engine.state
    state.ledger_mark_skipped(label.ledger_id, order_key=current.order_key, inksoft_id=current.inksoft_id,
                              tracking_number=label.tracking_number, reason=reason)
    state.resolve_problem(current.ref, WRITE_FAILED)  # it said "will retry", which no longer holds
    state.record_problem(current.ref, NOTICE_REJECTED, reason, field=error_field(exc))


def _stored_notice(row: LedgerRow) -> ShipNotice:
    """The notice a pending row was claimed for, from the write-back payload stored with the claim."""
    payload = row.payload or {}
    items = tuple(NoticeItem(str(ref), int(quantity)) for ref, quantity in payload.get("items") or [])
    ship_date = payload.get("ship_date")
    return ShipNotice(order_id=row.order_key, order_number="", carrier=str(payload.get("carrier") or ""),
                      service=str(payload.get("service") or ""),
                      tracking_number=row.tracking_number or str(payload.get("tracking_number") or ""),
                      ship_date=date.fromisoformat(ship_date) if ship_date else None,
                      notify_customer=payload.get("notify_customer"), items=items)


def retry_pending_notices(engine: Any, limit: int | None = RETRIES_PER_PASS) -> list[tuple[str, str]]:
    """Write back the ship notices left pending by a failed InkSoft write (at most `limit`), each from
    the order as it is now, so units shipped since are not shipped twice. Returns (order, outcome)
    pairs; stops at the first InkSoft outage (the rest wait for the next time)."""
    rows = [row for row in engine.state.ledger_pending() if row.shipment_id < 0 and row.payload]
    done: list[tuple[str, str]] = []
    for row in rows[:limit]:
        ref = f"#{row.inksoft_id}"
        label = Label(row.shipment_id, row.tracking_number, f"ship notice {row.tracking_number}")
        try:
            current = OrderState(row.order_key, row.inksoft_id, engine.inksoft.get_order(row.inksoft_id))
            outcome = _write_notice(engine, current, label, _stored_notice(row))
        except RetryableError as exc:
            log.warning("pending ship notices not retried now: %s", exc)
            break
        except InkshipError as exc:  # the order gone from InkSoft, or another process writing it
            log.warning("pending %s for %s not retried: %s", label.name, ref, exc)
            continue
        log.info("pending %s for %s retried: %s", label.name, ref, outcome)
        done.append((ref, outcome))
    return done
