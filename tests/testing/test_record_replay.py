"""inkship record and replay: traffic to the simulators recorded through the proxy (real sockets on
127.0.0.1), no secret or personal datum in the file, and the replay round-trips."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner
from inkship.connector.cli import main
from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.server import ThreadedServer
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from inkship.testing import replay
from inkship.testing.masking import Masker
from inkship.testing.record import RecordingProxy

pytestmark = pytest.mark.sockets

# Credentials that look like real ones: none of them may reach the recorded file.
CREDENTIALS = SimCredentials(shipstation_api_key="a4f1c9e07b2d4e",
                             shipstation_api_secret="9c2e71b0ff3a4d",
                             inksoft_api_key="ink-7d1e9a03c4", inksoft_username="owner@inkwell.example",
                             inksoft_password="Tr0ub4dor&3")
PERSONAL = ["Ada Lovelace", "ada@lovelace.example", "12 Analytical Way", "503-555-0199", "Grace Hopper",
            "1 Navy Road"]
SHIP_TO = {"name": "Ada Lovelace", "company": "Analytical Engines", "street1": "12 Analytical Way",
           "city": "Portland", "state": "OR", "postalCode": "97201", "country": "US", "phone": "503-555-0199"}


def record_shipstation(out: Path) -> None:
    """An integration's day, through the proxy: list, read one, create one, buy a label, a bad key."""
    app = create_shipstation_app({"credentials": CREDENTIALS, "rate_limit": None})
    with ThreadedServer(app) as simulator:
        requests.post(f"{simulator.url}/__sim/seed", timeout=5, json={"orders": [
            {"orderNumber": "5001", "orderKey": "k-5001", "customerEmail": "ada@lovelace.example",
             "billTo": {"name": "Ada Lovelace"}, "shipTo": SHIP_TO}]})
        with ThreadedServer(RecordingProxy(target=simulator.url, out=out)) as proxy:
            auth = (CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret)
            listed = requests.get(f"{proxy.url}/orders", auth=auth, timeout=5,
                                  params={"orderStatus": "awaiting_shipment"}).json()
            order_id = listed["orders"][0]["orderId"]
            requests.get(f"{proxy.url}/orders/{order_id}", auth=auth, timeout=5).raise_for_status()
            created = requests.post(f"{proxy.url}/orders/createorder", auth=auth, timeout=5, json={
                "orderNumber": "5002", "orderKey": "k-5002", "orderDate": "2026-11-02T08:00:00",
                "orderStatus": "awaiting_shipment", "customerEmail": "grace@navy.example",
                "billTo": {"name": "Grace Hopper"},
                "shipTo": {**SHIP_TO, "name": "Grace Hopper", "street1": "1 Navy Road"},
                "items": [{"lineItemKey": "a", "sku": "TEE", "name": "Tee", "quantity": 1}]}).json()
            label = requests.post(f"{proxy.url}/orders/createlabelfororder", auth=auth, timeout=5, json={
                "orderId": created["orderId"], "carrierCode": "ups_walleted", "serviceCode": "ups_ground",
                "confirmation": "none", "shipDate": "2026-11-03"})
            assert label.status_code == 200
            requests.get(f"{proxy.url}/shipments", auth=auth, params={"orderId": created["orderId"]},
                         timeout=5)
            assert requests.get(f"{proxy.url}/orders", auth=("stale", "key"), timeout=5).status_code == 401


def record_inksoft(out: Path) -> str:
    app = create_inksoft_app({"credentials": CREDENTIALS, "seed_demo": True})
    with ThreadedServer(app) as simulator, \
            ThreadedServer(RecordingProxy(target=simulator.url, out=out)) as proxy:
        base = f"{proxy.url}/{CREDENTIALS.inksoft_store}/Api2"
        signed_in = requests.post(f"{base}/SignIn", timeout=5, data={
            "Username": CREDENTIALS.inksoft_username, "Password": CREDENTIALS.inksoft_password,
            "PublisherId": CREDENTIALS.inksoft_publisher_id}).json()
        token = signed_in["Data"]["Token"]
        summaries = requests.get(f"{base}/GetOrderSummaries", params={"SessionToken": token},
                                 timeout=5).json()
        first = summaries["Data"][0]["ID"]
        requests.get(f"{base}/GetOrder", params={"ApiKey": CREDENTIALS.inksoft_api_key, "OrderId": first},
                     timeout=5)
        requests.get(f"{base}/GetOrder", params={"ApiKey": "revoked-key-1234", "OrderId": first}, timeout=5)
    return token


def secrets_of_shipstation() -> list[str]:
    basic = base64.b64encode(
        f"{CREDENTIALS.shipstation_api_key}:{CREDENTIALS.shipstation_api_secret}".encode()).decode()
    return [CREDENTIALS.shipstation_api_key, CREDENTIALS.shipstation_api_secret, basic]


