"""Product image URLs ShipStation can load, from what InkSoft writes (its `REPLACE_DOMAIN_WITH` host,
scheme-less and root-relative URLs). Pure."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from inkship.connector.mapping import fields as f

_PLACEHOLDER_URL = re.compile(
    rf"^(?:(https?):)?(?://)?{f.IMAGE_HOST_PLACEHOLDER}(?=[/?#:]|$)", re.IGNORECASE)
_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?=[/?#]|$)")


def resolve_image_url(url: str | None, store_domain: str | None) -> str | None:
    """An image URL ShipStation can load, or None.

    InkSoft leaves `REPLACE_DOMAIN_WITH` as the host, with or without a scheme: it becomes the store's
    domain. A URL without a scheme gets https. Without a domain to put in, a placeholder or
    root-relative URL is dropped rather than guessed; so is anything that is not http(s).
    """
    if not url:
        return None
    domain = store_domain.split("://")[-1].strip("/") if store_domain else None
    placeholder = _PLACEHOLDER_URL.match(url)
    if placeholder:
        return f"{placeholder.group(1) or 'https'}://{domain}{url[placeholder.end():]}" if domain else None
    if url.startswith("//"):
        return f"https:{url}"
    if url.startswith("/"):
        return f"https://{domain}{url}" if domain else None
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    return f"https://{url}" if _BARE_HOST.match(url) else None
