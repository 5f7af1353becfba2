"""Route `requests` calls for the real API hosts to a simulator, through `responses` (after moto).

A `SimTarget` names what one simulator answers (URL prefixes such as `https://ssapi.shipstation.com/`)
and where it runs: its Flask app in this process, or a server on a local socket (the call is then
forwarded over that socket). An `Interceptor` starts a `responses.RequestsMock` holding one
`SimulatorRoute` per target; what no target claims goes to whatever sent requests before it started
(another mock, the user's `responses`, or the network), or fails when passthrough is off.

Living beside the user's own `responses` registrations:
- their mock started first: ours sits on top and hands every other call down to it;
- theirs started inside ours (or `responses.activate` around a test that enters the mock later): our
  routes are also put in `responses`' default registry while the mock is active, so their mock serves
  the simulated hosts too;
- a registration of theirs for a simulated URL wins over the simulator, so one endpoint can be stubbed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.client import responses as reason_phrases
from io import BytesIO
from typing import Any, cast
from urllib.parse import urlsplit

import requests
import responses
import urllib3
from requests.adapters import HTTPAdapter
from urllib3 import HTTPHeaderDict
from urllib3.response import HTTPResponse

from inkship.simulators.transport import WSGITransport

_ACTIVE: list[SimTarget] = []  # innermost last; the innermost target claiming a URL answers it
_ACTIVE_LOCK = threading.Lock()
FORWARD_TIMEOUT = 60.0


@dataclass(eq=False)
class SimTarget:
    """One simulator as the interceptors see it. `prefixes` are `scheme://host/path-prefix` strings,
    compared without regard to case; `server_url` set means forward over a socket instead of in process."""

    name: str
    prefixes: Sequence[str]
    app: Any
    server_url: str | None = None
    _lowered: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lowered = tuple(p.lower() for p in self.prefixes)

    def claims(self, url: str) -> bool:
        lowered = url.lower()
        return any(lowered.startswith(prefix) for prefix in self._lowered)

    def forward_url(self, url: str) -> str:
        """The server URL for a call to the real host: same path and query, on the local socket."""
        parts = urlsplit(url)
        return f"{self.server_url}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def innermost_target(url: str) -> SimTarget | None:
    with _ACTIVE_LOCK:
        return next((t for t in reversed(_ACTIVE) if t.claims(url)), None)


def activate(target: SimTarget) -> None:
    with _ACTIVE_LOCK:
        _ACTIVE.append(target)


def deactivate(target: SimTarget) -> None:
    with _ACTIVE_LOCK:
        if target in _ACTIVE:
            _ACTIVE.remove(target)


def _user_registration_for(request: requests.PreparedRequest) -> bool:
    """True when the user's active default `responses` mock has its own registration for this call."""
    default = responses._default_mock
    if getattr(default, "_patcher", None) is None:
        return False
    return any(not isinstance(r, SimulatorRoute) and r.matches(request)[0] for r in default.registered())


class SimulatorRoute(responses.BaseResponse):
    """A `responses` registration that answers whatever its target claims, from the simulator."""

    def __init__(self, target: SimTarget) -> None:
        super().__init__(method="*", url=re.compile(".*"))
        self.target = target

    # Identity, not responses' method-and-URL equality: every route is its own registration.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    @property
    def call_count(self) -> int:
        # The simulator is not an expectation: never "not fired" for assert_all_requests_are_fired.
        return max(1, len(self.calls))

    def matches(self, request: requests.PreparedRequest) -> tuple[bool, str]:
        url = str(request.url)
        if innermost_target(url) is not self.target:
            return False, f"not a {self.target.name} simulator URL"
        if _user_registration_for(request):
            return False, "the test registered its own response for this URL"
        return True, ""

    def get_response(self, request: requests.PreparedRequest) -> HTTPResponse:
        timeout = getattr(request, "req_kwargs", {}).get("timeout")
        if self.target.server_url is not None:
            return _forward(self.target.forward_url(str(request.url)), request, timeout)
        answer = WSGITransport(self.target.app).send(request, timeout=timeout)
        headers = HTTPHeaderDict(list(answer.headers.items()))
        return HTTPResponse(body=BytesIO(answer.content), headers=headers, status=answer.status_code,
                            reason=answer.reason, preload_content=False, decode_content=False,
                            request_method=request.method)


def _forward(url: str, request: requests.PreparedRequest, timeout: Any) -> HTTPResponse:
    """Send the call to the simulator's server over a real socket; its failures become requests'."""
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    body = request.body.encode() if isinstance(request.body, str) else request.body
    try:
        answer = _POOL.urlopen(request.method or "GET", url, body=body, headers=headers, redirect=False,
                               retries=False, preload_content=False, decode_content=False,
                               timeout=_urllib3_timeout(timeout))
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.ReadTimeout(str(exc), request=request) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise requests.ConnectionError(str(exc), request=request) from exc
    if not answer.reason:
        answer.reason = reason_phrases.get(answer.status, "")
    return cast(HTTPResponse, answer)  # a pool's urlopen answers with urllib3's HTTPResponse


_POOL = urllib3.PoolManager()


def _urllib3_timeout(timeout: Any) -> urllib3.Timeout:
    if isinstance(timeout, tuple):
        return urllib3.Timeout(connect=timeout[0], read=timeout[1])
    if isinstance(timeout, urllib3.Timeout):
        return timeout
    return urllib3.Timeout(total=timeout if timeout is not None else FORWARD_TIMEOUT)


Send = Callable[..., requests.Response]


class Interceptor:
    """A started `responses` mock serving `targets`; other hosts follow `passthrough` (see module doc)."""

    def __init__(self, targets: Sequence[SimTarget], passthrough: bool) -> None:
        self.targets = list(targets)
        self.passthrough = passthrough
        self._routes = [SimulatorRoute(t) for t in self.targets]
        self._mock: responses.RequestsMock | None = None
        self._previous: Send = responses._real_send

    def start(self) -> None:
        # Whatever sends requests now (the network, or another mock's patch) gets what we do not claim.
        self._previous = HTTPAdapter.send
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False,
                                            real_adapter_send=self._other_hosts)  # type: ignore[arg-type]
        for route in self._routes:
            self._mock.add(route)
        self._mock.add_passthru(re.compile(".*"))
        for target in self.targets:
            activate(target)
        for route in self._routes:
            responses._default_mock.add(route)
        self._mock.start()

    def stop(self) -> None:
        if self._mock is None:
            return
        self._mock.stop(allow_assert=False)
        self._mock = None
        for route in self._routes:
            responses._default_mock.remove(route)
        for target in self.targets:
            deactivate(target)

    @property
    def calls(self) -> responses.CallList:
        """Every call this interceptor saw (served, handed on, or refused)."""
        return self._mock.calls if self._mock is not None else responses.CallList()

    def _other_hosts(self, adapter: HTTPAdapter, request: requests.PreparedRequest,
                     **kwargs: Any) -> requests.Response:
        handed_on_to_a_mock = self._previous is not responses._real_send
        if self.passthrough or handed_on_to_a_mock:
            return self._previous(adapter, request, **kwargs)
        raise requests.ConnectionError(
            f"{request.method} {request.url}: not a simulated host, and the inkship mock was started "
            "with passthrough=False", request=request)
