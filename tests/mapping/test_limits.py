"""Text cleaning and ShipStation's length limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inkship.connector.mapping import limits
from inkship.connector.mapping.limits import ELLIPSIS, fit, strip_xml_forbidden, truncate, utf16_length

from tests.strategies import free_texts

XML_FORBIDDEN = [
    chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF)
]


def test_forbidden_characters_are_removed_and_allowed_ones_kept() -> None:
    assert strip_xml_forbidden("a\x00b\x07c\x1bd\ufffee\ud800f") == "abcdef"
    assert strip_xml_forbidden("tab\tlf\ncr\r & <x> 🎽 \x7f \x85") == "tab\tlf\ncr\r & <x> 🎽 \x7f \x85"


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("🎽") == 2
    assert utf16_length("👩🏽‍💻") == 7  # woman, skin tone, joiner, laptop


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_utf16_length_is_one_unit_per_character_and_two_past_the_basic_plane(text: str) -> None:
    # Lone surrogates included: .NET counts each as one unit, and so must we (never an encoding error).
    assert utf16_length(text) == len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def test_utf16_length_of_lone_surrogates() -> None:
    assert utf16_length("a\ud800b") == 3 and utf16_length("\udfff\ud800") == 2


def test_truncate_keeps_values_within_the_limit_exactly() -> None:
    assert truncate("x" * 30, 30) == "x" * 30


def test_truncate_marks_a_cut_with_an_ellipsis() -> None:
    assert (
        truncate("Youth Performance Tee Navy Large Extra", 30) == "Youth Performance Tee Navy La" + ELLIPSIS
    )


def test_truncate_never_splits_an_emoji() -> None:
    assert truncate("a" + "🎽" * 20, 30) == "a" + "🎽" * 14 + ELLIPSIS
    assert truncate("aa" + "🎽" * 20, 30) == "aa" + "🎽" * 13 + ELLIPSIS


def test_fit_trims_blanks_and_returns_empty_for_nothing() -> None:
    assert fit("  Dana \x00 ", 30) == "Dana"
    assert fit("\x00\x07 ", 30) == ""


@given(free_texts(), st.integers(2, 1200))
def test_fit_is_always_within_limit_and_valid_xml(text: str, limit: int) -> None:
    cleaned = fit(text, limit)
    assert utf16_length(cleaned) <= limit
    assert not any(ch in cleaned for ch in XML_FORBIDDEN)
    kept = strip_xml_forbidden(text).strip()
    if utf16_length(kept) <= limit:
        assert cleaned == kept
    else:
        assert cleaned.endswith(ELLIPSIS)
        assert kept.startswith(cleaned[:-1])
        assert utf16_length(cleaned) >= limit - 2  # nothing dropped that would have fitted


@given(free_texts())
def test_fit_is_idempotent(text: str) -> None:
    assert fit(fit(text, 30), 30) == fit(text, 30)


# ---------------------------------------------------------------- the whole order against the table

def _payload(**changes: object) -> dict:
    payload: dict = {"orderNumber": "58231", "orderKey": "inksoft:12:58231", "amountPaid": 10.0,
                     "shipTo": {"name": "Dana", "country": "US"},
                     "items": [{"lineItemKey": "a", "name": "Tee", "quantity": 2, "unitPrice": 5.0,
                                "weight": {"value": 6.0, "units": "ounces"}, "options": []}]}
    payload.update(changes)
    return payload


def test_an_order_within_the_table_has_no_violation() -> None:
    assert limits.violations(_payload()) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"orderKey": "k" * (limits.ORDER_KEY + 1)}, "orderKey"),
    ({"customerEmail": "e" * (limits.EMAIL + 1)}, "customerEmail"),
    ({"amountPaid": limits.MONEY_MAX * 2}, "amountPaid"),
    ({"amountPaid": float("nan")}, "amountPaid"),
    ({"shipTo": {"name": "n" * 101}}, "shipTo.name"),
    ({"items": [{"name": "Tee", "quantity": limits.INT32_MAX + 1}]}, "items[0].quantity"),
    ({"items": [{"name": "Tee", "quantity": -1}]}, "items[0].quantity"),
    ({"items": [{"name": "Tee", "quantity": 1, "weight": {"value": 1e9}}]}, "items[0].weight.value"),
    ({"items": [{"name": "Tee", "quantity": 1, "options": [{"name": "x" * 31, "value": "v"}]}]},
     "items[0].options[0].name"),
    ({"items": ["a tee"]}, "items[0]"),
])
def test_each_value_past_the_table_is_named(changes: dict, field: str) -> None:
    [violation] = limits.violations(_payload(**changes))
    assert violation.field == field
    assert field in violation.text() and len(violation.text()) < 200
