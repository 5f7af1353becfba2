"""The InkSoft response envelope in its three formats (JSON, JSONCamelCase, XML), with the output quirks.

Everything here is pure: a payload and the quirk switches in, a `Reply` (body, status, mimetype) out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from inkship.simulators.inksoft.times import render_dates

FORMATS = {"json": "JSON", "jsoncamelcase": "JSONCamelCase", "xml": "XML"}
PLACEHOLDER_HOST = "REPLACE_DOMAIN_WITH"
IMAGE_URL_KEYS = frozenset({"PreviewUrl", "ArtUrl", "ThumbUrl", "ImageUrl", "ProductOnlyUrl", "DesignOnlyUrl",
                            "DesignOnProductUrl"})
# What `xml_empty_not_wellformed` answers instead of XML (see state.QUIRKS).
NOT_WELLFORMED_BODIES = {"empty": "", "whitespace": "\r\n  \r\n", "text": "No orders found"}


@dataclass(frozen=True)
class Reply:
    body: str
    status: int
    mimetype: str


def camel_case(name: str) -> str:
    """Json.NET's camel casing: lower the leading run of capitals, keeping the last one before a lower
    case letter ("ID" -> "id", "OK" -> "ok", "UniqueId" -> "uniqueId", "URLValue" -> "urlValue")."""
    if not name or not name[0].isupper():
        return name
    chars = list(name)
    for i, char in enumerate(chars):
        if i == 1 and not char.isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1].isspace():
                chars[i] = char.lower()
            break
        chars[i] = char.lower()
    return "".join(chars)


def camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {camel_case(k): camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def _placeholder_url(url: str, with_scheme: str | None) -> str:
    parts = urlsplit(url if "//" in url else "//" + url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{with_scheme}://{PLACEHOLDER_HOST}{path}" if with_scheme else PLACEHOLDER_HOST + path


def placeholder_images(value: Any, mode: str) -> Any:
    """Put the `REPLACE_DOMAIN_WITH` host into image URLs: mode `https`, `http`, `bare` (no scheme), or
    `mixed` (alternating https and bare, in document order, as real stores mix them)."""
    counter = iter(range(1 << 30))

    def scheme() -> str | None:
        if mode == "mixed":
            return "https" if next(counter) % 2 == 0 else None
        return None if mode == "bare" else mode

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: _placeholder_url(v, scheme()) if k in IMAGE_URL_KEYS and isinstance(v, str) and v
                    else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(value)


def _cancel_spelling(value: Any, spelling: str) -> Any:
    if isinstance(value, dict):
        return {k: spelling if k == "Status" and v == "Canceled" else _cancel_spelling(v, spelling)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_cancel_spelling(v, spelling) for v in value]
    return value


def apply_data_quirks(data: Any, quirks: dict) -> Any:
    """Dates, the cancel spelling and image hosts of a payload as the quirk switches say."""
    data = render_dates(data, quirks["date_format"])
    if quirks["cancelled_spelling"] != "Canceled":
        data = _cancel_spelling(data, quirks["cancelled_spelling"])
    if quirks["image_domain_placeholder"]:
        data = placeholder_images(data, quirks["image_domain_placeholder"])
    return data


def _xml_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned


def _singular(name: str) -> str:
    if name.endswith(("sses", "xes")):
        return name[:-2]
    return name[:-1] if name.endswith("s") else "Item"


def _xml_element(name: str, value: Any, child_name: str | None = None) -> ET.Element:
    element = ET.Element(_xml_name(name))
    if value is None:
        element.set("nil", "true")
    elif isinstance(value, dict):
        element.extend(_xml_element(k, v) for k, v in value.items())
    elif isinstance(value, list):
        element.extend(_xml_element(child_name or _singular(name), v) for v in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)
    return element


def to_xml(envelope: dict, data_item_name: str) -> str:
    """API 2's XML shape is not public (reference §4); this one is a guess: a `<Response>` root with the
    envelope's keys as elements, list entries named by the singular of their list (`Data` entries by
    `data_item_name`), nulls as `nil="true"`, booleans as `true`/`false`."""
    root = ET.Element("Response")
    for key, value in envelope.items():
        root.append(_xml_element(key, value, data_item_name if key == "Data" else None))
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode")


def format_reply(envelope: dict, fmt: str, status: int, data_item_name: str = "Item") -> Reply:
    """Serialise an envelope in `fmt` (a value of FORMATS)."""
    if fmt == "XML":
        return Reply(to_xml(envelope, data_item_name), status, "application/xml")
    if fmt == "JSONCamelCase":
        envelope = camel_keys(envelope)
    return Reply(json.dumps(envelope, separators=(",", ":")), status, "application/json")


def data_reply(data: Any, fmt: str, quirks: dict, *, pagination: dict | None = None, is_list: bool = False,
               data_item_name: str = "Item") -> Reply:
    """A successful answer. For list methods the `empty_data_false`, `null_pagination` and
    `xml_empty_not_wellformed` quirks apply."""
    if is_list and not data:
        if fmt == "XML" and quirks["xml_empty_not_wellformed"]:
            return Reply(NOT_WELLFORMED_BODIES[quirks["xml_empty_not_wellformed"]], 200, "application/xml")
        if quirks["empty_data_false"]:
            data, pagination = False, None
    if is_list and quirks["null_pagination"]:
        pagination = None
    envelope = {"OK": True, "StatusCode": "OK", "Data": apply_data_quirks(data, quirks),
                "Pagination": pagination, "Messages": []}
    return format_reply(envelope, fmt, 200, data_item_name)


def texts_allowed(fmt: str, quirks: dict) -> bool:
    """Whether list items may be rendered one by one and kept: JSON formats, and no quirk that makes an
    item's text depend on its neighbours (`mixed` image hosts alternate through the whole answer)."""
    return fmt != "XML" and quirks["image_domain_placeholder"] != "mixed"


