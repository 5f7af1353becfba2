"""Offline simulators of the InkSoft API 2 and ShipStation API v1, with a shared control plane."""
