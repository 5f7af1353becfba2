"""`inkship doctor`: checks the configuration, reaches both APIs, verifies the credentials, the
InkSoft user's fulfilment permission and the ShipStation store (for each configured InkSoft store: its
URL and credentials, and the ShipStation store it feeds), and says in plain words what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import click
from inkship.connector.commands.context import (
    EXIT_FIX_CONFIG,
    EXIT_OK,
    CliContext,
    exit_with,
    fix_hint,
    pass_cli,
)
from inkship.connector.errors import ConfigError, InkshipError, NotFound, RetryableError
from inkship.connector.stores import Store, configured_stores

OK, WARN, FAIL = "ok", "warn", "fail"
# A check answers within seconds: one retry, not minutes of backoff against an unreachable host.
CHECK_HTTP_ATTEMPTS = 2


@dataclass
class Check:
    name: str
    outcome: str
    detail: str
    fix: str = ""

    def lines(self) -> list[str]:
        mark = {OK: "[ ok ]", WARN: "[warn]", FAIL: "[FAIL]"}[self.outcome]
        return [f"{mark} {self.name}: {self.detail}"] + ([f"       fix: {self.fix}"] if self.fix else [])


def _guarded(name: str, check: Callable[[], Check], unreachable_fix: str) -> Check:
    """Run one check; a connector error becomes a failed check with the fix to make."""
    try:
        return check()
    except RetryableError as exc:
        return Check(name, FAIL, f"cannot reach it: {exc}", unreachable_fix)
    except InkshipError as exc:
        return Check(name, FAIL, str(exc), fix_hint(exc))


def check_inksoft(cli: CliContext, store: Store, several: bool) -> Check:
    """One store's URL, credentials and fulfilment permission (`InkSoft store <name>` when several)."""
    config = store.inksoft
    name = f"InkSoft store {store.name}" if several else "InkSoft"

    def check() -> Check:
        access = cli.inksoft(store=store, max_attempts=CHECK_HTTP_ATTEMPTS).check_access()
        how = "API key" if config.api_key else f"user {config.username}"
        found = access.get("store_name") or access.get("store_uri") or config.base_url
        return Check(name, OK, f"{how} accepted with fulfilment access to store {found!r} "
                               f"({config.base_url})")

    return _guarded(name, check, f"check {store.config_key}.base_url ({config.base_url}) and the network")


def _store_label(store: dict) -> str:
    return f"{store.get('storeId')} \"{store.get('storeName')}\" ({store.get('marketplaceName')})"


def check_shipstation(cli: CliContext, store: Store, several: bool) -> Check:
    """The ShipStation store one InkSoft store's orders go to (`... for <name>` when several)."""
    config = cli.config().shipstation
    store_id = store.shipstation_store_id
    name = f"ShipStation store for {store.name}" if several else "ShipStation store"
    # Where the store id is set: the store's own entry, or the shared shipstation.store_id.
    key = (f"{store.config_key}.shipstation_store_id" if store.config_key != "inksoft"
           and store_id != config.store_id else "shipstation.store_id")

    def check() -> Check:
        client = cli.shipstation(max_attempts=CHECK_HTTP_ATTEMPTS)
        if store_id is not None:
            try:
                found = client.get_store(store_id)
            except NotFound:
                stores = client.list_stores()
                return Check(name, FAIL, f"store {store_id} does not exist",
                             f"set {key} to one of: " + "; ".join(_store_label(s) for s in stores))
            if found.get("active") is False:
                return Check(name, FAIL, f"store {_store_label(found)} is inactive",
                             f"reactivate it in ShipStation or pick another {key}")
            return Check(name, OK, f"credentials accepted; orders go to {_store_label(found)}")
        stores = client.list_stores()
        manual = [s for s in stores if "manual" in str(s.get("marketplaceName", "")).lower()]
        pick = (manual or stores)[:1]
        return Check(
            name, WARN,
            f"credentials accepted; {key} is not set, so new orders go to the account's first manual store",
            (f"set {key} to " + _store_label(pick[0]) if pick else
             f"create a manual store in ShipStation, then set {key}")
            + (f" (stores: {'; '.join(_store_label(s) for s in stores)})" if len(stores) > 1 else ""))

    return _guarded(name, check, f"check shipstation.base_url ({config.base_url}) and the network")


def check_state(cli: CliContext) -> Check:
    path = cli.config().state.database
    try:
        cli.state_store().close()
    except Exception as exc:  # any failure to open the database is the finding
        return Check("state database", FAIL, f"cannot open {path}: {exc}",
                     "set state.database to a writable path")
    return Check("state database", OK, path)


def check_webhook(cli: CliContext) -> Check:
    config = cli.config()
    webhook = config.webhook
    if not webhook.token:
        consequence = ("the SHIP_NOTIFY receiver stays off (the Custom Store endpoint still runs)"
                       if config.custom_store.enabled else "`inkship serve` will not start")
        return Check("webhook", WARN, f"webhook.token is not set: {consequence}",
                     "set webhook.token to a long random string (e.g. `python -c \"import secrets; "
                     "print(secrets.token_urlsafe(32))\"`); ShipStation signs nothing")
    if len(webhook.token) < 16:
        return Check("webhook", WARN, "webhook.token is short and guessable",
                     "use at least 16 random characters")
    if not webhook.public_url:
        return Check("webhook", WARN, "webhook.public_url is not set: polling only until it is",
                     "set webhook.public_url to the https URL where ShipStation can reach `inkship serve`")
    return Check("webhook", OK, f"{webhook.public_url.rstrip('/')}/webhooks/shipstation/<webhook.token>")


def _config_checks(cli: CliContext) -> tuple[list[Check], bool]:
    """The configuration's own problems, one check each; and whether the APIs can be tried."""
    try:
        config = cli.config(require_credentials=False)
    except ConfigError as exc:
        problems = exc.details if isinstance(exc.details, list) else [exc]
        return [Check("configuration", FAIL, str(p), fix_hint(p)) for p in problems], False
    missing = config.credential_problems()
    source = cli.config_path or "environment only"
    if missing:
        return [Check("credentials", FAIL, str(p), fix_hint(p)) for p in missing], False
    return [Check("configuration", OK, source)], True


@click.command()
@pass_cli
def doctor(cli: CliContext) -> None:
    """Check the configuration, both APIs, the credentials, permissions and store; say what to fix."""
    checks, can_connect = _config_checks(cli)
    if can_connect:
        stores = configured_stores(cli.config())
        several = len(stores) > 1
        checks += [check(cli, store, several)
                   for store in stores for check in (check_inksoft, check_shipstation)]
        checks += [check_state(cli), check_webhook(cli)]
    all_good = all(c.outcome != FAIL for c in checks)
    summary = "all good" if all_good else "fix the items marked FAIL, then run `inkship doctor` again"
    cli.emit({"ok": all_good, "checks": [asdict(c) for c in checks]},
             [line for c in checks for line in c.lines()] + [summary])
    exit_with(EXIT_OK if all_good else EXIT_FIX_CONFIG)