def item_text(item: Any, fmt: str, quirks: dict) -> str:
    """One list item as `data_reply` would write it inside `Data` (only where `texts_allowed`)."""
    data = apply_data_quirks(item, quirks)
    return json.dumps(camel_keys(data) if fmt == "JSONCamelCase" else data, separators=(",", ":"))


_SPLICE_MARK = "\x00inkship-items\x00"


def list_reply_from_texts(texts: list[str], fmt: str, quirks: dict, *, pagination: dict,
                          data_item_name: str = "Item") -> Reply:
    """`data_reply(items, is_list=True)` for items already rendered by `item_text`: the same bytes,
    without re-encoding every item on every page."""
    if not texts:
        return data_reply([], fmt, quirks, pagination=pagination, is_list=True, data_item_name=data_item_name)
    return _spliced("[" + ",".join(texts) + "]", fmt, None if quirks["null_pagination"] else pagination,
                    data_item_name)


def reply_from_texts(texts: list[str], fmt: str, *, data_item_name: str = "Item") -> Reply:
    """`data_reply(items)` (not a list method) for items rendered by `item_text`: one item answers as the
    object itself, several as an array."""
    return _spliced(texts[0] if len(texts) == 1 else "[" + ",".join(texts) + "]", fmt, None, data_item_name)


def _spliced(data_text: str, fmt: str, pagination: dict | None, data_item_name: str) -> Reply:
    envelope = format_reply({"OK": True, "StatusCode": "OK", "Data": _SPLICE_MARK, "Pagination": pagination,
                             "Messages": []}, fmt, 200, data_item_name)
    return Reply(envelope.body.replace(json.dumps(_SPLICE_MARK), data_text, 1), envelope.status,
                 envelope.mimetype)


def error_reply(http_status: int, status_code: str, message: str, fmt: str, quirks: dict) -> Reply:
    """The error envelope: `OK:false`, `Data:false`, `Pagination:null`, one message."""
    severity_key = "Serverity" if quirks["camel_severity_typo"] else "Severity"
    envelope = {"OK": False, "StatusCode": status_code, "Data": False, "Pagination": None,
                "Messages": [{"Content": message, "Title": None, severity_key: "Error"}]}
    return format_reply(envelope, fmt, http_status)
