"""Reconcile after every bundled scenario (REST transport) finds only the drift that scenario leaves on
purpose: a guard against false reports as the mapping, the engine and the simulators change."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from inkship.scenarios.loader import load_scenario
from inkship.scenarios.steps import ScenarioRun
from inkship.scenarios.tamper import run_reconcile
from inkship.scenarios.world import APIS, World

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
# Drift a scenario leaves on purpose, by file: (kind, field of a content drift).
LEFT_ON_PURPOSE: dict[str, Counter[tuple[str, str]]] = {
    # InkSoft cancelled an order ShipStation had shipped: a conflict for a person.
    "import/cancelled_after_shipped.yaml": Counter({("content", "orderStatus"): 1}),
    # A label voided after its write-back: InkSoft still shows it shipped (Complete).
    "shipback/void_after_writeback.yaml": Counter({("voided_still_shipped", ""): 1,
                                                    ("content", "orderStatus"): 1}),
}


def rest_scenarios() -> list[Path]:
    return [path for path in sorted(SCENARIOS.rglob("*.yaml"))
            if path.parent.name != "reconcile"
            and (load_scenario(path).data.get("given") or {}).get("transport", "rest") == "rest"]


@pytest.mark.parametrize("path", rest_scenarios(), ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_reconcile_after_a_scenario_finds_only_its_intended_drift(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)
    with World(scenario.data.get("given") or {}, tmp_path).start() as world:
        ScenarioRun(scenario, world).run()
        for api in APIS:
            world.control(api, "DELETE", "/faults")
        report = run_reconcile(world, {})
    found = Counter((d["kind"], d["field"] if d["kind"] == "content" else "") for d in report["drift"])
    assert found == LEFT_ON_PURPOSE.get(str(path.relative_to(SCENARIOS)), Counter()), report["drift"]
