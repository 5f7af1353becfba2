"""httpx support: transports on a simulator app, and the patch the mocks apply to httpx's own transports.

For code that takes a client: `httpx.Client(transport=httpx_transport(sim))`, or
`httpx.AsyncClient(transport=async_httpx_transport(sim))`. For code that builds its own client (an SDK),
the mocks patch `httpx.HTTPTransport` and `httpx.AsyncHTTPTransport` while active, for the URLs their
simulators claim. httpx is not an inkship dependency: this module imports it only when used.

Faults behave as with `requests` in process: a dropped connection raises `httpx.RemoteProtocolError`,
a delay at least the read timeout raises `httpx.ReadTimeout`, a shorter delay is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpx

from inkship.simulators.control import ENV_FAULT_SIGNALS
from inkship.testing.intercept import SimTarget, innermost_target


def _app_of(sim_or_app: Any) -> Any:
    app = getattr(sim_or_app, "app", sim_or_app)
    if app is None:
        raise ValueError("this simulator runs in another process: point the client at its URL instead")
    return app


def _read_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    read = timeout.get("read")
    return float(read) if read is not None else None


class _FaultAwareWSGI:
    """httpx's WSGITransport on a simulator app, turning the control plane's fault signals into errors."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def handle(self, request: httpx.Request) -> httpx.Response:
        signals: dict[str, Any] = {}

        def app_with_signals(environ: dict, start_response: Callable) -> Iterable[bytes]:
            environ[ENV_FAULT_SIGNALS] = signals
            return self.app(environ, start_response)

        response = httpx.WSGITransport(app=app_with_signals).handle_request(request)
        response.read()
        if signals.get("drop"):
            raise httpx.RemoteProtocolError("connection dropped by a simulated fault", request=request)
        read_timeout = _read_timeout(request)
        delay = signals.get("delay")
        if delay is not None and read_timeout is not None and delay >= read_timeout:
            raise httpx.ReadTimeout(f"simulated delay of {delay}s reached the read timeout of "
                                    f"{read_timeout}s", request=request)
        return response


class SimulatorTransport(httpx.BaseTransport):
    """A sync httpx transport serving every request from one simulator app, in process."""

    def __init__(self, sim_or_app: Any) -> None:
        self._wsgi = _FaultAwareWSGI(_app_of(sim_or_app))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._wsgi.handle(request)


class AsyncSimulatorTransport(httpx.AsyncBaseTransport):
    """An async httpx transport serving every request from one simulator app (the app runs inline)."""

    def __init__(self, sim_or_app: Any) -> None:
        self._wsgi = _FaultAwareWSGI(_app_of(sim_or_app))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        answer = self._wsgi.handle(request)
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content,
                              extensions=answer.extensions)


def httpx_transport(sim_or_app: Any) -> httpx.BaseTransport:
    """`httpx.Client(transport=httpx_transport(shipstation_sim), base_url=shipstation_sim.url)`."""
    return SimulatorTransport(sim_or_app)


def async_httpx_transport(sim_or_app: Any) -> httpx.AsyncBaseTransport:
    """`httpx.AsyncClient(transport=async_httpx_transport(shipstation_sim), base_url=...)`."""
    return AsyncSimulatorTransport(sim_or_app)


def _to_server(target: SimTarget, request: httpx.Request) -> None:
    """Point a request for the real host at the simulator's local server instead."""
    forwarded = httpx.URL(target.forward_url(str(request.url)))
    request.url = forwarded
    request.headers["Host"] = forwarded.netloc.decode("ascii")


class HttpxPatch:
    """While started, httpx's default transports hand the simulated hosts' requests to the simulators.

    Reentrant across nested mocks: only the outermost start patches, only its stop restores.
    """

    _depth = 0
    _originals: tuple[Any, Any] | None = None

    def start(self) -> None:
        cls = type(self)
        cls._depth += 1
        if cls._depth > 1:
            return
        sync_send = httpx.HTTPTransport.handle_request
        async_send = httpx.AsyncHTTPTransport.handle_async_request
        cls._originals = (sync_send, async_send)

        def handle_request(transport: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
            target = innermost_target(str(request.url))
            if target is None:
                return sync_send(transport, request)
            if target.server_url is not None:
                _to_server(target, request)
                return sync_send(transport, request)
            return _FaultAwareWSGI(target.app).handle(request)

        async def handle_async_request(transport: httpx.AsyncHTTPTransport,
                                       request: httpx.Request) -> httpx.Response:
            target = innermost_target(str(request.url))
            if target is None:
                return await async_send(transport, request)
            if target.server_url is not None:
                _to_server(target, request)
                return await async_send(transport, request)
            return await AsyncSimulatorTransport(target.app).handle_async_request(request)

        setattr(httpx.HTTPTransport, "handle_request", handle_request)  # noqa: B010 - patching a method
        setattr(httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request)  # noqa: B010

    def stop(self) -> None:
        cls = type(self)
        cls._depth -= 1
        if cls._depth > 0 or cls._originals is None:
            return
        sync_send, async_send = cls._originals
        setattr(httpx.HTTPTransport, "handle_request", sync_send)  # noqa: B010 - restoring the method
        setattr(httpx.AsyncHTTPTransport, "handle_async_request", async_send)  # noqa: B010
        cls._originals = None
