"""ShipStation's `internalNotes`: InkSoft's Notes, then discount and coupon information, then the
Timeline as readable lines, cut to ShipStation's limit. Pure."""

from __future__ import annotations

from inkship.connector.mapping import fields as f
from inkship.connector.mapping import limits
from inkship.connector.mapping.reading import money_at, objects_in, text_at


def internal_notes(order: dict, discount: float | None) -> str | None:
    """Adjustments are listed, not priced as lines: whether TotalDiscount already includes them is
    unknown, and listing them cannot double-count."""
    lines = [text_at(order.get(f.NOTES), f.NOTES)]
    discount_code = text_at(order.get(f.DISCOUNT_CODE), f.DISCOUNT_CODE)
    coupon_code = text_at(order.get(f.COUPON_CODE), f.COUPON_CODE)
    lines.append(f"Discount code: {discount_code}" if discount_code else None)
    lines.append(f"Coupon code: {coupon_code}" if coupon_code else None)
    lines.append(f"Total discount: {discount:.2f}" if discount else None)
    for where, adjustment in objects_in(order.get(f.TOTAL_ADJUSTMENTS), f.TOTAL_ADJUSTMENTS):
        amount = money_at(adjustment.get(f.ADJUSTMENT_AMOUNT), f"{where}.{f.ADJUSTMENT_AMOUNT}")
        parts = [text_at(adjustment.get(f.ADJUSTMENT_TYPE), f"{where}.{f.ADJUSTMENT_TYPE}") or "Adjustment",
                 text_at(adjustment.get(f.ADJUSTMENT_DESCRIPTION), f"{where}.{f.ADJUSTMENT_DESCRIPTION}"),
                 None if amount is None else f"{amount:.2f}"]
        lines.append("Adjustment: " + " · ".join(part for part in parts if part))
    activity = []
    for where, entry in objects_in(order.get(f.TIMELINE), f.TIMELINE):
        event = text_at(entry.get(f.TIMELINE_EVENT), f"{where}.{f.TIMELINE_EVENT}")
        comment = text_at(entry.get(f.TIMELINE_COMMENT), f"{where}.{f.TIMELINE_COMMENT}")
        if event or comment:
            activity.append("- " + ": ".join(part for part in (event, comment) if part))
    if activity:
        lines.append("Activity:")
        lines.extend(activity)
    notes = "\n".join(line for line in lines if line)
    return limits.fit(notes, limits.NOTES) or None
