"""Image URLs ShipStation can load."""

from __future__ import annotations

import copy

import pytest
from inkship.connector.mapping.images import resolve_image_url

from tests.mapping.support import order_with
from tests.mapping.test_example_order import EXAMPLE_ORDER, mapped


def test_image_falls_back_to_side_preview() -> None:
    cards = copy.deepcopy(EXAMPLE_ORDER["ProductionCards"])
    cards[0]["PreviewUrl"] = None
    item = mapped(order_with(ProductionCards=cards))["items"][0]
    assert item["imageUrl"] == "https://stores.inksoft.com/images/preview/120455-front.png"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://stores.inksoft.com/a.png", "https://stores.inksoft.com/a.png"),
        ("http://REPLACE_DOMAIN_WITH/images/a.png", "http://shop.example.com/images/a.png"),
        ("https://REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("//REPLACE_DOMAIN_WITH/images/a.png", "https://shop.example.com/images/a.png"),
        ("//cdn.inksoft.com/a.png", "https://cdn.inksoft.com/a.png"),
        ("cdn.inksoft.com/a.png", "https://cdn.inksoft.com/a.png"),
        ("/images/a.png", "https://shop.example.com/images/a.png"),
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("", None),
        (None, None),
    ],
)
def test_image_urls(url: str | None, expected: str | None) -> None:
    assert resolve_image_url(url, "shop.example.com") == expected


def test_image_domain_may_be_given_as_a_url() -> None:
    assert (
        resolve_image_url("REPLACE_DOMAIN_WITH/a.png", "https://shop.example.com/")
        == "https://shop.example.com/a.png"
    )


def test_placeholder_without_a_domain_is_dropped_not_guessed() -> None:
    assert resolve_image_url("https://REPLACE_DOMAIN_WITH/a.png", None) is None
    assert resolve_image_url("/images/a.png", None) is None


def test_placeholder_in_an_order_uses_the_store_domain() -> None:
    cards = copy.deepcopy(EXAMPLE_ORDER["ProductionCards"])
    cards[0]["PreviewUrl"] = "REPLACE_DOMAIN_WITH/images/preview/120455.png"
    item = mapped(order_with(ProductionCards=cards), store_domain="www.appareljunction.com")["items"][0]
    assert item["imageUrl"] == "https://www.appareljunction.com/images/preview/120455.png"
