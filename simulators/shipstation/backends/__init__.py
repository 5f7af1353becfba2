"""The ShipStation account's resource families, one backend each (after moto): orders, labels and
shipments, fulfilments, stores, the catalog (carriers, warehouses, tags) and webhooks.

Backends hold no lock: `ShipStationState` (state.py) is the facade that takes the lock and delegates.
What they share (clock, random source, id counters, the outbox of notifications) is `Shared`.
"""
