"""Simulator of InkSoft API 2 (orders, production cards, shipments)."""
