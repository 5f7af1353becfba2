"""Thin client for InkSoft API 2 (`{store base URL}/Api2/{Method}`): auth, envelope, paging, write-back.

Auth is the store's API key (`ApiKey` parameter) when configured, else the publisher login ShipStation's own
InkSoft link uses: `SignIn` (Username, Password, PublisherId), then `SessionToken` on every call.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import requests
from inkship.connector.clients.http import ApiHttp
from inkship.connector.config import InkSoftConfig
from inkship.connector.errors import (
    AuthError,
    InkshipError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RequestRejected,
    ServerError,
)
from inkship.connector.idset import IdSet

if TYPE_CHECKING:
    from inkship.connector.mapping.shipments import InkSoftShipment

log = logging.getLogger("inkship.inksoft")

# CreateOrderShipments parameters beyond the known OrderIds, TrackingNumber, MarkOrderAsCompleted and
# NotifyCustomer.
# INFERRED: no public source shows them; the names come from InkSoft's Package model (reference 8.3, 9.8).
# Kept here, in one place, so they can be corrected once the real contract is known; sent only when
# `inksoft.send_shipment_details` is on.
SHIPMENT_DETAIL_PARAMS = {
    "carrier": "CarrierName",
    "service": "ShippingServiceType",
    "ship_date": "ShippedDate",
    "items": "Items",
    "item_guid": "ItemGuid",
    "item_size_id": "OrderRetailItemSizeId",
    "quantity": "Quantity",
}

# InkSoft answers StatusCode as a string enum; used only when a 2xx envelope still says OK:false.
_STATUS_CODE_ERRORS = {"notfound": NotFound, "internalservererror": ServerError}


def _field(record: dict[str, Any], *names: str) -> Any:
    """A field by any of its spellings, ignoring case (so `Format=JSONCamelCase` answers read the same)."""
    if names[0] in record:  # InkSoft's own spelling: no need to fold every key's case
        return record[names[0]]
    lowered = {str(key).lower(): value for key, value in record.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _json_param(value: Any) -> str:
    """Arrays and objects travel as one parameter holding a compact JSON literal: `OrderIds=[1,2]`."""
    return json.dumps(value, separators=(",", ":"))


def _bool_param(value: bool) -> str:
    return "true" if value else "false"


def _utc_text(moment: datetime) -> str:
    """`2023-01-01T00:00:00.000Z`, the form InkSoft's range filters take."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Envelope:
    """InkSoft's standard answer: `OK`, `Data` (may be the literal false), `Pagination` (may be null),
    `Messages[{Content, Title, Severity|Serverity}]`."""

    def __init__(self, body: Any, status: int) -> None:
        if not isinstance(body, dict) or _field(body, "OK") is None and _field(body, "Data") is None:
            raise MalformedResponse(f"answer is not an InkSoft envelope: {str(body)[:200]!r}", api="inksoft",
                                    status=status)
        self.ok = _field(body, "OK") is not False
        self.data = _field(body, "Data")
        pagination = _field(body, "Pagination")
        self.pagination = pagination if isinstance(pagination, dict) else None
        messages = _field(body, "Messages")
        self.messages = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
        self.status_code = str(_field(body, "StatusCode") or "")
        self.http_status = status

    def message_text(self) -> str:
        if self.messages:
            content = _field(self.messages[0], "Content")
            severity = _field(self.messages[0], "Severity", "Serverity")
            if content:
                return f"{severity}: {content}" if severity else str(content)
        return self.status_code or "no message"

    def raise_if_failed(self, method: str) -> None:
        if not self.ok:
            error_class = _STATUS_CODE_ERRORS.get(self.status_code.lower(), RequestRejected)
            raise error_class(f"{method}: {self.message_text()}", api="inksoft", status=self.http_status,
                              details=self.messages)

    def records(self) -> list[dict[str, Any]]:
        """`Data` as a list of objects: an array, one object, or nothing (`false`/`null`)."""
        if isinstance(self.data, list):
            return [item for item in self.data if isinstance(item, dict)]
        return [self.data] if isinstance(self.data, dict) else []


