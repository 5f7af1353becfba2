"""What a run did, order by order: reports for the import pass, the ship-back pass and a whole run,
as JSON-ready dicts (`--json`) and as short lines for humans."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

# Outcomes in the order a human reads them; the ones in NOTEWORTHY get a line each in summaries.
IMPORT_OUTCOMES = ("created", "updated", "cancelled", "unchanged", "skipped", "failed", "conflict")
SHIPBACK_OUTCOMES = ("written", "duplicate", "voided", "voided_after_writeback", "skipped", "failed",
                     "pending", "ignored", "refused")
NOTEWORTHY = frozenset({"skipped", "failed", "conflict", "pending", "voided_after_writeback", "refused"})
# Outcomes that leave work for a later pass (or the operator): a pass with any of them exits 1.
UNFINISHED = frozenset({"failed", "conflict", "pending"})

_LABELS = {"voided": "voided before write-back (not written)",
           "voided_after_writeback": "voided after write-back",
           "duplicate": "duplicates ignored"}
_DRY_RUN_VERBS = {"created": "would create", "updated": "would update", "cancelled": "would cancel",
                  "written": "would write back"}


@dataclass(slots=True)  # a line per order of the window: no __dict__ each
class ReportLine:
    outcome: str
    order_ref: str
    detail: str = ""
    field: str | None = None
    shipment_id: int | None = None
    store: str | None = None  # set when several stores' lines are shown together

    def to_dict(self) -> dict[str, Any]:
        return {f.name: v for f in dataclasses.fields(self) if (v := getattr(self, f.name)) not in (None, "")}

    def text(self) -> str:
        what = f"shipment {self.shipment_id} of {self.order_ref}" if self.shipment_id else self.order_ref
        where = f" [{self.field}]" if self.field else ""
        of_store = f"store {self.store} " if self.store else ""
        text = f"{_LABELS.get(self.outcome, self.outcome)}: {of_store}{what}{where}"
        return f"{text}: {self.detail}" if self.detail else text


@dataclass
class _PassReport:
    """Lines per outcome plus the counts derived from them."""

    OUTCOMES: ClassVar[tuple[str, ...]] = ()
    TITLE: ClassVar[str] = ""

    dry_run: bool = False
    lines: list[ReportLine] = field(default_factory=list)
    window_start: datetime | None = None
    window_end: datetime | None = None

    def add(self, outcome: str, order_ref: str, detail: str = "", *, field: str | None = None,
            shipment_id: int | None = None) -> ReportLine:
        if outcome not in self.OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        line = ReportLine(outcome, order_ref, detail, field, shipment_id)
        self.lines.append(line)
        return line

    def extend_from(self, other: _PassReport, store: str) -> None:
        """Add another store's lines, each naming that store."""
        self.lines.extend(dataclasses.replace(line, store=store) for line in other.lines)
        self.window_start = min(filter(None, (self.window_start, other.window_start)), default=None)
        self.window_end = max(filter(None, (self.window_end, other.window_end)), default=None)

    def of(self, outcome: str) -> list[ReportLine]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def counts(self) -> dict[str, int]:
        return {outcome: len(self.of(outcome)) for outcome in self.OUTCOMES}

    @property
    def unfinished(self) -> bool:
        return any(line.outcome in UNFINISHED for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.outcome in NOTEWORTHY for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "window": {"start": _iso(self.window_start), "end": _iso(self.window_end)},
            "counts": self.counts,
            "lines": [line.to_dict() for line in self.lines],
        }

    def summary_lines(self) -> list[str]:
        counted = [f"{n} {_DRY_RUN_VERBS.get(o, o) if self.dry_run else _LABELS.get(o, o)}"
                   for o, n in self.counts.items() if n]
        head = f"{self.TITLE}{' (dry run)' if self.dry_run else ''}: {', '.join(counted) or 'nothing to do'}"
        return [head] + ["  " + line.text() for line in self.lines if line.outcome in NOTEWORTHY]


@dataclass
class ImportReport(_PassReport):
    OUTCOMES: ClassVar[tuple[str, ...]] = IMPORT_OUTCOMES
    TITLE: ClassVar[str] = "Import"


@dataclass
class ShipbackReport(_PassReport):
    OUTCOMES: ClassVar[tuple[str, ...]] = SHIPBACK_OUTCOMES
    TITLE: ClassVar[str] = "Ship-back"

    def merge(self, other: ShipbackReport) -> None:
        self.lines.extend(other.lines)


@dataclass
class RunReport:
    """One `sync`: both passes, and the fatal error that stopped it, if any."""

    import_report: ImportReport | None = None
    shipback_report: ShipbackReport | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    dry_run: bool = False
    store: str | None = None  # the store this run was for, when there are several
    stores: list[RunReport] = field(default_factory=list)  # a run over several stores: each one's run

    @classmethod
    def of_stores(cls, parts: list[RunReport], **fields: Any) -> RunReport:
        """One report for a run over several stores: their lines together (each naming its store), the
        errors of the stores that failed, and each store's own report under `stores`."""
        combined = cls(stores=parts, **fields)
        for part in parts:
            name = part.store or ""
            if part.import_report is not None:
                combined.import_report = combined.import_report or ImportReport(dry_run=part.dry_run)
                combined.import_report.extend_from(part.import_report, name)
            if part.shipback_report is not None:
                combined.shipback_report = combined.shipback_report or ShipbackReport(dry_run=part.dry_run)
                combined.shipback_report.extend_from(part.shipback_report, name)
        failed = [f"store {part.store}: {part.error}" for part in parts if part.error]
        combined.error = "; ".join(failed) or None
        return combined

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def failed(self) -> list[str]:
        """What failed, one text each: failed orders and shipments, and a pass that failed whole."""
        lines = [line.text() for report in (self.import_report, self.shipback_report) if report
                 for line in report.of("failed")]
        return lines + ([self.error] if self.error else [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "error": self.error,
            "import": self.import_report.to_dict() if self.import_report else None,
            "shipback": self.shipback_report.to_dict() if self.shipback_report else None,
            **({"store": self.store} if self.store else {}),
            **({"stores": {part.store: part.to_dict() for part in self.stores}} if self.stores else {}),
        }

    def summary(self) -> dict[str, Any]:
        """The compact record kept in the runs table: counts, no per-order lines."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "error": self.error,
            "import": self.import_report.counts if self.import_report else None,
            "shipback": self.shipback_report.counts if self.shipback_report else None,
            **({"store": self.store} if self.store else {}),
        }

    def summary_lines(self) -> list[str]:
        if self.stores:
            return [line for part in self.stores
                    for line in [f"Store {part.store}:", *("  " + text for text in part.summary_lines())]]
        lines: list[str] = []
        for report in (self.import_report, self.shipback_report):
            if report is not None:
                lines.extend(report.summary_lines())
        if self.error:
            lines.append(f"Stopped: {self.error}")
        return lines


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
