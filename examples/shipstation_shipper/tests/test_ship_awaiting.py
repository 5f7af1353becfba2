"""ship_awaiting.py against the ShipStation simulator, through inkship's public test kit only: the
decorator, a fixture, one fault, a scenario file of its own (tests/scenarios) and a replayed recording."""

from __future__ import annotations

from pathlib import Path

import pytest
import ship_awaiting

from inkship.testing import current_shipstation, mock_shipstation, replay

HERE = Path(__file__).parent


@pytest.fixture
def tracking_csv(tmp_path: Path) -> str:
    path = tmp_path / "tracking.csv"
    path.write_text("orderNumber,carrierCode,trackingNumber\n"
                    "A-1,ups_walleted,1Z999AA10123456784\n"
                    "A-2,fedex,794612345678\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, shipstation_sim) -> None:
    monkeypatch.setenv("SHIPSTATION_API_KEY", shipstation_sim.credentials.shipstation_api_key)
    monkeypatch.setenv("SHIPSTATION_API_SECRET", shipstation_sim.credentials.shipstation_api_secret)


@mock_shipstation()
def test_marks_the_awaiting_orders_of_the_export_shipped(tracking_csv: str, monkeypatch) -> None:
    sim = current_shipstation()
    monkeypatch.setenv("SHIPSTATION_API_KEY", sim.credentials.shipstation_api_key)
    monkeypatch.setenv("SHIPSTATION_API_SECRET", sim.credentials.shipstation_api_secret)
    sim.add_orders({"orderNumber": "A-1"}, {"orderNumber": "A-2"}, {"orderNumber": "A-3"})

    assert ship_awaiting.main([tracking_csv]) == 0

    assert [sim.order(n)["orderStatus"] for n in ("A-1", "A-2", "A-3")] == [
        "shipped", "shipped", "awaiting_shipment"]
    marked = sim.journal("POST", "/orders/markasshipped")
    assert sorted(e["body"].count("794612345678") for e in marked) == [0, 1]


def test_pages_through_every_awaiting_order(shipstation_sim, credentials, tmp_path: Path) -> None:
    numbers = [f"P-{n}" for n in range(1, 131)]
    shipstation_sim.add_orders(*({"orderNumber": n} for n in numbers))
    export = tmp_path / "tracking.csv"
    export.write_text("orderNumber,carrierCode,trackingNumber\nP-130,usps,9400111899223334445566\n",
                      encoding="utf-8")

    assert ship_awaiting.main([str(export)]) == 0

    assert shipstation_sim.order("P-130")["orderStatus"] == "shipped"
    assert shipstation_sim.count("GET", "/orders") == 2  # 130 orders, 100 a page


def test_a_refused_mark_is_reported_and_the_others_go_on(shipstation_sim, credentials, tracking_csv,
                                                          capsys) -> None:
    shipstation_sim.add_orders({"orderNumber": "A-1"}, {"orderNumber": "A-2"})
    shipstation_sim.add_fault("status", method="POST", path="^/orders/markasshipped$", status=400,
                              body={"Message": "The request is invalid."}, times=1)

    assert ship_awaiting.main([tracking_csv]) == 1

    assert "not marked: 400 Client Error" in capsys.readouterr().err
    assert sorted(o["orderStatus"] for o in shipstation_sim.orders()) == ["awaiting_shipment", "shipped"]


def test_rate_limited_calls_wait_for_the_reset_and_go_on(shipstation_sim, credentials, tracking_csv) -> None:
    shipstation_sim.add_orders({"orderNumber": "A-1"})
    shipstation_sim.add_fault("status", method="GET", path="^/orders$", status=429, times=1,
                              headers={"X-Rate-Limit-Reset": "7"})
    waits: list[float] = []

    assert ship_awaiting.main([tracking_csv], sleep=waits.append) == 0

    assert waits == [7.0]
    assert shipstation_sim.order("A-1")["orderStatus"] == "shipped"


def test_wrong_credentials_are_refused(shipstation_sim, monkeypatch, tracking_csv) -> None:
    monkeypatch.setenv("SHIPSTATION_API_KEY", "not-my-key")
    monkeypatch.setenv("SHIPSTATION_API_SECRET", "not-my-secret")
    with pytest.raises(Exception, match="401"):
        ship_awaiting.main([tracking_csv])


def test_the_recorded_session_replays_as_recorded() -> None:
    report = replay(HERE / "recordings" / "list_and_mark_shipped.yaml")
    assert report.ok, report.text()
    assert report.exchanges == 2