@dataclass
class OrderReads:
    """What a read of several orders gave: the orders, and each id InkSoft did not give with its error
    (`NotFound`: deleted or moved; `MalformedResponse`: an answer that cannot be decoded)."""

    orders: list[dict[str, Any]] = field(default_factory=list)
    unreadable: dict[int, InkshipError] = field(default_factory=dict)


class WindowWatcher:
    """Follows one import window's reading (`engine/inksoft_orders.py` tells it); this one does nothing.
    On a terminal the CLI's clients hand out one that draws a progress bar (`commands/progress.py`)."""

    def counted(self, total: int | None) -> None:
        """InkSoft counts `total` orders in the window's summaries (None: its answer gave no count)."""

    def again(self, count: int) -> None:
        """After the summaries, `count` orders they did not name are read too (to send or read again)."""

    def read(self, count: int) -> None:
        """`count` more of the window's orders were read (or found unreadable)."""

    def closed(self, finished: bool) -> None:
        """The window is done (`finished`), or was left on an error or a stop."""


class InkSoftClient:
    """InkSoft API 2 for one store: order summaries, orders, shipment write-back, access check."""

    def __init__(self, config: InkSoftConfig, session: requests.Session | None = None,
                 **http_kw: Any) -> None:
        self.config = config
        http_kw.setdefault("deadline", config.deadline)
        self.http = ApiHttp("inksoft", config.base_url.rstrip("/") + "/Api2/", session, config.timeout,
                            secrets=[config.api_key, config.password], **http_kw)
        self.session_token: str | None = None
        self._signing_in = threading.Lock()

    def watch_window(self) -> WindowWatcher:
        """The watcher of one import window's reading."""
        return WindowWatcher()

    # --- auth -------------------------------------------------------------------------------------------

    def sign_in(self) -> str:
        """Publisher login (inferred: the one ShipStation's InkSoft link uses); returns the session token."""
        form = {"Username": self.config.username, "Password": self.config.password,
                "PublisherId": self.config.publisher_id, "Format": "JSON"}
        try:
            envelope = self._envelope("POST", "SignIn", data=form)
        except PermissionDenied as exc:
            raise PermissionDenied(
                f"InkSoft user {self.config.username!r} signed in but lacks the Fulfillment Store Admin "
                "permission; give the user that permission level in InkSoft", api="inksoft",
                status=exc.status, details=exc.details) from None
        token = _field(envelope.data, "Token") if isinstance(envelope.data, dict) else None
        if not isinstance(token, str) or not token:
            raise MalformedResponse("SignIn answered without a Data.Token", api="inksoft",
                                    status=envelope.http_status)
        self.http.add_secret(token)
        self.session_token = token
        return token

    def _auth_params(self) -> dict[str, str]:
        if self.config.api_key:
            return {"ApiKey": self.config.api_key}
        with self._signing_in:  # write-backs in several threads sign in once, not once each
            if self.session_token is None:
                self.sign_in()
            return {"SessionToken": str(self.session_token)}

    def _call(self, http_method: str, method: str, params: dict[str, Any], *, retry: bool = True) -> Envelope:
        """Call an Api2 method with auth and `Format=JSON`; a 401 on a session token signs in once more."""
        try:
            return self._authorised(http_method, method, params, retry)
        except AuthError:
            if self.config.api_key:
                raise
            log.info("InkSoft session token refused; signing in again")
            self.session_token = None
            return self._authorised(http_method, method, params, retry)

    def _authorised(self, http_method: str, method: str, params: dict[str, Any], retry: bool) -> Envelope:
        args = {**params, **self._auth_params(), "Format": "JSON"}
        if http_method == "GET":
            return self._envelope("GET", method, params=args, retry=retry)
        return self._envelope(http_method, method, data=args, retry=retry)

    def _envelope(self, http_method: str, method: str, *, params: dict[str, Any] | None = None,
                  data: dict[str, Any] | None = None, retry: bool = True) -> Envelope:
        def parse(response: requests.Response) -> Envelope:
            envelope = Envelope(self.http.decode_json(response), response.status_code)
            envelope.raise_if_failed(method)
            return envelope
        return self.http.request_parsed(http_method, method, parse, params=params, data=data, retry=retry)

    # --- reads ------------------------------------------------------------------------------------------

    def check_access(self) -> dict[str, Any]:
        """For `inkship doctor`: sign in if needed, read the store, and say what was learned."""
        auth = "api_key" if self.config.api_key else "publisher login"
        store = self._call("GET", "GetStoreData", {}).data
        store = store if isinstance(store, dict) else {}
        return {"base_url": self.config.base_url, "auth": auth,
                "store_name": _field(store, "Name", "StoreName"), "store_id": _field(store, "StoreId", "ID"),
                "store_uri": _field(store, "StoreUri", "Uri"),
                "publisher_id": _field(store, "PublisherId") or self.config.publisher_id}

    def iter_order_summaries(self, modified_from: datetime, modified_to: datetime | None = None, *,
                             on_total: Callable[[int | None], None] | None = None
                             ) -> Iterator[dict[str, Any]]:
        """Every order summary modified in the window, ascending by ID, each ID once. `on_total` is told
        the first page's `Pagination.TotalResults` (None when the answer has no Pagination)."""
        window = {"UtcOffsetHours": 0, "Begin": _utc_text(modified_from)}
        if modified_to is not None:
            window["End"] = _utc_text(modified_to)
        page_size = self.config.page_size
        seen = IdSet()  # the ids come ascending: 8 bytes each, whatever the window's size
        index = 0
        while True:
            envelope = self._call("GET", "GetOrderSummaries", {
                "Index": index, "MaxResults": page_size, "OrderBy": "ID", "OrderByDirection": "Ascending",
                "DateModifiedRange": _json_param(window)})
            summaries = envelope.records()
            pagination = envelope.pagination
            included = _int(_field(pagination, "IncludedResults")) if pagination else len(summaries)
            total = _int(_field(pagination, "TotalResults")) if pagination else None
            if on_total is not None and index == 0:
                on_total(total)
            fresh = [s for s in summaries if _id_key(_field(s, "ID")) not in seen]
            for summary in fresh:
                seen.add(_id_key(_field(summary, "ID")))
                yield summary
            index += included or 0
            if not included or not fresh:
                # IncludedResults 0, or a page of nothing new (a server ignoring Index): stop, never loop.
                break
            if total is None and included < page_size or total is not None and index >= total:
                break  # without Pagination, a short page is the last one (inferred)

    def get_order(self, order_id: int) -> dict[str, Any]:
        envelope = self._call("GET", "GetOrder", {"OrderId": order_id, "IncludeProductionCards": "true"})
        if not isinstance(envelope.data, dict):
            raise MalformedResponse(f"GetOrder {order_id} answered without an order", api="inksoft",
                                    status=envelope.http_status)
        return envelope.data

    def get_orders(self, ids: list[int]) -> list[dict[str, Any]]:
        """The orders of `ids` InkSoft can give, in the order of `ids` (see `read_orders`)."""
        reads = self.read_orders(ids)
        for order_id, error in reads.unreadable.items():
            log.warning("InkSoft order %s not read: %s", order_id, error)
        return reads.orders

    def read_orders(self, ids: list[int]) -> OrderReads:
        """Full orders in the order of `ids`, and the ids InkSoft could not give, each with its error.

        Batch read with `GetOrderPackage` (object-or-array answers), `page_size` ids a call. A batch
        InkSoft refuses whole (404: one order deleted or moved since it was listed) or answers
        unreadably (one order nested too deep to decode) is halved until the order at fault stands
        alone, so one bad order never keeps the others from being read. An id a batch left out is
        read alone."""
        reads = OrderReads()
        if not self.config.batch_read:
            for order_id in ids:
                self._read_alone(order_id, reads)
            return reads
        found: dict[Any, dict[str, Any]] = {}
        size = self.config.page_size
        for start in range(0, len(ids), size):
            self._read_batch(ids[start:start + size], found, reads, retry=True)
        for order_id in ids:
            order = found.get(order_id)
            if order is not None:
                reads.orders.append(order)
            elif order_id not in reads.unreadable:
                self._read_alone(order_id, reads)
        return reads

    def _read_batch(self, chunk: list[int], found: dict[Any, dict[str, Any]], reads: OrderReads, *,
                    retry: bool) -> None:
        try:
            envelope = self._call("GET", "GetOrderPackage", {
                "OrderIds": _json_param(chunk), "IncludeProductionCards": "true"}, retry=retry)
        except (NotFound, MalformedResponse) as error:
            if len(chunk) == 1:
                reads.unreadable[chunk[0]] = error
                return
            # Halves are read without retrying a malformed answer: the fault is in the data, not the wire.
            middle = len(chunk) // 2
            self._read_batch(chunk[:middle], found, reads, retry=False)
            self._read_batch(chunk[middle:], found, reads, retry=False)
            return
        found.update((_id_key(_field(order, "ID")), order) for order in envelope.records())

    def _read_alone(self, order_id: int, reads: OrderReads) -> None:
        try:
            reads.orders.append(self.get_order(order_id))
        except (NotFound, MalformedResponse) as error:
            reads.unreadable[order_id] = error

    # --- write-back -------------------------------------------------------------------------------------

    def create_order_shipment(self, order: dict[str, Any], shipment: InkSoftShipment, *,
                              retry: bool = False) -> None:
        """Record a shipment on the order (`CreateOrderShipments`).

        The one write that is not idempotent (a repeat adds a second package), so by default an unknown
        outcome (timeout, dropped connection, 5xx) is raised for the engine to settle through its ledger;
        only a 429 or a connection never made is retried. `retry=True` retries like any other call."""
        order_ref = _field(order, "UniqueId") or _field(order, "ID")
        form: dict[str, Any] = {
            "OrderIds": _json_param([order_ref]),
            "TrackingNumber": shipment.tracking_number,
            "MarkOrderAsCompleted": _bool_param(shipment.mark_completed),
            "NotifyCustomer": _bool_param(shipment.notify_customer),
        }
        tracking_url = getattr(shipment, "tracking_url", None)
        if tracking_url:
            form["TrackingUrl"] = tracking_url
        if self.config.send_shipment_details:
            form.update(self._shipment_details(shipment))
        envelope = self._call("POST", "CreateOrderShipments", form, retry=retry)
        if envelope.data is False:
            raise RequestRejected(f"CreateOrderShipments for order {order_ref}: {envelope.message_text()}",
                                  api="inksoft", status=envelope.http_status, details=envelope.messages)

    @staticmethod
    def _shipment_details(shipment: InkSoftShipment) -> dict[str, str]:
        names = SHIPMENT_DETAIL_PARAMS
        items = [{names["item_guid"] if isinstance(ref, str) else names["item_size_id"]: ref,
                  names["quantity"]: quantity} for ref, quantity in shipment.items]
        details = {names["carrier"]: shipment.carrier, names["service"]: shipment.service,
                   names["ship_date"]: shipment.ship_date.isoformat() if shipment.ship_date else None,
                   names["items"]: _json_param(items) if items else None}
        return {name: value for name, value in details.items() if value}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON `Infinity`
        return None


def _id_key(value: Any) -> Any:
    """An order ID as a set or dict key. A well-formed ID (an integer) is itself; anything else (a list,
    an object, NaN, which never equals itself) becomes its JSON text, so a malformed answer cannot crash
    or loop the paging; callers drop IDs that are not integers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return json.dumps(value, sort_keys=True, default=repr)
