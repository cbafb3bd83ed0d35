"""Deals from a CRM export, kept in step on every re-import.

A deal is keyed by its CRM id (``sf-…``/``hs-…``), so importing the next week's export updates it
in place. A changed pipeline stage becomes a move in the deal's history — a move back too, which is
how a buyer's loop shows up in the CRM — and closing it won or lost sends it to the results or
win-back stage. Rows that cannot be read are reported by row number and field; the rest import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kb.crm.exports import CrmDeal, CrmExport
from kb.crm.stage_map import StageMap
from kb.errors import LoadError
from kb.models import Deal, utcnow
from kb.progress import ProgressFn, no_progress
from kb.services import deals

CRM_NAMES = {"salesforce": "Salesforce", "hubspot": "HubSpot"}


@dataclass
class DealImportReport:
    source: str
    crm: str
    created: int = 0
    updated: int = 0
    moved: int = 0
    moved_back: int = 0
    unchanged: int = 0
    errors: list[LoadError] = field(default_factory=list)  # rows skipped
    notes: list[LoadError] = field(default_factory=list)  # said, but every row was read
    deal_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source, "crm": self.crm, "created": self.created, "updated": self.updated,
            "moved": self.moved, "moved_back": self.moved_back, "unchanged": self.unchanged,
            "skipped": len(self.errors), "errors": [str(e) for e in self.errors],
            "notes": [str(e) for e in self.notes],
        }  # fmt: skip


def _stage_of(row: CrmDeal, stage_map: StageMap, report: DealImportReport) -> str | None:
    journey = stage_map.journey_stage(row.crm, row.stage)
    if journey is None:
        report.errors.append(LoadError(
            report.source, f"unknown {CRM_NAMES[row.crm]} stage {row.stage!r}: map it to a journey stage in "
            f"{stage_map.source} [{row.crm}]; the row was skipped", row.row, "Stage",
        ))  # fmt: skip
    return journey


def _follow(session: Session, row: CrmDeal, journey: str, status: str, report: DealImportReport, at: datetime) -> bool:
    """Bring an existing deal to the CRM's stage and status; True when anything changed."""
    deal = session.get(Deal, row.deal_id)
    assert deal is not None
    note = f"{CRM_NAMES[row.crm]}: {row.stage}"
    start_stage, start_status = deal.stage, deal.status
    if deal.status != status:
        # Closing sends the deal to results/win-back; reopening keeps the stage, then moves below.
        deals.set_status(session, row.deal_id, status, note=note, at=at, follow=status != "open")
    if deal.stage != journey:
        deals.move_stage(session, row.deal_id, journey, note=note, at=at)
    if deal.stage != start_stage:
        order = deals.stage_order(session)
        report.moved += 1
        if start_stage in order and deal.stage in order and order.index(deal.stage) < order.index(start_stage):
            report.moved_back += 1
    return deal.stage != start_stage or deal.status != start_status


def import_deals(session: Session, export: CrmExport, stage_map: StageMap, *, at: datetime | None = None,
                 progress: ProgressFn = no_progress) -> DealImportReport:
    """Create or update one deal per row, in this one transaction."""
    report = DealImportReport(export.source, export.crm, errors=list(export.errors), notes=list(export.notes))
    at = at or utcnow()
    ids = [row.deal_id for row in export.deals]
    existing: set[str] = set()
    for start in range(0, len(ids), 1000):  # one query per thousand, and the deals stay in the session
        existing.update(d.id for d in session.scalars(select(Deal).where(Deal.id.in_(ids[start:start + 1000]))))
    new: list[deals.NewDeal] = []
    for n, row in enumerate(export.deals):
        if n % 500 == 0:
            progress(n, len(export.deals), "Importing deals")
        journey = _stage_of(row, stage_map, report)
        if journey is None:
            continue
        status = stage_map.status_for(journey)
        if row.deal_id not in existing:
            new.append(deals.NewDeal(row.deal_id, row.name, row.account, row.owner, journey, status,
                                     f"Imported from {CRM_NAMES[row.crm]}: {row.stage}"))
            existing.add(row.deal_id)
            report.created += 1
            report.deal_ids.append(row.deal_id)
            continue
        current = session.get(Deal, row.deal_id)  # loaded above: no query
        if current is not None and (current.stage, current.status) == (journey, status) and all(
                not new or getattr(current, attr) == new
                for attr, new in (("name", row.name), ("account", row.account), ("owner", row.owner))):
            report.unchanged += 1  # most rows of a weekly re-import: nothing to look up
            continue
        renamed = deals.update_details(session, row.deal_id, name=row.name, account=row.account, owner=row.owner)
        if _follow(session, row, journey, status, report, at) | renamed:
            report.updated += 1
            report.deal_ids.append(row.deal_id)
        else:
            report.unchanged += 1
    deals.create_many(session, new, at=at)
    report.errors.sort(key=lambda e: e.line or 0)  # in row order, whichever step found them
    progress(len(export.deals), len(export.deals), "Imported")
    return report
