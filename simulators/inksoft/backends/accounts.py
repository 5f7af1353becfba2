"""Publishers, their stores and users, and the sessions SignIn opens; who may act on a store."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from inkship.simulators.credentials import SimCredentials
from inkship.simulators.inksoft.defaults import FULFILMENT_PERMISSION
from inkship.simulators.inksoft.errors import Forbidden, NotFound, Unauthorized


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: every store of this publisher is theirs."""

    publisher_id: int


def equal_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class Accounts:
    def __init__(self, credentials: SimCredentials) -> None:
        self.credentials = credentials
        self.publishers: dict[int, dict] = {}
        self.stores: dict[str, dict] = {}  # by StoreUri, lower case
        self.users: dict[str, dict] = {}  # by Username, lower case
        self.sessions: dict[str, str] = {}  # token -> username (lower case)
        self._uri_by_store_id: dict[int, str] = {}

    # -- seeding --------------------------------------------------------------------------------

    def upsert_publisher(self, publisher: dict) -> None:
        publisher_id = int(publisher["PublisherId"])
        current = self.publishers.setdefault(publisher_id, {"PublisherId": publisher_id, "Name": "",
                                                            "ApiKeys": []})
        current.update({**publisher, "PublisherId": publisher_id})

    def upsert_store(self, store: dict) -> None:
        uri = store["StoreUri"]
        current = self.stores.get(uri.lower(), {
            "StoreId": None, "StoreUri": uri, "Name": uri, "Domain": "stores.inksoft.com",
            "PublisherId": self.credentials.inksoft_publisher_id, "CustomStatuses": []})
        current = {**current, **store}
        current["StoreId"] = int(current["StoreId"])
        current["PublisherId"] = int(current["PublisherId"])
        self.publishers.setdefault(current["PublisherId"], {"PublisherId": current["PublisherId"], "Name": "",
                                                            "ApiKeys": []})
        self.stores[uri.lower()] = current
        self._uri_by_store_id.setdefault(current["StoreId"], uri.lower())

    def upsert_user(self, user: dict) -> None:
        key = user["Username"].lower()
        current = self.users.get(key, {"Email": None, "Permissions": []})
        current = {**current, **user}
        current["PublisherId"] = int(current.get("PublisherId") or self.credentials.inksoft_publisher_id)
        self.users[key] = current

    def dump(self) -> dict:
        """Passwords and keys masked, sessions only counted."""
        return {
            "publishers": [{**p, "ApiKeys": ["***" for _ in p.get("ApiKeys", [])]}
                           for p in self.publishers.values()],
            "stores": list(self.stores.values()),
            "users": [{k: v for k, v in u.items() if k != "Password"} for u in self.users.values()],
            "sessions": len(self.sessions),
        }

    # -- stores ---------------------------------------------------------------------------------

    def store(self, store_uri: str) -> dict:
        """The store at this URL slug (case-insensitive); NotFound otherwise."""
        store = self.stores.get(store_uri.lower())
        if store is None:
            raise NotFound(f"Store '{store_uri}' was not found")
        return store

    def store_or_none(self, store_uri: str) -> dict | None:
        return self.stores.get(store_uri.lower())

    def default_store(self) -> dict:
        return self.stores[self.credentials.inksoft_store.lower()]

    def stores_of(self, publisher_id: int) -> list[dict]:
        return sorted((s for s in self.stores.values() if s["PublisherId"] == publisher_id),
                      key=lambda s: s["StoreId"])

    def store_by_id(self, store_id: int) -> dict:
        """The first store seeded with this StoreId (a lookup, not a scan of every store)."""
        uri = self._uri_by_store_id.get(store_id)
        store = self.stores.get(uri) if uri is not None else None
        if store is None or store["StoreId"] != store_id:
            store = next((s for s in self.stores.values() if s["StoreId"] == store_id), None)
            if store is None:
                raise ValueError(f"no store with StoreId {store_id}")
            self._uri_by_store_id[store_id] = store["StoreUri"].lower()
        return store

    # -- auth -----------------------------------------------------------------------------------

    def authenticate(self, store_uri: str, api_key: str | None, session_token: str | None) -> Principal:
        """Who may act on this store: an API key of its publisher, or a session of a permitted user."""
        store = self.store(store_uri)
        if api_key:
            owners = {pid for pid, p in self.publishers.items()
                      for key in p.get("ApiKeys", []) if equal_secret(api_key, key)}
            if store["PublisherId"] in owners:
                return Principal(store["PublisherId"])
            raise Unauthorized("The API key is not valid for this store")
        if session_token:
            user = self._session_user(session_token)
            if user is None or user["PublisherId"] != store["PublisherId"]:
                raise Unauthorized("The session token is not valid for this store")
            _require_permission(user)
            return Principal(store["PublisherId"])
        raise Unauthorized("An ApiKey or SessionToken is required")

    def _session_user(self, token: str) -> dict | None:
        found = [user for known, user in self.sessions.items() if equal_secret(token, known)]
        return self.users.get(found[0]) if found else None

    def sign_in(self, store_uri: str, login: str, password: str, publisher_id: int) -> dict:
        """The publisher-level login (reference §3.4): a session token valid on all the publisher's stores."""
        store = self.store(store_uri)
        wanted = login.lower()
        user = next((u for u in self.users.values()
                     if wanted in (u["Username"].lower(), (u.get("Email") or "").lower())), None)
        password_ok = equal_secret(password, user["Password"] if user else secrets.token_hex(16))
        if (user is None or not password_ok or user["PublisherId"] != publisher_id
                or store["PublisherId"] != publisher_id):
            raise Unauthorized("Invalid username, password or PublisherId")
        _require_permission(user)
        token = secrets.token_urlsafe(24)
        self.sessions[token] = user["Username"].lower()
        return {"Token": token, "SessionToken": token, "PublisherId": publisher_id,
                "Username": user["Username"], "Email": user.get("Email"),
                "Permissions": list(user.get("Permissions") or [])}

    def end_sessions(self) -> int:
        count = len(self.sessions)
        self.sessions.clear()
        return count


def _require_permission(user: dict) -> None:
    if FULFILMENT_PERMISSION not in (user.get("Permissions") or []):
        raise Forbidden(f"The user does not have the {FULFILMENT_PERMISSION} permission")
