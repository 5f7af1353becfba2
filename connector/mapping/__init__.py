"""Pure functions: InkSoft orders into ShipStation orders, ShipStation shipments into InkSoft write-backs."""
