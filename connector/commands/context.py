"""What every `inkship` command shares: the global options, the configuration, the clients and
engine built from it, output in human or JSON form, and the exit codes.

Tests inject a `Runtime` through click's `obj` (`CliRunner().invoke(main, args, obj=Runtime(...))`):
its `session` is a `requests.Session` routed to the simulators (`simulators.transport.route_session`),
used by both API clients instead of the network. Nothing else sets it.

The clients, the engine and the state store are imported where they are built, not at the top: the
CLI loads this module for every command, `inkship --help` included, which needs none of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click
from inkship.connector.config import Config, load_config
from inkship.connector.errors import AuthError, ConfigError, InkshipError, PermissionDenied
from inkship.connector.logging import setup_logging

if TYPE_CHECKING:
    import requests
    from inkship.connector.clients.inksoft import InkSoftClient
    from inkship.connector.clients.shipstation import ShipStationClient
    from inkship.connector.commands.progress import ReadingBar
    from inkship.connector.engine.sync import SyncEngine
    from inkship.connector.state.store import StateStore
    from inkship.connector.stores import Store

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_FIX_CONFIG = 2


@dataclass
class Runtime:
    """Hooks for tests: a routed session, the clients' sleep between retries, and what `serve` does
    with its app (default: serve it)."""

    session: requests.Session | None = None
    sleep: Callable[[float], None] | None = None
    serve_forever: Callable[[Any, str, int], None] | None = None

    def http_options(self, **http_kw: Any) -> dict[str, Any]:
        return {"session": self.session, **({"sleep": self.sleep} if self.sleep else {}), **http_kw}


@dataclass
class CliContext:
    config_path: str | None
    as_json: bool
    verbosity: int
    runtime: Runtime
    _configs: dict[bool, Config] = field(default_factory=dict)

    def config(self, require_credentials: bool = True) -> Config:
        """The configuration (loaded once); `status` and `doctor` can do without credentials."""
        if require_credentials not in self._configs:
            config = load_config(self.config_path, require_credentials=require_credentials)
            setup_logging(self.verbosity, config)
            self._configs[require_credentials] = config
        return self._configs[require_credentials]

    def inksoft(self, store: Store | None = None, bar: ReadingBar | None = None,
                **http_kw: Any) -> InkSoftClient:
        """The InkSoft client (of `store`, else of `[inksoft]`); with `bar`, one whose import windows are
        drawn on it."""
        from inkship.connector.clients.inksoft import InkSoftClient
        from inkship.connector.commands.progress import ProgressInkSoftClient

        settings = store.inksoft if store is not None else self.config().inksoft
        if bar is not None:
            return ProgressInkSoftClient(settings, bar=bar, **self.runtime.http_options(**http_kw))
        return InkSoftClient(settings, **self.runtime.http_options(**http_kw))

    def reading_bar(self) -> ReadingBar | None:
        """A progress bar for a pass's import, when standard output is a terminal (never with --json:
        CI logs and machine output stay as they are)."""
        from inkship.connector.commands.progress import ReadingBar

        return ReadingBar() if not self.as_json and sys.stdout.isatty() else None

    def shipstation(self, **http_kw: Any) -> ShipStationClient:
        from inkship.connector.clients.shipstation import ShipStationClient

        return ShipStationClient(self.config().shipstation, **self.runtime.http_options(**http_kw))

    def state_store(self) -> StateStore:
        state = self.config().state
        return open_state_store(state.database, state.claim_seconds)

    def engine(self, bar: ReadingBar | None = None, stores: list[str] | None = None,
               **http_kw: Any) -> SyncEngine:
        """A SyncEngine on fresh clients and its own state store (`engine.close()` closes it), for the
        configured stores named in `stores` (all when empty); every store's import is drawn on `bar`.
        `http_kw` go to both clients' ApiHttp (e.g. max_attempts)."""
        from inkship.connector.engine.sync import SyncEngine

        return SyncEngine(self.config(), self.inksoft(bar=bar, **http_kw), self.shipstation(**http_kw),
                          self.state_store(), stores=stores,
                          inksoft_for=lambda store: self.inksoft(store, bar, **http_kw))

    def emit(self, data: dict[str, Any], lines: Iterable[str]) -> None:
        """Print the machine form with --json, else the human lines."""
        if self.as_json:
            # One line per document, so `run --json` gives JSON Lines.
            click.echo(json.dumps(data, sort_keys=True, default=str))
        else:
            for line in lines:
                click.echo(line)


