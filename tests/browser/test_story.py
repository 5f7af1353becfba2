"""The whole story in Chromium: a shop creates an order in InkSoft and marks it Ready to Ship; the
connector imports it; ShipStation's order page shows its options; the user ships it in two packages;
InkSoft shows it shipped with both tracking numbers; the connector's status page shows the write-backs.
A screenshot of each page is kept (tests/browser/conftest.py says where)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from inkship.demo.story import Demo
from tests.browser.conftest import BrowserThread
from tests.browser.pages import check_page, new_page

CUSTOMER = ("Morgan", "Quill")


def create_ready_order(page: Any, world: Demo, artifacts: Path) -> str:
    """InkSoft: the new order form, then Ready to Ship by keyboard. Returns the order's page URL."""
    page.goto(f"{world.inksoft.url}/__sim/ui/orders/new")
    page.get_by_label("First name", exact=True).fill(CUSTOMER[0])
    page.get_by_label("Last name", exact=True).fill(CUSTOMER[1])
    page.get_by_label("Email", exact=True).fill("morgan@example.com")
    page.get_by_label("Product", exact=True).fill("Brewery Crew Tee")
    page.get_by_label("Colour", exact=True).fill("Heather Grey")
    page.get_by_label("Size", exact=True).fill("XL")
    page.get_by_label("Quantity", exact=True).fill("3")
    page.get_by_role("combobox", name="Print method", exact=True).select_option("Screen Print")
    for label, value in (("Name", "Morgan Quill"), ("Street", "9 Hop Yard Rd"), ("City", "Bend"),
                         ("State", "OR"), ("Postcode", "97702")):
        page.get_by_label(label, exact=True).fill(value)
    check_page(page, artifacts, "01-inksoft-new-order")
    page.get_by_role("button", name="Create order").click()
    page.get_by_role("status").filter(has_text="created (Open)").wait_for()

    status = page.get_by_role("combobox", name="Production status", exact=True)
    status.focus()
    status.select_option("Ready to Ship")
    page.keyboard.press("Tab")  # the form's own button is next in the focus order
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="is now Ready to Ship").wait_for()
    check_page(page, artifacts, "02-inksoft-order-ready")
    return str(page.url).split("?")[0]


def open_in_shipstation(page: Any, world: Demo, artifacts: Path) -> None:
    """ShipStation: find the imported order by customer, open it, see design, colour and size."""
    page.goto(f"{world.shipstation.url}/__sim/ui/orders")
    page.get_by_label("Search", exact=True).fill(CUSTOMER[1])
    page.get_by_role("combobox", name="Search in", exact=True).select_option("customer")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("tbody tr").filter(has_text="Morgan Quill")
    assert rows.count() == 1
    check_page(page, artifacts, "03-shipstation-orders")
    rows.get_by_role("link").click()
    items = page.locator("table").first
    for text in ("Brewery Crew Tee", "Heather Grey", "XL", "Screen Print"):
        assert text in items.inner_text(), text
    assert "9 Hop Yard Rd" in page.locator("section[aria-labelledby=ship-to]").inner_text()


def ship_in_two_packages(page: Any, artifacts: Path) -> list[str]:
    """The label form: UPS Ground, 2 units in package 1 and 1 in package 2. Returns the tracking numbers."""
    page.get_by_role("combobox", name="Carrier", exact=True).first.select_option("ups_walleted")
    page.get_by_role("combobox", name="Service", exact=True).select_option("ups_ground")
    page.get_by_label(re.compile(r"^Package 1: units of")).fill("2")
    page.get_by_label(re.compile(r"^Package 2: units of")).fill("1")
    check_page(page, artifacts, "04-shipstation-order-detail")
    page.get_by_role("button", name="Create label(s)").click()
    notice = page.get_by_role("status").filter(has_text="Created 2 label(s)")
    notice.wait_for()
    tracking = re.findall(r"1Z[0-9A-Z]{16}", notice.inner_text())
    assert len(tracking) == 2
    check_page(page, artifacts, "05-shipstation-labels")
    return tracking


def test_the_whole_story_in_a_browser(chromium: BrowserThread, world: Demo, artifacts: Path) -> None:
    def story(browser: Any) -> tuple[str, list[str]]:
        page = new_page(browser)
        order_url = create_ready_order(page, world, artifacts)
        report = world.engine().sync()  # one pass of `inkship sync`, over sockets
        assert report.ok and report.import_report is not None
        assert any(line.outcome == "created" for line in report.import_report.lines)
        open_in_shipstation(page, world, artifacts)
        tracking = ship_in_two_packages(page, artifacts)
        page.context.close()
        return order_url, tracking

    order_url, tracking = chromium.run(story)

    def inksoft_and_status(browser: Any) -> None:
        page = new_page(browser)
        page.goto(order_url)
        shipped = page.get_by_role("table").filter(has_text="Tracking").last.inner_text()
        assert all(number in shipped for number in tracking), shipped
        assert "Shipped" in page.locator("main").inner_text()
        check_page(page, artifacts, "06-inksoft-order-shipped")

        page.goto(f"{world.receiver.url}/status")
        page.get_by_label("Secret", exact=True).fill(world.config.webhook.status_token or "")
        page.get_by_role("button", name="Sign in").click()
        writebacks = page.get_by_role("table").filter(has_text="Tracking").first
        writebacks.wait_for()
        for number in tracking:
            assert "written" in writebacks.locator("tr").filter(has_text=number).inner_text()
        assert (world.config.webhook.status_token or "-") not in page.content()
        check_page(page, artifacts, "07-connector-status")
        page.context.close()

    chromium.run(inksoft_and_status)
