"""The InkSoft stores one configuration serves: each `[[inksoft.stores]]` entry with the shared
settings filled in where it says nothing, or the single store of `[inksoft] base_url`.

`configured_stores(config)` is the one list every command works from (sync, status, doctor,
reconcile's `--store`); `select_stores` picks from it by name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlsplit

from inkship.connector.config import Config, InkSoftConfig, MappingConfig, StoreConfig, store_name_for
from inkship.connector.errors import ConfigError

LOGIN_FIELDS = ("username", "password", "publisher_id", "api_key")


@dataclass(frozen=True)
class Store:
    """One InkSoft store as the connector uses it."""

    name: str
    inksoft: InkSoftConfig  # the shared [inksoft] settings with this store's URL and credentials
    shipstation_store_id: int | None
    mapping: MappingConfig  # the shared [mapping] with this store's status table and order number prefix
    config_key: str  # where it is configured, for messages: `inksoft` or `inksoft.stores[1]`

    @property
    def domain(self) -> str | None:
        """The host replacing InkSoft's `REPLACE_DOMAIN_WITH` image host (inferred: the store URL's host,
        which for a white-label store is its own domain)."""
        return urlsplit(self.inksoft.base_url).netloc or None


def configured_stores(config: Config) -> list[Store]:
    """Every store of the configuration, in the order given (a single-store configuration is one)."""
    shared = config.inksoft
    if not shared.stores:
        return [Store(name=store_name_for(shared.base_url), inksoft=shared,
                      shipstation_store_id=config.shipstation.store_id, mapping=config.mapping,
                      config_key="inksoft")]
    return [_resolved(config, entry, index) for index, entry in enumerate(shared.stores)]


def _resolved(config: Config, entry: StoreConfig, index: int) -> Store:
    shared = config.inksoft
    # Credentials go together: a store giving any of its own uses none of the shared ones.
    own_login = any(getattr(entry, name) for name in LOGIN_FIELDS)
    login = {name: getattr(entry if own_login else shared, name) for name in LOGIN_FIELDS}
    inksoft = dataclasses.replace(shared, base_url=entry.base_url, stores=(), **login)
    statuses = {**config.mapping.statuses, **(entry.statuses or {})}
    prefix = (entry.order_number_prefix if entry.order_number_prefix is not None
              else config.mapping.order_number_prefix)
    return Store(
        name=entry.name or store_name_for(entry.base_url), inksoft=inksoft,
        shipstation_store_id=(entry.shipstation_store_id if entry.shipstation_store_id is not None
                              else config.shipstation.store_id),
        mapping=dataclasses.replace(config.mapping, statuses=statuses, order_number_prefix=prefix),
        config_key=f"inksoft.stores[{index}]")


def select_stores(config: Config, names: list[str] | None) -> list[Store]:
    """The configured stores named (case-insensitive), in configuration order; all when `names` is
    empty. An unknown name is a ConfigError listing the known ones (for `--store`)."""
    stores = configured_stores(config)
    if not names:
        return stores
    known = {store.name.lower(): store for store in stores}
    unknown = [name for name in names if name.lower() not in known]
    if unknown:
        raise ConfigError(f"no store named {', '.join(map(repr, unknown))}; configured stores: "
                          f"{', '.join(store.name for store in stores)}", key="--store")
    wanted = {name.lower() for name in names}
    return [store for store in stores if store.name.lower() in wanted]
