"""Several InkSoft stores end to end on the simulators: one pass syncs every store, each into its own
ShipStation store with its own status table; same order ids never meet; a failing store does not stop
the others; write-backs go to the right store; the stores take turns on the one ShipStation budget."""

from __future__ import annotations

import dataclasses
from typing import Any

from inkship.connector.config import Config, InkSoftConfig, StoreConfig
from inkship.connector.engine.sync import SyncEngine
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.inksoft.defaults import SECOND_STORE_URI
from inkship.simulators.transport import mount_app

from tests.e2e.conftest import CREDENTIALS, INKSOFT_HOST, World

MAIN_SS, TEAM_SS, THIRD_SS = 310001, 310002, 310003
THIRD_STORE_URI = "lakeside_band"


def ready(**fields: Any) -> dict[str, Any]:
    return {"ProductionStatus": "Ready to Ship", "ShippingAddress": True, "Items": [{"Quantity": 2}],
            **fields}


def two_stores(world: World, **team: Any) -> Config:
    """The world's shop as two stores: the main shop and the Riverside team store, each into its own
    ShipStation store; `team` overrides the team store's entry."""
    world.sim_post(world.shipstation_url, "/__sim/seed", {"stores": [
        {"storeId": TEAM_SS, "storeName": "Riverside team store"},
        {"storeId": THIRD_SS, "storeName": "Lakeside band"}]})
    stores = (StoreConfig(name="main", base_url=f"{INKSOFT_HOST}/{CREDENTIALS.inksoft_store}",
                          shipstation_store_id=MAIN_SS),
              StoreConfig(**{"name": "team", "base_url": f"{INKSOFT_HOST}/{SECOND_STORE_URI}",
                             "shipstation_store_id": TEAM_SS, **team}))
    inksoft = InkSoftConfig(api_key=CREDENTIALS.inksoft_api_key, stores=stores)
    return dataclasses.replace(world.config, inksoft=inksoft)


def by_store(world: World) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for order in world.shipstation_orders():
        found.setdefault(order["advancedOptions"]["storeId"], []).append(order["orderNumber"])
    return {store: sorted(numbers) for store, numbers in found.items()}


def test_one_pass_syncs_every_store_into_its_own_shipstation_store_with_its_own_statuses(world):
    config = two_stores(world, statuses={"Awaiting Art": "awaiting_shipment"})
    world.add_orders(ready(ID=101), ready(ID=102, ProductionStatus="Awaiting Art"),
                     ready(ID=201, StoreUri=SECOND_STORE_URI))
    world.inksoft_state.seed({"stores": [{"StoreUri": SECOND_STORE_URI, "CustomStatuses": ["Awaiting Art"]}],
                              "orders": [ready(ID=202, StoreUri=SECOND_STORE_URI,
                                               ProductionStatus="Awaiting Art")]})
    report = world.engine(config=config).sync()
    assert report.ok, report.error
    assert by_store(world) == {MAIN_SS: ["101"], TEAM_SS: ["201", "202"]}
    # "Awaiting Art" is unmapped for the main store (skipped), mapped for the team store.
    main, team = report.stores
    assert (main.store, team.store) == ("main", "team")
    assert [line.order_ref for line in main.import_report.of("skipped")] == ["#102"]
    assert team.import_report.counts["created"] == 2
    assert {(line.store, line.order_ref) for line in report.import_report.of("created")} == {
        ("main", "#101"), ("team", "#201"), ("team", "#202")}
    document = report.to_dict()
    assert set(document["stores"]) == {"main", "team"}
    assert document["import"]["lines"][0]["store"] == "main"
    per_store = world.store().counts_by_store()
    assert per_store["main"]["orders_linked"] == 1 and per_store["team"]["orders_linked"] == 2
    assert per_store["main"]["open_problems"] == 1 and per_store["team"]["open_problems"] == 0


def test_write_backs_go_to_the_store_whose_order_was_shipped(world):
    config = two_stores(world)
    world.add_orders(ready(ID=101), ready(ID=201, StoreUri=SECOND_STORE_URI))
    world.engine(config=config).sync()
    world.create_labels(orderNumbers=["201"])
    world.clock.advance(60)
    report = world.engine(config=config).sync()
    written = report.shipback_report.of("written")
    assert [(line.store, line.order_ref) for line in written] == [("team", "#201")]
    assert world.inksoft_order(201)["ProductionStatus"] == "Complete"
    assert world.inksoft_order(101)["Shipments"] == []
    # The write went to the team store's own URL, and no store saw the other's label as "not ours".
    assert world.journal_count(INKSOFT_HOST, method="POST",
                               path=f"/{SECOND_STORE_URI}/Api2/CreateOrderShipments") == 1
    assert report.shipback_report.of("ignored") == []
    # The main store's ShipStation store is its own: its listings ask for that store only.
    assert world.journal_count(world.shipstation_url, method="GET", path="/shipments") >= 2


def test_a_store_whose_credentials_are_refused_is_reported_and_the_others_sync(world):
    config = two_stores(world, api_key="not-a-valid-key")
    world.add_orders(ready(ID=101), ready(ID=201, StoreUri=SECOND_STORE_URI))
    report = world.engine(config=config).sync()
    assert not report.ok
    assert report.error.startswith("store team: ") and "not valid" in report.error
    assert "not-a-valid-key" not in str(report.to_dict())
    assert by_store(world) == {MAIN_SS: ["101"]}
    main, team = report.stores
    assert main.ok and main.import_report.counts["created"] == 1 and main.shipback_report is not None
    assert team.import_report is None and team.error
    runs = {run.store: run.summary for run in world.store().recent_runs(5)}
    assert runs["main"]["ok"] is True and runs["team"]["ok"] is False


