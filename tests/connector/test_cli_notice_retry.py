"""Issue 10, defect 8, the polling side: with the Custom Store enabled, `inkship sync` writes back a ship
notice whose InkSoft write failed earlier (left pending with its payload), once."""

from __future__ import annotations

from pathlib import Path

import pytest
from inkship.connector.config import load_config
from inkship.connector.customstore.shipnotify import ledger_id
from inkship.connector.mapping.items import item_ref_for
from inkship.connector.mapping.keys import order_key_for
from inkship.connector.state.store import StateStore

from tests.connector.test_cli_support import (
    Sims,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    make_sims,
    write_config,
)

pytestmark = pytest.mark.usefixtures("isolated_cli")
TRACKING = "1Z0000000000000042"


def test_sync_writes_a_pending_custom_store_notice_once(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    sims: Sims = make_sims()
    path = write_config(tmp_path, sims.credentials)
    for name, value in (("ENABLED", "true"), ("USERNAME", "ss"), ("PASSWORD", "custom-store-pass")):
        monkeypatch.setenv(f"INKSHIP_CUSTOM_STORE_{name}", value)
    order = next(o for o in sims.inksoft_state()["orders"] if o.get("ShippingAddress") and o["Items"])
    line = item_ref_for(order["Items"][0])
    key = ledger_id(f"shipnotify:{order_key_for(order)}:{TRACKING}")
    # What a ship notice whose InkSoft write failed leaves behind: a pending row with its payload.
    with StateStore(load_config(path).state.database) as state:
        state.ledger_claim(key, order_key=order_key_for(order), inksoft_id=order["ID"],
                           tracking_number=TRACKING,
                           payload={"tracking_number": TRACKING, "carrier": "UPS", "service": "UPS Ground",
                                    "ship_date": "2026-11-02", "items": [[line, 1]], "mark_completed": False,
                                    "notify_customer": False})
        state.ledger_release(key, "InkSoft answered 503")

    first = invoke(sims, path, "sync")
    second = invoke(sims, path, "sync")

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    packages = [p for o in sims.inksoft_state()["orders"] if o["ID"] == order["ID"]
                for s in o.get("Shipments") or [] for p in s["Packages"]]
    assert [p["TrackingNumber"] for p in packages].count(TRACKING) == 1
    with StateStore(load_config(path).state.database) as state:
        assert state.ledger_get(key).state == "written"
