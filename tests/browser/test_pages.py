"""Every page in Chromium beyond the story: voiding a label, bad URLs answered with 400 or 404 and a
message, each page at 390 px without sideways scrolling and passing axe-core, keyboard use, and a
browser's favicon requests kept out of the request journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from inkship.demo.story import Demo
from tests.browser.conftest import BrowserThread, demo_world
from tests.browser.pages import NARROW, accessibility_violations, axe_script, check_page, new_page


def _pages(world: Demo, group: str) -> list[tuple[str, str]]:
    """(name, URL) of every kind of page of one server, with the shop imported and one order shipped."""
    inksoft, shipstation = world.inksoft.url, world.shipstation.url
    if group == "inksoft":
        return [("inksoft-stores", f"{inksoft}/__sim/ui/"),
                ("inksoft-store", f"{inksoft}/__sim/ui/stores/{world.credentials.inksoft_store}"),
                ("inksoft-order", f"{inksoft}/__sim/ui/orders/1001"),
                ("inksoft-new-order", f"{inksoft}/__sim/ui/orders/new"),
                ("inksoft-journal", f"{inksoft}/__sim/ui/journal"),
                ("inksoft-bad-url", f"{inksoft}/__sim/ui/orders/abc")]
    return [("shipstation-orders", f"{shipstation}/__sim/ui/orders?status=all"),
            ("shipstation-order", f"{shipstation}/__sim/ui/order?orderId={_first_order_id(world)}"),
            ("shipstation-shipments", f"{shipstation}/__sim/ui/shipments"),
            ("shipstation-fulfillments", f"{shipstation}/__sim/ui/fulfillments"),
            ("shipstation-webhooks", f"{shipstation}/__sim/ui/webhooks"),
            ("shipstation-journal", f"{shipstation}/__sim/ui/journal"),
            ("shipstation-journal-entry", f"{shipstation}/__sim/ui/journal/1")]


def _first_order_id(world: Demo) -> int:
    orders = requests.get(f"{world.shipstation.url}/__sim/state", timeout=10).json()["orders"]
    return int(orders[0]["orderId"])


def _imported_and_one_shipped(world: Demo) -> None:
    world.engine().sync()
    order_id = _first_order_id(world)
    requests.post(f"{world.shipstation.url}/__sim/labels", json={"orderIds": [order_id]},
                  timeout=10).raise_for_status()


@pytest.fixture(scope="module")
def shop() -> Iterator[Demo]:
    """One world for the tests that only look: the shop imported and one order shipped."""
    with demo_world() as world:
        _imported_and_one_shipped(world)
        yield world


@pytest.mark.parametrize("group", ["inksoft", "shipstation"])
def test_every_simulator_page_fits_390_px_and_passes_axe(chromium: BrowserThread, shop: Demo,
                                                          artifacts: Path, group: str) -> None:
    pages = _pages(shop, group)

    def visit(browser: Any) -> None:
        page = new_page(browser, NARROW, axe=True)
        for name, url in pages:
            response = page.goto(url)
            assert response is not None and response.status in (200, 404), name
            check_page(page, artifacts, f"narrow-{name}", axe=True)
        page.context.close()

    chromium.run(visit)


def test_the_status_page_fits_390_px_and_passes_axe(chromium: BrowserThread, shop: Demo,
                                                    artifacts: Path) -> None:
    secret = shop.config.webhook.status_token or ""

    def visit(browser: Any) -> None:
        page = new_page(browser, NARROW, axe=True)
        response = page.goto(f"{shop.receiver.url}/status")
        assert response is not None and response.status == 401
        check_page(page, artifacts, "narrow-status-sign-in", axe=True)
        page.get_by_label("Secret", exact=True).fill(secret)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Last runs").wait_for()
        check_page(page, artifacts, "narrow-status", axe=True)
        page.context.close()

    chromium.run(visit)


def test_voiding_a_label_from_the_shipments_page(chromium: BrowserThread, world: Demo,
                                                 artifacts: Path) -> None:
    _imported_and_one_shipped(world)
    shipment = requests.get(f"{world.shipstation.url}/__sim/state", timeout=10).json()["shipments"][0]

    def void(browser: Any) -> None:
        page = new_page(browser)
        page.goto(f"{world.shipstation.url}/__sim/ui/shipments")
        page.get_by_role("button", name=f"Void label {shipment['trackingNumber']}").click()
        done = f"Voided the label of shipment {shipment['shipmentId']}"
        page.get_by_role("status").filter(has_text=done).wait_for()
        row = page.locator("tbody tr").filter(has_text=shipment["trackingNumber"])
        assert "voided" in row.inner_text()
        check_page(page, artifacts, "void-shipments")
        page.context.close()

    chromium.run(void)
    state = requests.get(f"{world.shipstation.url}/__sim/state", timeout=10).json()
    assert state["shipments"][0]["voided"] is True
    order = next(o for o in state["orders"] if o["orderId"] == shipment["orderId"])
    assert order["orderStatus"] == "awaiting_shipment"
    journal = requests.get(f"{world.shipstation.url}/__sim/journal", params={"path": "/__sim/ui/void"},
                           timeout=10).json()["requests"]
    assert [entry["status"] for entry in journal] == [303]


def test_bad_urls_answer_400_or_404_with_a_message(chromium: BrowserThread, shop: Demo,
                                                    artifacts: Path) -> None:
    cases = [(f"{shop.shipstation.url}/__sim/ui/order?orderId=abc", 400, "orderId must be a whole number"),
             (f"{shop.shipstation.url}/__sim/ui/order?orderId=424242", 404, "No order with orderId 424242"),
             (f"{shop.shipstation.url}/__sim/ui/orders?page=-1", 400, "page must be at least 1"),
             (f"{shop.inksoft.url}/__sim/ui/orders/abc", 404, "No order 'abc'"),
             (f"{shop.inksoft.url}/__sim/ui/stores/nowhere", 404, "No store 'nowhere'")]

    def visit(browser: Any) -> None:
        page = new_page(browser)
        for number, (url, status, message) in enumerate(cases):
            response = page.goto(url)
            assert response is not None and response.status == status, url
            assert message in page.get_by_role("alert").inner_text()
            check_page(page, artifacts if number == 0 else None, f"bad-url-{number}")
        page.context.close()

    chromium.run(visit)


def test_keyboard_reaches_the_skip_link_first_and_every_control_has_a_label(chromium: BrowserThread,
                                                                           shop: Demo) -> None:
    order_page = f"{shop.shipstation.url}/__sim/ui/order?orderId={_first_order_id(shop)}"

    def keyboard(browser: Any) -> None:
        page = new_page(browser)
        page.goto(order_page)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
        unlabelled = page.evaluate("""
            [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)""")
        assert unlabelled == []
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("[...document.images].every(i => i.hasAttribute('alt'))")
        page.context.close()

    chromium.run(keyboard)


def test_favicon_requests_stay_out_of_the_journal(chromium: BrowserThread, shop: Demo) -> None:
    def browse(browser: Any) -> None:
        page = new_page(browser)
        for url in (f"{shop.shipstation.url}/__sim/ui/orders", f"{shop.shipstation.url}/favicon.ico",
                    f"{shop.inksoft.url}/__sim/ui/", f"{shop.inksoft.url}/favicon.ico"):
            response = page.goto(url)
            assert response is not None and response.status == 200
        page.context.close()

    chromium.run(browse)
    for base in (shop.shipstation.url, shop.inksoft.url):
        journal = requests.get(f"{base}/__sim/journal", timeout=10).json()["requests"]
        assert [e["path"] for e in journal if "favicon" in e["path"] or "/__sim/" in e["path"]] == []


def test_the_accessibility_check_does_fail_a_bad_page(chromium: BrowserThread) -> None:
    def check(browser: Any) -> str:
        page = new_page(browser)
        page.goto("about:blank")
        page.set_content("<html><body><input name=q><img src=x.png></body></html>")
        page.evaluate(axe_script().read_text())  # set_content does not run the context's init scripts
        report = accessibility_violations(page)
        page.context.close()
        return report

    report = chromium.run(check)
    for rule in ("html-has-lang", "image-alt", "label"):
        assert rule in report