def test_a_shipstation_recording_holds_no_secret_and_replays_clean(tmp_path: Path) -> None:
    out = tmp_path / "shipstation.yaml"
    record_shipstation(out)
    text = out.read_text(encoding="utf-8")
    for secret in [*secrets_of_shipstation(), *PERSONAL]:
        assert secret not in text, secret
    document = yaml.safe_load(text)
    seeded_id = document["given"]["shipstation"]["orders"][0]["orderId"]
    assert [e["request"]["path"] for e in document["exchanges"]][:3] == [
        "/orders", f"/orders/{seeded_id}", "/orders/createorder"]
    assert [o["orderKey"] for o in document["given"]["shipstation"]["orders"]] == ["k-5001"]  # not 5002
    seeded = document["given"]["shipstation"]["orders"][0]
    first_answer = document["exchanges"][0]["response"]["json"]["orders"][0]
    assert seeded["shipTo"]["name"] == first_answer["shipTo"]["name"] != "Ada Lovelace"  # consistent fakes
    assert document["exchanges"][-1]["request"]["auth"] == "<refused-credentials>"
    for sockets in (False, True):
        report = replay(out, sockets=sockets)
        assert (report.exchanges, report.differences) == (6, []), report.text()


def test_an_inksoft_recording_holds_no_secret_and_replays_clean(tmp_path: Path) -> None:
    out = tmp_path / "inksoft.yaml"
    token = record_inksoft(out)
    text = out.read_text(encoding="utf-8")
    for secret in (CREDENTIALS.inksoft_api_key, CREDENTIALS.inksoft_password, CREDENTIALS.inksoft_username,
                   token, "revoked-key-1234", "Dana", "Ortiz"):
        assert secret not in text, secret
    report = replay(out)
    assert (report.exchanges, report.differences) == (4, []), report.text()


def test_replay_reports_status_field_and_type_differences(tmp_path: Path) -> None:
    out = tmp_path / "shipstation.yaml"
    record_shipstation(out)
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    listed = document["exchanges"][0]["response"]
    listed["json"]["orders"][0]["giftWrap"] = True  # a field the real API has and the simulator lacks
    listed["json"]["total"] = "1"  # a type the real API uses
    document["exchanges"][1]["response"]["status"] = 202
    out.write_text(yaml.safe_dump(document), encoding="utf-8")
    report = replay(out)
    assert sorted(d.text() for d in report.differences) == sorted([
        "#1 GET /orders: missing field at orders[].giftWrap: recorded boolean, simulator absent",
        "#1 GET /orders: type at total: recorded string, simulator number",
        f"#2 GET {document['exchanges'][1]['request']['path']}: status: recorded 202, simulator 200"])
    outcome = CliRunner().invoke(main, ["replay", str(out)])
    assert outcome.exit_code == 1 and "3 differences" in outcome.output


def test_an_exchange_that_cannot_be_replayed_is_one_difference_and_the_rest_go_on(tmp_path: Path) -> None:
    out = tmp_path / "shipstation.yaml"
    record_shipstation(out)
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    document["exchanges"][0]["api"] = "inksoft"  # no InkSoft simulator in given
    document["faults"] = {"shipstation": [{"action": "drop", "method": "POST", "path": "createlabel"}]}
    out.write_text(yaml.safe_dump(document), encoding="utf-8")
    report = replay(out)
    assert report.exchanges == 6
    assert [(d.index, d.kind) for d in report.differences] == [(1, "not replayed"), (4, "connection")]


def test_the_replay_command_exits_0_on_a_faithful_recording(tmp_path: Path) -> None:
    out = tmp_path / "shipstation.yaml"
    record_shipstation(out)
    outcome = CliRunner().invoke(main, ["replay", str(out)])
    assert outcome.exit_code == 0, outcome.output
    assert "6 exchanges replayed: the simulator answered as recorded" in outcome.output


def test_the_record_command_is_registered() -> None:
    outcome = CliRunner().invoke(main, ["record", "--help"])
    assert outcome.exit_code == 0 and "--target" in outcome.output and "--port" in outcome.output


def test_xml_bodies_are_masked_by_their_tags() -> None:
    masker = Masker()
    xml = ("<Orders><Order><CustomerEmail><![CDATA[ada@lovelace.example]]></CustomerEmail>"
           "<ShipTo><Name><![CDATA[Ada Lovelace]]></Name><Company>Analytical Engines</Company>"
           "<Address1>12 Analytical Way</Address1><City>Portland</City><Phone>503-555-0199</Phone></ShipTo>"
           "<Items><Item><Name>Black tee</Name></Item></Items><ApiKey>k-123456</ApiKey></Order></Orders>")
    masked = masker.mask_text(xml)
    for personal in ("ada@lovelace.example", "Ada Lovelace", "Analytical Engines", "12 Analytical Way",
                     "503-555-0199", "k-123456"):
        assert personal not in masked, personal
    assert "<City>Portland</City>" in masked and "<Name>Black tee</Name>" in masked
    assert masked == masker.mask_text(xml)  # consistent
    assert masked.count("<![CDATA[") == 2


def test_fakes_are_consistent_within_a_recording_and_differ_between_recordings() -> None:
    first, second = Masker(), Masker()
    order = {"customerEmail": "ada@lovelace.example", "shipTo": SHIP_TO, "note": "mail ada@lovelace.example"}
    masked, again, other = first.mask(order), first.mask(order), second.mask(order)
    assert masked == again and masked != other
    assert masked["note"] == f"mail {masked['customerEmail']}"
    assert masked["shipTo"]["city"] == "Portland" and masked["shipTo"]["street1"] != SHIP_TO["street1"]
    assert masked["shipTo"]["company"] != "Analytical Engines"
    masked_credentials = first.mask({"ApiKey": "k-123456", "Password": "p"})
    assert masked_credentials == {"ApiKey": "<api-key>", "Password": "<password>"}
    assert first.scrub("token k-123456 leaked") == "token <secret> leaked"
