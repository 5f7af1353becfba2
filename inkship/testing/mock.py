"""`mock_shipstation()` and `mock_inksoft()`: a fresh simulator serving the real API hosts in process.

Each is a decorator (sync or async functions), a context manager (`with mock_shipstation() as sim:`)
and, through the pytest plugin, a fixture. Inside, `requests` calls to the real hosts are answered by
the simulator (see intercept.py), and so are httpx's when httpx is installed (httpx_support.py).
`sockets=True` serves the simulator on a local port instead and forwards the calls over the socket.
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from types import TracebackType
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import requests

from inkship.simulators.clock import SimClock
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.server import ThreadedServer
from inkship.simulators.transport import route_session
from inkship.testing.channel import ControlChannel
from inkship.testing.handles import INKSOFT_HOST_URL, SHIPSTATION_URL, InkSoftSim, ShipStationSim, SimHandle
from inkship.testing.intercept import Interceptor, SimTarget

H = TypeVar("H", bound=SimHandle)
F = TypeVar("F", bound=Callable[..., Any])
# First StoreId given to stores named only by URI in `mock_inksoft(stores=[...])`.
FIRST_MOCK_STORE_ID = 5001

_active: list[SimulatorMock[Any]] = []
_active_lock = threading.Lock()


class SimulatorMock(Generic[H]):
    """One simulator for the time the mock is active. `handle` drives it (None before `start`)."""

    name = ""
    seeds_at_creation = False  # the simulator takes the seed in its config (and keeps it across reset)

    def __init__(self, *, passthrough: bool = True, sockets: bool = False,
                 credentials: SimCredentials | None = None, clock: SimClock | None = None,
                 seed: Mapping[str, Any] | None = None, httpx: bool = True,
                 config: Mapping[str, Any] | None = None) -> None:
        self.passthrough = passthrough
        self.sockets = sockets
        self.credentials = credentials or SimCredentials.from_env()
        self.clock = clock
        self.seed_document = dict(seed or {})
        self.patch_httpx = httpx
        self.config = dict(config or {})
        self.handle: H | None = None
        self._stack: ExitStack | None = None

    # -- what each simulator says --------------------------------------------------------------

    def _create_app(self) -> Any:
        raise NotImplementedError

    def _prefixes(self) -> list[str]:
        raise NotImplementedError

    def _make_handle(self, channel: ControlChannel, app: Any) -> H:
        raise NotImplementedError

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> H:
        """Create a fresh simulator and start serving the real hosts from it; returns its handle."""
        if self._stack is not None:
            raise RuntimeError(f"this {self.name} mock is already started")
        stack = ExitStack()
        try:
            app = self._create_app()
            server_url = None
            if self.sockets:
                server_url = stack.enter_context(ThreadedServer(app)).url
            target = SimTarget(self.name, self._prefixes(), app, server_url)
            interceptor = Interceptor([target], self.passthrough)
            interceptor.start()
            stack.callback(interceptor.stop)
            if self.patch_httpx and importlib.util.find_spec("httpx") is not None:
                from inkship.testing.httpx_support import HttpxPatch
                patch = HttpxPatch()
                patch.start()
                stack.callback(patch.stop)
            channel = ControlChannel(base_url=server_url) if server_url else ControlChannel(app=app)
            self.handle = self._make_handle(channel, app)
            self.handle.server_url = server_url
            if self.seed_document and not self.seeds_at_creation:
                self.handle.seed(self.seed_document)
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        with _active_lock:
            _active.append(self)
        return self.handle

    def stop(self) -> None:
        """Stop serving; the handle still reads the state of an in-process simulator afterwards."""
        if self._stack is None:
            return
        with _active_lock:
            if self in _active:
                _active.remove(self)
        stack, self._stack = self._stack, None
        stack.close()

    def __enter__(self) -> H:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __call__(self, func: F) -> F:
        """As a decorator: a fresh simulator for each call; `current_shipstation()` and
        `current_inksoft()` give the handle inside."""
        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)
            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)
        return run  # type: ignore[return-value]


class ShipStationMock(SimulatorMock[ShipStationSim]):
    name = "ShipStation"

    def __init__(self, *, base_url: str = SHIPSTATION_URL, rate_limit: int | None = 40,
                 receivers: Mapping[str, Any] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.base_url = base_url.rstrip("/")
        self.rate_limit = rate_limit
        self.receivers = dict(receivers or {})

    def _create_app(self) -> Any:
        from inkship.simulators.shipstation.app import create_app
        # Webhooks leave through a plain session (so through the mocks, like any call), or straight to
        # the test's own receiver apps.
        session = route_session(self.receivers) if self.receivers else requests.Session()
        config: dict[str, Any] = {"credentials": self.credentials, "rate_limit": self.rate_limit,
                                  "webhook_session": session, "public_base_url": self.base_url}
        if self.clock is not None:
            config["clock"] = self.clock
        return create_app({**config, **self.config})

    def _prefixes(self) -> list[str]:
        return [self.base_url + "/"]

    def _make_handle(self, channel: ControlChannel, app: Any) -> ShipStationSim:
        return ShipStationSim(channel, self.base_url, self.credentials, app=app)


def mock_shipstation(*, passthrough: bool = True, sockets: bool = False,
                     credentials: SimCredentials | None = None, clock: SimClock | None = None,
                     seed: Mapping[str, Any] | None = None, rate_limit: int | None = 40,
                     receivers: Mapping[str, Any] | None = None, base_url: str = SHIPSTATION_URL,
                     httpx: bool = True, config: Mapping[str, Any] | None = None) -> ShipStationMock:
    """Serve `https://ssapi.shipstation.com` from a fresh ShipStation simulator.

    passthrough   calls to other hosts go on as usual (True) or raise `requests.ConnectionError` (False)
    sockets       serve the simulator on 127.0.0.1 (port 0) and forward the calls over that socket
    credentials   what the simulator accepts (default: INKSHIP_SIM_* or `sim-key`/`sim-secret`)
    clock         a `SimClock` to share (e.g. the `sim_clock` fixture); default a real-time clock
    seed          a seed document applied at start (`{"orders": [...], "stores": [...], ...}`)
    rate_limit    requests per minute before 429 (ShipStation's 40); None turns it off
    receivers     `{base_url: wsgi_app}`: webhooks to these URLs go to your app in process
    base_url      the host to serve (another spelling of the real one, or a stand-in)
    httpx         also serve httpx clients' calls (when httpx is installed)
    config        more `create_app` keys (e.g. `{"fire_order_notify_on_create": True}`)
    """
    return ShipStationMock(passthrough=passthrough, sockets=sockets, credentials=credentials, clock=clock,
                           seed=seed, rate_limit=rate_limit, receivers=receivers, base_url=base_url,
                           httpx=httpx, config=config)


def _store_entry(store: str | Mapping[str, Any], index: int) -> tuple[str, dict[str, Any]]:
    """(API base URL, seed store) for a `stores=` entry: a StoreUri, a store URL, or a seed dict with
    an optional `url`."""
    given = {"StoreUri": store} if isinstance(store, str) else dict(store)
    url = given.pop("url", None)
    uri = str(given.get("StoreUri", ""))
    if "://" in uri:
        url, uri = uri, ""
    if url:
        parts = urlsplit(url)
        uri = uri or parts.path.strip("/").split("/")[0]
        host_url = f"{parts.scheme}://{parts.netloc}"
    else:
        host_url = INKSOFT_HOST_URL
    if not uri:
        raise ValueError(f"store {store!r}: give a StoreUri or a store URL such as {INKSOFT_HOST_URL}/demo")
    seed_store = {"StoreId": FIRST_MOCK_STORE_ID + index, "Name": uri, **given, "StoreUri": uri,
                  "Domain": urlsplit(host_url).netloc}
    return f"{host_url}/{uri}", seed_store


class InkSoftMock(SimulatorMock[InkSoftSim]):
    name = "InkSoft"
    seeds_at_creation = True

    def __init__(self, *, stores: Iterable[str | Mapping[str, Any]] | None = None, **options: Any) -> None:
        super().__init__(**options)
        entries = [_store_entry(store, i) for i, store in enumerate(stores or [])]
        if not entries:
            default = self.credentials.inksoft_store
            entries = [(f"{INKSOFT_HOST_URL}/{default}", {})]
        self.store_urls = [url for url, _ in entries]
        self.stores = [store for _, store in entries if store]

    def _create_app(self) -> Any:
        from inkship.simulators.inksoft.app import create_app
        seed = {**self.seed_document}
        if self.stores:
            seed["stores"] = [*self.stores, *seed.get("stores", [])]
        config: dict[str, Any] = {"credentials": self.credentials, "seed": seed}
        if self.clock is not None:
            config["clock"] = self.clock
        return create_app({**config, **self.config})

    def _prefixes(self) -> list[str]:
        return [url + "/" for url in self.store_urls]

    def _make_handle(self, channel: ControlChannel, app: Any) -> InkSoftSim:
        host = urlsplit(self.store_urls[0])
        handle = InkSoftSim(channel, f"{host.scheme}://{host.netloc}", self.credentials, app=app)
        handle.store_urls = {url.rsplit("/", 1)[1].lower(): url for url in self.store_urls}
        return handle


def mock_inksoft(*, stores: Iterable[str | Mapping[str, Any]] | None = None, passthrough: bool = True,
                 sockets: bool = False, credentials: SimCredentials | None = None,
                 clock: SimClock | None = None, seed: Mapping[str, Any] | None = None,
                 httpx: bool = True, config: Mapping[str, Any] | None = None) -> InkSoftMock:
    """Serve the InkSoft API 2 of the given stores from a fresh InkSoft simulator.

    stores   each a StoreUri on stores.inksoft.com (`"Devo_Designs"`), a store URL on its own domain
             (`"https://shop.example.com/My_Store"`), or a seed store dict (`{"StoreUri", "Name",
             "CustomStatuses", "url"?}`); every store belongs to the simulator's publisher, so its API
             key (`credentials.inksoft_api_key`) works on all. Default: the simulator's store
             (`demo_print_shop`). Other stores' URLs are not intercepted.
    The other options are those of `mock_shipstation`; `config` takes InkSoft's `create_app` keys
    (`quirks`, `default_page_size`, `max_page_size`, `seed_demo`).
    """
    return InkSoftMock(stores=stores, passthrough=passthrough, sockets=sockets, credentials=credentials,
                       clock=clock, seed=seed, httpx=httpx, config=config)


def _current(kind: type[SimulatorMock[H]]) -> H:
    with _active_lock:
        for mock in reversed(_active):
            if isinstance(mock, kind) and mock.handle is not None:
                return mock.handle
    raise RuntimeError(f"no {kind.name} mock is active")


def current_shipstation() -> ShipStationSim:
    """The handle of the innermost active `mock_shipstation` (e.g. inside a decorated test)."""
    return _current(ShipStationMock)


def current_inksoft() -> InkSoftSim:
    """The handle of the innermost active `mock_inksoft`."""
    return _current(InkSoftMock)
