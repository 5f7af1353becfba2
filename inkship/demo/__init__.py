"""The end-to-end demo: an application of the connector and both simulators (`inkship demo`,
what `./run demo` runs). It imports both; neither imports it."""
