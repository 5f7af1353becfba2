"""Scenario files and their runner: the whole flow end to end, offline."""
