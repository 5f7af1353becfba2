"""The InkSoft simulator's quirk switches: what each reproduces, its default and the values it takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inkship.simulators.inksoft.render import NOT_WELLFORMED_BODIES
from inkship.simulators.inksoft.times import DATE_FORMATS


@dataclass(frozen=True)
class Quirk:
    default: Any
    choices: tuple
    doc: str
    # Friendlier spellings accepted on input (`true` for the usual variant of a multi-valued switch).
    aliases: tuple[tuple[Any, Any], ...] = ()


# Every quirk switch, set by config `quirks` or `POST /__sim/quirks`. Defaults are the documented
# normal behaviour; each switch reproduces something InkSoft (or ShipStation's view of it) is known to do.
QUIRKS: dict[str, Quirk] = {
    "image_domain_placeholder": Quirk(
        False, (False, "mixed", "https", "http", "bare"),
        "Image URLs (PreviewUrl, DesignOnProductUrl, ...) carry the placeholder host REPLACE_DOMAIN_WITH, "
        "as InkSoft's own samples show: `https`/`http` with that scheme, `bare` without any, `mixed` "
        "(or true) alternating both. Clients must substitute the store's domain.",
        ((True, "mixed"),)),
    "empty_data_false": Quirk(
        False, (False, True),
        "A list method with nothing to return answers `Data:false` and `Pagination:null` instead of `[]`."),
    "null_pagination": Quirk(
        False, (False, True), "List methods answer `Pagination:null` even with results."),
    "cancelled_spelling": Quirk(
        "Canceled", ("Canceled", "Cancelled"),
        "How `Status` spells a cancelled order: the typed enum's `Canceled` (default) or `Cancelled`, "
        "the spelling of the workflow boolean.", ((True, "Cancelled"), (False, "Canceled"))),
    "date_format": Quirk(
        "iso_z", DATE_FORMATS,
        "Response dates: `iso_z` (2026-10-02T17:41:09Z, default), `naive` (no zone, meaning UTC) or "
        "`dotnet` (/Date(ms)/). The real format is unknown (reference section 7)."),
    "xml_empty_not_wellformed": Quirk(
        False, (False, *NOT_WELLFORMED_BODIES),
        "With Format=XML and no matching orders, answer HTTP 200 with a body that is not well-formed XML: "
        "`empty` (or true), `whitespace`, or `text` (a bare message). This is what ShipStation reports as "
        "'Error in XML' when an InkSoft account has no orders waiting.", ((True, "empty"),)),
    "camel_severity_typo": Quirk(
        False, (False, True), "Error messages carry the key `Serverity` (sic) instead of `Severity`."),
}


def normalize_quirks(changes: dict) -> dict:
    """Validated quirk values; raises ValueError naming an unknown switch or value."""
    result = {}
    for name, value in changes.items():
        quirk = QUIRKS.get(name)
        if quirk is None:
            raise ValueError(f"unknown quirk {name!r}; known: {', '.join(QUIRKS)}")
        value = next((to for given, to in quirk.aliases if value is given), value)
        # `type(...) is` keeps 1 and 0 from passing for True and False.
        if not any(type(value) is type(choice) and value == choice for choice in quirk.choices):
            raise ValueError(f"quirk {name!r} takes one of {list(quirk.choices)}, not {value!r}")
        result[name] = value
    return result
