"""Which configured InkSoft store each row of the state database belongs to, as the configuration
changes: a store renamed keeps its rows (matched by its URL), and the rows of a database from before
stores existed (store '') go to the first configured store."""

from __future__ import annotations

import sqlite3

# Every table whose rows name their store (`stores` itself is kept apart).
MOVE_ROWS = tuple(f"UPDATE OR IGNORE {table} SET store = ? WHERE store = ?"  # noqa: S608 -- fixed names
                  for table in ("links", "ledger", "cursors", "problems", "runs", "retries"))


def same_url(url: str) -> str:
    """A store URL as compared: case and a trailing slash do not make another store."""
    return url.strip().rstrip("/").lower()


def bind_stores(conn: sqlite3.Connection, stores: list[tuple[str, str]], now: str) -> None:
    """Record the configured stores `(name, base_url)` (inside the caller's transaction)."""
    if not stores:
        return
    known = {row["name"]: row["base_url"] for row in conn.execute("SELECT name, base_url FROM stores")}
    configured = {name for name, _ in stores}
    for name, url in stores:
        if name in known:
            conn.execute("UPDATE stores SET base_url = ? WHERE name = ?", (url, name))
            continue
        renamed = next((old for old, old_url in known.items()
                        if old not in configured and same_url(old_url) == same_url(url)), None)
        if renamed is not None:
            _move_rows(conn, renamed, name)
            conn.execute("UPDATE stores SET name = ?, base_url = ? WHERE name = ?", (name, url, renamed))
            del known[renamed]
        else:
            conn.execute("INSERT INTO stores (name, base_url, first_seen) VALUES (?, ?, ?)", (name, url, now))
        known[name] = url
    _move_rows(conn, "", stores[0][0])


def _move_rows(conn: sqlite3.Connection, old: str, new: str) -> None:
    # OR IGNORE: a cursor or open problem the new name has already keeps its own (the newer) value.
    for statement in MOVE_ROWS:
        conn.execute(statement, (new, old))
    conn.execute("DELETE FROM cursors WHERE store = ?", (old,))
