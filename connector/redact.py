"""Secret redaction for logs, error messages and reports: by parameter name and by known value.

Every log line and exception text the connector builds from a URL, a query or a body goes through here.
Which names carry credentials is decided once, for the simulators too, in `inkship.secret_names`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from inkship.secret_names import is_secret_name

MASK = "***"

# Values shorter than this are not scrubbed by value: masking "1" or "ab" everywhere would wreck the text
# and such a value is no secret worth the name anyway.
MIN_SECRET_LENGTH = 4


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Replace every occurrence of each known secret value in free text by the mask."""
    for secret in sorted((s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def redact_value(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """Redact a decoded JSON-like value: secret-named keys masked, known secret values scrubbed."""
    secrets = tuple(secrets)
    if isinstance(value, Mapping):
        return {key: (MASK if is_secret_name(str(key)) and item not in (None, "") else
                      redact_value(item, secrets)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item, secrets) for item in value]
    if isinstance(value, str):
        return redact_text(value, secrets)
    return value


def redact_query(query: str, secrets: Iterable[str | None] = ()) -> str:
    """Redact a form-encoded string (a URL query or an x-www-form-urlencoded body)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [(key, MASK if is_secret_name(key) else value) for key, value in pairs]
    return redact_text(urlencode(masked, safe="[]{}:,\"*"), secrets)


def redact_url(url: str, secrets: Iterable[str | None] = ()) -> str:
    """Redact a URL: password in the user-info part and secret-named query parameters."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", f":{MASK}@", 1)
    return redact_text(urlunsplit(parts._replace(netloc=netloc, query=redact_query(parts.query))), secrets)


def redact_body(body: str | bytes | None, secrets: Iterable[str | None] = ()) -> str:
    """Redact a request or response body of unknown kind: JSON, form-encoded or plain text."""
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        return json.dumps(redact_value(json.loads(text), secrets))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the decoder goes
        pass
    if "=" in text and not any(ch.isspace() for ch in text.strip()):
        return redact_query(text, secrets)
    return redact_text(text, secrets)


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs known secret values from every record it sees.

    Attach it to a handler (`handler.addFilter(RedactingFilter(secrets))`) as the last line of defence;
    the connector's own log calls already pass redacted text.
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
