"""The HTTP core both API clients share: timeouts, error mapping, bounded retry, rate limits, call counts.

Every call has a total deadline (`clients/deadline.py`) besides the per-read timeout, so a server that
trickles its answer cannot hold a pass. With a `stop` signal (set by SIGTERM or Ctrl-C in `inkship run`)
no wait is sat out: a back-off, a 429's reset or the client-side limit raises `Stopped` instead, which
the engine settles like any retryable failure (left pending, resumed by the next pass).

Retries: GETs are always safe to repeat. POSTs are retried too, because every write the connector makes is
idempotent (ShipStation upserts by orderKey; the InkSoft write-back is guarded by the ledger). A caller
that must decide for itself passes `retry=False`: then only outcomes known to have changed nothing are
retried (a 429, or a connection that was never established) and anything else is raised at once.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from inkship.connector.clients.deadline import DeadlineAdapter, deadline, watch_session
from inkship.connector.errors import (
    AuthError,
    ConnectionLost,
    InkshipError,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    RequestRejected,
    RetryableError,
    ServerError,
    Stopped,
    TransportTimeout,
)
from inkship.connector.redact import redact_body, redact_url, redact_value

log = logging.getLogger("inkship.http")

T = TypeVar("T")

DEFAULT_RATE_LIMIT_WAIT = 60.0  # a 429 without a usable reset header: wait one full window
DEFAULT_DEADLINE = 120.0  # the longest one call may take, connection to last byte
WINDOW_SECONDS = 60.0
MESSAGE_LIMIT = 300


class StopSignal(Protocol):
    """What ApiHttp needs of a stop flag (`commands.signals.StopFlag` is one)."""

    @property
    def is_set(self) -> bool: ...

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True (early) once the stop is asked for."""
        ...


