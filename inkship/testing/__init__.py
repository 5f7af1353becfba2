"""inkship's simulators as a test kit for your own ShipStation and InkSoft code.

    from inkship.testing import mock_shipstation

    @mock_shipstation()
    def test_lists_orders():
        sim = current_shipstation()
        sim.add_orders({"orderNumber": "1001"})
        assert my_code.list_awaiting() == ["1001"]

Names are imported on first use, so `import inkship.testing` (and the pytest plugin) stays cheap:
nothing heavy (Flask, requests, responses, the simulators) loads until a mock or handle is used.
See docs/testing-your-integration.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "mock_shipstation": "inkship.testing.mock",
    "mock_inksoft": "inkship.testing.mock",
    "current_shipstation": "inkship.testing.mock",
    "current_inksoft": "inkship.testing.mock",
    "ShipStationSim": "inkship.testing.handles",
    "InkSoftSim": "inkship.testing.handles",
    "SimHandle": "inkship.testing.handles",
    "SHIPSTATION_URL": "inkship.testing.handles",
    "INKSOFT_HOST_URL": "inkship.testing.handles",
    "SimulatorRefused": "inkship.testing.channel",
    "httpx_transport": "inkship.testing.httpx_support",
    "async_httpx_transport": "inkship.testing.httpx_support",
    "SimClock": "inkship.simulators.clock",
    "SimCredentials": "inkship.simulators.credentials",
    "load_fixture": "inkship.testing.fixturefile",
    "run_fixture": "inkship.testing.fixturefile",
    "replay": "inkship.testing.replay",
}

__all__ = [
    "INKSOFT_HOST_URL", "SHIPSTATION_URL", "InkSoftSim", "ShipStationSim", "SimClock", "SimCredentials",
    "SimHandle", "SimulatorRefused", "async_httpx_transport", "current_inksoft", "current_shipstation",
    "httpx_transport", "load_fixture", "mock_inksoft", "mock_shipstation", "replay", "run_fixture",
]

if TYPE_CHECKING:
    from inkship.simulators.clock import SimClock
    from inkship.simulators.credentials import SimCredentials
    from inkship.testing.channel import SimulatorRefused
    from inkship.testing.fixturefile import load_fixture, run_fixture
    from inkship.testing.handles import (
        INKSOFT_HOST_URL,
        SHIPSTATION_URL,
        InkSoftSim,
        ShipStationSim,
        SimHandle,
    )
    from inkship.testing.httpx_support import async_httpx_transport, httpx_transport
    from inkship.testing.mock import current_inksoft, current_shipstation, mock_inksoft, mock_shipstation
    from inkship.testing.replay import replay


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'inkship.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
