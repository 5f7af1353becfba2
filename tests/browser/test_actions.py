"""The other actions of the issue's bullets, in Chromium: in ShipStation the status tabs, search, store
filter, sorting and paging, hold until a date and restore, mark as shipped without a label, the fulfillments
list, a webhook redelivery and the journal's filters and detail; in InkSoft an order from a template,
a custom status, Complete, Cancelled, a new ship-to and deletion."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from inkship.demo.story import Demo
from tests.browser.conftest import BrowserThread
from tests.browser.pages import check_page, new_page


def _state(base_url: str) -> dict:
    return requests.get(f"{base_url}/__sim/state", timeout=10).json()  # type: ignore[no-any-return]


def test_shipstation_actions(chromium: BrowserThread, world: Demo, artifacts: Path) -> None:
    world.engine().sync()
    awaiting = [o for o in _state(world.shipstation.url)["orders"] if o["orderStatus"] == "awaiting_shipment"]
    held, marked = awaiting[0], awaiting[1]
    base = f"{world.shipstation.url}/__sim/ui"

    def act(browser: Any) -> None:
        page = new_page(browser)
        page.goto(f"{base}/orders")
        tab = page.get_by_role("link", name=re.compile(r"^Awaiting Shipment \d+$"))
        assert tab.get_attribute("aria-current") == "page"
        page.get_by_role("link", name=re.compile(r"^On Hold \d+$")).click()
        assert page.get_by_role("heading", name=re.compile("^On Hold")).is_visible()
        page.get_by_role("link", name=re.compile(r"^All \d+$")).click()
        page.get_by_label("Search", exact=True).fill(held["orderNumber"])
        store = str(held["advancedOptions"]["storeId"])
        page.get_by_role("combobox", name="Store", exact=True).select_option(store)
        page.get_by_role("combobox", name="Order", exact=True).select_option("ASC")
        page.get_by_role("button", name="Show").click()
        assert page.locator("tbody tr").filter(has_text=held["orderNumber"]).count() >= 1


        page.goto(f"{base}/order?orderId={held['orderId']}")
        page.get_by_label("Date", exact=True).fill("2031-01-05")
        page.get_by_role("button", name="Hold").click()
        page.get_by_role("status").filter(has_text="Order held").wait_for()
        hold_heading = page.get_by_role("heading", level=2, name=re.compile("^On hold"))
        assert "until 2031-01-05" in hold_heading.inner_text()
        page.get_by_role("button", name="Restore from hold").click()
        page.get_by_role("status").filter(has_text="restored").wait_for()

        page.goto(f"{base}/order?orderId={marked['orderId']}")
        marking = page.locator("form").filter(has=page.get_by_role("button", name="Mark as shipped"))
        marking.get_by_role("combobox", name="Carrier", exact=True).select_option("fedex")
        marking.get_by_label("Tracking number", exact=True).fill("794600000001")
        marking.get_by_label("Notify customer", exact=True).check()
        marking.get_by_role("button", name="Mark as shipped").click()
        page.get_by_role("status").filter(has_text="Marked as shipped").wait_for()
        page.get_by_role("link", name="Fulfillments").click()
        assert "794600000001" in page.locator("tbody").inner_text()
        check_page(page, artifacts, "shipstation-fulfillments")

        page.goto(f"{base}/orders")
        page.get_by_label(f"Select order {held['orderNumber']}", exact=True).check()
        page.get_by_role("button", name="Create labels").click()
        page.get_by_role("status").filter(has_text="Created 1 label(s).").wait_for()
        page.get_by_role("link", name="Webhooks").click()
        redeliver = page.get_by_role("button", name=re.compile(r"^Redeliver \d+$")).first
        redeliver.click()
        page.get_by_role("status").filter(has_text="sent again").wait_for()
        assert world.token not in page.content()
        check_page(page, artifacts, "shipstation-webhooks")

        page.get_by_role("link", name="Request journal").click()
        page.get_by_role("combobox", name="Method", exact=True).select_option("POST")
        page.get_by_label("Path starts with", exact=True).fill("/__sim/ui/order/")
        page.get_by_role("button", name="Filter").click()
        rows = page.locator("tbody tr")
        assert rows.count() == 3  # hold, restore, mark as shipped
        rows.first.get_by_role("link").click()
        assert "794600000001" in page.locator("pre").inner_text()
        check_page(page, artifacts, "shipstation-journal-entry")

        bulk = [{"orderNumber": f"BULK-{n:02d}"} for n in range(30)]
        seeded = requests.post(f"{world.shipstation.url}/__sim/seed", json={"orders": bulk}, timeout=10)
        seeded.raise_for_status()
        page.goto(f"{base}/orders?sortDir=ASC")
        assert "Page 1 of 2" in page.locator(".pager").inner_text()
        page.get_by_role("link", name="Next page").click()
        assert "Page 2 of 2" in page.locator(".pager").inner_text()
        assert page.locator("tbody tr").filter(has_text="BULK-29").count() == 1
        page.context.close()

    chromium.run(act)
    deliveries = _state(world.shipstation.url)["deliveries"]
    assert [len(d["attempts"]) for d in deliveries] == [2]  # the label's SHIP_NOTIFY, then once again


def test_inksoft_actions(chromium: BrowserThread, world: Demo, artifacts: Path) -> None:
    base = f"{world.inksoft.url}/__sim/ui"

    def act(browser: Any) -> str:
        page = new_page(browser)
        page.goto(f"{base}/orders/new")
        page.get_by_role("combobox", name="From a template", exact=True).select_option(index=1)
        page.get_by_role("button", name="Create order").click()
        notice = page.get_by_role("status").filter(has_text="created (Open)")
        notice.wait_for()
        order_id = re.findall(r"Order (\d+) created", notice.inner_text())[0]
        for status in ("Awaiting Art", "Complete", "Cancelled"):
            page.get_by_role("combobox", name="Production status", exact=True).select_option(status)
            page.get_by_role("button", name="Move").click()
            page.get_by_role("status").filter(has_text=f"is now {status}").wait_for()
        page.get_by_label("City", exact=True).fill("Salem")
        page.get_by_label("Postcode", exact=True).fill("97301")
        page.get_by_role("button", name="Save ship-to").click()
        page.get_by_role("status").filter(has_text="Ship-to of order").wait_for()
        assert "Salem" in page.locator("section[aria-labelledby=ship-to]").inner_text()
        check_page(page, artifacts, "inksoft-order-actions")
        page.get_by_role("button", name=f"Delete order {order_id}").click()
        page.get_by_role("status").filter(has_text=f"Order {order_id} deleted.").wait_for()
        assert page.locator("tbody").get_by_role("link", name=order_id, exact=True).count() == 0
        page.context.close()
        return order_id

    order_id = chromium.run(act)
    assert int(order_id) not in [o["ID"] for o in _state(world.inksoft.url)["orders"]]
    changes = requests.get(f"{world.inksoft.url}/__sim/journal", timeout=10).json()["requests"]
    assert [e["path"] for e in changes if e["method"] == "POST"] == [
        "/__sim/ui/orders", *["/__sim/ui/orders/status"] * 3, "/__sim/ui/orders/ship-to",
        "/__sim/ui/orders/delete"]
