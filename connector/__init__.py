"""inkship connector: imports InkSoft orders into ShipStation and writes shipments back, exactly once."""

__version__ = "0.1.0"
