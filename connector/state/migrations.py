"""Schema migrations for the state database, applied in order and tracked by `PRAGMA user_version`.

Append a step to `MIGRATIONS` to change the schema; never edit a step that has shipped.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from inkship.connector.errors import ConfigError

# Several InkSoft stores in one database: every row names its store (the configured store name), so two
# stores' order 1001 never meet. Rows written before stores existed get '' and belong to the first
# configured store (`StateStore.bind_stores` moves them there); `stores` remembers each name's URL, so a
# store renamed in the configuration keeps its rows.
STORES_STEP = [
    "ALTER TABLE links ADD COLUMN store TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX links_store_pending ON links (store, pending)",
    "ALTER TABLE ledger ADD COLUMN store TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX ledger_store_state ON ledger (store, state)",
    """CREATE TABLE store_cursors (
        store TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (store, name)
    )""",
    "INSERT INTO store_cursors (store, name, value) SELECT '', name, value FROM cursors",
    "DROP TABLE cursors",
    "ALTER TABLE store_cursors RENAME TO cursors",
    "ALTER TABLE problems ADD COLUMN store TEXT NOT NULL DEFAULT ''",
    "DROP INDEX problems_open",
    "CREATE UNIQUE INDEX problems_open ON problems (store, order_ref, kind) WHERE resolved_at IS NULL",
    "ALTER TABLE runs ADD COLUMN store TEXT NOT NULL DEFAULT ''",
    "CREATE TABLE stores (name TEXT PRIMARY KEY, base_url TEXT NOT NULL, first_seen TEXT NOT NULL)",
    """CREATE TABLE store_retries (
        store TEXT NOT NULL DEFAULT '',
        inksoft_id INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (store, inksoft_id)
    )""",
    """INSERT INTO store_retries (store, inksoft_id, attempts, next_at, reason, first_seen)
       SELECT '', inksoft_id, attempts, next_at, reason, first_seen FROM retries""",
    "DROP TABLE retries",
    "ALTER TABLE store_retries RENAME TO retries",
    "CREATE INDEX links_of_store_order ON links (store, store_id, inksoft_id)",
]

# Each step is a list of statements run in one transaction; step N leaves user_version at N.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE links (
            order_key TEXT PRIMARY KEY,
            inksoft_id INTEGER NOT NULL,
            inksoft_unique_id TEXT,
            store_id INTEGER,
            shipstation_order_id INTEGER,
            order_number TEXT,
            fingerprint TEXT,
            shipstation_status TEXT,
            pending INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX links_inksoft_id ON links (inksoft_id)",
        "CREATE INDEX links_pending ON links (pending) WHERE pending = 1",
        "CREATE TABLE cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE ledger (
            shipment_id INTEGER PRIMARY KEY,
            order_key TEXT NOT NULL,
            inksoft_id INTEGER NOT NULL,
            tracking_number TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending', 'written', 'voided', 'skipped')),
            payload TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_by TEXT,
            claim_expires TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            error TEXT
        )""",
        "CREATE INDEX ledger_state ON ledger (state)",
        """CREATE TABLE problems (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            order_ref TEXT NOT NULL,
            kind TEXT NOT NULL,
            field TEXT,
            message TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            resolved_at TEXT
        )""",
        "CREATE UNIQUE INDEX problems_open ON problems (order_ref, kind) WHERE resolved_at IS NULL",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary TEXT
        )""",
    ],
    [
        # Orders InkSoft listed but could not give (deleted or moved between the two calls, or an
        # unreadable answer): read again after a back-off, without holding back the others.
        """CREATE TABLE retries (
            inksoft_id INTEGER PRIMARY KEY,
            attempts INTEGER NOT NULL,
            next_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            first_seen TEXT NOT NULL
        )""",
        # An order keeps the orderKey it was first imported under (older versions keyed on UniqueId),
        # found by its InkSoft identity.
        "CREATE INDEX links_store_order ON links (store_id, inksoft_id)",
        "CREATE INDEX ledger_order ON ledger (order_key)",
        # When a database made by 0.1 (orders keyed `inksoft:<UniqueId>`) was first opened by a
        # version keying `inksoft:<StoreId>:<ID>`; see `KEYS_CHANGED_IN` below.
        "CREATE TABLE key_formats (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    STORES_STEP,
]

SCHEMA_VERSION = len(MIGRATIONS)
# The schema step whose version first keyed orders by store and id. REST imports keep an old key in
# their link, but the Custom Store export keeps no links: orders created before an upgrade from an
# older database may have been exported under `inksoft:<UniqueId>` and must keep that OrderID, or
# ShipStation would take them for new orders.
KEYS_CHANGED_IN = 2
UNIQUE_ID_KEYS_BEFORE = "unique_id_keys_before"


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to `SCHEMA_VERSION`; returns the version found before migrating.

    Each step runs under BEGIN IMMEDIATE and re-reads the version inside the transaction, so two
    processes opening a new database at once apply every step exactly once.
    """
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise ConfigError(f"schema version {found} is newer than this inkship understands ({SCHEMA_VERSION})",
                          key="state.database")
    for version, statements in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                conn.execute("ROLLBACK")
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    if 0 < found < KEYS_CHANGED_IN:
        conn.execute("INSERT OR IGNORE INTO key_formats (name, value) VALUES (?, ?)",
                     (UNIQUE_ID_KEYS_BEFORE, datetime.now(UTC).isoformat()))
    return found
