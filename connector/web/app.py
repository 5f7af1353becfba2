"""The Flask app of `inkship serve`: ShipStation's SHIP_NOTIFY webhook, a health check, and the
Custom Store endpoint when it is enabled.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeGuard

from flask import Flask, abort, jsonify, request
from inkship.connector.config import Config
from inkship.connector.errors import InkshipError, RetryableError
from inkship.connector.web import status_page

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/shipstation/"

EngineFactory = Callable[[], Any]


def webhook_url(base_url: str, token: str) -> str:
    """The URL to register in ShipStation for this receiver."""
    return base_url.rstrip("/") + WEBHOOK_PATH + token


def create_app(config: Config, engine_factory: EngineFactory) -> Flask:
    """Build the receiver. `engine_factory()` returns a fresh SyncEngine for one webhook."""
    app = Flask("inkship.web")
    # One webhook at a time: the engine's ledger makes the write-back exactly once, and
    # serialising keeps two deliveries of the same batch from racing on SQLite.
    engine_lock = threading.Lock()
    expected_token = (config.webhook.token or "").encode()

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(ok=True)

    # A wrong token gets the same bare 404 as an unknown path: nothing tells a prober it was close.
    @app.post(WEBHOOK_PATH + "<token>")
    def shipstation_webhook(token: str) -> Any:
        if not expected_token or not hmac.compare_digest(token.encode(), expected_token):
            log.warning("webhook with a wrong token refused")
            abort(404)
        payload = request.get_json(silent=True)
        if not _is_webhook_payload(payload):
            log.warning("webhook refused: body is not {resource_url, resource_type}")
            return jsonify(ok=False, error="expected a JSON body with resource_url and resource_type"), 400
        with engine_lock:
            return _handle(engine_factory, payload)

    _register_custom_store(app, config, engine_factory)
    status_page.register(app, config)
    return app


def _is_webhook_payload(payload: Any) -> TypeGuard[dict[str, Any]]:
    return (isinstance(payload, dict)
            and isinstance(payload.get("resource_url"), str) and bool(payload["resource_url"])
            and isinstance(payload.get("resource_type"), str))


def _handle(engine_factory: EngineFactory, payload: dict) -> Any:
    engine = engine_factory()
    try:
        report = engine.handle_webhook(payload)
    except RetryableError as exc:
        # ShipStation's retry policy is unknown; the polling backstop picks the batch up anyway.
        log.warning("webhook deferred: %s", exc)
        return jsonify(ok=False, error="temporarily unavailable; will be picked up by polling"), 503
    except InkshipError as exc:
        log.error("webhook failed: %s", exc)
        return jsonify(ok=False, error=type(exc).__name__), 500
    finally:
        # Each webhook has its own engine and state store (as the Custom Store endpoint does).
        engine.close()
    if report.of("refused"):
        # The engine refused a resource_url off the configured ShipStation host (UnsafeResourceUrl):
        # it was not fetched, so our credentials never went there.
        return jsonify(ok=False, error="resource_url is not on the configured ShipStation host"), 400
    log.info("webhook %s handled", payload["resource_type"])
    return jsonify(ok=True, resource_type=payload["resource_type"], report=report.to_dict())


def _register_custom_store(app: Flask, config: Config, engine_factory: EngineFactory) -> None:
    """Hook for the Custom Store endpoint (connector/customstore/endpoint.py owns it)."""
    if not config.custom_store.enabled:
        return
    from inkship.connector.customstore.endpoint import register

    register(app, config, engine_factory)
