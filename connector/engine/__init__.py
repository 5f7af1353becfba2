"""The sync engine: the import pass, the ship-back pass and one whole run."""