class SlidingWindowLimiter:
    """Never more than `per_minute` calls in any 60-second window, measured on an injectable clock."""

    def __init__(self, per_minute: int, clock: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sent: deque[float] = deque()

    def wait_needed(self) -> float:
        """Seconds to wait before the next call may go out (0 when it may go now)."""
        now = self.clock()
        # One expression (sent + window vs now) for both expiry and the wait, so float rounding cannot
        # leave a call that is neither expired nor waited for.
        while self.sent and self.sent[0] + WINDOW_SECONDS <= now:
            self.sent.popleft()
        if len(self.sent) < self.per_minute:
            return 0.0
        return self.sent[0] + WINDOW_SECONDS - now

    def record(self) -> None:
        self.sent.append(self.clock())


class ApiHttp:
    """One API's HTTP access: base URL joining, timeouts, errors mapped to `connector.errors`, retries."""

    def __init__(self, name: str, base_url: str, session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = 30.0, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, max_attempts: int = 6,
                 rng: Callable[[], float] = random.random, *, backoff_base: float = 1.0,
                 max_backoff: float = 30.0, max_wait: float = 120.0, requests_per_minute: int | None = None,
                 auth: Any = None, secrets: Iterable[str | None] = (), deadline: float = DEFAULT_DEADLINE,
                 stop: StopSignal | None = None) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/") + "/"
        self.session = session if session is not None else requests.Session()
        watch_session(self.session)
        self.timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self.deadline = deadline
        self.stop = stop
        self.sleep = sleep
        self.clock = clock
        self.max_attempts = max(1, max_attempts)
        self.rng = rng
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.max_wait = max_wait  # the cap on any single wait, backoff or rate-limit reset
        self.limiter = SlidingWindowLimiter(requests_per_minute, clock) if requests_per_minute else None
        self.auth = auth  # passed per request: the session may be shared with the other API's client
        self.secrets: list[str] = [s for s in secrets if s]
        self.calls = 0
        self.calls_by_endpoint: Counter[tuple[str, str]] = Counter()
        self.waited = 0.0  # total seconds slept, for reports and tests
        self._quiet_until: float | None = None  # set when X-Rate-Limit-Remaining reached 0
        self._counting = threading.Lock()  # calls, calls_by_endpoint and the limiter, across threads
        self._environments: dict[str, dict[str, Any]] = {}  # origin -> proxies, verify, cert (`_environment`)

    def add_secret(self, value: str | None) -> None:
        """Scrub this value (e.g. a fresh session token) from every later log line and error."""
        if value:
            self.secrets.append(value)

    def url_for(self, path_or_url: str) -> str:
        if urlsplit(path_or_url).scheme:
            return path_or_url
        return urljoin(self.base_url, path_or_url.lstrip("/"))

    def request(self, method: str, path_or_url: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, data: Mapping[str, Any] | None = None,
                retry: bool = True) -> requests.Response:
        """Make the call (with retries) and return the 2xx response; anything else raises."""
        return self.request_parsed(method, path_or_url, lambda response: response, params=params, json=json,
                                   data=data, retry=retry)

    def request_json(self, method: str, path_or_url: str, *, params: Mapping[str, Any] | None = None,
                     json: Any = None, data: Mapping[str, Any] | None = None, retry: bool = True) -> Any:
        """Like `request`, returning the decoded JSON body; an unreadable 2xx body is `MalformedResponse`."""
        return self.request_parsed(method, path_or_url, self.decode_json, params=params, json=json,
                                   data=data, retry=retry)

    def request_parsed(self, method: str, path_or_url: str, parse: Callable[[requests.Response], T], *,
                       params: Mapping[str, Any] | None = None, json: Any = None,
                       data: Mapping[str, Any] | None = None, retry: bool = True) -> T:
        """Make the call and return `parse(response)`; parsing runs inside the retry loop, so a
        `MalformedResponse` (or any `RetryableError`) raised by `parse` is retried like a 5xx."""
        url = self.url_for(path_or_url)
        attempt = 1
        while True:
            try:
                return parse(self._send_once(method, url, params=params, json=json, data=data))
            except RetryableError as error:
                if (attempt >= self.max_attempts or isinstance(error, Stopped)
                        or not (retry or _changed_nothing(error))):
                    raise
                wait = self._wait_before_retry(attempt, error)
                log.warning("%s %s %s failed (%s); attempt %d of %d, retrying in %.1f s", self.name, method,
                            self._safe_url(url), type(error).__name__, attempt, self.max_attempts, wait)
                self._pause(wait)
                attempt += 1

    def decode_json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder goes
            raise MalformedResponse(f"{response.request.method} {self._safe_url(response.url)} answered "
                                    f"{response.status_code} with a body that is not JSON: "
                                    f"{self._excerpt(response.text)!r}", api=self.name,
                                    status=response.status_code) from None

    def _send_once(self, method: str, url: str, *, params: Mapping[str, Any] | None, json: Any,
                   data: Mapping[str, Any] | None) -> requests.Response:
        self._respect_limits()
        if self.stop is not None and self.stop.is_set:
            raise Stopped(f"{method} {self._safe_url(url)} not sent: stopping", api=self.name)
        started = self.clock()
        with self._counting:  # several write-backs may be in flight from other threads
            self.calls += 1
            self.calls_by_endpoint[(method.upper(), urlsplit(url).path)] += 1
        watched = isinstance(self.session.get_adapter(url), DeadlineAdapter)
        with deadline(self.deadline) if watched else contextlib.nullcontext() as watch:
            try:
                # Redirects are not followed: a 307/308 would replay a body holding credentials to wherever
                # the Location points. A moved API is reported instead, so base_url can be corrected.
                prepared = self.session.prepare_request(requests.Request(
                    method.upper(), url, params=params or {}, json=json, data=data or {}, auth=self.auth))
                response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False,
                                             **self._environment(prepared.url or url))
            except _TRANSPORT_FAILURES as exc:
                raise self._transport_error(method, url, exc, started,
                                            past_deadline=watch is not None and watch.expired) from None
        if watch is not None and watch.expired:
            # Cut mid-headers, http.client may hand back a "complete" answer: it is not one.
            raise self._transport_error(method, url, None, started, past_deadline=True)
        self._log_call(method, response.url or url, response.status_code, started)
        self._note_rate_headers(response)
        if response.status_code >= 300:
            raise self._status_error(method, response)
        return response

    def _environment(self, url: str) -> dict[str, Any]:
        """Proxies, CA bundle and client certificate for calls to `url`'s origin, from the session and
        the environment (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE...), as `Session.request` would take
        them. Read once per origin, not per call: reading the environment cost about 0.7 ms a call."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._environments:
            self._environments[origin] = dict(
                self.session.merge_environment_settings(origin + "/", {}, None, None, None))
        return self._environments[origin]

    def _transport_error(self, method: str, url: str, exc: Exception | None, started: float, *,
                         past_deadline: bool) -> InkshipError:
        shown = f"{method} {self._safe_url(url)}"
        if past_deadline:
            # The deadline cut the connection: whatever requests saw, the cause is the time taken.
            self._log_call(method, url, "deadline", started)
            return TransportTimeout(f"{shown}: no complete answer within {self.deadline:g} s", api=self.name)
        if isinstance(exc, requests.Timeout):
            self._log_call(method, url, "timeout", started)
            return TransportTimeout(f"{shown} timed out", api=self.name,
                                    details={"connect": isinstance(exc, requests.ConnectTimeout)})
        # A body cut short of its Content-Length or a bad chunk is a connection that broke mid-reply.
        self._log_call(method, url, "connection lost", started)
        return ConnectionLost(f"{shown}: connection failed or was dropped", api=self.name)

    def _respect_limits(self) -> None:
        if self._quiet_until is not None:
            wait = self._quiet_until - self.clock()
            self._quiet_until = None
            if wait > 0:
                log.info("%s: rate-limit window used up, waiting %.1f s for it to reset", self.name, wait)
                self._pause(min(wait, self.max_wait))
        while self.limiter:
            with self._counting:  # checked and taken at once, so threads cannot overdraw the window
                wait = self.limiter.wait_needed()
                if wait <= 0:
                    self.limiter.record()
                    return
            log.info("%s: client-side limit of %d calls a minute reached, waiting %.1f s", self.name,
                     self.limiter.per_minute, wait)
            self._pause(wait)

    def _note_rate_headers(self, response: requests.Response) -> None:
        remaining = _header_number(response.headers, "X-Rate-Limit-Remaining")
        reset = _header_number(response.headers, "X-Rate-Limit-Reset")
        if remaining is not None and remaining <= 0 and reset is not None and response.status_code != 429:
            self._quiet_until = self.clock() + reset

    def _wait_before_retry(self, attempt: int, error: RetryableError) -> float:
        if isinstance(error, RateLimited):
            return min(error.retry_after, self.max_wait)
        ceiling = min(self.max_backoff, self.backoff_base * 2 ** (attempt - 1), self.max_wait)
        return self.rng() * ceiling  # "full jitter": spreads retries of many workers over the window

    def _pause(self, seconds: float) -> None:
        """Wait before a call. With a stop signal, the wait ends when it is set, raising `Stopped`."""
        if self.stop is None:
            self.sleep(seconds)
        elif self.stop.is_set or self._wait_or_stop(seconds):
            raise Stopped(f"{self.name}: stopping instead of waiting {seconds:.1f} s", api=self.name)
        self.waited += seconds

    def _wait_or_stop(self, seconds: float) -> bool:
        """True when the stop was asked for before the wait was over. A real sleep waits on the signal
        itself, so it wakes at once; an injected one (tests' simulated time) is checked after."""
        assert self.stop is not None
        if self.sleep is time.sleep:
            return self.stop.wait(seconds)
        self.sleep(seconds)
        return self.stop.is_set

    def _status_error(self, method: str, response: requests.Response) -> InkshipError:
        status = response.status_code
        try:
            body: Any = response.json()
        except (ValueError, RecursionError):
            body = self._excerpt(response.text)
        body = redact_value(body, self.secrets)
        reason = describe_error_body(body) or response.reason or "no reason given"
        if 300 <= status < 400:
            location = self._safe_url(response.headers.get("Location", "nowhere"))
            reason = f"redirected to {location}; not followed (set the base URL to the final address)"
        text = f"{method} {self._safe_url(response.url)}: {self._excerpt(reason)}"
        kw: dict[str, Any] = {"api": self.name, "status": status, "details": body}
        if status == 429:
            return RateLimited(text, retry_after=_retry_after(response.headers), **kw)
        if status >= 500:
            return ServerError(text, **kw)
        error_class = {401: AuthError, 403: PermissionDenied, 404: NotFound}.get(status, RequestRejected)
        return error_class(text, **kw)

    def _log_call(self, method: str, url: str, outcome: object, started: float) -> None:
        log.debug("%s %s %s -> %s in %.0f ms", self.name, method, self._safe_url(url), outcome,
                  (self.clock() - started) * 1000)

    def _safe_url(self, url: str) -> str:
        return redact_url(url, self.secrets)

    def _excerpt(self, text: str) -> str:
        text = redact_body(text, self.secrets)
        return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "..."


_TRANSPORT_FAILURES = (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                       requests.exceptions.ContentDecodingError)


def _changed_nothing(error: RetryableError) -> bool:
    """Outcomes after which the request certainly had no effect, so even a non-idempotent call may repeat."""
    connect_timeout = isinstance(error, TransportTimeout) and bool((error.details or {}).get("connect"))
    return isinstance(error, RateLimited) or connect_timeout


def _retry_after(headers: Mapping[str, str]) -> float:
    for name in ("X-Rate-Limit-Reset", "Retry-After"):
        seconds = _header_number(headers, name)
        if seconds is not None:
            return seconds
    return DEFAULT_RATE_LIMIT_WAIT


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        value = float(headers[name])
    except (KeyError, ValueError):
        return None
    return value if value >= 0 else None


def describe_error_body(body: Any) -> str | None:
    """The API's own reason from an error body: InkSoft `Messages[0].Content` (any casing),
    ShipStation `Message`/`ExceptionMessage`/`ModelState` or `message`."""
    if isinstance(body, str):
        return body.strip() or None
    if not isinstance(body, dict):
        return None
    lowered = {str(key).lower(): value for key, value in body.items()}
    messages = lowered.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        content = {str(k).lower(): v for k, v in messages[0].items()}.get("content")
        if content:
            return str(content)
    parts = [str(lowered[key]) for key in ("message", "exceptionmessage") if lowered.get(key)]
    model_state = lowered.get("modelstate")
    if isinstance(model_state, dict):
        parts.extend(f"{field}: {'; '.join(map(str, reasons if isinstance(reasons, list) else [reasons]))}"
                     for field, reasons in model_state.items())
    return " ".join(parts) or None
