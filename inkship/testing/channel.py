"""How a test-kit handle reaches a simulator's `/__sim/` control plane: Flask's test client when the
app is in this process, plain HTTP (urllib, which no `requests` mock intercepts) when it is a server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

CONTROL_TIMEOUT = 30.0


class SimulatorRefused(Exception):
    """The control plane answered an error: the message carries its method, path, status and reason."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        reason = body.get("error", body) if isinstance(body, dict) else body
        super().__init__(f"{method} {path}: the simulator answered {status}: {reason}")
        self.status = status
        self.body = body


def _query(params: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (params or {}).items() if v is not None}


class ControlChannel:
    """Sends control-plane calls to one simulator: `app` (a Flask app) or `base_url` (a running server)."""

    def __init__(self, *, app: Any = None, base_url: str | None = None) -> None:
        if (app is None) == (base_url is None):
            raise ValueError("give either the simulator's app or its base URL")
        self._client = app.test_client() if app is not None else None
        self.base_url = base_url.rstrip("/") if base_url else None

    def call(self, method: str, path: str, *, json_body: Any = None,
             params: dict[str, Any] | None = None) -> Any:
        """The JSON answer of `method path`; raises SimulatorRefused on a 4xx or 5xx answer."""
        if self._client is not None:
            response = self._client.open(path, method=method, json=json_body, query_string=_query(params))
            status, body = response.status_code, response.get_json(silent=True)
            if body is None:
                body = response.get_data(as_text=True)
        else:
            status, body = self._over_http(method, path, json_body, params)
        if status >= 400:
            raise SimulatorRefused(method, path, status, body)
        return body

    def _over_http(self, method: str, path: str, json_body: Any,
                   params: dict[str, Any] | None) -> tuple[int, Any]:
        query = urllib.parse.urlencode(_query(params))
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        data = None if json_body is None else json.dumps(json_body).encode()
        request = urllib.request.Request(url, data=data, method=method,  # noqa: S310 - our own server URL
                                         headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT) as answer:  # noqa: S310
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode("utf-8", "replace")
