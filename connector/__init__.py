"""inkship connector: imports InkSoft orders into ShipStation and writes shipments back, exactly once."""