pass_cli = click.make_pass_decorator(CliContext)


def open_state_store(database: str, claim_seconds: float | None = None) -> StateStore:
    """The state store at `state.database`, its write-back claims lasting `claim_seconds`
    (`state.claim_seconds`; None: the default); a path that cannot be created or opened is a
    configuration error naming the key and the path (exit 2), not a traceback."""
    import sqlite3

    from inkship.connector.state.store import DEFAULT_CLAIM_SECONDS, StateStore

    try:
        return StateStore(database, claim_seconds=claim_seconds or DEFAULT_CLAIM_SECONDS)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"the state database {database} cannot be created or opened: {reason}",
                          key="state.database", details={"fix": (
                              "set state.database to a file in a directory this user can write "
                              "(the directory is created when missing)")}) from None


def _own_fix(exc: InkshipError) -> str | None:
    """The fix an error names itself (`details={"fix": ...}`): a missing file, an unknown key..."""
    return exc.details.get("fix") if isinstance(exc.details, dict) else None


def _set_key_hint(key: str | None) -> str:
    env = "INKSHIP_" + key.replace(".", "_").upper() if key else "INKSHIP_<SECTION>_<KEY>"
    return (f"set {key or 'the named key'} in the config file (--config or INKSHIP_CONFIG) "
            f"or the {env} variable")


def fix_hint(exc: InkshipError) -> str:
    """Plain words on what to change, by error type and API."""
    api = (exc.api or "").lower()
    if own := _own_fix(exc):
        return own
    if isinstance(exc, ConfigError) and isinstance(exc.details, list):
        # Several problems: each one's own fix, then the general one for keys to set.
        fixes = dict.fromkeys(_own_fix(problem) or _set_key_hint(None)
                              for problem in exc.details if isinstance(problem, InkshipError))
        return "; ".join(fixes)
    if isinstance(exc, ConfigError):
        return _set_key_hint(exc.key)
    if isinstance(exc, PermissionDenied):
        if "inksoft" in api:
            return ("give the InkSoft user the Fulfillment Store Admin permission "
                    "(InkSoft admin > Users), or use an API key")
        return "use credentials allowed to do this"
    if isinstance(exc, AuthError):
        if "inksoft" in api:
            return ("check inksoft.api_key, or inksoft.username, inksoft.password and "
                    "inksoft.publisher_id (shown at the bottom right of InkSoft's admin pages)")
        if "shipstation" in api:
            return ("check shipstation.api_key and shipstation.api_secret "
                    "(ShipStation > Settings > Account > API Settings; v1 keys, not v2)")
        return "check the credentials in the configuration"
    return ""


def fail(ctx: click.Context, exc: InkshipError) -> None:
    """Report a configuration or authentication error (exit 2) or another fatal one (exit 1)."""
    to_fix = isinstance(exc, ConfigError | AuthError | PermissionDenied)
    code = EXIT_FIX_CONFIG if to_fix else EXIT_SOME_FAILED
    hint = fix_hint(exc)
    cli = ctx.find_object(CliContext)
    if cli is not None and cli.as_json:
        click.echo(json.dumps({"ok": False, "error": str(exc), "kind": type(exc).__name__,
                               "key": getattr(exc, "key", None), "fix": hint or None}))
    else:
        click.echo(f"error: {exc}", err=True)
        if hint:
            click.echo(f"fix: {hint}", err=True)
    ctx.exit(code)


def exit_with(code: int) -> None:
    click.get_current_context().exit(code)