def test_an_inksoft_outage_of_one_store_leaves_the_others_going(world):
    config = two_stores(world)
    world.add_orders(ready(ID=101), ready(ID=201, StoreUri=SECOND_STORE_URI))
    world.add_fault(INKSOFT_HOST, method="GET", path=f"/{SECOND_STORE_URI}/Api2/.*", action="status",
                    status=503)
    report = world.engine(config=config).sync()
    assert "store team: import: " in report.error and by_store(world) == {MAIN_SS: ["101"]}
    world.session.delete(f"{INKSOFT_HOST}/__sim/faults", timeout=10).raise_for_status()
    world.clock.advance(60)
    report = world.engine(config=config).sync()
    assert report.ok and by_store(world) == {MAIN_SS: ["101"], TEAM_SS: ["201"]}


def test_two_stores_with_the_same_order_ids_never_meet(world):
    """Two InkSoft stores (each its own simulator, so both have an order 1001) into one ShipStation store."""
    other = create_inksoft_app({"clock": world.clock, "credentials": CREDENTIALS})
    other.extensions["inkship_sim"].state.seed({"stores": [{"StoreUri": CREDENTIALS.inksoft_store,
                                                            "StoreId": 7707}]})
    mount_app(world.session, "http://other-inksoft.sim", other)
    stores = (StoreConfig(name="main", base_url=f"{INKSOFT_HOST}/{CREDENTIALS.inksoft_store}"),
              StoreConfig(name="other", base_url=f"http://other-inksoft.sim/{CREDENTIALS.inksoft_store}"))
    config = dataclasses.replace(world.config, inksoft=InkSoftConfig(api_key=CREDENTIALS.inksoft_api_key,
                                                                     stores=stores))
    world.add_orders(ready(ID=1001, FirstName="Main"))
    other.extensions["inkship_sim"].state.add_orders([ready(ID=1001, FirstName="Other",
                                                            Items=[{"Quantity": 5}])])
    assert world.engine(config=config).sync().ok
    orders = world.shipstation_orders()
    assert len(orders) == 2 and len({order["orderKey"] for order in orders}) == 2
    assert sorted(order["shipTo"]["name"].split()[0] for order in orders) == ["Main", "Other"]
    world.create_labels(orderNumbers=["1001"])
    world.clock.advance(60)
    report = world.engine(config=config).sync()
    assert sorted(line.store for line in report.shipback_report.of("written")) == ["main", "other"]
    assert len(world.inksoft_order(1001)["Shipments"]) == 1
    assert len(other.extensions["inkship_sim"].state.find_order(1001)["Shipments"]) == 1
    problems = world.store().open_problems()
    assert problems == []


def test_stores_take_turns_on_the_shared_shipstation_budget(world):
    """A store with 350 new orders does not make a store with 120 wait for all of its batches."""
    config = two_stores(world)
    world.inksoft_state.seed({"stores": [{"StoreUri": THIRD_STORE_URI, "StoreId": 1203}]})
    third = StoreConfig(name="band", base_url=f"{INKSOFT_HOST}/{THIRD_STORE_URI}",
                        shipstation_store_id=THIRD_SS)
    config = dataclasses.replace(config, inksoft=dataclasses.replace(
        config.inksoft, stores=(*config.inksoft.stores, third)))
    world.add_orders(*[ready(ID=1000 + n) for n in range(350)],
                     *[ready(ID=5000 + n, StoreUri=SECOND_STORE_URI) for n in range(120)],
                     ready(ID=9000, StoreUri=THIRD_STORE_URI))
    engine = world.engine(config=config)
    batches: list[int] = []
    send = engine.shipstation.http.request_json

    def recording(method: str, path: str, **kw: Any) -> Any:
        if path == "orders/createorders":
            batches.append(kw["json"][0]["advancedOptions"]["storeId"])
        return send(method, path, **kw)

    engine.shipstation.http.request_json = recording  # type: ignore[method-assign]
    assert engine.sync().ok
    assert batches == [MAIN_SS, TEAM_SS, THIRD_SS, MAIN_SS, TEAM_SS, MAIN_SS, MAIN_SS]
    assert isinstance(engine, SyncEngine) and len(world.shipstation_orders()) == 471


def test_stores_sharing_a_shipstation_store_list_its_shipments_once_a_pass(world):
    """Three stores into one ShipStation store: a pass lists shipments (created, voided) as often as
    one store does, and each label still reaches its own store."""
    world.inksoft_state.seed({"stores": [{"StoreUri": THIRD_STORE_URI, "StoreId": 1203}]})
    stores = tuple(StoreConfig(name=name, base_url=f"{INKSOFT_HOST}/{uri}") for name, uri in (
        ("main", CREDENTIALS.inksoft_store), ("team", SECOND_STORE_URI), ("band", THIRD_STORE_URI)))
    config = dataclasses.replace(world.config, inksoft=InkSoftConfig(api_key=CREDENTIALS.inksoft_api_key,
                                                                     stores=stores))
    world.add_orders(ready(ID=101), ready(ID=201, StoreUri=SECOND_STORE_URI),
                     ready(ID=301, StoreUri=THIRD_STORE_URI))
    world.engine(config=config).sync()
    world.create_labels(orderNumbers=["101", "201", "301"])
    world.clock.advance(60)
    world.clear_journals()
    report = world.engine(config=config).sync()
    assert sorted((line.store, line.order_ref) for line in report.shipback_report.of("written")) == [
        ("band", "#301"), ("main", "#101"), ("team", "#201")]
    assert world.journal_count(world.shipstation_url, method="GET", path="/shipments") == 2
    for order_id in (101, 201, 301):
        assert len(world.inksoft_order(order_id)["Shipments"]) == 1
