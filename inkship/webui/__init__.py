"""What every inkship HTML page shares: the stylesheet and favicon, the base template, the cross-site
request token and the 400 page. The simulators' pages and `inkship serve`'s status page install it.

Pages are rendered on the server (Jinja2), need no script and load nothing from another host, so
they work offline. Every POST form carries the app's token (`csrf_field()` in a template);
`protect(blueprint)` checks it, in constant time, before any POST view of the blueprint runs.
"""

from __future__ import annotations

import hmac
import re
import secrets
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request
from markupsafe import Markup, escape

from inkship.secret_names import is_secret_name

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "inkship_webui_csrf"
MASK = "***"

assets = Blueprint("webui", __name__, static_folder="static", template_folder="templates")


class BadInput(Exception):
    """A request a page cannot act on: answered with `status` (400 by default) and the message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def install(app: Flask, url_prefix: str, *, site_name: str, home: str,
            nav: tuple[tuple[str, str], ...] = ()) -> None:
    """Serve the assets under `url_prefix`/static, `/favicon.ico`, and the error page. `home` is the
    page the brand links to, `nav` the (label, path) links of every page's header. One cross-site
    token per app, made at start: a page of another site cannot read it."""
    app.extensions[_CSRF_KEY] = secrets.token_urlsafe(32)
    app.register_blueprint(assets, url_prefix=url_prefix)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    app.jinja_env.globals.update(csrf_field=csrf_field, ui_home=home, site_name=site_name, nav=nav)
    app.register_error_handler(BadInput, _bad_input)
    app.after_request(_page_headers)


# Pages load nothing from elsewhere but product images, run no script, and may not be framed (their
# forms act); API answers (JSON, XML) are left exactly as the simulated APIs send them.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src * data:; script-src 'none'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _page_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.update(PAGE_HEADERS)
    return response


_FAVICON = (Path(__file__).parent / "static" / "favicon.svg").read_bytes()


def _favicon() -> Response:
    response = Response(_FAVICON, mimetype="image/svg+xml")
    response.cache_control.max_age = 86400
    return response


def _bad_input(error: BadInput) -> tuple[str, int]:
    return render_template("webui/error.html", message=error.message, status=error.status), error.status


def csrf_field() -> Markup:
    token = current_app.extensions[_CSRF_KEY]
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def require_csrf() -> None:
    """Refuse a form post without this app's token (a 400 naming the problem)."""
    given = request.form.get(CSRF_FIELD, "")
    if not hmac.compare_digest(given.encode(), current_app.extensions[_CSRF_KEY].encode()):
        raise BadInput("This form has expired or did not come from this page; reload the page and try again.")


def protect(blueprint: Blueprint) -> Blueprint:
    """Check the token before any POST view of `blueprint` runs, so a forged form reaches no code."""
    def check() -> None:
        if request.method == "POST":
            require_csrf()
    blueprint.before_request(check)
    return blueprint


def whole_number(source: Any, name: str, *, required: bool = True, minimum: int | None = None,
                 maximum: int | None = None) -> int | None:
    """An integer field of a form or query (`request.form`, `request.args`); BadInput naming the field."""
    text = (source.get(name) or "").strip()
    if not text:
        if required:
            raise BadInput(f"{name} is required.")
        return None
    if not re.fullmatch(r"-?\d{1,12}", text):
        raise BadInput(f"{name} must be a whole number, not {text[:40]!r}.")
    value = int(text)
    if minimum is not None and value < minimum:
        raise BadInput(f"{name} must be at least {minimum}, not {value}.")
    if maximum is not None and value > maximum:
        raise BadInput(f"{name} must be at most {maximum}, not {value}.")
    return value


def choice(source: Any, name: str, allowed: Any, *, default: str | None = None) -> str | None:
    """A field that must be one of `allowed` (or empty, giving `default`)."""
    value = (source.get(name) or "").strip()
    if not value:
        return default
    if value not in allowed:
        raise BadInput(f"{name} must be one of {', '.join(map(str, allowed))}, not {value[:40]!r}.")
    return value


# A path segment of 16+ letters and digits mixed is a capability token (webhook URLs carry one).
_SECRET_SEGMENT = re.compile(
    r"(?<=/)(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}(?=[/?#]|$)")
_QUERY_MEMBER = re.compile(r"([?&])([^=&#]+)=([^&#]*)")


def mask_url(url: str) -> str:
    """A URL fit to show: capability tokens in its path and secret-named query values masked."""
    head, sep, rest = (url or "").partition("?")
    query = _QUERY_MEMBER.sub(lambda m: f"{m.group(1)}{m.group(2)}={MASK}" if is_secret_name(m.group(2))
                              else m.group(0), sep + rest)
    return _SECRET_SEGMENT.sub(MASK, head) + query
