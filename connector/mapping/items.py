"""InkSoft lines → ShipStation items: the line reference, the production card joined to each line
(sku, design, colour, size, print method, preview), options, weights and the discount line. Pure.

- `lineItemKey` = item GUID, else `OrderRetailItemSizeId`;
- `sku` = production card `ProductSku` + "-" + card size (`YPT-NVY` + `YM` → `YPT-NVY-YM`);
- discounts: one adjustment line (`adjustment: true`, negative `unitPrice`, sku `total-discount`);
- a line without a weight gets `settings.default_weight` (in `settings.weight_unit`, else ounces) or none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from inkship.connector.config import MappingConfig
from inkship.connector.mapping import fields as f
from inkship.connector.mapping import limits
from inkship.connector.mapping.images import resolve_image_url
from inkship.connector.mapping.reading import (
    money_at,
    number_at,
    objects_in,
    optional_object_at,
    quantity_of,
    reject,
    text_at,
)
from inkship.connector.mapping.weights import DEFAULT_WEIGHT_UNIT, weight

ItemRef = str | int  # an InkSoft line: ItemGuid, else OrderRetailItemSizeId
DISCOUNT_LINE_KEY = "inksoft-discount"
DISCOUNT_SKU = "total-discount"


def item_ref_for(item: Mapping, field: str = f.ITEMS) -> ItemRef:
    """An InkSoft line's reference: its ItemGuid (text), else its OrderRetailItemSizeId (int).

    The type tells the InkSoft client which id it is; `lineItemKey` is the reference as text.
    """
    guid = text_at(item.get(f.ITEM_GUID), f"{field}.{f.ITEM_GUID}")
    if guid:
        return guid
    size_id = item.get(f.ITEM_SIZE_ID)
    if isinstance(size_id, bool) or not isinstance(size_id, int):
        raise reject(f"{field} has neither {f.ITEM_GUID} nor an integer {f.ITEM_SIZE_ID}", field)
    return size_id


def item_aliases(order: Mapping) -> dict[str, ItemRef]:
    """Every way an InkSoft line can be named (GUID, size id) → its item reference.

    A shipment may name a line by its size id after InkSoft gave it a GUID, or the reverse.
    """
    aliases: dict[str, ItemRef] = {}
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        ref = item_ref_for(item, field)
        for key in (f.ITEM_SIZE_ID, f.ITEM_GUID):
            if item.get(key) is not None:
                aliases[str(item[key])] = ref
        aliases[str(ref)] = ref
    return aliases


def ordered_quantities(order: Mapping) -> dict[ItemRef, int]:
    """Units ordered per item reference. Raises OrderRejected naming a line it cannot read."""
    ordered: dict[ItemRef, int] = {}
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        ref = item_ref_for(item, field)
        quantity = quantity_of(item.get(f.ITEM_QUANTITY), f"{field}.{f.ITEM_QUANTITY}")
        ordered[ref] = ordered.get(ref, 0) + quantity
    return ordered


def _card_index(order: dict) -> dict[str, tuple[dict, dict]]:
    """Production card and card item for each item reference (size id or GUID) they name."""
    index: dict[str, tuple[dict, dict]] = {}
    for card_field, card in objects_in(order.get(f.PRODUCTION_CARDS), f.PRODUCTION_CARDS):
        for _, card_item in objects_in(card.get(f.CARD_ITEMS), f"{card_field}.{f.CARD_ITEMS}"):
            for key in (f.ITEM_GUID, f.ITEM_SIZE_ID):
                if card_item.get(key) is not None:
                    index.setdefault(str(card_item[key]), (card, card_item))
    return index


def _card_for(item: dict, index: dict[str, tuple[dict, dict]]) -> tuple[dict, dict]:
    for key in (f.ITEM_GUID, f.ITEM_SIZE_ID):
        if item.get(key) is not None and str(item[key]) in index:
            return index[str(item[key])]
    return {}, {}


def lines(order: dict, settings: MappingConfig, units: str, store_domain: str | None) -> list[dict]:
    """The order's lines as ShipStation items; FieldRejected for a line it cannot map."""
    index = _card_index(order)
    mapped: list[dict] = []
    seen: set[str] = set()
    for field, item in objects_in(order.get(f.ITEMS), f.ITEMS):
        line = _line(item, field, _card_for(item, index), settings, units, store_domain)
        if line["lineItemKey"] in seen:
            raise reject(f"{field} repeats line reference {line['lineItemKey']!r}", field)
        seen.add(line["lineItemKey"])
        mapped.append(line)
    return mapped


