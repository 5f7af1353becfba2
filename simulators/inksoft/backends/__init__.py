"""The InkSoft simulator's resource families, one backend each (after moto): accounts (publishers, stores,
users, sessions) and orders (with their shipments). Backends hold no lock: `InkSoftState` (state.py) is the
facade that takes the lock, copies what leaves it, and delegates."""
