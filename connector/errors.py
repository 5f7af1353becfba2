"""One exception tree for the whole connector, so the engine decides by type what to retry.

    InkshipError
    ├── RetryableError            the same call may succeed later; the engine retries or defers
    │   ├── RateLimited           HTTP 429; .retry_after seconds (from X-Rate-Limit-Reset)
    │   ├── ServerError           HTTP 5xx
    │   ├── TransportTimeout      connect or read timeout
    │   ├── ConnectionLost        refused, reset or dropped connection
    │   ├── MalformedResponse     a 2xx whose body cannot be read (truncated JSON, not XML...)
    │   └── Stopped               the process is stopping (SIGTERM, Ctrl-C): a call not made or a wait
    │                             cut short; what was in hand stays pending for the next pass
    └── FatalError                retrying the same call will not help
        ├── ConfigError           a missing or invalid configuration key (.key names it)
        ├── AuthError             credentials refused (HTTP 401)
        ├── PermissionDenied      credentials fine, permission missing (HTTP 403)
        ├── NotFound              HTTP 404
        ├── RequestRejected       HTTP 400 and other 4xx; .details holds the API's own reasons
        ├── UnsafeResourceUrl     a URL from outside whose host is not the configured one
        └── OrderRejected         one order cannot be mapped or was refused; names order and field

Every error carries a message safe to log: no credential ever goes into one.
"""

from __future__ import annotations

from typing import Any


class InkshipError(Exception):
    """Root of every error the connector raises on purpose."""

    retryable = False

    def __init__(self, message: str, *, api: str | None = None, status: int | None = None,
                 details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.api = api
        self.status = status
        self.details = details

    def __str__(self) -> str:
        prefix = f"{self.api}: " if self.api else ""
        suffix = f" (HTTP {self.status})" if self.status else ""
        return f"{prefix}{self.message}{suffix}"


class RetryableError(InkshipError):
    retryable = True


class RateLimited(RetryableError):
    def __init__(self, message: str, *, retry_after: float = 60.0, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(RetryableError):
    pass


class TransportTimeout(RetryableError):
    pass


class ConnectionLost(RetryableError):
    pass


class MalformedResponse(RetryableError):
    pass


class Stopped(RetryableError):
    pass


class FatalError(InkshipError):
    pass


class ConfigError(FatalError):
    def __init__(self, message: str, *, key: str | None = None, **kw: Any) -> None:
        super().__init__(f"{key}: {message}" if key else message, **kw)
        self.key = key


class AuthError(FatalError):
    pass


class PermissionDenied(FatalError):
    pass


class NotFound(FatalError):
    pass


class RequestRejected(FatalError):
    pass


class UnsafeResourceUrl(FatalError):
    pass


class OrderRejected(FatalError):
    def __init__(self, message: str, *, order: str | None = None, field: str | None = None,
                 **kw: Any) -> None:
        where = " ".join(part for part in (f"order {order}" if order else "",
                                            f"field {field}" if field else "") if part)
        super().__init__(f"{where}: {message}" if where else message, **kw)
        self.order = order
        self.field = field
