"""The Flask app of `inkship serve`: ShipStation's SHIP_NOTIFY webhook, a health check, and the
Custom Store endpoint when it is enabled.

The app keeps one engine (and so one state store and one pair of clients) for its lifetime, built on
first use; `shared_engine(app)` gives it to any part of the app. Its clients are not made for several
threads at once, so one request at a time uses it; the server's other threads answer everything
that needs no engine (health checks, refusals).
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeGuard

from flask import Flask, abort, current_app, jsonify, request
from inkship.connector.config import Config
from inkship.connector.errors import InkshipError, RetryableError
from inkship.connector.web import status_page

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/shipstation/"

EngineFactory = Callable[[], Any]
_EXTENSION = "inkship_engine"


class SharedEngine:
    """The app's one engine, built by `factory` on first use and kept until `close()`."""

    def __init__(self, factory: EngineFactory) -> None:
        self._factory = factory
        self._engine: Any = None
        # Reentrant: a request that uses the engine may call code that asks for it again.
        self._lock = threading.RLock()

    @contextmanager
    def use(self) -> Iterator[Any]:
        """The engine, for this thread alone until the block ends."""
        with self._lock:
            if self._engine is None:
                self._engine = self._factory()
            yield self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None


def shared_engine(app: Flask | None = None) -> SharedEngine:
    """The SharedEngine of `app` (default: the app handling the current request)."""
    engine: SharedEngine = (app or current_app).extensions[_EXTENSION]
    return engine


def webhook_url(base_url: str, token: str) -> str:
    """The URL to register in ShipStation for this receiver."""
    return base_url.rstrip("/") + WEBHOOK_PATH + token


def create_app(config: Config, engine_factory: EngineFactory) -> Flask:
    """Build the app. `engine_factory()` builds the engine it keeps for its lifetime (see SharedEngine);
    whoever runs the app closes it at the end (`shared_engine(app).close()`)."""
    app = Flask("inkship.web")
    app.extensions[_EXTENSION] = SharedEngine(engine_factory)
    # Flask refuses a larger body with 413 (by its Content-Length, or when a chunked one grows past it),
    # and waitress does before reading it (connector/web/server.py).
    app.config["MAX_CONTENT_LENGTH"] = config.webhook.max_body_bytes
    expected_token = (config.webhook.token or "").encode()

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(ok=True)

    @app.errorhandler(413)
    def too_large(error: Exception) -> Any:
        log.warning("%s %s refused: body larger than %d bytes", request.method, _path_shown(),
                    config.webhook.max_body_bytes)
        return jsonify(ok=False, error=f"body larger than {config.webhook.max_body_bytes} bytes"), 413

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
        # One webhook at a time: the engine's ledger makes the write-back exactly once, and
        # serialising keeps two deliveries of the same batch from racing on SQLite.
        with shared_engine(app).use() as engine:
            return _handle(engine, payload)

    _register_custom_store(app, config)
    status_page.register(app, config)
    return app


def _path_shown() -> str:
    """The request path without the webhook token in it."""
    path = request.path
    return WEBHOOK_PATH + "<token>" if path.startswith(WEBHOOK_PATH) else path


def _is_webhook_payload(payload: Any) -> TypeGuard[dict[str, Any]]:
    return (isinstance(payload, dict)
            and isinstance(payload.get("resource_url"), str) and bool(payload["resource_url"])
            and isinstance(payload.get("resource_type"), str))


def _handle(engine: Any, payload: dict) -> Any:
    try:
        report = engine.handle_webhook(payload)
    except RetryableError as exc:
        # ShipStation's retry policy is unknown; the polling backstop picks the batch up anyway.
        log.warning("webhook deferred: %s", exc)
        return jsonify(ok=False, error="temporarily unavailable; will be picked up by polling"), 503
    except InkshipError as exc:
        log.error("webhook failed: %s", exc)
        return jsonify(ok=False, error=type(exc).__name__), 500
    if report.of("refused"):
        # The engine refused a resource_url off the configured ShipStation host (UnsafeResourceUrl):
        # it was not fetched, so our credentials never went there.
        return jsonify(ok=False, error="resource_url is not on the configured ShipStation host"), 400
    log.info("webhook %s handled", payload["resource_type"])
    return jsonify(ok=True, resource_type=payload["resource_type"], report=report.to_dict())


def _register_custom_store(app: Flask, config: Config) -> None:
    """Hook for the Custom Store endpoint (connector/customstore/endpoint.py owns it)."""
    if not config.custom_store.enabled:
        return
    from inkship.connector.customstore.endpoint import register

    register(app, config, shared_engine(app))
