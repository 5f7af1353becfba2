"""inkship: imports InkSoft orders into ShipStation and writes shipments back, exactly once; with
offline simulators of both APIs (`inkship.simulators`) and scenario files (`inkship.scenarios`).

The repository keeps `connector/`, `simulators/` and `scenarios/` at its top; the build maps them to
`inkship.connector`, `inkship.simulators` and `inkship.scenarios` (see setup.py)."""

__version__ = "0.2.0"
