"""`inkship serve`'s read-only status page (`GET /status`) and its data (`GET /status.json`).

Both are behind their own secret, `webhook.status_token`; without it they are not served at all. A
browser signs in once with a form (the secret is never put in a URL, where logs and history keep it)
and gets a cookie holding an HMAC of the secret, not the secret; a script sends
`Authorization: Bearer <secret>`. Both are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, render_template, request
from inkship.connector.config import Config
from inkship.connector.logging import secrets_of
from inkship.connector.web.status_data import CHART_HOURS, snapshot

from inkship.webui import BadInput, install, protect

STATUS_PATH = "/status"
COOKIE = "inkship_status"
_CONFIG_KEY = "inkship_status_config"

status_pages = protect(Blueprint("status_page", __name__, template_folder="templates"))


def register(app: Flask, config: Config) -> None:
    """Serve the status page when `webhook.status_token` is set."""
    if not config.webhook.status_token:
        return
    app.extensions[_CONFIG_KEY] = config
    install(app, STATUS_PATH, site_name="inkship", home=STATUS_PATH)
    app.jinja_env.filters["when"] = _when
    app.register_blueprint(status_pages)


def _when(text: str | None) -> str:
    """A stored ISO instant as a person reads it: `2026-12-03 07:57:30 UTC`."""
    try:
        return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if text else ""
    except ValueError:
        return text or ""


def _config() -> Config:
    config: Config = current_app.extensions[_CONFIG_KEY]
    return config


def _session_value(secret: str) -> str:
    return hmac.new(secret.encode(), b"inkship status page session", hashlib.sha256).hexdigest()


def _signed_in() -> bool:
    secret = _config().webhook.status_token or ""
    scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and given:
        return hmac.compare_digest(given.encode(), secret.encode())
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), _session_value(secret).encode())


def _data() -> dict[str, Any]:
    config = _config()
    return snapshot(config.state.database, secrets_of(config))


@status_pages.get(STATUS_PATH)
def status_page() -> Any:
    if not _signed_in():
        return render_template("status/sign_in.html"), 401
    data = _data()
    peak = max([1] + [max(h["imported"], h["written"]) for h in data["per_hour"]])
    return render_template("status/status.html", data=data, peak=peak, chart_hours=CHART_HOURS,
                           database=_config().state.database)


@status_pages.get(STATUS_PATH + ".json")
def status_json() -> Any:
    if not _signed_in():
        return jsonify(error="sign in: send Authorization: Bearer <webhook.status_token>"), 401
    return jsonify(_data())


@status_pages.post(STATUS_PATH + "/sign-in")
def sign_in() -> Response:
    secret = _config().webhook.status_token or ""
    given = request.form.get("secret") or ""
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise BadInput("That is not the status page's secret (webhook.status_token).", 403)
    response: Response = redirect(STATUS_PATH, code=303)  # type: ignore[assignment]
    response.set_cookie(COOKIE, _session_value(secret), httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")
    return response


@status_pages.post(STATUS_PATH + "/sign-out")
def sign_out() -> Response:
    response: Response = redirect(STATUS_PATH, code=303)  # type: ignore[assignment]
    response.delete_cookie(COOKIE, path="/")
    return response
