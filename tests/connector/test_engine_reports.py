"""Run reports: counts from lines, JSON-ready dicts, human summaries, dry-run wording; crash points."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from inkship.connector.engine.crashpoints import CRASH_POINTS, SimulatedCrash, check_crash_point, maybe_crash
from inkship.connector.engine.reports import ImportReport, RunReport, ShipbackReport


def test_counts_come_from_the_lines_and_noteworthy_lines_are_listed():
    report = ImportReport(window_start=datetime(2026, 11, 2, tzinfo=UTC))
    report.add("created", "#1", "awaiting_shipment")
    report.add("created", "#2", "awaiting_shipment")
    report.add("unchanged", "#3")
    report.add("skipped", "#4", "no shipping address", field="ShippingAddress")
    assert report.counts == {"created": 2, "updated": 0, "cancelled": 0, "unchanged": 1, "skipped": 1,
                             "failed": 0, "conflict": 0}
    assert report.summary_lines() == ["Import: 2 created, 1 unchanged, 1 skipped",
                                      "  skipped: #4 [ShippingAddress]: no shipping address"]
    assert report.has_problems


def test_to_dict_is_json_ready_and_drops_empty_fields():
    report = ShipbackReport()
    report.add("written", "#9", "1Z999 (UPS Ground), 2 units", shipment_id=300000001)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["lines"] == [{"outcome": "written", "order_ref": "#9",
                              "detail": "1Z999 (UPS Ground), 2 units", "shipment_id": 300000001}]
    assert data["counts"]["written"] == 1 and data["window"] == {"start": None, "end": None}


def test_dry_run_summaries_say_what_would_happen():
    report = ImportReport(dry_run=True)
    report.add("created", "#1")
    report.add("cancelled", "#2")
    assert report.summary_lines() == ["Import (dry run): 1 would create, 1 would cancel"]
    assert ShipbackReport(dry_run=True).summary_lines() == ["Ship-back (dry run): nothing to do"]


def test_an_unknown_outcome_is_a_programming_error():
    with pytest.raises(ValueError):
        ImportReport().add("written", "#1")


def test_run_report_collects_failures_and_a_compact_summary_for_the_runs_table():
    shipback = ShipbackReport()
    shipback.add("failed", "#5", "InkSoft: timed out", shipment_id=7)
    shipback.add("voided_after_writeback", "#6", "label voided after write-back", shipment_id=8)
    run = RunReport(import_report=ImportReport(), shipback_report=shipback, error="import: InkSoft: HTTP 503")
    assert run.failed == ["failed: shipment 7 of #5: InkSoft: timed out", "import: InkSoft: HTTP 503"]
    assert not run.ok
    assert run.summary()["shipback"]["voided_after_writeback"] == 1
    assert "lines" not in run.summary()["shipback"]
    assert run.summary_lines()[-1] == "Stopped: import: InkSoft: HTTP 503"
    assert "voided after write-back: shipment 8 of #6" in "\n".join(run.summary_lines())
    assert json.loads(json.dumps(run.to_dict()))["shipback"]["counts"]["failed"] == 1


def test_crash_points_are_named_and_the_crash_escapes_exception_handlers():
    assert check_crash_point(None) is None
    assert check_crash_point("shipback.after_inksoft_write") == "shipback.after_inksoft_write"
    with pytest.raises(ValueError):
        check_crash_point("shipback.somewhere")
    for name in CRASH_POINTS:
        maybe_crash(name, None)
        maybe_crash(name, "import.after_createorders" if name != "import.after_createorders" else None)
    with pytest.raises(SimulatedCrash):
        try:
            maybe_crash("shipback.after_ledger_pending", "shipback.after_ledger_pending")
        except Exception:  # what the engine's handlers catch; a crash must go straight through
            pytest.fail("SimulatedCrash was caught as an Exception")
    with pytest.raises(ValueError):
        maybe_crash("not.a.point", None)
