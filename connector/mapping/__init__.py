"""Pure functions that turn InkSoft orders into ShipStation orders and ShipStation shipments into InkSoft write-backs."""
