"""Logging for the `inkship` commands: one handler on stderr and a filter that keeps secrets out.

The filter replaces every configured secret value, and anything that looks like a credential
parameter, with `***` in the final message text, whatever module logged it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

from inkship.connector.config import Config
from inkship.connector.redact import MASK, redact_text

from inkship.secret_names import secret_name_pattern

# Credential-looking parameters in free text, by the one list of secret names (inkship.secret_names):
# `apikey=...`, `"password": "..."`, `Authorization: Basic ...`.
# Values shorter than 4 characters are left alone, so "webhook.token: is required" stays readable.
_CREDENTIAL_PARAMETER = re.compile(
    r"""(?ix)
    (?P<name>["']?""" + secret_name_pattern() + r"""["']?\s*[=:]\s*["']?)
    (?P<value>(?:basic\s+|bearer\s+)?[^\s&"',;}]{4,})
    """
)


def secrets_of(config: Config | None) -> list[str]:
    """Every secret value the configuration holds."""
    if config is None:
        return []
    values = [
        config.inksoft.password, config.inksoft.api_key,
        config.shipstation.api_key, config.shipstation.api_secret,
        config.webhook.token, config.webhook.status_token, config.custom_store.password,
        *(secret for store in config.inksoft.stores for secret in (store.password, store.api_key)),
    ]
    return [v for v in values if v]


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets and credential parameters masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self.set_secrets(secrets)

    def set_secrets(self, secrets: Iterable[str]) -> None:
        self.secrets = list(secrets)

    def redact(self, text: str) -> str:
        text = redact_text(text, self.secrets)
        return _CREDENTIAL_PARAMETER.sub(lambda m: m.group("name") + MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.msg = self.redact(message)
        record.args = None
        return True


class _CurrentStderr:
    """Writes to whatever sys.stderr is now (click's test runner swaps it on every invocation)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


_FILTER = RedactingFilter()
_HANDLER_NAME = "inkship"
OUR_LOGGERS = ("connector", "inkship", "simulators", "scenarios", "werkzeug")


def setup_logging(verbosity: int = 0, config: Config | None = None) -> RedactingFilter:
    """Send our logs to stderr, redacted: warnings by default, -v info, -vv debug.

    Safe to call again (e.g. once the configuration is loaded, to add its secrets).
    """
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = logging.StreamHandler(_CurrentStderr())
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_FILTER)
        root.addHandler(handler)
    handler.setLevel(level)
    # An explicit level on werkzeug also stops it from adding its own unfiltered handler, which
    # would print request paths, webhook token included.
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(level)
    if config is not None:
        _FILTER.set_secrets(secrets_of(config))
    return _FILTER

