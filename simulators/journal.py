"""The request journal: every request a simulator served, with credentials masked.

`mask_credentials` is the one place that decides what is a secret; the journal applies it to every
entry before storing it, so nothing unmasked is ever held in memory or served by `/__sim/journal`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from inkship.secret_names import is_secret_name

MASK = "***"
BODY_LIMIT = 64 * 1024
# A long-running `inkship sim` must not grow without bound; the oldest entries go first.
MAX_ENTRIES = 50_000

_JSON_STRING_MEMBER = re.compile(r'"([^"\\]+)"(\s*:\s*)"(?:[^"\\]|\\.)*"?')

# A webhook target URL carries its receiver's secret as a path segment (ShipStation signs nothing, so
# receivers put a capability token in the URL). Long random-looking segments of any URL in a body are
# therefore masked too, as are secret-named query parameters inside such URLs.
_URL = re.compile(r"https?://[^\s\"'<>]+")
_TOKEN_SEGMENT = re.compile(
    r"(?<=/)(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?=[/?#]|$)")
_URL_QUERY_MEMBER = re.compile(r"([?&])([^=&#]+)=([^&#]*)")


def _mask_url(url: str) -> str:
    url = _URL_QUERY_MEMBER.sub(
        lambda m: f"{m.group(1)}{m.group(2)}={MASK}" if is_secret_name(m.group(2)) else m.group(0), url)
    head, sep, rest = url.partition("?")
    return _TOKEN_SEGMENT.sub(MASK, head) + sep + rest


def _mask_urls(text: str) -> str:
    return _URL.sub(lambda m: _mask_url(m.group(0)), text)


def _mask_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: MASK if is_secret_name(str(k)) and v is not None else _mask_json(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(v) for v in value]
    if isinstance(value, str):
        return _mask_urls(value)
    return value


def _mask_query(query: Mapping[str, Any]) -> dict[str, Any]:
    return {k: MASK if is_secret_name(k) else v for k, v in query.items()}


def _mask_broken_json(body: str) -> str:
    return _JSON_STRING_MEMBER.sub(
        lambda m: f'"{m.group(1)}"{m.group(2)}"{MASK}"' if is_secret_name(m.group(1)) else m.group(0), body)


def _mask_body(body: str) -> str:
    if body.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(body)
        except ValueError:
            # Truncated or invalid JSON still must not leak: mask "name": "value" members textually.
            return _mask_urls(_mask_broken_json(body))
        masked = _mask_json(parsed)
        return body if masked == parsed else json.dumps(masked)
    # Any other body may be a form; it is re-encoded only when it really carries a secret, so
    # ordinary bodies are journaled byte for byte.
    pairs = parse_qsl(body, keep_blank_values=True)
    masked = [(k, MASK if is_secret_name(k) else _mask_urls(v)) for k, v in pairs]
    if masked != pairs:
        return urlencode(masked, safe="*[]")
    return _mask_urls(body)


_URL_AT_END = re.compile(r"https?://[^\s\"'<>]*$")


def truncate_body(body: str) -> str:
    """The first BODY_LIMIT characters. A URL cut short loses its last, partial segment: it may be the
    start of a capability token, too short for the token rule to recognise."""
    if len(body) <= BODY_LIMIT:
        return body
    cut = body[:BODY_LIMIT]
    tail = _URL_AT_END.search(cut)
    if tail:
        cut = cut[:tail.start()] + _mask_url(tail.group(0).rpartition("/")[0] + "/" + MASK)
    return cut


def mask_credentials(entry: dict) -> dict:
    """Return `entry` with secrets replaced by "***" in its query, form or JSON body; drop headers."""
    masked = {k: v for k, v in entry.items() if k != "headers"}
    masked["query"] = _mask_query(entry.get("query") or {})
    masked["body"] = _mask_body(entry.get("body") or "")
    return masked


@dataclass
class JournalEntry:
    """One served request as the control plane saw it. Headers are never kept."""

    time: datetime
    method: str
    path: str
    query: dict[str, Any] = field(default_factory=dict)
    body: bytes | str = b""
    content_type: str = ""
    status: int = 0
    fault: str | None = None

    def to_dict(self) -> dict:
        body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else self.body
        return {"time": self.time.isoformat(), "method": self.method.upper(), "path": self.path,
                "query": dict(self.query), "body": body, "content_type": self.content_type,
                "status": self.status, "fault": self.fault}


class Journal:
    """Thread-safe list of masked request records with WireMock-style finding and counting."""

    def __init__(self, mask: Callable[[dict], dict] = mask_credentials) -> None:
        self._mask = mask
        self._lock = threading.Lock()
        self._entries: deque[dict] = deque(maxlen=MAX_ENTRIES)
        self._ids = itertools.count(1)

    def record(self, entry: JournalEntry) -> dict:
        # Truncate first, so masking costs at most BODY_LIMIT per request however big the body;
        # the masks read cut JSON, forms and URLs too (see `truncate_body`).
        unmasked = entry.to_dict()
        unmasked["body"] = truncate_body(unmasked["body"])
        stored = self._mask(unmasked)
        with self._lock:
            stored["id"] = next(self._ids)
            self._entries.append(stored)
        return stored

    def entries(self, method: str | None = None, path: str | None = None,
                path_prefix: str | None = None, status: int | str | None = None) -> list[dict]:
        """Entries, oldest first, matching every filter given: method (any case), exact path, path
        prefix, status (ValueError when not an integer)."""
        with self._lock:
            snapshot = list(self._entries)
        return [e for e in snapshot
                if (not method or e["method"] == method.upper())
                and (not path or e["path"] == path)
                and (not path_prefix or e["path"].startswith(path_prefix))
                and (status in (None, "") or e["status"] == int(status))]

    def count(self, method: str | None = None, path: str | None = None,
              path_prefix: str | None = None, status: int | str | None = None) -> int:
        return len(self.entries(method, path, path_prefix, status))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
