"""Durable state in SQLite: order links, sync cursors, the write-back ledger, problems and runs."""