def _line(item: dict, field: str, joined: tuple[dict, dict], settings: MappingConfig, units: str,
          store_domain: str | None) -> dict[str, Any]:
    card, card_item = joined
    key = str(item_ref_for(item, field))
    if limits.utf16_length(key) > limits.LINE_ITEM_KEY:
        raise reject(f"{field} line reference is longer than {limits.LINE_ITEM_KEY}", field)
    size = text_at(card_item.get(f.CARD_ITEM_SIZE), f"{f.PRODUCTION_CARDS}.{f.CARD_ITEMS}.{f.CARD_ITEM_SIZE}")
    product_sku = text_at(card.get(f.CARD_SKU), f"{f.PRODUCTION_CARDS}.{f.CARD_SKU}")
    sku = "-".join(part for part in (product_sku, size) if part) if product_sku else None
    name = (text_at(item.get(f.ITEM_NAME), f"{field}.{f.ITEM_NAME}", limits.ITEM_NAME)
            or text_at(card.get(f.CARD_PRODUCT_NAME), f"{f.PRODUCTION_CARDS}.{f.CARD_PRODUCT_NAME}",
                       limits.ITEM_NAME))
    if name is None:
        raise reject(f"{field} has no {f.ITEM_NAME}", f"{field}.{f.ITEM_NAME}")
    line_weight = number_at(item.get(f.ITEM_WEIGHT), f"{field}.{f.ITEM_WEIGHT}", minimum=0,
                            maximum=limits.WEIGHT_MAX)
    if line_weight is None and settings.default_weight is not None:
        line_weight, units = settings.default_weight, settings.weight_unit or DEFAULT_WEIGHT_UNIT
    location = (text_at(item.get(f.ITEM_STOCK_LOCATION), f"{field}.{f.ITEM_STOCK_LOCATION}", limits.LOCATION)
                or limits.fit(settings.default_location or "", limits.LOCATION) or None)
    return {
        "lineItemKey": key,
        "sku": limits.fit(sku, limits.SKU) if sku else None,
        "name": name,
        "imageUrl": _fitting(resolve_image_url(_image_url(item, card, field), store_domain)),
        "weight": weight(line_weight, units),
        "quantity": quantity_of(item.get(f.ITEM_QUANTITY), f"{field}.{f.ITEM_QUANTITY}"),
        "unitPrice": money_at(item.get(f.ITEM_UNIT_PRICE), f"{field}.{f.ITEM_UNIT_PRICE}"),
        "warehouseLocation": location,
        "options": _options(item, field, card, size),
        "adjustment": False,
    }


def _fitting(url: str | None) -> str | None:
    """A URL cut short would point elsewhere: one too long for ShipStation is left out instead."""
    return url if url is None or limits.utf16_length(url) <= limits.IMAGE_URL else None


def _image_url(item: dict, card: dict, field: str) -> str | None:
    preview = text_at(card.get(f.CARD_PREVIEW_URL), f"{f.PRODUCTION_CARDS}.{f.CARD_PREVIEW_URL}")
    if preview:
        return preview
    for where, side in objects_in(item.get(f.ITEM_SIDE_PREVIEWS), f"{field}.{f.ITEM_SIDE_PREVIEWS}"):
        url = text_at(side.get(f.PREVIEW_DESIGN_ON_PRODUCT), f"{where}.{f.PREVIEW_DESIGN_ON_PRODUCT}")
        if url:
            return url
    return None


def _options(item: dict, field: str, card: dict, size: str | None) -> list[dict[str, str]]:
    """Design, Color, Size, Print method, Style, then add-ons and personalisation; empty ones left out.

    Names and values are cut to ShipStation's 30 characters and at most 10 options are kept (the
    standard ones come first). Style is shown only when it says more than Color.
    """
    art = optional_object_at(card.get(f.CARD_ART), f"{f.PRODUCTION_CARDS}.{f.CARD_ART}") or {}
    color = text_at(card.get(f.CARD_COLOR), f"{f.PRODUCTION_CARDS}.{f.CARD_COLOR}")
    style = text_at(card.get(f.CARD_STYLE), f"{f.PRODUCTION_CARDS}.{f.CARD_STYLE}")
    pairs: list[tuple[str | None, str | None]] = [
        ("Design", text_at(art.get(f.CARD_ART_NAME), f"{f.PRODUCTION_CARDS}.{f.CARD_ART}.{f.CARD_ART_NAME}")),
        ("Color", color),
        ("Size", size),
        ("Print method",
         text_at(card.get(f.CARD_PRINT_METHOD), f"{f.PRODUCTION_CARDS}.{f.CARD_PRINT_METHOD}")),
        ("Style", style if style and (color is None or style.casefold() != color.casefold()) else None),
    ]
    for where, addon in objects_in(item.get(f.ITEM_ADDONS), f"{field}.{f.ITEM_ADDONS}"):
        pairs.append(("Add-on", text_at(addon.get("Name"), f"{where}.Name")))
    for where, value in objects_in(item.get(f.ITEM_PERSONALIZATIONS), f"{field}.{f.ITEM_PERSONALIZATIONS}"):
        pairs.append((text_at(value.get("Name"), f"{where}.Name") or "Personalization",
                      text_at(value.get("Value"), f"{where}.Value")))
    options = [{"name": limits.fit(name, limits.OPTION_NAME), "value": limits.fit(value, limits.OPTION_VALUE)}
               for name, value in pairs if name and value]
    return options[:limits.OPTIONS_PER_ITEM]


def discount_line(discount: float, codes: list[str]) -> dict[str, Any]:
    label = f"Discount ({', '.join(codes)})" if codes else "Discount"
    return {"lineItemKey": DISCOUNT_LINE_KEY, "sku": DISCOUNT_SKU,
            "name": limits.fit(label, limits.ITEM_NAME), "imageUrl": None, "weight": None, "quantity": 1,
            "unitPrice": -abs(discount), "warehouseLocation": None, "options": [], "adjustment": True}
