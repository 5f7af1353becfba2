"""The Custom Store endpoint of `inkship serve`: the one URL ShipStation both pulls orders from
(`action=export`) and posts ship notices to (`action=shipnotify`), behind HTTP Basic auth."""

from __future__ import annotations

import hmac
import logging
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, request
from inkship.connector.config import Config
from inkship.connector.customstore.export import cdata, export_page
from inkship.connector.customstore.shipnotify import (
    CUSTOM_STORE_API,
    MAX_NOTICE_BYTES,
    RETRIES_PER_REQUEST,
    handle_ship_notice,
    parse_ship_notice,
    retry_pending_notices,
)
from inkship.connector.errors import (
    AuthError,
    InkshipError,
    PermissionDenied,
    RequestRejected,
    RetryableError,
)
from inkship.connector.mapping.times import parse_custom_store_date


class Engines(Protocol):
    """The app's engine, lent to one request at a time (`inkship.connector.web.app.SharedEngine`)."""

    def use(self) -> AbstractContextManager[Any]: ...

log = logging.getLogger(__name__)

XML = "application/xml; charset=utf-8"
# The reference advises a few minutes of overlap: ShipStation's next start_date is its last refresh
# date, and an order exported twice is merely updated (by OrderID) on ShipStation's side.
EXPORT_OVERLAP = timedelta(minutes=5)
# end_date has minute precision: include the whole of its last minute.
_END_OF_MINUTE = timedelta(seconds=59, microseconds=999999)


def _xml_error(status: int, message: str) -> Response:
    body = f'<?xml version="1.0" encoding="utf-8"?>\n<Error><Message>{cdata(message)}</Message></Error>\n'
    return Response(body, status=status, content_type=XML)


def _unauthorized() -> Response:
    response = _xml_error(401, "Unauthorized: check the username and password of the Custom Store")
    response.headers["WWW-Authenticate"] = 'Basic realm="inkship custom store"'
    return response


def _same(given: str | None, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode(), expected.encode())


def authorized(config: Config) -> bool:
    """HTTP Basic auth, or the documented `SS-UserName`/`SS-Password` query parameters, compared in
    constant time. Without configured credentials nothing is accepted."""
    username, password = config.custom_store.username, config.custom_store.password
    if not username or not password:
        return False
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        given_user, given_password = auth.username, auth.password
    else:
        given_user, given_password = request.args.get("SS-UserName"), request.args.get("SS-Password")
    # Both compared whatever the first gives, so timing tells nothing about which was wrong.
    user_ok = _same(given_user, username)
    password_ok = _same(given_password, password)
    return user_ok and password_ok


def _window_date(name: str) -> datetime:
    text = request.args.get(name, "")
    if not text.strip():
        raise RequestRejected(f"{name} is required (UTC, MM/dd/yyyy HH:mm)", api=CUSTOM_STORE_API, status=400)
    try:
        return parse_custom_store_date(text)
    except ValueError:
        raise RequestRejected(f"{name} {text[:40]!r} is not a date (UTC, MM/dd/yyyy HH:mm)",
                              api=CUSTOM_STORE_API, status=400) from None


def _export_window() -> tuple[datetime, datetime]:
    """The InkSoft window to read for ShipStation's [start_date, end_date]: the overlap before, the
    whole last minute after. Dates whose window leaves the calendar (before the year 1, past 9999)
    and a start after the end are the caller's mistake: a 400 with a short reason."""
    start, end = _window_date("start_date"), _window_date("end_date")
    if start > end:
        raise RequestRejected("start_date is after end_date", api=CUSTOM_STORE_API, status=400)
    try:
        return start - EXPORT_OVERLAP, end + _END_OF_MINUTE
    except OverflowError:
        raise RequestRejected("start_date or end_date is out of range (years 1 to 9999, UTC)",
                              api=CUSTOM_STORE_API, status=400) from None


def _page_number() -> int:
    try:
        return max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return 1


def _failure(exc: InkshipError) -> Response:
    """What ShipStation should see when InkSoft could not be read or written: an error it shows as a
    store error and retries, never an empty document that would look like 'no orders'. The caller gets
    a short generic reason; InkSoft's URL and its own error text go to the log only."""
    if isinstance(exc, RequestRejected) and exc.api == CUSTOM_STORE_API and exc.status:
        return _xml_error(exc.status, exc.message)
    if isinstance(exc, RetryableError):
        log.warning("custom store: InkSoft unavailable: %s", exc)
        return _xml_error(503, "InkSoft is temporarily unavailable; try again later")
    if isinstance(exc, AuthError | PermissionDenied):
        log.error("custom store: InkSoft refused the connector's credentials: %s", exc)
        return _xml_error(502, "InkSoft refused the connector's credentials (see the connector's log)")
    log.error("custom store: %s", exc)
    return _internal_error()


def _internal_error() -> Response:
    return _xml_error(500, "internal error in the connector (the detail is in its log)")


def register(app: Flask, config: Config, engines: Engines) -> None:
    """Serve the Custom Store endpoint at `custom_store.path` on `app`, with the app's one engine (its
    InkSoft client and state store are used here; one request at a time, and the ledger's claim
    guards against other processes)."""
    blueprint = Blueprint("custom_store", __name__)

    def export() -> Response:
        (start, end), number = _export_window(), _page_number()
        with engines.use() as engine:
            page = export_page(engine.inksoft, engine.status_table, config.mapping,
                               config.shipstation.store_id, start, end, number,
                               store_domain=engine.store_domain,
                               unique_id_keys_before=engine.state.unique_id_keys_before())
            # ShipStation's regular pull is this endpoint's polling pass: notices left pending go again.
            retry_pending_notices(engine, RETRIES_PER_REQUEST)
        log.info("custom store export %s..%s page %d/%d: %d orders, %d left out",
                 start.isoformat(), end.isoformat(), number, page.pages, len(page.orders), len(page.skipped))
        return Response(page.render(), content_type=XML)

    def shipnotify() -> Response:
        if (request.content_length or 0) > MAX_NOTICE_BYTES:
            return _xml_error(413, f"ShipNotice larger than {MAX_NOTICE_BYTES} bytes")
        # Read one byte past the limit so a body without Content-Length is refused the same way.
        body = request.stream.read(MAX_NOTICE_BYTES + 1)
        notice = parse_ship_notice(body, request.args)
        with engines.use() as engine:
            outcome = handle_ship_notice(notice, engine, config)
            # The next notice retries what an earlier one left pending.
            retry_pending_notices(engine, RETRIES_PER_REQUEST)
        body_text = (f'<?xml version="1.0" encoding="utf-8"?>\n<ShipNoticeResult>'
                     f"<Status>{outcome}</Status></ShipNoticeResult>\n")
        return Response(body_text, content_type=XML)

    actions = {("GET", "export"): export, ("POST", "shipnotify"): shipnotify}

    @blueprint.route(config.custom_store.path, methods=["GET", "POST"])
    def custom_store() -> Response:
        if not authorized(config):
            log.warning("custom store: request with wrong or missing credentials refused")
            return _unauthorized()
        action = request.args.get("action", "").strip().lower()
        handler = actions.get((request.method, action))
        if handler is None:
            return _xml_error(400, f"unsupported action {action[:30]!r} for {request.method} "
                                   "(expected GET action=export or POST action=shipnotify)")
        try:
            return handler()
        except InkshipError as exc:
            return _failure(exc)
        except Exception:
            # A defect of ours: the traceback goes to the log, the caller learns nothing about the inside.
            log.exception("custom store: %s %s failed", request.method, action)
            return _internal_error()

    app.register_blueprint(blueprint)
