"""Serve `requests` calls from a WSGI app in process, with no socket: `WSGITransport` and helpers.

Faults decided by the control plane (see `simulators/control.py`) come back in the WSGI environ: a
dropped connection becomes `requests.ConnectionError`; a delay at least as long as the request's read
timeout becomes `requests.ReadTimeout` (after the app did its work, as with a slow real server), and a
shorter delay is skipped, so no test sleeps.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Mapping
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import requests
from inkship.simulators.control import ENV_FAULT_SIGNALS
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.util import Timeout
from werkzeug.test import EnvironBuilder, run_wsgi_app


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        return timeout[1]
    if isinstance(timeout, Timeout):
        read = timeout.read_timeout
        return read if isinstance(read, int | float) else None
    return timeout


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    return b"".join(_body_bytes(chunk) for chunk in body)


def _reason_phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


class WSGITransport(BaseAdapter):
    """A `requests` adapter that hands each request to `app` through werkzeug's WSGI test tools."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: float | tuple | Timeout | None = None, verify: bool | str = True,
             cert: Any = None, proxies: Mapping[str, str] | None = None) -> requests.Response:
        url = urlsplit(request.url or "")
        headers = CaseInsensitiveDict(request.headers)
        # The whole body is at hand: werkzeug sets Content-Length from it, so no chunked framing.
        headers.pop("Content-Length", None)
        headers.pop("Transfer-Encoding", None)
        builder = EnvironBuilder(
            path=url.path or "/", base_url=f"{url.scheme}://{url.netloc}", query_string=url.query,
            method=request.method or "GET", headers=list(headers.items()), data=_body_bytes(request.body))
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        signals: dict[str, Any] = {}
        environ[ENV_FAULT_SIGNALS] = signals
        environ["REMOTE_ADDR"] = "127.0.0.1"
        started = time.perf_counter()
        app_iter, status, response_headers = run_wsgi_app(self.app, environ, buffered=True)
        try:
            content = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        if signals.get("drop"):
            raise requests.ConnectionError("connection dropped by a simulated fault", request=request)
        read_timeout = _read_timeout(timeout)
        delay = signals.get("delay")
        if delay is not None and read_timeout is not None and delay >= read_timeout:
            raise requests.ReadTimeout(f"simulated delay of {delay}s reached the read timeout "
                                       f"of {read_timeout}s", request=request)
        return self._build_response(request, status, response_headers, content,
                                    time.perf_counter() - started)

    def _build_response(self, request: requests.PreparedRequest, status: str,
                        headers: Iterable[tuple[str, str]], content: bytes,
                        elapsed: float) -> requests.Response:
        response = requests.Response()
        code, _, reason = status.partition(" ")
        response.status_code = int(code)
        response.reason = reason or _reason_phrase(int(code))
        response.headers = CaseInsensitiveDict(headers)
        response.encoding = get_encoding_from_headers(response.headers)
        response._content = content
        response._content_consumed = True  # type: ignore[attr-defined]
        response.raw = io.BytesIO(content)
        response.url = request.url or ""
        response.request = request
        response.elapsed = timedelta(seconds=elapsed)
        response.connection = self  # type: ignore[assignment]
        return response

    def close(self) -> None:
        """Nothing to release: there is no connection pool."""


def mount_app(session: requests.Session, base_url: str, app: Any) -> requests.Session:
    """Route every request to `base_url...` made through `session` to `app`."""
    session.mount(base_url, WSGITransport(app))
    return session


def route_session(apps: Mapping[str, Any]) -> requests.Session:
    """A new session that serves each base URL from its app, e.g. {"http://shipstation.sim": app}."""
    session = requests.Session()
    for base_url, app in apps.items():
        mount_app(session, base_url, app)
    return session
