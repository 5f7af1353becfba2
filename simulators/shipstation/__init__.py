"""Simulator of ShipStation API v1 (orders, shipments, labels, webhooks, stores)."""
